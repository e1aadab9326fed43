// DeleteRecords v0-2 (AK ReplicaManager.deleteRecordsOnLocalLog, Partition.deleteRecordsOnLeader):
// moves each partition's log start offset up to the requested offset, mid-segment if need be,
// and answers the resulting low watermark (the log start offset). The bytes stay on disk until
// the next retention pass deletes the segments wholly below the new start (log-manager.ts), as
// in Kafka. Per partition, in Kafka's order of checks:
//   unknown topic or partition  UNKNOWN_TOPIC_OR_PARTITION
//   internal topic              INVALID_TOPIC_EXCEPTION (Kafka refuses __consumer_offsets too)
//   cleanup.policy without delete  POLICY_VIOLATION
//   offset -1                   the high watermark
//   other negative offset, or beyond the high watermark  OFFSET_OUT_OF_RANGE
// A single node has no replicas to wait for, so TimeoutMs never comes into play. Moved log
// start offsets are checkpointed before the answer, so they survive a crash.
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  DeleteRecords,
  type DeleteRecordsPartitionResult,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
} from '../../protocol/messages/21-delete-records.js';
import { StorageError } from '../../storage/errors.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

/** DeleteRecordsRequest.HIGH_WATERMARK */
const HIGH_WATERMARK = -1n;

function deleteOne(broker: Broker, topic: string, partitionIndex: number, offset: bigint): { result: DeleteRecordsPartitionResult; moved: boolean } {
  const failed = (code: number) => ({ result: { partitionIndex, lowWatermark: -1n, errorCode: code }, moved: false });
  const log = broker.partitionLog(topic, partitionIndex);
  if (!broker.topics.get(topic) || !log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (broker.isInternalTopic(topic)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!log.config['cleanup.policy'].includes('delete')) return failed(ErrorCode.POLICY_VIOLATION);
  const target = offset === HIGH_WATERMARK ? log.highWatermark : offset;
  if (target < 0n) return failed(ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    const moved = log.incrementLogStartOffset(target);
    if (moved) broker.log('info', `[UnifiedLog partition=${topic}-${partitionIndex}, dir=${log.dir}] Incremented log start offset to ${target} due to ClientRecordDeletion`);
    return { result: { partitionIndex, lowWatermark: log.logStartOffset, errorCode: ErrorCode.NONE }, moved };
  } catch (e) {
    if (!(e instanceof StorageError)) throw e;
    return failed(ErrorCode[e.kafkaError]);
  }
}

function handleDeleteRecords(broker: Broker, _ctx: unknown, req: DeleteRecordsRequest): DeleteRecordsResponse {
  let moved = false;
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const r = deleteOne(broker, t.name, p.partitionIndex, p.offset);
      moved ||= r.moved;
      return r.result;
    }),
  }));
  if (moved) broker.logs.checkpointLogStartOffsets();
  return { throttleTimeMs: 0, topics };
}

register(DeleteRecords, 0, 2, handleDeleteRecords);
