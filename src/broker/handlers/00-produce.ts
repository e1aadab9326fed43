// Produce v0-9. From v3 the records of each partition are appended as received: the batch headers
// are checked (count, magic, codec, size, CRC — in storage) and the base offset rewritten, but no
// record inside a batch is ever decoded here. v0-2 carry legacy message sets (magic 0/1), which are
// up-converted to one RecordBatch v2 first, as Kafka does (see records/up-convert.ts for why these
// old versions are served at all). acks=0 gets no response at all; acks=1 and acks=-1
// are answered after the append, which on a single node is also the full ISR. An acknowledged
// append is in the page cache, so it survives the broker process being killed.
//
// Idempotent producers (KIP-98): a batch carrying a producer id (from InitProducerId) is checked
// against the partition's producer state in storage (producer-state.ts). Out-of-order sequences
// and stale epochs come back as OUT_OF_ORDER_SEQUENCE_NUMBER / INVALID_PRODUCER_EPOCH; a retry of
// a batch already written is answered NONE with the original batch's offsets and not written
// again, which is what lets a producer retry after a lost response without duplicating.
//
// Version notes: v1 adds throttle time, v2 the log append time; v3+ require exactly one RecordBatch v2 per partition (Kafka's
// ProduceRequest.validateRecords); zstd needs v7+ (KIP-110); v8 adds per-record errors, which mq
// never reports because it validates whole batches.
import { ErrorCode } from '../../protocol/error-codes.js';
import { Produce, type ProducePartitionResponse, type ProduceRequest, type ProduceResponse } from '../../protocol/messages/00-produce.js';
import { batchCount, compressionOf } from '../../protocol/records/record-batch.js';
import { CompressionType } from '../../protocol/records/compression.js';
import { InvalidRecordError, upConvertMessageSet } from '../../protocol/records/up-convert.js';
import { RecordValidationError, StorageError } from '../../storage/errors.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

function partitionError(index: number, errorCode: number, errorMessage: string | null = null): ProducePartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}

function appendPartition(broker: Broker, version: number, acks: number, topic: string, index: number, records: Buffer | null): ProducePartitionResponse {
  if (acks !== -1 && acks !== 0 && acks !== 1) return partitionError(index, ErrorCode.INVALID_REQUIRED_ACKS);
  // Internal topics (__consumer_offsets) are written by the broker alone, as in Kafka.
  if (broker.isInternalTopic(topic)) return partitionError(index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
  const t = broker.topics.get(topic) ?? broker.autoCreateTopic(topic);
  const log = t ? broker.partitionLog(topic, index) : undefined;
  if (!log) return partitionError(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!records || records.length === 0) {
    return partitionError(index, ErrorCode.INVALID_RECORD, `Produce requests with version ${version} must have at least one record batch per partition`);
  }
  if (version < 3) {
    try {
      records = upConvertMessageSet(records);
    } catch (e) {
      if (e instanceof InvalidRecordError) return partitionError(index, ErrorCode.INVALID_RECORD, e.message);
      return partitionError(index, ErrorCode.CORRUPT_MESSAGE, (e as Error).message);
    }
  }
  let count: number;
  try {
    count = batchCount(records);
  } catch (e) {
    return partitionError(index, ErrorCode.CORRUPT_MESSAGE, (e as Error).message);
  }
  if (count !== 1) {
    return partitionError(index, ErrorCode.INVALID_RECORD, `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`);
  }
  if (version < 7 && compressionOf(records) === CompressionType.zstd) {
    return partitionError(index, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'Produce requests with version below 7 cannot use zstd compression');
  }
  // The log's live config: AlterConfigs on the topic or the broker default applies at once.
  const minIsr = log.config['min.insync.replicas'];
  if (acks === -1 && minIsr > 1) {
    return partitionError(index, ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR 1 is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${topic}-${index}`);
  }
  try {
    const result = log.append(records);
    if (!result.duplicate) broker.fetches.appended(topic, index, records.length);
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTime,
      logStartOffset: result.logStartOffset,
      recordErrors: [],
      errorMessage: null,
    };
  } catch (e) {
    if (e instanceof RecordValidationError) {
      const recordErrors = e.recordErrors.map((r) => ({ batchIndex: r.batchIndex, batchIndexErrorMessage: r.message }));
      return { ...partitionError(index, ErrorCode[e.kafkaError], e.message), recordErrors };
    }
    if (e instanceof StorageError) return partitionError(index, ErrorCode[e.kafkaError], e.message);
    throw e;
  }
}

function handleProduce(broker: Broker, ctx: RequestContext, req: ProduceRequest): ProduceResponse | null {
  const responses = req.topicData.map((topic) => ({
    name: topic.name,
    partitionResponses: topic.partitionData.map((p) => appendPartition(broker, ctx.apiVersion, req.acks, topic.name, p.index, p.records as Buffer | null)),
  }));
  if (req.acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
}

register(Produce, 0, 9, handleProduce);
