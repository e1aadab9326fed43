// Producer: records are appended to a batch per partition and sent by a drain that builds one
// Produce request per leader broker carrying the head batch of every ready partition on it
// (Produce v3+ allows one batch per partition per request), pipelining up to
// maxInFlightRequests requests per broker. This is the Java client's RecordAccumulator + Sender
// design without the sender thread: drains run on setImmediate, on the linger timer and after
// each response.
//
// A batch is ready when it is full (batchSize bytes), has waited lingerMs, or a flush/close is
// in progress. There is one linger timer for the whole producer, armed for the earliest batch
// deadline. send() encodes the record straight into its batch (record-batch.ts's
// RecordBatchBuilder) and allocates a promise, or nothing when given a callback.
//
// Failures: retriable errors (Kafka's retriable codes, lost connections, request timeouts) put
// the batch back at its place in the partition queue after an exponential back-off, refreshing
// metadata first when the error says the leader may have moved; at most `retries` times and
// never past deliveryTimeoutMs from the batch's creation. MESSAGE_TOO_LARGE splits a batch of
// several records in two.
//
// Idempotence (KIP-98) is on by default, as in the Java client since 3.0, whenever acks is -1:
// the producer gets an id and epoch with InitProducerId before its first batch, and stamps each
// batch with them and per-partition sequence numbers when it is first drained (idempotence.ts
// keeps the books). A retry resends the same stamp, so a batch whose response was lost is not
// written twice, and a partition's batches stay in order however many requests are in flight.
// Java's rules apply: acks must be -1, retries > 0 and maxInFlightRequests <= 5; setting any of
// them otherwise turns idempotence off unless it was asked for, in which case it is a ConfigError.
// Against a broker without InitProducerId the producer quietly sends without it. Without
// idempotence, as in the Java client, retries with more than one request in flight can reorder
// batches of a partition.

import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { Produce, type ProducePartitionResponse, type ProduceRequest, type ProduceResponse } from '../protocol/messages/00-produce.js';
import { InitProducerId, type InitProducerIdRequest, type InitProducerIdResponse } from '../protocol/messages/22-init-producer-id.js';
import { CompressionType } from '../protocol/records/compression.js';
import { decodeRecordBatches, RecordBatchBuilder, type RecordHeader } from '../protocol/records/record-batch.js';
import { partitionForKey } from '../protocol/records/murmur2.js';
import { Cluster, type TopicMetadata } from './cluster.js';
import { backoffMs, numberOption, sleep, type ClientConfig } from './config.js';
import { ClosedError, ConfigError, ConnectionError, isRetriable, KafkaError, MqError } from './errors.js';
import { PartitionSequences, type ProducerIdAndEpoch, type SequencedBatch } from './idempotence.js';

export type Acks = -1 | 0 | 1;
/** compression.type values, as the Java client names them. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerConfig extends ClientConfig {
  /** -1 (all, default, as the Java client), 1 (leader) or 0 (no response). */
  acks?: Acks;
  /** linger.ms, default 5 (the Java 4.0 default). */
  lingerMs?: number;
  /** batch.size in bytes, default 16384. */
  batchSize?: number;
  /** compression.type, default 'none'. */
  compression?: CompressionName;
  /** max.in.flight.requests.per.connection, default 5. */
  maxInFlightRequests?: number;
  /** delivery.timeout.ms: a record fails if not acknowledged this long after send(); default 120000. */
  deliveryTimeoutMs?: number;
  /**
   * enable.idempotence: default true when acks is -1, retries > 0 and maxInFlightRequests <= 5,
   * else false; true with any of those set otherwise is a ConfigError.
   */
  idempotence?: boolean;
  /** Replaces the default partitioner (murmur2 for keys, sticky for null keys). */
  partitioner?: (key: Buffer | null, numPartitions: number, topic: string) => number;
}

export interface ProducerRecord {
  topic: string;
  partition?: number;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Array<{ key: string; value: Buffer | string | null }> | Record<string, Buffer | string | null>;
  /** Milliseconds since the epoch; default Date.now(). */
  timestamp?: bigint | number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1n for acks=0. */
  offset: bigint;
  timestamp: bigint;
}

/** max.request.size in the Java client: a drain stops adding batches to a request beyond it. */
const MAX_REQUEST_BYTES = 1048576;
/** Produce v7 is the first that may carry zstd batches (KIP-110). */
const ZSTD_MIN_PRODUCE_VERSION = 7;
/** Buffer bytes for a partition's first batch; later ones start at the size of the one before. */
const INITIAL_BATCH_CAPACITY = 1024;
/** The broker keeps the last five batches of a producer per partition for deduplication (AK ProducerStateEntry). */
const MAX_IDEMPOTENT_IN_FLIGHT = 5;
/** InitProducerId v3 carries the current id and epoch, for an epoch bump (KIP-360). */
const EPOCH_BUMP_MIN_VERSION = 3;
/** The transaction timeout Java's idempotent producer sends: it has no transactions. */
const NO_TRANSACTION_TIMEOUT_MS = 0x7fffffff;
/** Shared by records without headers, so they cost no allocation. */
const NO_HEADERS: readonly RecordHeader[] = [];

