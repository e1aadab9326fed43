// ListOffsets (key 2), mq serves v1-9; v6+ flexible. v0 (old-style offset arrays) is not served:
// every target client uses v1 or later. v2 adds IsolationLevel, v4 leader epochs, v7 the
// max-timestamp query (-3, KIP-734); v8 (-4, earliest local, KIP-405) and v9 (-5, latest tiered,
// KIP-1005) change no field, they only allow those timestamps. Timestamps -1 (latest) and -2
// (earliest) are special too.
import { api, array, field, message } from '../schema.js';

export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;
export const EARLIEST_LOCAL_TIMESTAMP = -4n;
export const LATEST_TIERED_TIMESTAMP = -5n;

/** The first version that may carry each special timestamp (AK ReplicaManager.timestampMinSupportedVersion). */
export const TIMESTAMP_MIN_VERSION: ReadonlyMap<bigint, number> = new Map([
  [LATEST_TIMESTAMP, 1],
  [EARLIEST_TIMESTAMP, 1],
  [MAX_TIMESTAMP, 7],
  [EARLIEST_LOCAL_TIMESTAMP, 8],
  [LATEST_TIERED_TIMESTAMP, 9],
]);

export interface ListOffsetsPartition {
  partitionIndex: number;
  currentLeaderEpoch: number;
  timestamp: bigint;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: ListOffsetsTopicResponse[];
}

export const ListOffsets = api(
  message('request', 2, 'ListOffsets', '1-9', '6+', [
    field('replicaId', 'int32', '0+'),
    field('isolationLevel', 'int8', '2+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
        field('timestamp', 'int64', '0+'),
      ]),
    ]),
  ]),
  message('response', 2, 'ListOffsets', '1-9', '6+', [
    field('throttleTimeMs', 'int32', '2+'),
    array('topics', '0+', [
      field('name', 'string', '0+'),
      array('partitions', '0+', [
        field('partitionIndex', 'int32', '0+'),
        field('errorCode', 'int16', '0+'),
        field('timestamp', 'int64', '1+', { default: -1n }),
        field('offset', 'int64', '1+', { default: -1n }),
        field('leaderEpoch', 'int32', '4+', { default: -1 }),
      ]),
    ]),
  ]),
);
