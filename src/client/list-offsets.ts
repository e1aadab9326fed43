// ListOffsets against partition leaders, shared by Admin.listOffsets and the consumer's
// 'earliest'/'latest' resolution; partition-requests.ts does the leader lookup and retries.
// Requests are grouped into one ListOffsets per leader (a partition asked twice, say earliest
// and latest, goes into a later round); a partition whose answer is a retriable error (a leader
// moved, a topic still being created) is asked again after a metadata refresh, up to `retries`
// times.

import { ListOffsets, TIMESTAMP_MIN_VERSION, type ListOffsetsPartitionResponse, type ListOffsetsRequest } from '../protocol/messages/02-list-offsets.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Cluster } from './cluster.js';
import type { KafkaError } from './errors.js';
import { requestPartitions } from './partition-requests.js';

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface OffsetQuery {
  topic: string;
  partition: number;
  /**
   * -1n latest, -2n earliest, -3n max timestamp (ListOffsets v7+), -4n earliest local (v8+), -5n
   * latest tiered (v9+), or a timestamp in ms.
   */
  timestamp: bigint;
}

export interface OffsetResult {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  error: KafkaError | null;
}

export function isolationLevelCode(level: IsolationLevel | undefined): number {
  return level === 'read_committed' ? 1 : 0;
}

/** Results come back in the order of `queries`. */
export async function listOffsets(cluster: Cluster, queries: readonly OffsetQuery[], isolationLevel: number): Promise<OffsetResult[]> {
  return requestPartitions(cluster, queries, {
    api: ListOffsets,
    request: (topics): ListOffsetsRequest => ({
      replicaId: -1,
      isolationLevel,
      topics: topics.map(({ name, items }) => ({
        name,
        partitions: items.map((q) => ({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: q.timestamp })),
      })),
    }),
    fields: (answer: ListOffsetsPartitionResponse | null) => ({ offset: answer?.offset ?? -1n, timestamp: answer?.timestamp ?? -1n }),
    // Cached topics go straight to their leaders (a stale leader costs a retry round): the
    // consumer resolves its positions here on every assignment.
    refreshFirst: 'unknown',
    partitionContext: true,
    missingCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    minVersion: (q) => TIMESTAMP_MIN_VERSION.get(q.timestamp) ?? 0,
  });
}
