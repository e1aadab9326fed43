// Consumer: manual assignment (assign) or group membership (subscribe). Each broker leading
// assigned partitions has a fetch loop: one Fetch in flight at a time (a broker answers a
// connection's requests in order, so a second would only queue behind the first's long poll),
// covering every fetchable partition it leads, the next one sent as soon as the previous answer
// is in. Answers are buffered as fetched bytes (only batch headers are read, for the next fetch
// offset) and checked and decoded when poll() takes them, so the decoding overlaps the broker's
// work on the next Fetch. The loops pause while the buffer holds maxBytes or more, so memory
// stays bounded when the application is slower than the brokers.
//
// Positions: `fetchOffset` is where the next Fetch starts (past everything buffered);
// `position` is the offset of the next record poll() returns. A seek or reassignment bumps the
// partition's epoch, which discards buffered records and in-flight answers fetched for the old
// position.
//
// Fetch returns whole batches, so the first batch may start before the requested offset: those
// records are skipped. A trailing batch cut short by the size limit is dropped and fetched again
// from its start. Control batches (transaction markers) are never returned; with read_committed,
// batches of aborted transactions are dropped as the Java consumer does.
//
// Groups (subscribe): a GroupMember joins, syncs and heartbeats in the background and tells the
// consumer, through GroupHost, which partitions to add and drop. Newly assigned partitions start
// at the group's committed offset, else at autoOffsetReset. Rebalance steps (commits before
// revocation, the listener's callbacks) run only while the application holds no records from
// poll(): from the start of its next poll until the step is done, poll() hands out nothing. So,
// as with Java's poll(), offsets committed for a partition that moves cover exactly the records
// the application has finished with. Auto commit runs at the start of poll() once the interval
// has passed, committing the positions of everything earlier polls returned; also before
// partitions are revoked and on close. None of this touches the fetch path.

import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { Fetch, type FetchPartitionData, type FetchRequest, type FetchResponse } from '../protocol/messages/01-fetch.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../protocol/messages/02-list-offsets.js';
import { decodeRecordBatches, nextOffsetAfter, type DecodedBatch, type TimestampType } from '../protocol/records/record-batch.js';
import { ASSIGNORS, type AssignorName, type TopicPartition } from './assignors.js';
import { Cluster, type TopicMetadata } from './cluster.js';
import { backoffMs, numberOption, sleep, type ClientConfig } from './config.js';
import { commitOffsets, CoordinatorLink, fetchOffsets, SIMPLE_COMMIT, type OffsetToCommit } from './coordinator.js';
import { ClosedError, ConfigError, isRetriable, KafkaError, MqError } from './errors.js';
import { FetchedRecord } from './fetched-record.js';
import { GroupMember, type GroupHost, type GroupMemberConfig } from './group-member.js';
import { isolationLevelCode, listOffsets, type IsolationLevel } from './list-offsets.js';

/**
 * The fields are computed from the fetched bytes when read (so a field never read costs nothing)
 * and can be assigned like a plain object's.
 */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: TimestampType;
  /**
   * Slices of the fetched response, a new one on each read: copy them to keep a small part of a
   * large poll result.
   */
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export type OffsetSpec = bigint | 'earliest' | 'latest';

export interface ConsumerConfig extends ClientConfig {
  /** fetch.max.wait.ms, default 500. */
  maxWaitMs?: number;
  /** fetch.min.bytes, default 1. */
  minBytes?: number;
  /** fetch.max.bytes, default 52428800; also the bound of buffered, unpolled data. */
  maxBytes?: number;
  /** max.partition.fetch.bytes, default 1048576. */
  maxPartitionBytes?: number;
  /** Default read_uncommitted. */
  isolationLevel?: IsolationLevel;
  /**
   * auto.offset.reset: where to go when a position is out of range, or when a group member is
   * assigned a partition without a committed offset; default latest.
   */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** group.id: needed by subscribe(), commit() and committed(). */
  groupId?: string;
  /** group.instance.id: static membership (KIP-345); the member keeps its place across restarts. */
  groupInstanceId?: string;
  /** session.timeout.ms, default 45000: without heartbeats for this long, a member is dropped. */
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms, default 300000: how long a rebalance waits for members to rejoin. */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms, default 3000; must be below sessionTimeoutMs. */
  heartbeatIntervalMs?: number;
  /** partition.assignment.strategy, in preference order; default ['range', 'cooperative-sticky'] (Java 3.x). */
  partitionAssignors?: AssignorName[];
  /** enable.auto.commit; default true when groupId is set. */
  enableAutoCommit?: boolean;
  /** auto.commit.interval.ms, default 5000. */
  autoCommitIntervalMs?: number;
}

/**
 * Called between polls as partitions move (AK ConsumerRebalanceListener). Revoked: the partitions
 * go to another member, so this is the moment to commit what was processed. Lost: the member was
 * dropped from the group and the partitions may already be someone else's (default: the
 * revoked callback). With the cooperative protocol, each call names only what changes.
 */