/**
 * send()'s callback form (Java's send(record, Callback)): called once, with the error, or with
 * null and the record's metadata. No promise is made for the record.
 */
export type SendCallback = (err: Error | null, metadata?: RecordMetadata) => void;

type Resolve = (metadata: RecordMetadata) => void;
type Reject = (err: Error) => void;
/**
 * How a record reports back, as two values rather than an object per record: a promise's
 * resolve and reject, or a SendCallback in `onSuccess` with a null `onFailure`.
 */
type OnSuccess = Resolve | SendCallback;
type OnFailure = Reject | null;

function succeed(onSuccess: OnSuccess, onFailure: OnFailure, metadata: RecordMetadata): void {
  if (onFailure !== null) (onSuccess as Resolve)(metadata);
  else callBack(onSuccess as SendCallback, null, metadata);
}

function fail(onSuccess: OnSuccess, onFailure: OnFailure, err: Error): void {
  if (onFailure !== null) onFailure(err);
  else callBack(onSuccess as SendCallback, err, undefined);
}

/**
 * A callback that throws must not keep the other records of its batch from completing, nor be
 * swallowed: the error is rethrown on its own, as an uncaught exception, as Node does for a
 * throwing event listener.
 */
function callBack(callback: SendCallback, err: Error | null, metadata: RecordMetadata | undefined): void {
  try {
    callback(err, metadata);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}

class ProducerBatch implements SequencedBatch {
  /** The records, encoded as they are appended (the header is written when the batch is first sent). */
  readonly builder: RecordBatchBuilder;
  /** Each record's timestamp, for its metadata. */
  readonly timestamps: bigint[] = [];
  readonly onSuccess: OnSuccess[] = [];
  readonly onFailure: OnFailure[] = [];
  /** No more appends: the batch is full or has been handed to a request. */
  sealed = false;
  /** A full batch's records being compressed on the thread pool; it is not sent before that ends. */
  compressing: Promise<void> | null = null;
  attempts = 0;
  retryAt = 0;
  encoded: Buffer | null = null;
  /** Idempotence stamp, set when first drained and kept on every retry (-1: none). */
  producerId = -1n;
  producerEpoch = -1;
  baseSequence = -1;
  private done: { promise: Promise<void>; resolve: () => void } | null = null;
  private settled = false;

  constructor(
    readonly queue: PartitionQueue,
    /** Creation order: keeps re-queued batches in their original order. */
    readonly seq: number,
    readonly createdAt: number,
    compression: CompressionName,
    capacity: number,
  ) {
    this.builder = new RecordBatchBuilder(compression, capacity);
  }

  get recordCount(): number {
    return this.timestamps.length;
  }

  /** Bytes of the batch so far, header included, before compression. */
  get bytes(): number {
    return this.builder.sizeInBytes;
  }

  append(timestamp: bigint, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], onSuccess: OnSuccess, onFailure: OnFailure): void {
    this.builder.append(timestamp, key, value, headers);
    this.timestamps.push(timestamp);
    this.onSuccess.push(onSuccess);
    this.onFailure.push(onFailure);
  }

  /** Resolves once every record of the batch has succeeded or failed; never rejects. */
  whenDone(): Promise<void> {
    if (this.settled) return Promise.resolve();
    if (!this.done) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.done = { promise, resolve };
    }
    return this.done.promise;
  }

  complete(baseOffset: bigint, logAppendTime: bigint): void {
    const { topic, partition } = this.queue;
    const n = this.timestamps.length;
    const useAppendTime = logAppendTime >= 0n;
    // acks=0 (and any answer without an offset) reports -1 for every record.
    const known = baseOffset >= 0n;
    let offset = known ? baseOffset : -1n;
    const { onSuccess, onFailure, timestamps } = this;
    for (let i = 0; i < n; i++) {
      succeed(onSuccess[i]!, onFailure[i] as OnFailure, { topic, partition, offset, timestamp: useAppendTime ? logAppendTime : timestamps[i]! });
      if (known) offset += 1n;
    }
    this.settle();
  }

  fail(err: Error): void {
    for (let i = 0; i < this.onSuccess.length; i++) fail(this.onSuccess[i]!, this.onFailure[i] as OnFailure, err);
    this.settle();
  }

  private settle(): void {
    this.settled = true;
    this.done?.resolve();
  }
}

/** The unsent batches of one partition, oldest first; the last one may still take records. */
interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  readonly batches: ProducerBatch[];
  /** With idempotence: the partition's sequence numbers. */
  sequences: PartitionSequences<ProducerBatch> | null;
  /**
   * Bytes the partition's last sealed batch reached, which the next batch's buffer starts with
   * (at most batchSize; it doubles when short): under load a batch is allocated once at about its
   * final size, and a partition sending few records does not take a batchSize buffer for each.
   */
  lastBatchBytes: number;
}

