// Per-partition requests sent to partition leaders (ListOffsets, DeleteRecords): the leader
// lookup, one request per leader, matching each partition's answer in the response and the
// retry rounds are the same whichever API carries them, so they live here once and each caller
// supplies only its API, how to build its request and what to copy out of an answer.
//
// Each round groups the partitions still to do by leader and sends one request per leader. A
// partition named twice (earliest and latest of it, say) goes into a later round, because Kafka
// refuses a partition named twice in one request; so every entry gets its own answer. A
// partition whose answer is a retriable error (a leader moved, a topic still being created) or
// whose request failed on the network is asked again after a back-off and a metadata refresh,
// up to `retries` times; any other error is its answer.

import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import type { ApiSpec } from '../protocol/schema.js';
import type { Cluster } from './cluster.js';
import { backoffMs, sleep } from './config.js';
import { isRetriable, KafkaError } from './errors.js';

export interface PartitionItem {
  topic: string;
  partition: number;
}

/** What a response must look like: per topic, per partition, an error code. */
export interface PartitionAnswer {
  partitionIndex: number;
  errorCode: number;
}

interface PartitionResponse<A extends PartitionAnswer> {
  topics: ReadonlyArray<{ name: string; partitions: readonly A[] }>;
}

export interface PartitionRequestSpec<Q extends PartitionItem, A extends PartitionAnswer, F> {
  api: ApiSpec;
  /** The request body for `topics` (no partition is named twice). */
  request(topics: ReadonlyArray<{ name: string; items: readonly Q[] }>): object;
  /** A result's fields from its partition's answer; null when it ended with an error. */
  fields(answer: A | null): F;
  /** Before the first round, refresh the metadata of every topic asked for, or only of those not cached. */
  refreshFirst: 'all' | 'unknown';
  /** Whether a partition's own error (no leader, or its answer's code) names the partition in its message. */
  partitionContext: boolean;
  /** The error code given to a partition the response leaves out. */
  missingCode: number;
  /**
   * The lowest version of `api` that can carry this item (say, a ListOffsets timestamp that only
   * later versions allow); items a leader's broker cannot carry fail with UNSUPPORTED_VERSION
   * instead of being sent, as the Java client refuses them.
   */
  minVersion?(item: Q): number;
}

export type PartitionResult<F> = { topic: string; partition: number; error: KafkaError | null } & F;

/** Results come back in the order of `items`. */
export async function requestPartitions<Q extends PartitionItem, A extends PartitionAnswer, F>(
  cluster: Cluster,
  items: readonly Q[],
  spec: PartitionRequestSpec<Q, A, F>,
): Promise<Array<PartitionResult<F>>> {
  const answers: Array<A | KafkaError> = [];
  const fail = (i: number, error: KafkaError): void => void (answers[i] = error);
  const where = (i: number): string => `(${items[i]!.topic}-${items[i]!.partition})`;
  const own = (i: number): { context: string } | undefined => (spec.partitionContext ? { context: where(i) } : undefined);

  const topics = [...new Set(items.map((q) => q.topic))];
  const first = spec.refreshFirst === 'all' ? topics : topics.filter((t) => !cluster.topic(t));
  if (first.length > 0) await cluster.refreshTopics(first);
  let todo = items.map((_, i) => i);
  for (let attempt = 0; todo.length > 0; attempt++) {
    const retry: number[] = [];
    const groups = new Map<string, { leader: number; indexes: number[] }>();
    const seen = new Map<string, number>();
    for (const i of todo) {
      const { topic, partition } = items[i]!;
      const meta = cluster.topic(topic);
      const leader = meta?.partitions[partition]?.leader ?? -1;
      if (leader < 0) {
        // A missing topic or partition fails at once; a partition without a leader (or a topic
        // still being created) may get one, so it is asked again.
        const code = meta
          ? meta.partitions[partition]
            ? ErrorCode.LEADER_NOT_AVAILABLE
            : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          : cluster.topicError(topic) || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        fail(i, new KafkaError(code, null, own(i)));
        if (code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && errorInfo(code).retriable) retry.push(i);
        continue;
      }
      const tp = `${topic}\0${partition}`;
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
          const conn = await cluster.connectionTo(leader);
          const supported = conn.versionFor(spec.api);
          const sendable = indexes.filter((i) => {
            const min = spec.minVersion?.(items[i]!) ?? 0;
            if (min <= supported) return true;
            fail(i, new KafkaError(ErrorCode.UNSUPPORTED_VERSION, null, { context: `(${spec.api.name} v${min} is needed for ${items[i]!.topic}-${items[i]!.partition}; the broker speaks up to v${supported})` }));
            return false;
          });
          if (sendable.length === 0) return;
          const res = await conn.send<object, PartitionResponse<A>>(spec.api, spec.request(byTopic(sendable.map((i) => items[i]!))));
          for (const i of sendable) {
            const { topic, partition } = items[i]!;
            const answer = res.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition);
            if (!answer) {
              fail(i, new KafkaError(spec.missingCode, null, { context: `(${topic}-${partition} missing from the response)` }));
            } else if (answer.errorCode !== ErrorCode.NONE) {
              fail(i, new KafkaError(answer.errorCode, null, own(i)));
              if (errorInfo(answer.errorCode).retriable) retry.push(i);
            } else {
              answers[i] = answer;
            }
          }
        } catch (err) {
          if (!isRetriable(err)) throw err;
          for (const i of indexes) {
            fail(i, new KafkaError(ErrorCode.NETWORK_EXCEPTION, null, { cause: err, context: where(i) }));
            retry.push(i);
          }
        }
      }),
    );
    if (retry.length === 0 || attempt >= cluster.config.retries) break;
    todo = retry;
    await sleep(backoffMs(cluster.config, attempt + 1));
    await cluster.refreshTopics(new Set(todo.map((i) => items[i]!.topic)));
  }
  return items.map(({ topic, partition }, i) => {
    const a = answers[i]!;
    return a instanceof KafkaError ? { topic, partition, error: a, ...spec.fields(null) } : { topic, partition, error: null, ...spec.fields(a) };
  });
}

function byTopic<Q extends PartitionItem>(items: readonly Q[]): Array<{ name: string; items: Q[] }> {
  const topics = new Map<string, Q[]>();
  for (const q of items) {
    let list = topics.get(q.topic);
    if (!list) topics.set(q.topic, (list = []));
    list.push(q);
  }
  return [...topics].map(([name, list]) => ({ name, items: list }));
}
