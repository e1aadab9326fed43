// Consumer with manual assignment (no group). Each broker leading assigned partitions has a
// fetch loop: one Fetch in flight at a time (a broker answers a connection's requests in order,
// so a second would only queue behind the first's long poll), covering every fetchable
// partition it leads, the next one sent as soon as the previous answer is in. Answers are
// decoded into records and buffered until poll() takes them; the loops pause while the buffer
// holds maxBytes or more, so memory stays bounded when the application is slower than the
// brokers.
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

import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { Fetch, type FetchPartitionData, type FetchRequest, type FetchResponse } from '../protocol/messages/01-fetch.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../protocol/messages/02-list-offsets.js';
import { decodeRecordBatches, type DecodedBatch, type TimestampType } from '../protocol/records/record-batch.js';
import { Cluster, type TopicMetadata } from './cluster.js';
import { backoffMs, numberOption, sleep, type ClientConfig } from './config.js';
import { ClosedError, ConfigError, isRetriable, KafkaError, MqError } from './errors.js';
import { isolationLevelCode, listOffsets, type IsolationLevel } from './list-offsets.js';

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: TimestampType;
  /** Slices of the fetched response: copy them to keep a small part of a large poll result. */
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
  /** auto.offset.reset: where to go when a position is out of range; default latest. */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
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
}

/** Records of one partition from one Fetch, waiting for poll(). */
interface Chunk {
  readonly state: PartitionState;
  readonly epoch: number;
  readonly records: ConsumerRecord[];
  /** The partition's position once these records are returned. */
  readonly nextOffset: bigint;
  readonly bytes: number;
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

  private readonly assignment = new Map<string, PartitionState>();
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
    await this.connect();
    const next = new Map<string, PartitionState>();
    const toResolve: Array<{ state: PartitionState; spec: OffsetSpec }> = [];
    for (const { topic, partition, offset } of partitions) {
      if (!Number.isInteger(partition) || partition < 0) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `invalid partition ${partition} of ${topic}`);
      const key = partitionKey(topic, partition);
      const existing = this.assignment.get(key);
      const state = existing ?? {
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
      };
      next.set(key, state);
      if (offset !== undefined || !existing) toResolve.push({ state, spec: offset ?? 'latest' });
    }
    for (const [key, state] of this.assignment) {
      if (next.has(key)) continue;
      state.assigned = false;
      this.discardBuffered(state);
    }
    this.assignment.clear();
    for (const [key, state] of next) this.assignment.set(key, state);
    await this.seekAll(toResolve);
    this.maybeFetch();
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
    const state = this.assignment.get(partitionKey(topic, partition));
    if (!state) throw new MqError('MQ_ERR_INVALID_ARGUMENT', `${topic}-${partition} is not assigned`);
    await this.seekAll([{ state, spec: offset }]);
    this.maybeFetch();
  }

  /** Offset of the next record poll() returns for the partition; undefined while unknown. */
  position(topic: string, partition: number): bigint | undefined {
    const state = this.assignment.get(partitionKey(topic, partition));
    return state && !state.resetting ? state.position : undefined;
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

  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.buffer = [];
      this.bufferedBytes = 0;
      this.wake();
      this.closing = this.cluster.close();
    }
    return this.closing;
  }

  // ------------------------------------------------------------------ poll

  private async pollUntil(timeoutMs: number, signal: AbortSignal | undefined): Promise<ConsumerRecord[]> {
    if (this.closed) throw new ClosedError('consumer is closed');
    await this.connect();
    this.throwPendingError();
    if (this.buffer.length === 0) {
      this.maybeFetch();
      await this.waitForData(timeoutMs, signal);
      if (this.closed) return [];
      this.throwPendingError();
    }
    return this.takeBuffered();
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
      c.state.position = c.nextOffset;
      if (c.records.length > 0) lists.push(c.records);
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
      if (c.state === state) this.bufferedBytes -= c.bytes;
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
      const error = new KafkaError(this.cluster.topicError(topic) || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `(topic ${topic})`);
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
      this.fail(new KafkaError(err.errorCode, `(${state.topic}-${state.partition} at offset ${state.fetchOffset}; autoOffsetReset is none)`, { cause: err }));
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
    for (const state of this.assignment.values()) {
      if (state.resetting) continue;
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
    for (const s of this.assignment.values()) topics.add(s.topic);
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
          this.onFetchResponse(states, epochs, res);
          this.maybeFetch();
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

  private onFetchResponse(states: PartitionState[], epochs: number[], res: FetchResponse): void {
    const byKey = new Map<string, FetchPartitionData>();
    for (const t of res.responses) for (const p of t.partitions) byKey.set(partitionKey(t.topic, p.partitionIndex), p);
    let added = false;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      if (state.epoch !== epochs[i] || !state.assigned || state.resetting) continue;
      const data = byKey.get(partitionKey(state.topic, state.partition));
      const errorCode = res.errorCode !== 0 ? res.errorCode : (data?.errorCode ?? 0);
      if (errorCode !== 0) {
        this.onPartitionError(state, new KafkaError(errorCode, `(${state.topic}-${state.partition})`));
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
    if (added) this.wake();
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

  /** Decodes one partition's records into a buffered chunk; true when it holds records. */
  private addRecords(state: PartitionState, data: FetchPartitionData): boolean {
    const raw = data.records;
    const bytes = raw === null ? Buffer.alloc(0) : Buffer.isBuffer(raw) ? raw : Buffer.concat(raw);
    if (bytes.length === 0) return false;
    const batches = decodeRecordBatches(bytes);
    if (batches.length === 0) {
      // Only part of one batch fitted in partitionMaxBytes (a broker without KIP-74): ask for more.
      if (state.maxBytes >= this.maxBytes) {
        this.retryLater(state);
        this.fail(new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `(a record batch of ${state.topic}-${state.partition} at offset ${state.fetchOffset} exceeds maxBytes ${this.maxBytes})`));
      } else {
        state.maxBytes = Math.min(state.maxBytes * 2, this.maxBytes);
      }
      return false;
    }
    state.maxBytes = this.maxPartitionBytes;
    const records: ConsumerRecord[] = [];
    const aborted = this.isolationLevel === 1 ? new AbortedTransactions(data) : null;
    const from = state.fetchOffset;
    let nextOffset = from;
    for (const batch of batches) {
      const last = batch.header.baseOffset + BigInt(batch.header.lastOffsetDelta);
      if (last >= nextOffset) nextOffset = last + 1n;
      if (aborted?.skip(batch, last)) continue;
      if (batch.isControl) continue;
      const { topic, partition } = state;
      for (const r of batch.records) {
        if (r.offset < from) continue;
        records.push({
          topic,
          partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType: r.timestampType,
          key: r.key,
          value: r.value,
          headers: r.headers as ConsumerRecord['headers'],
        });
      }
    }
    if (nextOffset === from) return false;
    state.fetchOffset = nextOffset;
    if (records.length === 0 && state.buffered === 0) {
      // Only markers or records before the position: nothing to hand out, move on directly.
      state.position = nextOffset;
      return false;
    }
    this.buffer.push({ state, epoch: state.epoch, records, nextOffset, bytes: bytes.length });
    state.buffered++;
    this.bufferedBytes += bytes.length;
    return records.length > 0;
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
  skip(batch: DecodedBatch, last: bigint): boolean {
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