interface WaitingRecord {
  partition: number | undefined;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
  timestamp: bigint;
  onSuccess: OnSuccess;
  onFailure: OnFailure;
}

interface TopicState {
  readonly name: string;
  readonly queues: PartitionQueue[];
  /** Partition null-key records go to until its batch is sent (KIP-480 sticky partitioning); -1: choose anew. */
  sticky: number;
  /** The sticky partition before the current choice, which the next choice avoids. */
  previousSticky: number;
  /** Records sent while the topic's metadata is being fetched, in send order; null when none. */
  waiting: WaitingRecord[] | null;
}

export class Producer {
  private readonly cluster: Cluster;
  private readonly acks: Acks;
  private readonly lingerMs: number;
  private readonly batchSize: number;
  private readonly compression: CompressionName;
  private readonly maxInFlight: number;
  private readonly deliveryTimeoutMs: number;
  private readonly partitioner: ProducerConfig['partitioner'];
  /** Batches are stamped for idempotence; turned off for good if the broker has no InitProducerId. */
  private idempotent: boolean;
  /** The id and epoch new batches are stamped with; null until InitProducerId has answered. */
  private identity: ProducerIdAndEpoch | null = null;
  private identityRequest: Promise<void> | null = null;

  private readonly topics = new Map<string, TopicState>();
  /** Queues holding at least one batch: what a drain looks at. */
  private readonly nonEmpty = new Set<PartitionQueue>();
  /** Batches not yet acknowledged or failed, for flush(). */
  private readonly incomplete = new Set<ProducerBatch>();
  private readonly metadataWaits = new Set<Promise<void>>();
  private readonly inFlight = new Map<number, number>();
  private nextSeq = 0;
  /** When a drain last asked for metadata because a leader was missing. */
  private leaderRefreshAt = -Infinity;
  private flushing = 0;
  private drainScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closed = false;
  private closing: Promise<void> | null = null;
  private connecting: Promise<void> | null = null;
  /** Date.now() as a bigint, cached per millisecond: most records are stamped with it. */
  private nowMs = -1;
  private nowBig = 0n;
  /**
   * One executor for every send(): it runs synchronously inside the Promise constructor and
   * leaves the resolving functions here, which saves a closure per record on the hot path.
   */
  private capturedResolve: Resolve = noop;
  private capturedReject: Reject = noop;
  private readonly capture = (resolve: Resolve, reject: Reject): void => {
    this.capturedResolve = resolve;
    this.capturedReject = reject;
  };

  constructor(config: ProducerConfig) {
    this.cluster = new Cluster(config, { allowAutoTopicCreation: true });
    const acks = config.acks ?? -1;
    if (acks !== -1 && acks !== 0 && acks !== 1) throw new ConfigError(`acks must be -1, 0 or 1, got ${String(acks)}`);
    this.acks = acks;
    this.lingerMs = numberOption('lingerMs', config.lingerMs, 5, 0);
    this.batchSize = numberOption('batchSize', config.batchSize, 16384, 1);
    this.compression = config.compression ?? 'none';
    if (!Object.hasOwn(CompressionType, this.compression)) {
      throw new ConfigError(`compression ${String(this.compression)} is not one of ${Object.keys(CompressionType).join(', ')}`);
    }
    this.maxInFlight = numberOption('maxInFlightRequests', config.maxInFlightRequests, 5, 1);
    this.deliveryTimeoutMs = numberOption('deliveryTimeoutMs', config.deliveryTimeoutMs, 120000, 1);
    this.partitioner = config.partitioner;
    // Java's ProducerConfig: idempotence by default, unless a setting it needs says otherwise.
    const conflict =
      acks !== -1
        ? 'Must set acks to all (-1) in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'
        : this.cluster.config.retries === 0
          ? 'Must set retries to non-zero when using the idempotent producer.'
          : this.maxInFlight > MAX_IDEMPOTENT_IN_FLIGHT
            ? `Must set maxInFlightRequests to at most ${MAX_IDEMPOTENT_IN_FLIGHT} to use the idempotent producer.`
            : null;
    if (config.idempotence === true && conflict) throw new ConfigError(conflict);
    this.idempotent = config.idempotence ?? conflict === null;
  }

  /** Fetches cluster metadata; optional, since send() fetches what it needs. */
  connect(): Promise<void> {
    this.connecting ??= this.cluster.connect().catch((err: unknown) => {
      this.connecting = null;
      throw err;
    });
    return this.connecting;
  }

