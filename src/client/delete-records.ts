// Admin.deleteRecords (AK KafkaAdminClient.deleteRecords): one DeleteRecords request per
// partition leader. A partition that fails with a retriable error (its leader moved, say) is
// sent again after a metadata refresh, up to `retries` times; any other error is its answer.

import { DeleteRecords, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../protocol/messages/21-delete-records.js';
import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import type { Cluster } from './cluster.js';
import { backoffMs, sleep } from './config.js';
import { isRetriable, KafkaError } from './errors.js';

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
  const results: DeleteRecordsResult[] = requests.map((r) => ({ topic: r.topic, partition: r.partition, lowWatermark: -1n, error: null }));
  await cluster.refreshTopics(new Set(requests.map((r) => r.topic)));
  let todo = requests.map((_, i) => i);
  for (let attempt = 0; todo.length > 0; attempt++) {
    const retry: number[] = [];
    const byLeader = new Map<number, number[]>();
    for (const i of todo) {
      const { topic, partition } = requests[i]!;
      const meta = cluster.topic(topic);
      const leader = meta?.partitions[partition]?.leader ?? -1;
      if (leader < 0) {
        const code = meta?.partitions[partition] ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        results[i]!.error = new KafkaError(code);
        if (code === ErrorCode.LEADER_NOT_AVAILABLE) retry.push(i);
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), i]);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, indexes]) => {
        try {
          const res = await send(cluster, leader, indexes.map((i) => requests[i]!), timeoutMs);
          for (const i of indexes) {
            const { topic, partition } = requests[i]!;
            const p = res.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition);
            const r = results[i]!;
            if (!p) {
              r.error = new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, null, { context: `(${topic}-${partition} missing from the response)` });
            } else if (p.errorCode !== ErrorCode.NONE) {
              // No context: the result names its partition, and tools print the bare Kafka message.
              r.error = new KafkaError(p.errorCode);
              if (errorInfo(p.errorCode).retriable) retry.push(i);
            } else {
              r.error = null;
              r.lowWatermark = p.lowWatermark;
            }
          }
        } catch (err) {
          if (!isRetriable(err)) throw err;
          for (const i of indexes) {
            results[i]!.error = new KafkaError(ErrorCode.NETWORK_EXCEPTION, null, { cause: err, context: `(${requests[i]!.topic}-${requests[i]!.partition})` });
            retry.push(i);
          }
        }
      }),
    );
    if (retry.length === 0 || attempt >= cluster.config.retries) break;
    todo = retry;
    await sleep(backoffMs(cluster.config, attempt + 1));
    await cluster.refreshTopics(new Set(todo.map((i) => requests[i]!.topic)));
  }
  return results;
}

function send(cluster: Cluster, leader: number, requests: readonly RecordsToDelete[], timeoutMs: number): Promise<DeleteRecordsResponse> {
  const byTopic = new Map<string, RecordsToDelete[]>();
  for (const r of requests) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const request: DeleteRecordsRequest = {
    topics: [...byTopic].map(([name, rs]) => ({ name, partitions: rs.map((r) => ({ partitionIndex: r.partition, offset: r.offset })) })),
    timeoutMs,
  };
  return cluster.connectionTo(leader).then((conn) => conn.send<DeleteRecordsRequest, DeleteRecordsResponse>(DeleteRecords, request));
}
