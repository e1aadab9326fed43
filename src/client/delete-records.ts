// Admin.deleteRecords (AK KafkaAdminClient.deleteRecords): one DeleteRecords request per
// partition leader, with partition-requests.ts doing the leader lookup and retries. A partition
// that fails with a retriable error (its leader moved, say) is sent again after a metadata
// refresh, up to `retries` times; any other error is its answer. A partition listed twice is
// sent in two rounds, so each entry gets its own answer.

import { DeleteRecords, type DeleteRecordsPartitionResult, type DeleteRecordsRequest } from '../protocol/messages/21-delete-records.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Cluster } from './cluster.js';
import type { KafkaError } from './errors.js';
import { requestPartitions } from './partition-requests.js';

export interface RecordsToDelete {
  topic: string;
  partition: number;
  /** Records before this offset are deleted; -1n means up to the high watermark. */
  offset: bigint;
}

export interface DeleteRecordsResult {
  topic: string;
  partition: number;
  /** The partition's new log start offset; -1n with an error. */
  lowWatermark: bigint;
  error: KafkaError | null;
}

/** Results come back in the order of `requests`. */
export async function deleteRecords(cluster: Cluster, requests: readonly RecordsToDelete[], timeoutMs: number): Promise<DeleteRecordsResult[]> {
  return requestPartitions(cluster, requests, {
    api: DeleteRecords,
    request: (topics): DeleteRecordsRequest => ({
      topics: topics.map(({ name, items }) => ({ name, partitions: items.map((r) => ({ partitionIndex: r.partition, offset: r.offset })) })),
      timeoutMs,
    }),
    fields: (answer: DeleteRecordsPartitionResult | null) => ({ lowWatermark: answer?.lowWatermark ?? -1n }),
    refreshFirst: 'all',
    // No context: the result names its partition, and tools print the bare Kafka message.
    partitionContext: false,
    missingCode: ErrorCode.UNKNOWN_SERVER_ERROR,
  });
}
