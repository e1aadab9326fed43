// ListOffsets v1-9: offsets by timestamp. -1 = latest (the high watermark, or the last stable
// offset for read_committed; the same thing on a single node without transactions), -2 =
// earliest (log start offset), -3 = the offset of the largest timestamp (v7, KIP-734), -4 =
// earliest local (v8; without tiered storage the log start offset), -5 = latest tiered (v9;
// nothing is tiered, so offset -1 as Kafka answers without remote storage); any other value
// finds the first offset whose timestamp is at or after it through the time index. When no
// record is that late, the answer is offset -1 and timestamp -1, as in Kafka.
//
// As Kafka's ReplicaManager does, a partition named twice in one request gets INVALID_REQUEST,
// and a special (negative) timestamp the request's version does not allow gets
// UNSUPPORTED_VERSION, checked per partition before the log is looked at.
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  EARLIEST_LOCAL_TIMESTAMP,
  LATEST_TIERED_TIMESTAMP,
  LATEST_TIMESTAMP,
  ListOffsets,
  TIMESTAMP_MIN_VERSION,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from '../../protocol/messages/02-list-offsets.js';
import type { Broker } from '../broker.js';
import { register, type RequestContext } from '../router.js';

/** AK ReplicaManager.isListOffsetsTimestampUnsupported. */
function timestampUnsupported(timestamp: bigint, version: number): boolean {
  if (timestamp >= 0n) return false;
  const min = TIMESTAMP_MIN_VERSION.get(timestamp);
  return min === undefined || version < min;
}

function handleListOffsets(broker: Broker, ctx: RequestContext, req: ListOffsetsRequest): ListOffsetsResponse {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const topic of req.topics) {
    for (const p of topic.partitions) {
      const key = `${topic.name}\0${p.partitionIndex}`;
      if (seen.has(key)) duplicates.add(key);
      seen.add(key);
    }
  }
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p): ListOffsetsPartitionResponse => {
        const failed = { partitionIndex: p.partitionIndex, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
        if (duplicates.has(`${topic.name}\0${p.partitionIndex}`)) return { ...failed, errorCode: ErrorCode.INVALID_REQUEST };
        if (timestampUnsupported(p.timestamp, ctx.apiVersion)) return { ...failed, errorCode: ErrorCode.UNSUPPORTED_VERSION };
        const log = broker.partitionLog(topic.name, p.partitionIndex);
        if (!log) return { ...failed, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        const ok = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, leaderEpoch: 0 };
        if (p.timestamp === LATEST_TIMESTAMP) return { ...ok, timestamp: -1n, offset: log.highWatermark };
        if (p.timestamp === EARLIEST_LOCAL_TIMESTAMP) return { ...ok, timestamp: -1n, offset: log.logStartOffset };
        if (p.timestamp === LATEST_TIERED_TIMESTAMP) return { ...ok, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
        const found = log.offsetForTimestamp(p.timestamp);
        return { ...ok, timestamp: found?.timestamp ?? -1n, offset: found?.offset ?? -1n };
      }),
    })),
  };
}

register(ListOffsets, 1, 9, handleListOffsets);