  /**
   * Resolves when the record is acknowledged (acks=0: written to the socket). With a callback,
   * returns nothing and calls it instead, never synchronously; no promise is made.
   */
  send(record: ProducerRecord): Promise<RecordMetadata>;
  send(record: ProducerRecord, callback: SendCallback): void;
  send(record: ProducerRecord, callback?: SendCallback): Promise<RecordMetadata> | void {
    // Checked and converted into locals, not a per-record object: the record is encoded into
    // its batch at once.
    let key: Buffer | null;
    let value: Buffer | null;
    let headers: readonly RecordHeader[];
    let timestamp: bigint;
    try {
      if (this.closed) throw new ClosedError('producer is closed');
      if (typeof record.topic !== 'string' || record.topic === '') throw new MqError('MQ_ERR_INVALID_ARGUMENT', 'record.topic must be a non-empty string');
      key = toBytes(record.key, 'key');
      value = toBytes(record.value, 'value');
      headers = record.headers === undefined ? NO_HEADERS : toHeaders(record.headers);
      timestamp = record.timestamp === undefined ? this.now() : typeof record.timestamp === 'bigint' ? record.timestamp : BigInt(Math.trunc(record.timestamp));
    } catch (err) {
      if (!callback) return Promise.reject(err);
      queueMicrotask(() => callBack(callback, err as Error, undefined));
      return;
    }
    if (callback) {
      this.route(record.topic, record.partition, key, value, headers, timestamp, callback, null);
      return;
    }
    const promise = new Promise<RecordMetadata>(this.capture);
    this.route(record.topic, record.partition, key, value, headers, timestamp, this.capturedResolve, this.capturedReject);
    return promise;
  }

  /** Sends everything buffered now and waits until it is acknowledged or has failed. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      while (this.metadataWaits.size > 0) await Promise.all(this.metadataWaits);
      const pending = [...this.incomplete];
      this.drain();
      await Promise.all(pending.map((b) => b.whenDone()));
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then closes the connections. Later sends fail with MQ_ERR_CLOSED. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      try {
        await this.flush();
      } finally {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        await this.cluster.close();
      }
    })();
    return this.closing;
  }

  // ------------------------------------------------------------------ append

  private now(): bigint {
    const now = Date.now();
    if (now !== this.nowMs) {
      this.nowMs = now;
      this.nowBig = BigInt(now);
    }
    return this.nowBig;
  }

  private route(
    topic: string,
    partition: number | undefined,
    key: Buffer | null,
    value: Buffer | null,
    headers: readonly RecordHeader[],
    timestamp: bigint,
    onSuccess: OnSuccess,
    onFailure: OnFailure,
  ): void {
    let state = this.topics.get(topic);
    if (!state) {
      state = { name: topic, queues: [], sticky: -1, previousSticky: -1, waiting: null };
      this.topics.set(topic, state);
    }
    if (state.waiting) {
      state.waiting.push({ partition, key, value, headers, timestamp, onSuccess, onFailure });
      return;
    }
    const meta = this.cluster.topic(topic);
    if (!meta) {
      state.waiting = [{ partition, key, value, headers, timestamp, onSuccess, onFailure }];
      this.awaitMetadata(state);
      return;
    }
    let p: number;
    try {
      p = this.choosePartition(state, meta, partition, key);
    } catch (err) {
      fail(onSuccess, onFailure, err as Error);
      return;
    }
    this.append(state, p, key, value, headers, timestamp, onSuccess, onFailure, partition === undefined && !this.partitioner && key === null);
  }

  private choosePartition(state: TopicState, meta: TopicMetadata, explicit: number | undefined, key: Buffer | null): number {
    const n = meta.partitions.length;
    let p: number;
    if (explicit !== undefined) p = explicit;
    else if (this.partitioner) p = this.partitioner(key, n, state.name);
    else if (key !== null) return partitionForKey(key, n);
    else {
      if (state.sticky < 0 || state.sticky >= n) state.sticky = pickStickyPartition(meta, state.previousSticky);
      return state.sticky;
    }
    if (!Number.isInteger(p) || p < 0 || p >= n) {
      throw new MqError('MQ_ERR_INVALID_ARGUMENT', `partition ${p} of topic ${state.name} does not exist (it has ${n})`);
    }
    return p;
  }

  private append(
    state: TopicState,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    headers: readonly RecordHeader[],
    timestamp: bigint,
    onSuccess: OnSuccess,
    onFailure: OnFailure,
    sticky: boolean,
  ): void {
    let queue = state.queues[partition];
    if (!queue) {
      queue = { topic: state.name, partition, batches: [], sequences: null, lastBatchBytes: INITIAL_BATCH_CAPACITY };
      state.queues[partition] = queue;
    }
    let batch = queue.batches[queue.batches.length - 1];
    // Exact sizes, so a batch never outgrows batchSize (a broker refuses one past its
    // max.message.bytes, and a split costs a round trip).
    if (batch && !batch.sealed && batch.recordCount > 0 && batch.bytes + batch.builder.recordSize(timestamp, key, value, headers) > this.batchSize) {
      this.sealFull(state, batch);
      // KIP-480: a null-key record that would open a new batch on the sticky partition goes to
      // the next sticky partition instead, so each partition gets whole batches.
      const meta = this.cluster.topic(state.name);
      if (sticky && meta) {
        const next = this.choosePartition(state, meta, undefined, null);
        if (next !== partition) {
          this.append(state, next, key, value, headers, timestamp, onSuccess, onFailure, true);
          return;
        }
      }
    }
    if (!batch || batch.sealed) {
      const now = Date.now();
      batch = new ProducerBatch(queue, this.nextSeq++, now, this.compression, Math.min(this.batchSize, queue.lastBatchBytes));
      queue.batches.push(batch);
      this.nonEmpty.add(queue);
      this.incomplete.add(batch);
      if (this.lingerMs === 0) this.scheduleDrain();
      else this.armTimer(now + this.lingerMs);
    }
    batch.append(timestamp, key, value, headers, onSuccess, onFailure);
    if (batch.bytes >= this.batchSize) this.sealFull(state, batch);
  }

  /**
   * A batch that is full: sealed, and its records compressed on the thread pool while this
   * thread goes on encoding the next batch (compression took most of a producer's CPU). The
   * drain sends it once that is done; a batch sent at linger time compresses when it is built.
   */
  private sealFull(state: TopicState, batch: ProducerBatch): void {
    this.seal(state, batch);
    const pending = batch.builder.compressInBackground();
    if (pending) {
      batch.compressing = pending.then(() => {
        batch.compressing = null;
        this.scheduleDrain();
      });
    }
    this.scheduleDrain();
  }

