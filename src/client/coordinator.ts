// Talking to a consumer group's coordinator: the broker FindCoordinator names for the group
// (Kafka: the leader of the group's __consumer_offsets partition). Shared by the group member
// (join, sync, heartbeat, leave, commits) and by Admin (describe, delete, offsets).
//
// A CoordinatorLink remembers the coordinator of one group and a connection to it. A consumer's
// link is `dedicated`: its own socket, apart from the fetch connections, because a JoinGroup may
// be held by the broker for the whole rebalance timeout and a broker answers a connection's
// requests in order (the Java client does the same with its separate coordinator node id).
// Admin links reuse the cluster's connection to that broker.
//
// Errors that mean "ask somewhere else" (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE) forget the
// coordinator so the next request finds it again; COORDINATOR_LOAD_IN_PROGRESS (the coordinator
// is still reading __consumer_offsets) is simply retried. request() does both, up to `retries`.

import { ErrorCode } from '../protocol/error-codes.js';
import { OffsetCommit, type OffsetCommitRequest, type OffsetCommitResponse } from '../protocol/messages/08-offset-commit.js';
import { OffsetFetch, type OffsetFetchRequest, type OffsetFetchResponse, type OffsetFetchResponseTopic } from '../protocol/messages/09-offset-fetch.js';
import {
  COORDINATOR_KEY_GROUP,
  FindCoordinator,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../protocol/messages/10-find-coordinator.js';
import type { ApiSpec } from '../protocol/schema.js';
import type { TopicPartition } from './assignors.js';
import type { BrokerInfo, Cluster } from './cluster.js';
import { backoffMs, sleep } from './config.js';
import type { Connection, SendOptions } from './connection.js';
import { isRetriable, KafkaError, MqError } from './errors.js';

/** Errors after which the coordinator must be looked up again. */
export function coordinatorMoved(code: number): boolean {
  return code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE;
}

/** Errors after which the same request is worth sending again, to the same or a new coordinator. */
function coordinatorRetriable(code: number): boolean {
  return coordinatorMoved(code) || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
}

/** FindCoordinator for one group, asked of any broker. v4+ batch keys (KIP-699); we send one. */
async function findCoordinator(cluster: Cluster, groupId: string): Promise<BrokerInfo> {
  const conn = await cluster.anyConnection();
  const version = conn.versionFor(FindCoordinator);
  const request: FindCoordinatorRequest = { key: groupId, keyType: COORDINATOR_KEY_GROUP, coordinatorKeys: [groupId] };
  const res = await conn.send<FindCoordinatorRequest, FindCoordinatorResponse>(FindCoordinator, request, { version });
  const c = version >= 4 ? res.coordinators.find((x) => x.key === groupId) : { ...res, key: groupId };
  if (!c) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, null, { context: `(FindCoordinator did not answer for group ${groupId})` });
  if (c.errorCode !== 0) throw new KafkaError(c.errorCode, c.errorMessage, { context: `(group ${groupId})` });
  return { nodeId: c.nodeId, host: c.host, port: c.port, rack: null };
}

export class CoordinatorLink {
  private node: BrokerInfo | null = null;
  private conn: Connection | null = null;
  private finding: Promise<Connection> | null = null;
  /** Dedicated connections given up while requests were still on them; closed once idle. */
  private retiring: Connection[] = [];

  constructor(
    readonly cluster: Cluster,
    readonly groupId: string,
    private readonly dedicated: boolean,
  ) {}

  /** The coordinator last found, if it is still believed to be one. */
  get coordinator(): BrokerInfo | null {
    return this.node;
  }

  /** A ready connection to the coordinator, finding it first if need be. */
  connection(): Promise<Connection> {
    this.retiring = this.retiring.filter((c) => {
      if (c.inflightCount > 0) return true;
      void c.close();
      return false;
    });
    if (this.conn && !this.conn.closed) return Promise.resolve(this.conn);
    this.finding ??= this.open().finally(() => {
      this.finding = null;
    });
    return this.finding;
  }