export interface RebalanceListener {
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

export interface CommittedOffsetInfo {
  topic: string;
  partition: number;
  /** -1n: nothing committed. */
  offset: bigint;
  metadata: string | null;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  position: bigint;
  fetchOffset: bigint;
  /** Bumped by seek/reassignment: data fetched under an older epoch is discarded. */
  epoch: number;
  /** An offset lookup ('earliest'/'latest', or a reset) is running; not fetched meanwhile. */
  resetting: boolean;
  /** partitionMaxBytes for the next fetch: doubled while a single batch does not fit. */
  maxBytes: number;
  /** Not fetched before this time (after an error). */
  retryAt: number;
  assigned: boolean;
  /** Chunks of this partition in the buffer. */
  buffered: number;
  /** Group mode: the position is still to come from the committed offset (no seek since assignment). */
  needsCommitted: boolean;
}

/**
 * One partition's answer from one Fetch, waiting for poll(). Kept as fetched bytes: poll()
 * checks and decodes them, so the next Fetch is already on its way while this one is decoded.
 */
interface Chunk {
  readonly state: PartitionState;
  readonly epoch: number;
  readonly data: FetchPartitionData;
  readonly records: Buffer;
  /** The fetch offset these bytes were asked for (earlier records in them are skipped). */
  readonly fromOffset: bigint;
  /** The partition's position once these records are returned. */
  readonly nextOffset: bigint;
}

/** How long one iteration of the async iterator waits in poll() before looking at close()/abort. */
const ITERATOR_POLL_MS = 1000;
/** Control record key: version i16, type i16 (protocol.md §2.1); type 0 is ABORT. */
const CONTROL_TYPE_OFFSET = 2;
const CONTROL_TYPE_ABORT = 0;

export class Consumer {
  private readonly cluster: Cluster;
  private readonly maxWaitMs: number;
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private readonly maxPartitionBytes: number;
  private readonly isolationLevel: number;
  private readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  private readonly groupId: string | null;
  private readonly enableAutoCommit: boolean;
  private readonly autoCommitIntervalMs: number;

  /** Assigned partitions, and revoked ones until the listener has been told. */
  private readonly partitions = new Map<string, PartitionState>();
  /** The coordinator of groupId, for commits and committed offsets (shared with the member). */
  private link: CoordinatorLink | null = null;
  private member: GroupMember | null = null;
  private subscription: string[] = [];
  private listener: RebalanceListener | null = null;
  private nextAutoCommit = 0;
  /** poll() handed out records and has not been called again: the application is working on them. */
  private delivered = false;
  /** Rebalance steps waiting for, or running in, the gap between polls. */
  private holds = 0;
  private readonly idleWaiters = new Set<() => void>();
  private buffer: Chunk[] = [];
  private bufferedBytes = 0;
  /** Brokers with a Fetch in flight. */
  private readonly fetching = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private pendingError: Error | null = null;
  private metadataRefresh: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(config: ConsumerConfig) {
    this.cluster = new Cluster(config);
    this.maxWaitMs = numberOption('maxWaitMs', config.maxWaitMs, 500, 0, 0x7fffffff);
    this.minBytes = numberOption('minBytes', config.minBytes, 1, 0, 0x7fffffff);
    this.maxBytes = numberOption('maxBytes', config.maxBytes, 52428800, 1, 0x7fffffff);
    this.maxPartitionBytes = numberOption('maxPartitionBytes', config.maxPartitionBytes, 1048576, 1, 0x7fffffff);
    this.isolationLevel = isolationLevelCode(config.isolationLevel);
    const reset = config.autoOffsetReset ?? 'latest';
    if (reset !== 'earliest' && reset !== 'latest' && reset !== 'none') {
      throw new ConfigError(`autoOffsetReset must be earliest, latest or none, got ${String(reset)}`);
    }
    this.autoOffsetReset = reset;
    this.groupId = config.groupId ?? null;
    if (this.groupId !== null && (typeof this.groupId !== 'string' || this.groupId === '')) throw new ConfigError('groupId must be a non-empty string');
    if (config.groupInstanceId !== undefined && (this.groupId === null || typeof config.groupInstanceId !== 'string' || config.groupInstanceId === '')) {
      throw new ConfigError('groupInstanceId must be a non-empty string, and needs a groupId');
    }
    this.enableAutoCommit = config.enableAutoCommit ?? this.groupId !== null;
    if (this.enableAutoCommit && this.groupId === null) throw new ConfigError('enableAutoCommit needs a groupId');
    this.autoCommitIntervalMs = numberOption('autoCommitIntervalMs', config.autoCommitIntervalMs, 5000, 0, 0x7fffffff);
    if (this.groupId !== null) {
      const memberConfig = groupMemberConfig(this.groupId, config);
      this.link = new CoordinatorLink(this.cluster, this.groupId, true);
      this.member = new GroupMember(this.cluster, this.link, memberConfig, this.groupHost());
    }
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new ClosedError('consumer is closed'));
    this.connecting ??= this.cluster.connect().catch((err: unknown) => {
      this.connecting = null;
      throw err;
    });
    return this.connecting;
  }

