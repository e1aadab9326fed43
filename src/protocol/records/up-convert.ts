// Up-conversion of legacy message sets (magic 0/1, sent with Produce v0-2) to one RecordBatch v2,
// as Kafka's LogValidator does since the v2 format became the only one on disk: every record keeps
// its key, value and timestamp (magic 0 has none: -1), offsets are reassigned by the log, and the
// batch is compressed with the codec of the producer's wrapper message.
//
// Why serve such old requests at all: librdkafka (through 2.11) turns on gzip, snappy and lz4 only
// when the broker's Produce range includes v0, so a broker that advertises v3+ alone receives
// uncompressed data from kcat and every librdkafka-based client.

import { DecodeError } from '../reader.js';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, decodeRecordBatches, encodeRecordBatch } from './record-batch.js';

/** Thrown when the message set is well-formed but not acceptable (Kafka: INVALID_RECORD). */
export class InvalidRecordError extends Error {
  readonly code = 'MQ_ERR_INVALID_RECORD';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

/**
 * Converts a Produce v0-2 message set to one v2 batch. Throws DecodeError for malformed bytes or a
 * bad CRC (Kafka: CORRUPT_MESSAGE) and InvalidRecordError for v2 batches or an empty set.
 */
export function upConvertMessageSet(messageSet: Buffer): Buffer {
  // Produce requests carry whole entries: a truncated last one is corruption, not a partial read.
  let pos = 0;
  while (pos < messageSet.length) {
    if (messageSet.length - pos < LOG_OVERHEAD + 1 + MAGIC_OFFSET - LOG_OVERHEAD) throw new DecodeError('truncated message set entry', pos);
    const magic = messageSet.readInt8(pos + MAGIC_OFFSET);
    if (magic > 1) throw new InvalidRecordError(`Produce requests with version below 3 must use message format v0 or v1, got magic ${magic}`);
    pos += LOG_OVERHEAD + messageSet.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  }
  if (pos !== messageSet.length) throw new DecodeError('truncated message set entry', messageSet.length);
  const entries = decodeRecordBatches(messageSet);
  const records = entries.flatMap((e) => e.records).map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }));
  if (records.length === 0) throw new InvalidRecordError('Produce request contains no records');
  return encodeRecordBatch(records, { compression: entries[0]!.compression });
}