  private async open(): Promise<Connection> {
    this.node ??= await findCoordinator(this.cluster, this.groupId);
    const node = this.node;
    let conn: Connection;
    if (this.dedicated) {
      conn = this.cluster.openConnection({ host: node.host, port: node.port });
    } else {
      // Admin: the cluster's own connection to that broker (refreshing metadata if it is new).
      if (!this.cluster.brokers.has(node.nodeId)) await this.cluster.fetchMetadata([]);
      conn = this.cluster.connectionFor(node.nodeId);
    }
    this.conn = conn;
    try {
      await conn.connect();
    } catch (err) {
      this.markUnknown();
      throw err;
    }
    return conn;
  }

  /**
   * Forgets the coordinator (it moved, or its connection failed); the next request looks again.
   * Requests still on the old connection get their answers (NOT_COORDINATOR, usually) first.
   */
  markUnknown(): void {
    this.node = null;
    const conn = this.conn;
    this.conn = null;
    if (conn && this.dedicated) this.retiring.push(conn);
  }

  /** Closes a dedicated connection; in-flight requests on it fail. The coordinator stays known. */
  dropConnection(): void {
    const conn = this.conn;
    this.conn = null;
    if (conn && this.dedicated) void conn.close();
  }

  async close(): Promise<void> {
    const conns = this.dedicated && this.conn ? [this.conn, ...this.retiring] : this.retiring;
    this.conn = null;
    this.node = null;
    this.retiring = [];
    await Promise.all(conns.map((c) => c.close()));
  }

  /**
   * Sends a request built for the version in use and retries, up to the client's `retries`, when
   * the transport fails or `errorOf` reports a coordinator error: after NOT_COORDINATOR or
   * COORDINATOR_NOT_AVAILABLE at a newly found coordinator, after COORDINATOR_LOAD_IN_PROGRESS at
   * the same one. The last response is returned as is; other errors are the caller's to judge.
   */
  async request<Res>(api: ApiSpec, build: (version: number) => object, errorOf: (res: Res) => number, options: SendOptions = {}): Promise<Res> {
    const config = this.cluster.config;
    for (let attempt = 0; ; attempt++) {
      let res: Res;
      try {
        const conn = await this.connection();
        const version = conn.versionFor(api);
        res = await conn.send<object, Res>(api, build(version), { ...options, version });
      } catch (err) {
        if (err instanceof KafkaError && coordinatorMoved(err.errorCode)) this.markUnknown();
        else if (isRetriable(err)) this.dropConnection();
        if (!isRetriable(err) || attempt >= config.retries) throw err;
        await sleep(backoffMs(config, attempt + 1));
        continue;
      }
      const code = errorOf(res);
      if (!coordinatorRetriable(code) || attempt >= config.retries) return res;
      if (coordinatorMoved(code)) this.markUnknown();
      await sleep(backoffMs(config, attempt + 1));
    }
  }
}

// ------------------------------------------------------------------ committed offsets

/** Who commits: a group member (generation + member id), or a "simple" commit for empty groups. */
interface CommitIdentity {
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** Generation -1 and no member id: allowed only while the group has no members (admin tools). */
export const SIMPLE_COMMIT: CommitIdentity = { generationId: -1, memberId: '', groupInstanceId: null };

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  metadata?: string;
}

export interface CommitResult {
  topic: string;
  partition: number;
  error: KafkaError | null;
}

function byTopic<T extends { topic: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    let list = out.get(item.topic);
    if (!list) out.set(item.topic, (list = []));
    list.push(item);
  }
  return out;
}

/**
 * OffsetCommit; per-partition results in the order given. Partitions answered with a coordinator
 * error are retried (the whole request, which Kafka applies per partition idempotently).
 */