  /**
   * Manual assignment (no group), replacing the previous one. Each partition starts at `offset`
   * (default 'latest'); a partition that stays assigned without an offset keeps its position.
   */
  async assign(partitions: Array<{ topic: string; partition: number; offset?: OffsetSpec }>): Promise<void> {
    if (this.subscription.length > 0) throw new MqError('MQ_ERR_INVALID_ARGUMENT', 'assign() and subscribe() cannot be mixed: this consumer is subscribed');
    await this.connect();
    const next = new Map<string, PartitionState>();
    const toResolve: Array<{ state: PartitionState; spec: OffsetSpec }> = [];
    for (const { topic, partition, offset } of partitions) {
      if (!Number.isInteger(partition) || partition < 0) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `invalid partition ${partition} of ${topic}`);
      const key = partitionKey(topic, partition);
      const existing = this.partitions.get(key);
      const state = existing ?? this.newPartitionState(topic, partition);
      next.set(key, state);
      if (offset !== undefined || !existing) toResolve.push({ state, spec: offset ?? 'latest' });
    }
    for (const [key, state] of this.partitions) {
      if (next.has(key)) continue;
      state.assigned = false;
      this.discardBuffered(state);
    }
    this.partitions.clear();
    for (const [key, state] of next) this.partitions.set(key, state);
    await this.seekAll(toResolve);
    this.maybeFetch();
  }

  private newPartitionState(topic: string, partition: number): PartitionState {
    return {
      topic,
      partition,
      position: -1n,
      fetchOffset: -1n,
      epoch: 0,
      resetting: true,
      maxBytes: this.maxPartitionBytes,
      retryAt: 0,
      assigned: true,
      buffered: 0,
      needsCommitted: false,
    };
  }

  /** Assigns every partition of `topics`, starting at `offset` (default 'latest'). */
  async assignTopics(topics: string[], offset: OffsetSpec = 'latest'): Promise<void> {
    await this.connect();
    const list: Array<{ topic: string; partition: number; offset: OffsetSpec }> = [];
    for (const topic of topics) {
      const meta = await this.topicMetadata(topic);
      for (let p = 0; p < meta.partitions.length; p++) list.push({ topic, partition: p, offset });
    }
    await this.assign(list);
  }

  async seek(topic: string, partition: number, offset: OffsetSpec): Promise<void> {
    const state = this.partitions.get(partitionKey(topic, partition));
    if (!state) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `${topic}-${partition} is not assigned`);
    await this.seekAll([{ state, spec: offset }]);
    this.maybeFetch();
  }

  /** Offset of the next record poll() returns for the partition; undefined while unknown. */
  position(topic: string, partition: number): bigint | undefined {
    const state = this.partitions.get(partitionKey(topic, partition));
    return state && !state.resetting ? state.position : undefined;
  }

  /**
   * Joins the group (groupId) for `topics`; the group's members split their partitions. Joining
   * happens in the background: partitions arrive through `listener` and assignment(). Calling it
   * again with other topics changes the subscription (a rebalance).
   */
  async subscribe(topics: string[], listener?: RebalanceListener): Promise<void> {
    const member = this.requireGroup('subscribe');
    if (!Array.isArray(topics) || topics.length === 0 || topics.some((t) => typeof t !== 'string' || t === '')) {
      throw new MqError('MQ_ERR_INVALID_ARGUMENT', 'subscribe() needs a list of topic names');
    }
    if (this.subscription.length === 0 && this.partitions.size > 0) {
      throw new MqError('MQ_ERR_INVALID_ARGUMENT', 'assign() and subscribe() cannot be mixed: this consumer has a manual assignment');
    }
    await this.connect();
    const next = [...new Set(topics)].sort();
    const changed = next.join('\0') !== this.subscription.join('\0');
    this.subscription = next;
    this.listener = listener ?? null;
    this.nextAutoCommit = Date.now() + this.autoCommitIntervalMs;
    member.start();
    if (changed) member.requestRejoin('the subscription changed');
  }

  /** The partitions this consumer reads: its manual assignment, or what the group assigned it. */
  assignment(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const s of this.partitions.values()) if (s.assigned) out.push({ topic: s.topic, partition: s.partition });
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /**
   * Commits offsets for the group (default: the position of every partition, i.e. everything
   * poll() has returned). As a group member only in a stable generation; with a manual
   * assignment as a "simple" commit, which Kafka accepts while the group has no members.
   */
  async commit(offsets?: Array<{ topic: string; partition: number; offset: bigint; metadata?: string }>): Promise<void> {
    if (this.closed) throw new ClosedError('consumer is closed');
    const link = this.requireLink('commit');
    await this.connect();
    const list: OffsetToCommit[] = offsets ?? this.consumedOffsets();
    for (const o of list) {
      if (typeof o.offset !== 'bigint' || o.offset < 0n) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `offset ${String(o.offset)} for ${o.topic}-${o.partition} is not a valid offset`);
    }
    if (this.subscription.length > 0) {
      await this.member!.commit(list);
      return;
    }
    const failed = (await commitOffsets(link, SIMPLE_COMMIT, list)).find((r) => r.error !== null);
    if (failed) throw failed.error!;
  }

  /** The group's committed offsets for `partitions` (offset -1n where none). */
  async committed(partitions: TopicPartition[]): Promise<CommittedOffsetInfo[]> {
    if (this.closed) throw new ClosedError('consumer is closed');
    const link = this.requireLink('committed');
    await this.connect();
    // requireStable, as the Java consumer always asks (KIP-447): no offsets of open transactions.
    const found = new Map((await fetchOffsets(link, partitions, true)).map((c) => [partitionKey(c.topic, c.partition), c]));
    return partitions.map(({ topic, partition }) => {
      const c = found.get(partitionKey(topic, partition));
      if (c?.error) throw c.error;
      return { topic, partition, offset: c?.offset ?? -1n, metadata: c?.metadata ?? null };
    });
  }

  private requireLink(what: string): CoordinatorLink {
    if (!this.link) throw new ConfigError(`${what}() needs a groupId`);
    return this.link;
  }

  private requireGroup(what: string): GroupMember {
    if (!this.member) throw new ConfigError(`${what}() needs a groupId`);
    return this.member;
  }

  /** The position of every partition that has one: what a commit of "everything consumed" sends. */
  private consumedOffsets(): OffsetToCommit[] {
    const out: OffsetToCommit[] = [];
    for (const s of this.partitions.values()) if (!s.resetting && s.position >= 0n) out.push({ topic: s.topic, partition: s.partition, offset: s.position });
    return out;
  }

  /** Waits up to timeoutMs for records from any assigned partition; [] on timeout. */
  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    return this.pollUntil(timeoutMs, undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    return this.records();
  }

  /** Records one by one until close() or until `signal` aborts. */
  async *records(options: { signal?: AbortSignal } = {}): AsyncGenerator<ConsumerRecord, void, undefined> {
    const { signal } = options;
    while (!this.closed && !signal?.aborted) {
      const records = await this.pollUntil(ITERATOR_POLL_MS, signal);
      for (const r of records) yield r;
    }
  }

  /** Group mode: commits (auto commit), tells the listener, leaves the group. Then closes sockets. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.buffer = [];
      this.bufferedBytes = 0;
      this.applicationIdle();
      this.wake();
      const member = this.subscription.length > 0 ? this.member : null;
      this.closing = (member ? member.close() : (this.link?.close() ?? Promise.resolve())).finally(() => this.cluster.close());
    }
    return this.closing;
  }

  // ------------------------------------------------------------------ poll

  private async pollUntil(timeoutMs: number, signal: AbortSignal | undefined): Promise<ConsumerRecord[]> {
    if (this.closed) throw new ClosedError('consumer is closed');
    await this.connect();
    // The application is back for more: what earlier polls returned is done with.
    this.applicationIdle();
    this.maybeAutoCommit();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.throwPendingError();
      if (this.buffer.length > 0 && this.holds === 0) {
        const records = this.takeBuffered();
        if (records.length > 0) {
          this.delivered = true;
          return records;
        }
        // Decoding may have failed: that error is for this poll to throw.
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal?.aborted) return [];
      this.maybeFetch();
      await this.waitForData(remaining, signal);
      if (this.closed) return [];
    }
  }

  private applicationIdle(): void {
    this.delivered = false;
    for (const resolve of [...this.idleWaiters]) resolve();
    this.idleWaiters.clear();
  }

  private maybeAutoCommit(): void {
    if (!this.enableAutoCommit || this.subscription.length === 0) return;
    const now = Date.now();
    if (now < this.nextAutoCommit) return;
    this.nextAutoCommit = now + this.autoCommitIntervalMs;
    void this.commitConsumed();
  }

  /** Auto commit of every position; a failure (say, a rebalance began) is left to the next one. */
  private async commitConsumed(): Promise<void> {
    if (!this.enableAutoCommit || !this.member) return;
    const offsets = this.consumedOffsets();
    if (offsets.length === 0) return;
    try {
      await this.member.commit(offsets);
    } catch {
      // Not committed means re-read by whoever reads next: at least once, never lost.
    }
  }

  // ------------------------------------------------------------------ group host

  private groupHost(): GroupHost {
    return {
      subscription: () => this.subscription,
      betweenPolls: (step) => this.betweenPolls(step),
      commitConsumed: () => this.commitConsumed(),
      partitionsRevoked: (list) => this.dropPartitions(list, 'revoked'),
      partitionsLost: (list) => this.dropPartitions(list, 'lost'),
      partitionsAssigned: (list) => this.addPartitions(list),
      fail: (err) => this.fail(err),
    };
  }

  private async betweenPolls(step: () => Promise<void>): Promise<void> {
    this.holds++;
    try {
      while (this.delivered && !this.closed) {
        await new Promise<void>((resolve) => this.idleWaiters.add(resolve));
      }
      await step();
    } finally {
      // A poll waiting meanwhile may hand records out again.
      if (--this.holds === 0) this.wake();
    }
  }

  private async callListener(call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.fail(err instanceof Error ? err : new MqError('MQ_ERR_INVALID_ARGUMENT', `rebalance listener failed: ${String(err)}`));
    }
  }

  /** Stops fetching the partitions, tells the listener (positions still readable), drops them. */
  private async dropPartitions(list: TopicPartition[], how: 'revoked' | 'lost'): Promise<void> {
    const states: PartitionState[] = [];
    for (const tp of list) {
      const state = this.partitions.get(partitionKey(tp.topic, tp.partition));
      if (!state) continue;
      state.assigned = false;
      this.discardBuffered(state);
      states.push(state);
    }
    const listener = this.listener;
    if (listener) {
      const callback = how === 'lost' ? (listener.onPartitionsLost ?? listener.onPartitionsRevoked) : listener.onPartitionsRevoked;
      if (callback) await this.callListener(() => callback.call(listener, list));
    }
    for (const state of states) {
      const key = partitionKey(state.topic, state.partition);
      if (this.partitions.get(key) === state && !state.assigned) this.partitions.delete(key);
    }
  }

  private async addPartitions(list: TopicPartition[]): Promise<void> {
    const states: PartitionState[] = [];
    for (const { topic, partition } of list) {
      const state = this.newPartitionState(topic, partition);
      state.needsCommitted = true;
      this.partitions.set(partitionKey(topic, partition), state);
      states.push(state);
    }
    const listener = this.listener;
    if (listener?.onPartitionsAssigned) await this.callListener(() => listener.onPartitionsAssigned!(list));
    void this.initPositions(states);
  }

  /**
   * Positions of newly assigned partitions: the committed offset, else autoOffsetReset. A seek()
   * (from the listener, say) wins. Retried until it works or the partitions go away.
   */
  private async initPositions(states: PartitionState[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const pending = states.filter((s) => s.needsCommitted && s.assigned);
      if (pending.length === 0 || this.closed) return;
      try {
        const committed = await fetchOffsets(this.link!, pending, true);
        const byKey = new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c]));
        const seeks: Array<{ state: PartitionState; spec: OffsetSpec }> = [];
        for (const state of pending) {
          if (!state.needsCommitted || !state.assigned) continue;
          const c = byKey.get(partitionKey(state.topic, state.partition));
          if (c?.error) throw c.error;
          if (c && c.offset >= 0n) {
            seeks.push({ state, spec: c.offset });
          } else if (this.autoOffsetReset === 'none') {
            // Java's NoOffsetForPartitionException: the partition waits for a seek().
            state.needsCommitted = false;
            this.fail(new ConfigError(`${state.topic}-${state.partition} has no committed offset in group ${this.groupId} and autoOffsetReset is none`));
          } else {
            seeks.push({ state, spec: this.autoOffsetReset });
          }
        }
        try {
          await this.seekAll(seeks);
        } catch (err) {
          for (const { state } of seeks) if (state.resetting && state.assigned) state.needsCommitted = true;
          throw err;
        }
        this.maybeFetch();
      } catch (err) {
        if (this.closed) return;
        if (!isRetriable(err)) this.fail(err as Error);
        await sleep(backoffMs(this.cluster.config, attempt));
      }
    }
  }


  private waitForData(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private throwPendingError(): void {
    const err = this.pendingError;
    if (err) {
      this.pendingError = null;
      throw err;
    }
  }

  private takeBuffered(): ConsumerRecord[] {
    const chunks = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    const lists: ConsumerRecord[][] = [];
    for (const c of chunks) {
      c.state.buffered--;
      if (c.epoch !== c.state.epoch || !c.state.assigned) continue;
      for (const list of this.decodeChunk(c)) lists.push(list);
    }
    // Buffer space is free again: paused fetch loops resume.
    this.maybeFetch();
    if (lists.length === 1) return lists[0]!;
    return ([] as ConsumerRecord[]).concat(...lists);
  }

  private discardBuffered(state: PartitionState): void {
    state.epoch++;
    const kept: Chunk[] = [];
    for (const c of this.buffer) {
      if (c.state === state) this.bufferedBytes -= c.records.length;
      else kept.push(c);
    }
    this.buffer = kept;
    state.buffered = 0;
  }

  // ------------------------------------------------------------------ offsets

  private async topicMetadata(topic: string): Promise<TopicMetadata> {
    for (let attempt = 0; ; attempt++) {
      await this.cluster.refreshTopics([topic]);
      const meta = this.cluster.topic(topic);
      if (meta) return meta;
      const error = new KafkaError(this.cluster.topicError(topic) || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, { context: `(topic ${topic})` });
      // An unknown topic fails at once; one being created (LEADER_NOT_AVAILABLE) is waited for.
      if (error.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || !error.retriable || attempt >= this.cluster.config.retries) throw error;
      await sleep(backoffMs(this.cluster.config, attempt + 1));
    }
  }

  /** Sets positions: offsets directly, 'earliest'/'latest' through ListOffsets. */
  private async seekAll(items: Array<{ state: PartitionState; spec: OffsetSpec }>): Promise<void> {
    const lookups: Array<{ state: PartitionState; epoch: number; timestamp: bigint }> = [];
    for (const { state, spec } of items) {
      this.discardBuffered(state);
      state.retryAt = 0;
      state.needsCommitted = false;
      if (typeof spec === 'bigint') {
        if (spec < 0n) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `offset ${spec} for ${state.topic}-${state.partition} is negative`);
        state.position = spec;
        state.fetchOffset = spec;
        state.resetting = false;
      } else if (spec === 'earliest' || spec === 'latest') {
        state.resetting = true;
        lookups.push({ state, epoch: state.epoch, timestamp: spec === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP });
      } else {
        throw new MqError('MQ_ERR_INVALID_ARGUMENT', `offset must be a bigint, 'earliest' or 'latest', got ${String(spec)}`);
      }
    }
    if (lookups.length === 0) return;
    const results = await listOffsets(
      this.cluster,
      lookups.map((l) => ({ topic: l.state.topic, partition: l.state.partition, timestamp: l.timestamp })),
      this.isolationLevel,
    );
    let firstError: KafkaError | null = null;
    results.forEach((r, i) => {
      const { state, epoch } = lookups[i]!;
      // A later seek of the same partition wins over this lookup.
      if (state.epoch !== epoch) return;
      if (r.error) {
        firstError ??= r.error;
        return;
      }
      state.position = r.offset;
      state.fetchOffset = r.offset;
      state.resetting = false;
    });
    if (firstError) throw firstError;
  }

  /** OFFSET_OUT_OF_RANGE while fetching: apply autoOffsetReset in the background. */
  private resetPosition(state: PartitionState, err: KafkaError): void {
    if (this.autoOffsetReset === 'none') {
      this.fail(new KafkaError(err.errorCode, null, { cause: err, context: `(${state.topic}-${state.partition} at offset ${state.fetchOffset}; autoOffsetReset is none)` }));
      state.retryAt = Date.now() + this.cluster.config.retryBackoffMs;
      return;
    }
    this.seekAll([{ state, spec: this.autoOffsetReset }]).then(
      () => this.maybeFetch(),
      (e: unknown) => {
        state.resetting = false;
        this.retryLater(state);
        if (!isRetriable(e)) this.fail(e as Error);
      },
    );
  }

  // ------------------------------------------------------------------ fetch loop

  /** Starts a Fetch on every broker that leads fetchable partitions and has none in flight. */
  private maybeFetch(): void {
    if (this.closed || this.bufferedBytes >= this.maxBytes) return;
    const now = Date.now();
    this.cluster.refreshIfStale(now);
    const byLeader = new Map<number, PartitionState[]>();
    let missingLeader = false;
    let nextRetry = Infinity;
    for (const state of this.partitions.values()) {
      if (state.resetting || !state.assigned) continue;
      if (state.retryAt > now) {
        nextRetry = Math.min(nextRetry, state.retryAt);
        continue;
      }
      const leader = this.cluster.leaderFor(state.topic, state.partition);
      if (leader < 0) {
        missingLeader = true;
        continue;
      }
      if (this.fetching.has(leader)) continue;
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(state);
    }
    for (const [leader, states] of byLeader) this.fetchFrom(leader, states);
    if (missingLeader) this.refreshMetadata();
    if (nextRetry !== Infinity && !this.retryTimer) {
      this.retryTimer = setTimeout(
        () => {
          this.retryTimer = null;
          this.maybeFetch();
        },
        Math.max(0, nextRetry - now),
      );
    }
  }

  /** One metadata refresh at a time for all assigned topics, then another fetch round. */
  private refreshMetadata(): void {
    if (this.metadataRefresh || this.closed) return;
    const topics = new Set<string>();
    for (const s of this.partitions.values()) topics.add(s.topic);
    this.metadataRefresh = this.cluster
      .refreshTopics(topics)
      .catch((err: unknown) => {
        if (!isRetriable(err)) this.fail(err as Error);
      })
      // The back-off keeps a cluster without a leader from being asked in a tight loop.
      .then(() => sleep(this.cluster.config.retryBackoffMs))
      .then(() => {
        this.metadataRefresh = null;
        this.maybeFetch();
      });
  }

  private fetchFrom(leader: number, states: PartitionState[]): void {
    const byTopic = new Map<string, PartitionState[]>();
    for (const s of states) {
      let list = byTopic.get(s.topic);
      if (!list) byTopic.set(s.topic, (list = []));
      list.push(s);
    }
    const epochs = states.map((s) => s.epoch);
    const request: FetchRequest = {
      clusterId: null,
      replicaId: -1,
      maxWaitMs: this.maxWaitMs,
      minBytes: this.minBytes,
      maxBytes: this.maxBytes,
      isolationLevel: this.isolationLevel,
      // Session id 0 / epoch -1: a full fetch every time, no KIP-227 session.
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((s) => ({
          partition: s.partition,
          currentLeaderEpoch: -1,
          fetchOffset: s.fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: s.maxBytes,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    };
    this.fetching.add(leader);
    const timeoutMs = this.cluster.config.requestTimeoutMs + this.maxWaitMs;
    this.cluster
      .connectionTo(leader)
      .then((conn) => conn.send<FetchRequest, FetchResponse>(Fetch, request, { timeoutMs }))
      .then(
        (res) => {
          this.fetching.delete(leader);
          if (this.closed) return;
          const added = this.onFetchResponse(states, epochs, res);
          this.maybeFetch();
          // A waiting poll() gets the records once the next Fetch is on the wire (a Connection
          // writes on the next tick), so the broker serves it while the application works.
          if (added) setImmediate(() => this.wake());
        },
        (err: unknown) => {
          this.fetching.delete(leader);
          if (this.closed) return;
          if (isRetriable(err)) {
            for (const s of states) this.retryLater(s);
            this.refreshMetadata();
          } else {
            for (const s of states) this.retryLater(s);
            this.fail(err as Error);
          }
          this.maybeFetch();
        },
      );
  }

  /** Buffers the records of `res`; true when there are new ones for poll(). */
  private onFetchResponse(states: PartitionState[], epochs: number[], res: FetchResponse): boolean {
    const byKey = new Map<string, FetchPartitionData>();
    for (const t of res.responses) for (const p of t.partitions) byKey.set(partitionKey(t.topic, p.partitionIndex), p);
    let added = false;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      if (state.epoch !== epochs[i] || !state.assigned || state.resetting) continue;
      const data = byKey.get(partitionKey(state.topic, state.partition));
      const errorCode = res.errorCode !== 0 ? res.errorCode : (data?.errorCode ?? 0);
      if (errorCode !== 0) {
        this.onPartitionError(state, new KafkaError(errorCode, null, { context: `(${state.topic}-${state.partition})` }));
        continue;
      }
      if (!data) continue;
      try {
        if (this.addRecords(state, data)) added = true;
      } catch (err) {
        this.retryLater(state);
        this.fail(new MqError('MQ_ERR_PROTOCOL', `cannot decode records of ${state.topic}-${state.partition} at offset ${state.fetchOffset}: ${(err as Error).message}`, { cause: err }));
      }
    }
    return added;
  }

  private onPartitionError(state: PartitionState, err: KafkaError): void {
    if (err.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      this.discardBuffered(state);
      this.resetPosition(state, err);
      return;
    }
    this.retryLater(state);
    const info = errorInfo(err.errorCode);
    if (info.refreshMetadata) this.refreshMetadata();
    else if (!info.retriable) this.fail(err);
  }

  /**
   * Buffers one partition's fetched bytes for poll(); true when they move the partition on. Only
   * the batch headers are read here (for the next fetch offset); poll() verifies and decodes.
   */
  private addRecords(state: PartitionState, data: FetchPartitionData): boolean {
    const raw = data.records;
    const records = raw === null ? Buffer.alloc(0) : Buffer.isBuffer(raw) ? raw : Buffer.concat(raw);
    if (records.length === 0) return false;
    const nextOffset = nextOffsetAfter(records);
    if (nextOffset === null) {
      // Only part of one batch fitted in partitionMaxBytes (a broker without KIP-74): ask for more.
      if (state.maxBytes >= this.maxBytes) {
        this.retryLater(state);
        this.fail(
          new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, null, {
            context: `(a record batch of ${state.topic}-${state.partition} at offset ${state.fetchOffset} exceeds maxBytes ${this.maxBytes})`,
          }),
        );
      } else {
        state.maxBytes = Math.min(state.maxBytes * 2, this.maxBytes);
      }
      return false;
    }
    state.maxBytes = this.maxPartitionBytes;
    const fromOffset = state.fetchOffset;
    if (nextOffset <= fromOffset) return false;
    state.fetchOffset = nextOffset;
    this.buffer.push({ state, epoch: state.epoch, data, records, fromOffset, nextOffset });
    state.buffered++;
    this.bufferedBytes += records.length;
    return true;
  }

  /** The records of a chunk that poll() hands out: CRCs checked, aborted transactions dropped. */
  private decodeChunk(c: Chunk): ConsumerRecord[][] {
    const { state } = c;
    let batches: Array<DecodedBatch<ConsumerRecord>>;
    try {
      // Records before the fetch offset (the first batch may start earlier) are left out.
      batches = decodeRecordBatches(c.records, { record: FetchedRecord, source: state, fromOffset: c.fromOffset });
    } catch (err) {
      // Nothing of this chunk or after it is handed out (the new epoch drops later chunks and
      // answers in flight): fetch it again after the back-off.
      state.epoch++;
      state.fetchOffset = c.fromOffset;
      this.retryLater(state);
      this.fail(new MqError('MQ_ERR_PROTOCOL', `cannot decode records of ${state.topic}-${state.partition} at offset ${c.fromOffset}: ${(err as Error).message}`, { cause: err }));
      return [];
    }
    const lists: ConsumerRecord[][] = [];
    const aborted = this.isolationLevel === 1 ? new AbortedTransactions(c.data) : null;
    for (const batch of batches) {
      if (aborted?.skip(batch, batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta))) continue;
      if (batch.isControl || batch.records.length === 0) continue;
      lists.push(batch.records);
    }
    state.position = c.nextOffset;
    return lists;
  }

  private retryLater(state: PartitionState): void {
    state.retryAt = Date.now() + this.cluster.config.retryBackoffMs;
  }

  /** Keeps the first error for the next poll() to throw and wakes a waiting poll. */
  private fail(err: Error): void {
    this.pendingError ??= err;
    this.wake();
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

const DEFAULT_ASSIGNORS: readonly AssignorName[] = ['range', 'cooperative-sticky'];

function groupMemberConfig(groupId: string, config: ConsumerConfig): GroupMemberConfig {
  const sessionTimeoutMs = numberOption('sessionTimeoutMs', config.sessionTimeoutMs, 45000, 1, 0x7fffffff);
  const heartbeatIntervalMs = numberOption('heartbeatIntervalMs', config.heartbeatIntervalMs, 3000, 1, 0x7fffffff);
  if (heartbeatIntervalMs >= sessionTimeoutMs) throw new ConfigError(`heartbeatIntervalMs (${heartbeatIntervalMs}) must be lower than sessionTimeoutMs (${sessionTimeoutMs})`);
  const names = config.partitionAssignors ?? DEFAULT_ASSIGNORS;
  if (!Array.isArray(names) || names.length === 0) throw new ConfigError('partitionAssignors must name at least one assignor');
  const assignors = names.map((name) => {
    const a = ASSIGNORS.get(name);
    if (!a) throw new ConfigError(`unknown assignor ${String(name)}: expected ${[...ASSIGNORS.keys()].join(', ')}`);
    return a;
  });
  if (new Set(names).size !== names.length) throw new ConfigError(`partitionAssignors lists an assignor twice: ${names.join(', ')}`);
  return {
    groupId,
    groupInstanceId: config.groupInstanceId ?? null,
    sessionTimeoutMs,
    rebalanceTimeoutMs: numberOption('rebalanceTimeoutMs', config.rebalanceTimeoutMs, 300000, 1, 0x7fffffff),
    heartbeatIntervalMs,
    assignors,
  };
}

/**
 * read_committed filtering (the Java consumer's Fetcher): the response lists, per producer, the
 * first offset of each aborted transaction in the fetched range. A producer's transactional
 * batches are dropped from that offset until its ABORT marker.
 */
class AbortedTransactions {
  private readonly pending: Array<{ producerId: bigint; firstOffset: bigint }>;
  private readonly abortedProducers = new Set<bigint>();

  constructor(data: FetchPartitionData) {
    this.pending = [...(data.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /** Whether to drop `batch` (whose last offset is `last`); control batches are dropped anyway. */
  skip(batch: DecodedBatch<ConsumerRecord>, last: bigint): boolean {
    const producerId = batch.header.producerId;
    if (producerId < 0n) return false;
    while (this.pending.length > 0 && this.pending[0]!.firstOffset <= last) this.abortedProducers.add(this.pending.shift()!.producerId);
    if (batch.isControl) {
      const key = batch.records[0]?.key;
      if (key && key.length >= CONTROL_TYPE_OFFSET + 2 && key.readInt16BE(CONTROL_TYPE_OFFSET) === CONTROL_TYPE_ABORT) this.abortedProducers.delete(producerId);
      return true;
    }
    return batch.isTransactional && this.abortedProducers.has(producerId);
  }
}