  /** Closes a batch to appends; null-key records then move on to another partition (KIP-480). */
  private seal(state: TopicState, batch: ProducerBatch): void {
    batch.sealed = true;
    batch.queue.lastBatchBytes = batch.bytes;
    if (state.sticky === batch.queue.partition) {
      state.previousSticky = state.sticky;
      state.sticky = -1;
    }
  }

  /**
   * Fetches metadata for a topic that has records waiting, retrying while the answer is a
   * retriable error (a topic being auto-created first reports LEADER_NOT_AVAILABLE), then routes
   * the waiting records in send order, or fails them.
   */
  private awaitMetadata(state: TopicState): void {
    const wait = (async () => {
      let lastError: Error | null = null;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.cluster.refreshTopics([state.name]);
          lastError = null;
        } catch (err) {
          lastError = err as Error;
        }
        if (this.cluster.topic(state.name)) break;
        const code = this.cluster.topicError(state.name);
        const error = lastError ?? new KafkaError(code || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, { context: `(topic ${state.name})` });
        if (!isRetriable(error) || attempt >= this.cluster.config.retries) {
          const waiting = state.waiting ?? [];
          state.waiting = null;
          for (const w of waiting) fail(w.onSuccess, w.onFailure, error);
          return;
        }
        await sleep(backoffMs(this.cluster.config, attempt + 1));
      }
      const waiting = state.waiting ?? [];
      state.waiting = null;
      for (const w of waiting) this.route(state.name, w.partition, w.key, w.value, w.headers, w.timestamp, w.onSuccess, w.onFailure);
    })();
    this.metadataWaits.add(wait);
    void wait.finally(() => this.metadataWaits.delete(wait));
  }

  // ------------------------------------------------------------------ drain

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private armTimer(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.drain();
      },
      Math.max(0, at - Date.now()),
    );
  }

  /**
   * Builds one request per broker that has a ready head batch and a free in-flight slot. As in
   * the Java client's RecordAccumulator.drain, such a request then carries the head batch of
   * every partition that broker leads, ready or not: one request instead of several, and the
   * broker is being written to anyway. Passes repeat while they send something (pipelining).
   * Also expires batches past the delivery timeout, asks for metadata where a leader is
   * missing, and re-arms the timer for the next batch that will become ready.
   */
  private drain(): void {
    const now = Date.now();
    this.cluster.refreshIfStale(now);
    const force = this.flushing > 0 || this.closed;
    let wakeAt = Infinity;
    const missingLeader = new Set<string>();
    for (;;) {
      const candidates: Array<{ head: ProducerBatch; leader: number }> = [];
      const readyNodes = new Set<number>();
      for (const queue of this.nonEmpty) {
        let head = queue.batches[0];
        while (head && now - head.createdAt >= this.deliveryTimeoutMs) {
          queue.batches.shift();
          this.expire(head, now);
          head = queue.batches[0];
        }
        if (!head) {
          this.nonEmpty.delete(queue);
          continue;
        }
        if (head.retryAt > now) {
          wakeAt = Math.min(wakeAt, head.retryAt);
          continue;
        }
        // Its compression ends with another drain; the partition's later batches wait behind it.
        if (head.compressing) continue;
        const leader = this.cluster.leaderFor(queue.topic, queue.partition);
        if (leader < 0) {
          missingLeader.add(queue.topic);
          continue;
        }
        if ((this.inFlight.get(leader) ?? 0) >= this.maxInFlight) continue;
        if (head.baseSequence >= 0 ? !queue.sequences!.isNext(head) : this.idempotent && !this.mayStamp(queue)) continue;
        candidates.push({ head, leader });
        if (head.sealed || force || now >= head.createdAt + this.lingerMs) readyNodes.add(leader);
        else wakeAt = Math.min(wakeAt, head.createdAt + this.lingerMs);
      }
      const byNode = new Map<number, { batches: ProducerBatch[]; bytes: number }>();
      for (const { head, leader } of candidates) {
        if (!readyNodes.has(leader)) continue;
        let request = byNode.get(leader);
        if (!request) byNode.set(leader, (request = { batches: [], bytes: 0 }));
        if (request.batches.length > 0 && request.bytes + head.bytes > MAX_REQUEST_BYTES) continue;
        request.batches.push(head);
        request.bytes += head.bytes;
      }
      if (byNode.size === 0) break;
      for (const [nodeId, request] of byNode) {
        for (const batch of request.batches) {
          batch.queue.batches.shift();
          this.seal(this.topics.get(batch.queue.topic)!, batch);
          if (this.idempotent && batch.baseSequence < 0) batch.queue.sequences!.stamp(batch);
        }
        this.sendRequest(nodeId, request.batches);
      }
    }
    if (missingLeader.size > 0) {
      // At most one refresh per back-off while leaders are missing, so a partition without a
      // leader is not asked about in a tight loop; the delivery timeout bounds the wait.
      const nextRefresh = this.leaderRefreshAt + this.cluster.config.retryBackoffMs;
      if (now >= nextRefresh) {
        this.leaderRefreshAt = now;
        this.cluster.refreshTopics(missingLeader).then(
          () => this.scheduleDrain(),
          () => this.scheduleDrain(),
        );
      } else {
        wakeAt = Math.min(wakeAt, nextRefresh);
      }
    }
    if (wakeAt !== Infinity) this.armTimer(wakeAt);
  }

  private expire(batch: ProducerBatch, now: number): void {
    this.finish(
      batch,
      new MqError(
        'MQ_ERR_TIMEOUT',
        `expiring ${batch.recordCount} record(s) for ${batch.queue.topic}-${batch.queue.partition}: ${now - batch.createdAt} ms has passed since batch creation`,
      ),
    );
  }

  // ------------------------------------------------------------------ idempotence

  /**
   * Whether the queue's head, which has no sequence yet, may be stamped and sent now
   * (idempotence.ts decides); starts InitProducerId when there is no producer id yet, and an
   * epoch bump when the partition needs one.
   */
  private mayStamp(queue: PartitionQueue): boolean {
    if (!this.identity) {
      this.requestIdentity(null);
      return false;
    }
    const gate = (queue.sequences ??= new PartitionSequences()).freshBatch(this.identity);
    if (gate === 'bump') this.bumpEpoch();
    return gate === 'stamp';
  }

  /** KIP-360: a partition cannot go on under the current epoch; new batches wait for the next one. */
  private bumpEpoch(): void {
    const previous = this.identity;
    // Null: a new pair is already on its way, and it serves every partition.
    if (!previous) return;
    this.identity = null;
    this.requestIdentity(previous);
  }

  private requestIdentity(previous: ProducerIdAndEpoch | null): void {
    if (this.identityRequest) return;
    this.identityRequest = this.initProducerId(previous).finally(() => {
      this.identityRequest = null;
      this.scheduleDrain();
    });
  }

  /**
   * InitProducerId without a transactional id, to any broker, at the highest version both sides
   * speak; from v3 it carries the current pair when bumping the epoch (a broker may answer with the
   * next epoch or, as Kafka does, a new id: either way the partitions restart their sequences).
   * Retriable failures are retried while batches wait for it; a broker without InitProducerId turns
   * idempotence off; any other failure fails the batches waiting for a stamp.
   */
  private async initProducerId(previous: ProducerIdAndEpoch | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const conn = await this.cluster.anyConnection();
        if (!conn.apiVersions.has(InitProducerId.apiKey)) {
          this.idempotent = false;
          return;
        }
        const version = conn.versionFor(InitProducerId);
        const bump = previous !== null && version >= EPOCH_BUMP_MIN_VERSION;
        const request: InitProducerIdRequest = {
          transactionalId: null,
          transactionTimeoutMs: NO_TRANSACTION_TIMEOUT_MS,
          producerId: bump ? previous.producerId : -1n,
          producerEpoch: bump ? previous.epoch : -1,
        };
        const res = await conn.send<InitProducerIdRequest, InitProducerIdResponse>(InitProducerId, request, { version });
        if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, null, { context: `(InitProducerId to ${conn.address})` });
        this.identity = { producerId: res.producerId, epoch: res.producerEpoch };
        return;
      } catch (err) {
        if (this.incomplete.size === 0) return;
        const error = err instanceof Error ? err : new ConnectionError(String(err));
        if (!isRetriable(error)) {
          this.failUnstamped(error);
          return;
        }
        await sleep(backoffMs(this.cluster.config, attempt));
      }
    }
  }

  /** InitProducerId failed for good: the batches waiting for a stamp fail with its error. */
  private failUnstamped(err: Error): void {
    for (const queue of this.nonEmpty) {
      const unstamped = queue.batches.filter((b) => b.baseSequence < 0);
      for (const batch of unstamped) {
        batch.sealed = true;
        this.finish(batch, err);
      }
      queue.batches.splice(0, queue.batches.length, ...queue.batches.filter((b) => b.baseSequence >= 0));
    }
  }

  /** Idempotence books for a stamped batch that succeeded or failed for good. */
  private settleSequence(batch: ProducerBatch, err: Error | null): void {
    const sequences = batch.queue.sequences!;
    if (!err) {
      sequences.acknowledged(batch);
      return;
    }
    // A Kafka error that is not retriable means the broker refused the batch; anything else (a
    // lost connection, a timeout, retries run out on a retriable error) leaves its fate unknown.
    const refused = err instanceof KafkaError && !err.retriable;
    if (sequences.failed(batch, refused)) this.bumpEpoch();
  }

  private sendRequest(nodeId: number, batches: ProducerBatch[]): void {
    const topicData = new Map<string, Array<{ index: number; records: Buffer }>>();
    try {
      for (const b of batches) {
        b.encoded ??= b.builder.build({
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          baseSequence: b.baseSequence,
        });
        let list = topicData.get(b.queue.topic);
        if (!list) topicData.set(b.queue.topic, (list = []));
        list.push({ index: b.queue.partition, records: b.encoded });
      }
    } catch (err) {
      const error = new MqError('MQ_ERR_INVALID_ARGUMENT', `cannot encode a record batch: ${(err as Error).message}`, { cause: err });
      for (const b of batches) this.finish(b, error);
      return;
    }
    const request: ProduceRequest = {
      transactionalId: null,
      acks: this.acks,
      timeoutMs: this.cluster.config.requestTimeoutMs,
      topicData: [...topicData].map(([name, partitionData]) => ({ name, partitionData })),
    };
    this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 0) + 1);
    const done = (): void => {
      this.inFlight.set(nodeId, this.inFlight.get(nodeId)! - 1);
      this.scheduleDrain();
    };
    let sent: Promise<ProduceResponse | void>;
    try {
      const conn = this.cluster.connectionFor(nodeId);
      const send = (): Promise<ProduceResponse | void> =>
        this.acks === 0 ? conn.send(Produce, request, { expectResponse: false }) : conn.send<ProduceRequest, ProduceResponse>(Produce, request);
      // As the Java client's ProduceRequest.Builder: zstd batches need Produce v7+, and the
      // version is known once the connection has negotiated it.
      sent = this.compression === 'zstd' ? conn.connect().then(() => checkZstdSupported(conn.address, conn.versionFor(Produce))).then(send) : send();
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (res) => {
        done();
        if (res) this.onResponse(batches, res);
        else for (const b of batches) this.finish(b, null, -1n, -1n);
      },
      (err: unknown) => {
        done();
        const error = err instanceof Error ? err : new ConnectionError(String(err));
        for (const b of batches) this.retryOrFail(b, error);
      },
    );
  }

  private onResponse(batches: ProducerBatch[], res: ProduceResponse): void {
    const byTopic = new Map<string, Map<number, ProducePartitionResponse>>();
    for (const t of res.responses) {
      const m = new Map<number, ProducePartitionResponse>();
      for (const p of t.partitionResponses) m.set(p.index, p);
      byTopic.set(t.name, m);
    }
    for (const b of batches) {
      const p = byTopic.get(b.queue.topic)?.get(b.queue.partition);
      if (!p) {
        this.finish(b, new MqError('MQ_ERR_PROTOCOL', `Produce response has no result for ${b.queue.topic}-${b.queue.partition}`));
      } else if (p.errorCode === 0) {
        this.finish(b, null, p.baseOffset, p.logAppendTimeMs);
      } else if (p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER && b.baseSequence >= 0) {
        // A broker that has the batch but no longer its offsets (Kafka before 1.0): it is
        // written, so it succeeds with unknown offsets, as Java's Sender completes it.
        this.finish(b, null);
      } else {
        const recordErrors = p.errorMessage === null ? p.recordErrors.map((e) => `record ${e.batchIndex}: ${e.batchIndexErrorMessage ?? ''}`).join('; ') : '';
        this.retryOrFail(b, new KafkaError(p.errorCode, p.errorMessage, { context: recordErrors }));
      }
    }
  }

  private retryOrFail(batch: ProducerBatch, err: Error): void {
    const { topic } = batch.queue;
    if (err instanceof KafkaError && err.errorCode === ErrorCode.MESSAGE_TOO_LARGE && batch.recordCount > 1) {
      this.split(batch);
      return;
    }
    const now = Date.now();
    const delay = backoffMs(this.cluster.config, batch.attempts + 1);
    // Idempotence: refused as out of order while an earlier batch may still fill the gap.
    const retriable =
      isRetriable(err) ||
      (err instanceof KafkaError && err.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && batch.baseSequence >= 0 && batch.queue.sequences!.outOfOrderIsRetriable(batch));
    if (!retriable || batch.attempts >= this.cluster.config.retries || now + delay - batch.createdAt >= this.deliveryTimeoutMs) {
      this.finish(batch, err);
      return;
    }
    batch.attempts++;
    batch.retryAt = now + delay;
    this.requeue(batch);
    const leaderMayHaveMoved = !(err instanceof KafkaError) || errorInfo(err.errorCode).refreshMetadata;
    if (leaderMayHaveMoved) {
      this.cluster.refreshTopics([topic]).then(
        () => this.scheduleDrain(),
        () => this.scheduleDrain(),
      );
    }
    this.armTimer(batch.retryAt);
  }

  /** Puts a batch back into its queue before every batch created after it. */
  private requeue(batch: ProducerBatch): void {
    const queue = batch.queue;
    let i = 0;
    while (i < queue.batches.length && queue.batches[i]!.seq < batch.seq) i++;
    queue.batches.splice(i, 0, batch);
    this.nonEmpty.add(queue);
  }

  /** MESSAGE_TOO_LARGE for a batch of several records: retry as two halves (Java splits too). */
  private split(batch: ProducerBatch): void {
    this.incomplete.delete(batch);
    // The records are read back from the batch as sent: it is the one copy of them kept.
    const { records } = decodeRecordBatches(batch.encoded!)[0]!;
    const half = Math.ceil(records.length / 2);
    const capacity = batch.bytes >> 1;
    const parts = [
      new ProducerBatch(batch.queue, batch.seq, batch.createdAt, this.compression, capacity),
      new ProducerBatch(batch.queue, batch.seq, batch.createdAt, this.compression, capacity),
    ];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      parts[i < half ? 0 : 1]!.append(r.timestamp, r.key, r.value, r.headers, batch.onSuccess[i]!, batch.onFailure[i] as OnFailure);
    }
    // Both halves keep the original's seq; the second goes in after the first. With
    // idempotence they take over its sequences, which the broker never used.
    for (const part of parts) {
      part.sealed = true;
      this.incomplete.add(part);
    }
    if (batch.baseSequence >= 0) batch.queue.sequences!.split(batch, parts);
    const queue = batch.queue;
    let i = 0;
    while (i < queue.batches.length && queue.batches[i]!.seq <= batch.seq) i++;
    queue.batches.splice(i, 0, ...parts);
    this.nonEmpty.add(queue);
    this.scheduleDrain();
  }

  private finish(batch: ProducerBatch, err: Error | null, baseOffset = -1n, logAppendTime = -1n): void {
    this.incomplete.delete(batch);
    if (batch.baseSequence >= 0) this.settleSequence(batch, err);
    if (err) batch.fail(err);
    else batch.complete(baseOffset, logAppendTime);
  }
}

