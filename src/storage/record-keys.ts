// Compacted topics refuse records without a key (AK LogValidator.validateKey): compaction keeps
// the latest record per key, and a keyless record has none to be kept under. This is the one
// check for which the produce path looks at every record of a batch, as Kafka does; topics
// without cleanup.policy=compact never pay for it.
//
// Records are walked by their length prefixes and only the key length is read: nothing is
// decoded into objects. A compressed batch's record section is decompressed first.

import { DecodeError, readVarint, readVarlong, varintEnd } from '../protocol/reader.js';
import { compressionName, decompress, UnsupportedCompressionError } from '../protocol/records/compression.js';
import { ATTR_COMPRESSION_MASK, ATTRIBUTES_OFFSET, BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, LOG_OVERHEAD, RECORDS_COUNT_OFFSET } from '../protocol/records/record-batch.js';
import { RecordValidationError, StorageError, type RecordError } from './errors.js';

/**
 * Throws RecordValidationError (INVALID_RECORD, one record error per keyless record) when a
 * record of the v2 batch at `pos` has a null key, CORRUPT_MESSAGE when its records do not parse,
 * UNSUPPORTED_COMPRESSION_TYPE when its codec cannot be decompressed here (as a topic's
 * compression.type answers, PartitionLog.withTopicCompression). `partition` is
 * `<topic>-<partition>`, named in the message as Kafka does.
 */
export function checkRecordKeys(records: Buffer, pos: number, partition: string): void {
  const end = pos + LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  const count = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  let errors: RecordError[] | null = null;
  try {
    const codec = compressionName(records.readInt16BE(pos + ATTRIBUTES_OFFSET) & ATTR_COMPRESSION_MASK);
    const stored = records.subarray(pos + BATCH_HEADER_SIZE, end);
    const section = codec === 'none' ? stored : decompress(codec, stored);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const length = readVarint(section, at, section.length);
      const next = varintEnd + length;
      if (length < 0 || next > section.length) throw new DecodeError(`record ${i} has length ${length}`, at);
      // attributes i8, timestampDelta varlong, offsetDelta varint, then the key length.
      readVarlong(section, varintEnd + 1, next);
      readVarint(section, varintEnd, next);
      if (readVarint(section, varintEnd, next) < 0) {
        (errors ??= []).push({ batchIndex: i, message: `Compacted topic cannot accept message without key in topic partition ${partition}` });
      }
      at = next;
    }
  } catch (e) {
    if (e instanceof UnsupportedCompressionError) {
      throw new StorageError('UNSUPPORTED_COMPRESSION_TYPE', `record batch at position ${pos} cannot be decompressed to check its keys (${partition}): ${e.message}`, { cause: e });
    }
    throw new StorageError('CORRUPT_MESSAGE', `record batch at position ${pos} holds records that do not parse (${partition}): ${(e as Error).message}`, { cause: e });
  }
  if (errors) throw new RecordValidationError(errors);
}
