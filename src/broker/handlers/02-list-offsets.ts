// ListOffsets v1-7: offsets by timestamp. -1 = latest (the high watermark, or the last stable
// offset for read_committed; the same thing on a single node without transactions), -2 =
// earliest (log start offset), -3 = the offset of the largest timestamp (v7, KIP-734); any other
// value finds the first offset whose timestamp is at or after it through the time index. When
// no record is that late, the answer is offset -1 and timestamp -1, as in Kafka.
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  LATEST_TIMESTAMP,
  ListOffsets,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from '../../protocol/messages/02-list-offsets.js';
import type { Broker } from '../broker.js';
import { register } from '../router.js';

function handleListOffsets(broker: Broker, _ctx: unknown, req: ListOffsetsRequest): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p): ListOffsetsPartitionResponse => {
        const log = broker.partitionLog(topic.name, p.partitionIndex);
        const base = { partitionIndex: p.partitionIndex, leaderEpoch: 0 };
        if (!log) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
        if (p.timestamp === LATEST_TIMESTAMP) return { ...base, errorCode: ErrorCode.NONE, timestamp: -1n, offset: log.highWatermark };
        const found = log.offsetForTimestamp(p.timestamp);
        return { ...base, errorCode: ErrorCode.NONE, timestamp: found?.timestamp ?? -1n, offset: found?.offset ?? -1n };
      }),
    })),
  };
}

register(ListOffsets, 1, 7, handleListOffsets);