function noop(): void {}

function checkZstdSupported(broker: string, produceVersion: number): void {
  if (produceVersion < ZSTD_MIN_PRODUCE_VERSION) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, null, {
      context: `(compression zstd needs Produce v${ZSTD_MIN_PRODUCE_VERSION}, Kafka 2.1+; broker ${broker} supports up to v${produceVersion})`,
    });
  }
}

function toBytes(v: Buffer | string | null | undefined, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Buffer.isBuffer(v)) return v;
  throw new MqError('MQ_ERR_INVALID_ARGUMENT', `record ${what} must be a Buffer, a string or null`);
}

function toHeaders(headers: NonNullable<ProducerRecord['headers']>): RecordHeader[] {
  const entries = Array.isArray(headers) ? headers : Object.entries(headers).map(([k, v]) => ({ key: k, value: v }));
  return entries.map((h) => {
    // Checked here: records are encoded at send(), which must not throw past this point.
    if (typeof h.key !== 'string') throw new MqError('MQ_ERR_INVALID_ARGUMENT', 'record header keys must be strings');
    return { key: h.key, value: toBytes(h.value, `header ${h.key}`) };
  });
}

/**
 * A partition for null-key records: random among those with a leader (all partitions when none
 * has one), avoiding the previous choice when there is another (Java's BuiltInPartitioner).
 */
function pickStickyPartition(meta: TopicMetadata, previous: number): number {
  const available: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < meta.partitions.length; i++) {
    all.push(i);
    if ((meta.partitions[i]?.leader ?? -1) >= 0) available.push(i);
  }
  const candidates = available.length > 0 ? available : all;
  if (candidates.length === 1) return candidates[0]!;
  for (;;) {
    const pick = candidates[Math.floor(Math.random() * candidates.length)]!;
    if (pick !== previous) return pick;
  }
}
