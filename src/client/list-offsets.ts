// ListOffsets against partition leaders, shared by Admin.listOffsets and the consumer's
// 'earliest'/'latest' resolution. Requests are grouped into one ListOffsets per leader; a
// partition whose answer is a retriable error (a leader moved, a topic still being created) is
// asked again after a metadata refresh, up to `retries` times.

import { ListOffsets, type ListOffsetsRequest, type ListOffsetsResponse } from '../protocol/messages/02-list-offsets.js';
import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import type { Cluster } from './cluster.js';
import { backoffMs, sleep } from './config.js';
import { isRetriable, KafkaError } from './errors.js';

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface OffsetQuery {
  topic: string;
  partition: number;
  /** -1n latest, -2n earliest, -3n max timestamp (ListOffsets v7+), or a timestamp in ms. */
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
  const results: OffsetResult[] = queries.map((q) => ({ topic: q.topic, partition: q.partition, offset: -1n, timestamp: -1n, error: null }));
  let todo = queries.map((_, i) => i);
  const topics = [...new Set(queries.map((q) => q.topic))].filter((t) => !cluster.topic(t));
  if (topics.length > 0) await cluster.refreshTopics(topics);
  for (let attempt = 0; todo.length > 0; attempt++) {
    const retry: number[] = [];
    // One request per leader and round: Kafka refuses a partition named twice in one request,
    // so a repeated partition (say, earliest and latest of it) goes into a later round.
    const groups = new Map<string, { leader: number; indexes: number[] }>();
    const seen = new Map<string, number>();
    for (const i of todo) {
      const q = queries[i]!;
      const meta = cluster.topic(q.topic);
      const leader = meta?.partitions[q.partition]?.leader ?? -1;
      if (leader < 0) {
        // A missing topic or partition fails at once; a partition without a leader (or a topic
        // still being created) may get one, so it is asked again.
        const code = meta
          ? meta.partitions[q.partition]
            ? ErrorCode.LEADER_NOT_AVAILABLE
            : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          : cluster.topicError(q.topic) || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        results[i]!.error = new KafkaError(code, null, { context: `(${q.topic}-${q.partition})` });
        if (code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && errorInfo(code).retriable) retry.push(i);
        continue;
      }
      const tp = `${q.topic}\0${q.partition}`;
      const round = seen.get(tp) ?? 0;
      seen.set(tp, round + 1);
      const key = `${leader}/${round}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { leader, indexes: [] }));
      group.indexes.push(i);
    }
    await Promise.all(
      [...groups.values()].map(async ({ leader, indexes }) => {
        try {
          const res = await sendListOffsets(cluster, leader, indexes.map((i) => queries[i]!), isolationLevel);
          for (const i of indexes) {
            const q = queries[i]!;
            const p = res.topics.find((t) => t.name === q.topic)?.partitions.find((x) => x.partitionIndex === q.partition);
            const r = results[i]!;
            if (!p) {
              r.error = new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, { context: `(${q.topic}-${q.partition} missing from the response)` });
            } else if (p.errorCode !== 0) {
              r.error = new KafkaError(p.errorCode, null, { context: `(${q.topic}-${q.partition})` });
              if (errorInfo(p.errorCode).retriable) retry.push(i);
            } else {
              r.error = null;
              r.offset = p.offset;
              r.timestamp = p.timestamp;
            }
          }
        } catch (err) {
          if (!isRetriable(err)) throw err;
          for (const i of indexes) {
            results[i]!.error = new KafkaError(ErrorCode.NETWORK_EXCEPTION, null, { cause: err, context: `(${queries[i]!.topic}-${queries[i]!.partition})` });
            retry.push(i);
          }
        }
      }),
    );
    if (retry.length === 0 || attempt >= cluster.config.retries) break;
    todo = retry;
    await sleep(backoffMs(cluster.config, attempt + 1));
    await cluster.refreshTopics(new Set(todo.map((i) => queries[i]!.topic)));
  }
  return results;
}

function sendListOffsets(cluster: Cluster, leader: number, queries: readonly OffsetQuery[], isolationLevel: number): Promise<ListOffsetsResponse> {
  const byTopic = new Map<string, OffsetQuery[]>();
  for (const q of queries) {
    let list = byTopic.get(q.topic);
    if (!list) byTopic.set(q.topic, (list = []));
    list.push(q);
  }
  const request: ListOffsetsRequest = {
    replicaId: -1,
    isolationLevel,
    topics: [...byTopic].map(([name, qs]) => ({
      name,
      partitions: qs.map((q) => ({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: q.timestamp })),
    })),
  };
  return cluster.connectionTo(leader).then((conn) => conn.send<ListOffsetsRequest, ListOffsetsResponse>(ListOffsets, request));
}