export async function commitOffsets(link: CoordinatorLink, identity: CommitIdentity, offsets: readonly OffsetToCommit[]): Promise<CommitResult[]> {
  if (offsets.length === 0) return [];
  const res = await link.request<OffsetCommitResponse>(
    OffsetCommit,
    (version): OffsetCommitRequest => ({
      groupId: link.groupId,
      generationIdOrMemberEpoch: identity.generationId,
      memberId: identity.memberId,
      // KIP-345 fields exist from v7; older versions simply do not carry them.
      groupInstanceId: version >= 7 ? identity.groupInstanceId : null,
      retentionTimeMs: -1n,
      topics: [...byTopic(offsets)].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: -1,
          commitTimestamp: -1n,
          committedMetadata: o.metadata ?? '',
        })),
      })),
    }),
    (r) => r.topics.flatMap((t) => t.partitions).find((p) => coordinatorRetriable(p.errorCode))?.errorCode ?? 0,
  );
  const codes = new Map<string, number>();
  for (const t of res.topics) for (const p of t.partitions) codes.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
  return offsets.map((o) => {
    const code = codes.get(`${o.topic}\0${o.partition}`);
    const error =
      code === undefined
        ? new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, null, { context: `(the OffsetCommit response did not mention ${o.topic}-${o.partition})` })
        : code === 0
          ? null
          : new KafkaError(code, null, { context: `(${o.topic}-${o.partition}, group ${link.groupId})` });
    return { topic: o.topic, partition: o.partition, error };
  });
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1n: nothing committed. */
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  error: KafkaError | null;
}

/**
 * OffsetFetch for `partitions`, or (null) every partition the group has committed (v2+).
 * `requireStable` (v7+, KIP-447) asks the broker to wait out pending transactional commits, as the
 * Java consumer does with read_committed. A group-level error that is not a coordinator error
 * is thrown; v0-1 carry group errors in every partition, so they are treated the same way.
 */
export async function fetchOffsets(link: CoordinatorLink, partitions: readonly TopicPartition[] | null, requireStable: boolean): Promise<CommittedOffset[]> {
  let usedVersion = 0;
  const answeredTopics = (res: OffsetFetchResponse): OffsetFetchResponseTopic[] =>
    usedVersion >= 8 ? (res.groups.find((g) => g.groupId === link.groupId)?.topics ?? []) : res.topics;
  const groupError = (res: OffsetFetchResponse): number => {
    if (usedVersion >= 8) return res.groups.find((g) => g.groupId === link.groupId)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    if (usedVersion >= 2) return res.errorCode;
    // v0-1 have no group-level error: the broker copies it into every partition.
    return res.topics.flatMap((t) => t.partitions).find((p) => coordinatorRetriable(p.errorCode))?.errorCode ?? 0;
  };
  // KIP-447: a partition with a transactional commit still pending answers UNSTABLE_OFFSET_COMMIT.
  const unstable = (res: OffsetFetchResponse): boolean =>
    answeredTopics(res).some((t) => t.partitions.some((p) => p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT));
  const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, list]) => ({ name, partitionIndexes: list.map((p) => p.partition) }));
  for (let attempt = 0; ; attempt++) {
    const res = await link.request<OffsetFetchResponse>(
      OffsetFetch,
      (version): OffsetFetchRequest => {
        usedVersion = version;
        if (topics === null && version < 2) {
          throw new MqError('MQ_ERR_UNSUPPORTED_VERSION', `listing all committed offsets needs OffsetFetch v2+; the broker speaks v${version}`);
        }
        return {
          groupId: link.groupId,
          topics,
          groups: [{ groupId: link.groupId, memberId: null, memberEpoch: -1, topics }],
          requireStable,
        };
      },
      (r) => groupError(r),
    );
    const code = groupError(res);
    if (code !== 0) throw new KafkaError(code, null, { context: `(OffsetFetch for group ${link.groupId})` });
    if (unstable(res) && attempt < link.cluster.config.retries) {
      await sleep(backoffMs(link.cluster.config, attempt + 1));
      continue;
    }
    const out: CommittedOffset[] = [];
    for (const t of answeredTopics(res)) {
      for (const p of t.partitions) {
        out.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.metadata,
          error: p.errorCode === 0 ? null : new KafkaError(p.errorCode, null, { context: `(${t.name}-${p.partitionIndex}, group ${link.groupId})` }),
        });
      }
    }
    return out;
  }
}
