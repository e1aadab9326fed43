// One partition's log (AK UnifiedLog/LocalLog): the directory `<log.dir>/<topic>-<partition>/`
// holding its segments (log-segment.ts gives their file formats), ordered by base offset, the
// last one active. Offsets: logStartOffset (first readable), logEndOffset (next
// to assign), highWatermark (last committed + 1: equal to the log end on a single node, a
// separate property because replication will hold it back), recoveryPoint (everything below
// it is fsynced; startup after a crash re-validates only from there). The recovery point moves
// when a roll's background fsync of the segments before the new one completes, on every flush
// (flush.messages, the broker's flush.ms scheduler) and at close; the log manager writes it to
// recovery-point-offset-checkpoint periodically.
//
// Produce path: batches are validated by their headers and CRC only, their base offsets are
// rewritten in place (bytes 0-7, outside the CRC), and the bytes are written as received;
// records inside a batch are never decoded (except on a topic whose compression.type names a
// codec: see withTopicCompression, and on compacted topics, whose records must have keys:
// record-keys.ts). The log cleaner (cleaner/) rewrites inactive segments and swaps them
// in through replaceSegments. Fetch path: whole batches are read from the file into one
// buffer and handed back as they are.
//
// Idempotent producers (KIP-98): a batch that carries a producer id is checked against the
// partition's producer state (producer-state.ts) from its header before anything is written; a
// retry of a batch already in the log is answered with that batch's offsets and not written
// again. Batches without a producer id cost one byte read. The state is snapshotted when a
// segment rolls and at close, and rebuilt on load (log-loader.ts).
//
// Concurrency contract: append and read are SYNCHRONOUS (fs.writeSync/readSync). A write into
// the page cache takes microseconds, and with one writer per partition on the event loop there
// is nothing to lock and no queue of in-flight writes to order. Data is not fsynced per append
// (Kafka does not either): an acknowledged append survives the process being killed (it is in
// the page cache) but not a power loss, unless flush.messages asks for an fsync. Callers must
// not call into a log from worker threads. Retention (deleteOldSegments) removes segments
// between calls, never during one, which is why it may close a removed segment's files at once.
// Two things run asynchronously beside the calls: flushInBackground, whose fsyncs run on libuv's
// thread pool (on the segments' own descriptors) while appends go on, and a log cleaner pass,
// which reads inactive segments by path between its slices. Retention skips the log the cleaner
// is working on (LogManager.cleanupLogs), and the pass checks that each segment is still in the
// log before and after opening it and gives up once the log is closed (cleaner/cleaner.ts).

import { existsSync, renameSync } from 'node:fs';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORDS_COUNT_OFFSET,
  stampLogAppendTime,
  verifyBatchCrc,
} from '../protocol/records/record-batch.js';
import { DecodeError } from '../protocol/reader.js';
import { compressionName, UnsupportedCompressionError } from '../protocol/records/compression.js';
import { recompressBatches } from '../protocol/records/recompress.js';
import { StorageError } from './errors.js';
import { fsyncDirectory, fsyncDirectoryAsync } from './file-io.js';
import type { LogConfig } from './log-config.js';
import { DELETED_SUFFIX } from './log-files.js';
import { LogSegment, type SegmentMark } from './log-segment.js';
import { hasProducerId, readProducerBatchHeader, snapshotFilePath, type BatchMetadata, type PendingProducerBatch, type ProducerStateManager } from './producer-state.js';
import { checkRecordKeys } from './record-keys.js';
import { planRetention, type DeletionReason } from './retention.js';
import type { TimestampOffset } from './time-index.js';

/** ListOffsets special timestamps (AK ListOffsetsRequest). */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** The broker's append time for LogAppendTime topics, else -1. */
  logAppendTime: bigint;
  logStartOffset: bigint;
  /** The batch repeats one its producer already wrote: nothing was appended, the offsets are the original's. */
  duplicate: boolean;
}

export interface ReadOptions {
  /** Return the first batch even if larger than maxBytes (KIP-74); the fetch's first partition sets it. */
  minOneMessage?: boolean;
  isolation?: IsolationLevel;
}

export interface ReadResult {
  /** Whole batches exactly as stored; the consumer skips records before the offset it asked for. */
  chunks: Buffer[];
  /** Total bytes in chunks. */
  size: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  lastStableOffset: bigint;
}

export type AppendListener = (log: PartitionLog) => void;

/** Told when a log goes offline after a failed fsync (see PartitionLog.failed). */
export type LogFailureListener = (log: PartitionLog, error: StorageError) => void;

/** What one retention pass removed: the segments, and their files now carrying the `.deleted` suffix. */
export interface DeletedSegments {
  segments: Array<{ baseOffset: bigint; size: number; reason: DeletionReason }>;
  /** To be removed after file.delete.delay.ms (log-manager.ts); startup removes any left over. */
  files: string[];
  /** The first file that could not be closed or renamed; the segments are gone from the log all the same. */
  error?: StorageError;
}

export interface PartitionLogInit {
  dir: string;
  topic: string;
  partition: number;
  topicId: Buffer | null;
  config: LogConfig;
  /** Non-empty, sorted by base offset, contiguous; the last one is active. */
  segments: LogSegment[];
  logStartOffset: bigint;
  recoveryPoint: bigint;
  /** Loaded up to the log end offset. */
  producerState: ProducerStateManager;
  clock: () => number;
  onFailure?: LogFailureListener;
}

/**
 * The leader epoch stamped into every appended batch. A single node leads each partition in
 * epoch 0 for good (Metadata and ListOffsets report 0 as well); replication will pass the real one.
 */
const LEADER_EPOCH = 0;

export class PartitionLog {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly topicId: Buffer | null;
  private _config: LogConfig;
  readonly producerState: ProducerStateManager;
  private readonly segments: LogSegment[];
  private readonly clock: () => number;
  private readonly listeners = new Set<AppendListener>();
  private _logStartOffset: bigint;
  private _highWatermark: bigint;
  private _recoveryPoint: bigint;
  private _closed = false;
  private _failed: StorageError | null = null;
  private readonly onFailure: LogFailureListener | undefined;
  private _lastFlushTime: number;
  /** Background flushes run one at a time, in order (see flushInBackground). */
  private flushQueue: Promise<void> = Promise.resolve();

  /** Built by log-loader.ts (loadPartitionLog), which recovers the segments first. */
  constructor(init: PartitionLogInit) {
    this.dir = init.dir;
    this.topic = init.topic;
    this.partition = init.partition;
    this.topicId = init.topicId;
    this._config = init.config;
    this.segments = init.segments;
    this.producerState = init.producerState;
    this.clock = init.clock;
    this.onFailure = init.onFailure;
    this._logStartOffset = init.logStartOffset;
    this._recoveryPoint = init.recoveryPoint;
    this._lastFlushTime = init.clock();
    this._highWatermark = this.logEndOffset;
  }

  /** The topic's current config; read at each append, roll and retention pass, never cached. */
  get config(): LogConfig {
    return this._config;
  }

  /**
   * Swaps in a changed config (AlterConfigs on the topic or a broker default), so the change
   * takes effect without a restart: nothing derived from the config is kept elsewhere.
   */
  updateConfig(config: LogConfig): void {
    this._config = config;
  }

  get logStartOffset(): bigint {
    return this._logStartOffset;
  }

  get logEndOffset(): bigint {
    return this.active.nextOffset;
  }

  get highWatermark(): bigint {
    return this._highWatermark;
  }

  /** Equal to the high watermark until transactions hold it back. */
  get lastStableOffset(): bigint {
    return this._highWatermark;
  }

  /** True once close() ran (the broker shut down, or the log was deleted): its files are not to be touched. */
  get closed(): boolean {
    return this._closed;
  }

  /**
   * The failure that took the log offline, or null. A failed fsync is final (AK marks the log
   * dir offline): on Linux it reports EIO once and the kernel then considers the lost pages
   * clean, so a later fsync that succeeds proves nothing about them. From then on appends fail
   * with KAFKA_STORAGE_ERROR, the recovery point stays where the last good fsync left it, and
   * close neither flushes nor snapshots, and the log manager writes no clean-shutdown marker for
   * the dir, so the next start re-validates everything past the recovery point.
   */
  get failed(): StorageError | null {
    return this._failed;
  }

  private markFailed(error: StorageError): void {
    if (this._failed) return;
    this._failed = error;
    this.onFailure?.(this, error);
  }

  get recoveryPoint(): bigint {
    return this._recoveryPoint;
  }

  /** Bytes in the segments' .log files (Kafka's Log.size, which DescribeLogDirs reports). */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** Clock time of the last flush that moved the recovery point (load time before any); flush.ms counts from it. */
  get lastFlushTime(): number {
    return this._lastFlushTime;
  }

  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): bigint[] {
    return this.segments.map((s) => s.baseOffset);
  }

  /**
   * The segments below the active one, oldest first: what the log cleaner may rewrite. They no
   * longer change, except that one may leave the log (retention, replaceSegments).
   */
  inactiveSegments(): readonly LogSegment[] {
    return this.segments.slice(0, -1);
  }

  /**
   * The log cleaner's swap (AK LocalLog.replaceSegments): `old`, consecutive inactive segments
   * still in this log, give way to the segment `install` returns; install does the file work
   * (cleaner/segment-swap.ts) and opens the replacement, whose offsets lie within theirs.
   * Synchronous, so no read or append sees a half-swapped log; a read that finished before it
   * got its bytes from the old files. False (install not called) when `old` is not in the log
   * any more, e.g. retention deleted one meanwhile, or the log was closed.
   */
  replaceSegments(old: readonly LogSegment[], install: () => LogSegment): boolean {
    const at = this.segments.indexOf(old[0]!);
    if (this._closed || at < 0 || at + old.length >= this.segments.length) return false;
    if (old.some((s, i) => this.segments[at + i] !== s)) return false;
    const replacement = install();
    for (const s of old) s.close();
    this.segments.splice(at, old.length, replacement);
    return true;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Disk failures (and broken invariants) surface as KAFKA_STORAGE_ERROR with the cause attached. */
  private failure(what: string, cause: unknown): StorageError {
    if (cause instanceof StorageError) return cause;
    return new StorageError('KAFKA_STORAGE_ERROR', `unable to ${what} ${this.topic}-${this.partition} in ${this.dir}: ${(cause as Error).message}`, { cause });
  }

  /**
   * The produce path. `records` holds one or more v2 batches as sent by a client; it is
   * modified in place (base offsets, and for LogAppendTime the max timestamp, attributes and
   * CRC) and written as is, unless the topic's compression.type asks for another codec (see
   * withTopicCompression). All batches are validated before any is written, producer
   * sequences included; a duplicate of a batch already written returns that batch's offsets and
   * writes nothing. Throws StorageError naming the Kafka error.
   */
  append(received: Buffer): AppendResult {
    if (this._failed) throw this.offline();
    if (this.validate(received)) {
      const duplicate = this.checkProducers(received);
      if (duplicate) return this.duplicateResult(duplicate);
    }
    const records = this.withTopicCompression(received);
    const now = this.clock();
    const logAppendTime = this.config['message.timestamp.type'] === 'LogAppendTime' ? BigInt(now) : -1n;
    const baseOffset = this.logEndOffset;
    if (records.length > this.config['segment.bytes']) {
      throw new StorageError(
        'RECORD_LIST_TOO_LARGE',
        `Message batch size is ${records.length} bytes in append to partition ${this.topic}-${this.partition}, which exceeds the maximum configured segment size of ${this.config['segment.bytes']}.`,
      );
    }
    // Offsets (and LogAppendTime) are assigned in memory first, so that the roll decision sees
    // the whole append and all of it goes to one segment, as in Kafka (UnifiedLog.maybeRoll with
    // the append's size and max timestamp): a failed write then has one segment to undo.
    let next = baseOffset;
    let maxTimestamp = -1n;
    for (let pos = 0; pos < records.length; ) {
      records.writeBigInt64BE(next, pos + BASE_OFFSET_OFFSET);
      // Outside the CRC, like the base offset: the leader stamps its epoch (AK LogValidator).
      records.writeInt32BE(LEADER_EPOCH, pos + PARTITION_LEADER_EPOCH_OFFSET);
      if (logAppendTime >= 0n) stampLogAppendTime(records, pos, logAppendTime);
      const timestamp = records.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET);
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      next += BigInt(records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)) + 1n;
      pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    }
    let segment = this.active;
    let mark: SegmentMark | undefined;
    try {
      if (segment.shouldRoll({ size: records.length, lastOffset: next - 1n, maxTimestamp }, now, this.config)) segment = this.roll(now);
      mark = segment.mark();
      for (let pos = 0; pos < records.length; ) {
        const size = LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
        const firstOffset = records.readBigInt64BE(pos + BASE_OFFSET_OFFSET);
        const lastOffset = firstOffset + BigInt(records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET));
        segment.append(records.subarray(pos, pos + size), firstOffset, lastOffset, records.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET));
        pos += size;
      }
    } catch (e) {
      // All or nothing (a full disk, an I/O error): the batches of this append already written
      // are taken back, so the producer's retry cannot duplicate them, and the next append and
      // recovery both start from the last good position. A rollback that fails too changes
      // nothing for the caller; the first error is the one to report.
      if (mark) {
        try {
          segment.rollback(mark);
        } catch {
          // Reported through the append's own error below.
        }
      }
      throw this.failure('append to', e);
    } finally {
      // Single node: everything written is committed. Replication will hold this back.
      this._highWatermark = this.logEndOffset;
      this.producerState.updateMapEndOffset(this.logEndOffset);
    }
    // Producers are recorded once every batch is written: a failed append leaves no trace.
    for (let pos = 0; pos < records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET)) {
      if (!hasProducerId(records, pos)) continue;
      const firstOffset = records.readBigInt64BE(pos + BASE_OFFSET_OFFSET);
      const lastOffset = firstOffset + BigInt(records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET));
      this.producerState.update(readProducerBatchHeader(records, pos), firstOffset, lastOffset, records.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET));
    }
    // flush.messages (AK UnifiedLog.append: unflushedMessages >= flushInterval), read from the
    // current config, which can change while the log is open. A synchronous fsync: whoever sets
    // it wants the acknowledgement to wait for the disk.
    if (Number(this.logEndOffset - this._recoveryPoint) >= this.config['flush.messages']) this.flush();
    // Listeners (e.g. the broker waking long-poll fetches) must not throw: the append has
    // already happened and its producer must get its offsets.
    for (const listener of this.listeners) listener(this);
    return { baseOffset, lastOffset: this.logEndOffset - 1n, logAppendTime, logStartOffset: this._logStartOffset, duplicate: false };
  }

  /**
   * Producer checks of every batch that carries a producer id, before anything is written (AK
   * analyzeAndValidateProducerState). Returns the first duplicate found: Kafka answers a whole
   * append with it. Several batches of one producer in one append are checked in sequence.
   */
  private checkProducers(records: Buffer): BatchMetadata | null {
    let pending: Map<bigint, PendingProducerBatch> | null = null;
    for (let pos = 0; pos < records.length; ) {
      const end = pos + LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
      if (hasProducerId(records, pos)) {
        const batch = readProducerBatchHeader(records, pos);
        if (batch.firstSeq < 0) {
          throw new StorageError('INVALID_RECORD', `Invalid sequence number ${batch.firstSeq} in record batch with producerId ${batch.producerId} (${this.topic}-${this.partition})`);
        }
        const duplicate = this.producerState.check(batch, pending?.get(batch.producerId));
        if (duplicate) return duplicate;
        // Only an append of several batches needs to remember where each leaves its producer.
        if (end < records.length) (pending ??= new Map()).set(batch.producerId, { epoch: batch.epoch, lastSeq: batch.lastSeq });
      }
      pos = end;
    }
    return null;
  }

  /**
   * The answer to a duplicate: the original batch's offsets. Kafka also reports the original's
   * max timestamp as the log append time whatever the topic's timestamp type, which makes Java
   * clients report it as every record's timestamp; here it is reported only on LogAppendTime
   * topics, where it is the append time, and -1 otherwise, as for the original append.
   */
  private duplicateResult(original: BatchMetadata): AppendResult {
    return {
      baseOffset: original.firstOffset,
      lastOffset: original.lastOffset,
      logAppendTime: this.config['message.timestamp.type'] === 'LogAppendTime' ? original.timestamp : -1n,
      logStartOffset: this._logStartOffset,
      duplicate: true,
    };
  }

  /**
   * Header-level checks of every batch (AK LogValidator / ByteBufferLogInputStream), no record
   * decoding except the key check of compacted topics (record-keys.ts). Returns whether
   * any batch carries a producer id.
   */
  private validate(records: Buffer): boolean {
    let producers = false;
    const where = `${this.topic}-${this.partition}`;
    const compacted = this.config['cleanup.policy'].includes('compact');
    if (records.length === 0) throw new StorageError('INVALID_RECORD', `no record batches in the append to ${where}`);
    for (let pos = 0; pos < records.length; ) {
      const left = records.length - pos;
      if (left <= MAGIC_OFFSET) throw new StorageError('CORRUPT_MESSAGE', `${left} bytes at position ${pos} are too few for a record batch (${where})`);
      const batchLength = records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
      const size = LOG_OVERHEAD + batchLength;
      if (batchLength <= MAGIC_OFFSET - LOG_OVERHEAD || size > left) {
        throw new StorageError('CORRUPT_MESSAGE', `record batch at position ${pos} declares length ${batchLength}, ${left - LOG_OVERHEAD} bytes follow (${where})`);
      }
      const magic = records.readInt8(pos + MAGIC_OFFSET);
      if (magic !== 2) throw new StorageError('INVALID_RECORD', `record batch at position ${pos} has magic ${magic}; only magic 2 is accepted (${where})`);
      if (size < BATCH_HEADER_SIZE) throw new StorageError('CORRUPT_MESSAGE', `record batch at position ${pos} is ${size} bytes, less than its ${BATCH_HEADER_SIZE}-byte header (${where})`);
      this.checkBatchSize(size);
      if (!verifyBatchCrc(records, pos, batchLength)) throw new StorageError('CORRUPT_MESSAGE', `record batch at position ${pos} fails its CRC-32C check (${where})`);
      const count = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
      const lastOffsetDelta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      if (count <= 0 || lastOffsetDelta !== count - 1) {
        throw new StorageError('INVALID_RECORD', `record batch at position ${pos} has ${count} records but last offset delta ${lastOffsetDelta} (${where})`);
      }
      const attributes = records.readInt16BE(pos + ATTRIBUTES_OFFSET);
      if ((attributes & ATTR_CONTROL) !== 0) {
        throw new StorageError('INVALID_RECORD', `clients may not write control batches (${where})`);
      }
      // Codec ids 5-7 name no codec: Kafka refuses the batch (CompressionType.forId throws), and
      // no reader could decompress it.
      try {
        compressionName(attributes & ATTR_COMPRESSION_MASK);
      } catch (e) {
        throw new StorageError('UNSUPPORTED_COMPRESSION_TYPE', `record batch at position ${pos} has unknown compression type id ${attributes & ATTR_COMPRESSION_MASK} (${where})`, { cause: e });
      }
      if (compacted) checkRecordKeys(records, pos, where);
      if (hasProducerId(records, pos)) producers = true;
      pos += size;
    }
    return producers;
  }

  private checkBatchSize(size: number): void {
    const where = `${this.topic}-${this.partition}`;
    if (size > this.config['max.message.bytes']) {
      throw new StorageError('MESSAGE_TOO_LARGE', `record batch of ${size} bytes exceeds max.message.bytes ${this.config['max.message.bytes']} (${where})`);
    }
    if (size > this.config['segment.bytes']) {
      throw new StorageError('RECORD_LIST_TOO_LARGE', `record batch of ${size} bytes exceeds segment.bytes ${this.config['segment.bytes']} (${where})`);
    }
  }

  /**
   * compression.type: 'producer' (the default) keeps every batch as its producer compressed it,
   * and costs nothing here. A codec name (or 'uncompressed') has batches in any other codec
   * recompressed into it before they are written (AK LogValidator), the one case in which the
   * produce path looks inside a batch; sizes are checked again, since recompressing can grow a
   * batch, as Kafka re-validates them.
   */
  private withTopicCompression(records: Buffer): Buffer {
    const type = this.config['compression.type'];
    if (type === 'producer') return records;
    let out: Buffer;
    try {
      out = recompressBatches(records, type === 'uncompressed' ? 'none' : type);
    } catch (e) {
      const message = `cannot recompress a record batch to ${type} for ${this.topic}-${this.partition}: ${(e as Error).message}`;
      if (e instanceof UnsupportedCompressionError) throw new StorageError('UNSUPPORTED_COMPRESSION_TYPE', message, { cause: e });
      if (e instanceof DecodeError) throw new StorageError('CORRUPT_MESSAGE', message, { cause: e });
      throw e;
    }
    if (out !== records) {
      for (let pos = 0; pos < out.length; ) {
        const size = LOG_OVERHEAD + out.readInt32BE(pos + BATCH_LENGTH_OFFSET);
        this.checkBatchSize(size);
        pos += size;
      }
    }
    return out;
  }

  /**
   * A new active segment at the log end; the producer state is snapshotted at its base offset,
   * as Kafka does. The segments before it are then fsynced in the background and the recovery
   * point moves to the new base (AK UnifiedLog.roll schedules flushUptoOffsetExclusive), so an
   * unclean restart re-validates only the tail written since the last roll. The fsync runs on
   * libuv's thread pool rather than in a deferred task on the event loop: fsyncing a segment of
   * up to segment.bytes of dirty pages can take seconds, and no append or fetch should wait
   * for it. Nothing here waits for the outcome: a failed fsync takes the log offline (see
   * `failed`), and the log manager's listener reports it.
   */
  private roll(now: number): LogSegment {
    this.active.onBecomeInactiveSegment();
    this.producerState.updateMapEndOffset(this.logEndOffset);
    this.producerState.takeSnapshot(false);
    const segment = LogSegment.create(this.dir, this.logEndOffset, this.config, now);
    this.segments.push(segment);
    this.flushInBackground(segment.baseOffset).catch(() => {});
    return segment;
  }

  /**
   * Whole batches starting with the one that contains `offset`, up to maxBytes, from one
   * segment (as Kafka does: the consumer's next fetch continues from there). Empty at the end of
   * the log. OFFSET_OUT_OF_RANGE below the log start or beyond the log end.
   */
  read(offset: bigint, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    if (offset < this._logStartOffset || offset > this.logEndOffset) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is out of range for ${this.topic}-${this.partition}: log start offset ${this._logStartOffset}, log end offset ${this.logEndOffset}`,
      );
    }
    const limit = opts.isolation === 'read_committed' ? this.lastStableOffset : this._highWatermark;
    const result: ReadResult = { chunks: [], size: 0, highWatermark: this._highWatermark, logStartOffset: this._logStartOffset, lastStableOffset: this.lastStableOffset };
    try {
      for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
        const segment = this.segments[i]!;
        if (segment.baseOffset >= limit) break;
        const data = segment.read(offset, maxBytes, { maxOffset: limit, minOneMessage: opts.minOneMessage ?? false });
        if (data === null) continue;
        if (data.length > 0) {
          result.chunks.push(data);
          result.size = data.length;
        }
        break;
      }
    } catch (e) {
      throw this.failure('read from', e);
    }
    return result;
  }

  /** Index of the segment whose range would hold `offset` (the last with baseOffset <= offset). */
  private segmentIndexFor(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets: the first offset whose record timestamp is >= `timestamp`, with that
   * timestamp; null if there is none. Special values: -1 latest (the high watermark), -2
   * earliest (the log start offset), both with timestamp -1; -3 the first record carrying the
   * greatest timestamp (KIP-734). Other negative values give null.
   */
  offsetForTimestamp(timestamp: bigint): TimestampOffset | null {
    if (timestamp === LATEST_TIMESTAMP) return { offset: this._highWatermark, timestamp: -1n };
    if (timestamp === EARLIEST_TIMESTAMP) return { offset: this._logStartOffset, timestamp: -1n };
    let target = timestamp;
    if (timestamp === MAX_TIMESTAMP) {
      target = -1n;
      for (const s of this.segments) if (s.maxTimestamp > target) target = s.maxTimestamp;
      if (target < 0n) return null;
    } else if (timestamp < 0n) {
      return null;
    }
    try {
      // Segments before the first whose max timestamp reaches the target cannot hold it.
      for (const segment of this.segments) {
        if (segment.maxTimestamp < target) continue;
        const found = segment.findOffsetByTimestamp(target, this._logStartOffset);
        if (found && found.offset < this._highWatermark) return found;
      }
      return null;
    } catch (e) {
      throw this.failure('search timestamps in', e);
    }
  }

  /**
   * Raises the log start offset (AK UnifiedLog.maybeIncrementLogStartOffset): DeleteRecords
   * moves it anywhere up to the high watermark, mid-segment too, and retention moves it to the
   * first segment it keeps. It never goes down. Segments wholly below it are deleted by the next
   * retention pass. OFFSET_OUT_OF_RANGE beyond the high watermark. Returns whether it moved.
   */
  incrementLogStartOffset(offset: bigint): boolean {
    if (offset > this._highWatermark) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot increment the log start offset to ${offset} of partition ${this.topic}-${this.partition} since it is larger than the high watermark ${this._highWatermark}`,
      );
    }
    if (offset <= this._logStartOffset) return false;
    this._logStartOffset = offset;
    // Nothing below the log start needs recovering (AK UnifiedLog.updateLogStartOffset).
    if (this._recoveryPoint < offset) this._recoveryPoint = offset;
    return true;
  }

  /**
   * Retention (AK UnifiedLog.deleteOldSegments): removes the oldest segments retention.ts picks
   * under the log's config as it is now, so a config changed live applies at the next pass. When
   * every segment goes, a new active segment is rolled first, so the log is never without one.
   * The log start offset moves to the first segment kept. Deleted segments' files, and the
   * producer snapshots named by their base offsets, are renamed `.deleted` for the caller to
   * remove later.
   */
  deleteOldSegments(now: number): DeletedSegments {
    const { reasons } = planRetention(this.segments, this, this.config, now);
    if (reasons.length === 0) return { segments: [], files: [] };
    try {
      if (reasons.length === this.segments.length) this.roll(now);
    } catch (e) {
      throw this.failure('delete old segments of', e);
    }
    const doomed = this.segments.splice(0, reasons.length);
    this.incrementLogStartOffset(this.segments[0]!.baseOffset);
    // The segments have left the log: each one's files are renamed on their own, so one that
    // fails leaves no other open or unscheduled, and the caller still learns what was removed
    // (and checkpoints the moved log start). A file left behind is removed by the next load.
    const files: string[] = [];
    let error: StorageError | undefined;
    for (const segment of doomed) {
      try {
        segment.closeAndMarkDeleted(files);
        const snapshot = snapshotFilePath(this.dir, segment.baseOffset);
        if (existsSync(snapshot)) {
          renameSync(snapshot, snapshot + DELETED_SUFFIX);
          files.push(snapshot + DELETED_SUFFIX);
        }
      } catch (e) {
        error ??= this.failure('delete old segments of', e);
      }
    }
    const segments = doomed.map((s, i) => ({ baseOffset: s.baseOffset, size: s.size, reason: reasons[i]! }));
    return error ? { segments, files, error } : { segments, files };
  }

  /** Registers a callback run after every successful append; returns its unsubscribe function. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * fsyncs every segment from the recovery point on and moves the recovery point to the log end.
   * The directory is fsynced too when a segment was created since the last flush, or its files
   * could vanish with a power loss though their contents were flushed (AK LocalLog.flush).
   */
  flush(): void {
    if (this._failed) throw this.offline();
    const end = this.logEndOffset;
    try {
      for (let i = this.segmentIndexFor(this._recoveryPoint); i < this.segments.length; i++) this.segments[i]!.flush();
      if (this.active.baseOffset >= this._recoveryPoint && end > this._recoveryPoint) fsyncDirectory(this.dir);
    } catch (e) {
      const error = this.failure('flush', e);
      this.markFailed(error);
      throw error;
    }
    this.advanceRecoveryPoint(end);
  }

  /**
   * The flush that waits for no one (AK flushUptoOffsetExclusive as run by the scheduler, on
   * roll and for flush.ms): fsyncs, off the event loop, every segment holding offsets in
   * [recoveryPoint, offset) (and the directory, if one of them is new since the last flush),
   * then moves the recovery point to `offset` (default: the log end as
   * of the call; appends made meanwhile wait for the next flush). Flushes run one after
   * another, so the recovery point never passes a segment whose fsync has not completed.
   * Rejects with KAFKA_STORAGE_ERROR when an fsync fails, which takes the log offline (`failed`).
   */
  flushInBackground(offset: bigint = this.logEndOffset): Promise<void> {
    const run = this.flushQueue.then(async () => {
      if (this._failed) throw this.offline();
      if (offset <= this._recoveryPoint) return;
      const from = this._recoveryPoint;
      const due = this.segments.filter((s) => s.baseOffset < offset && s.nextOffset > from);
      try {
        await Promise.all(due.map((s) => s.flushAsync()));
        if (due.some((s) => s.baseOffset >= from)) await fsyncDirectoryAsync(this.dir);
      } catch (e) {
        const error = this.failure('flush', e);
        this.markFailed(error);
        throw error;
      }
      this.advanceRecoveryPoint(offset);
    });
    this.flushQueue = run.catch(() => {});
    return run;
  }

  private offline(): StorageError {
    return new StorageError('KAFKA_STORAGE_ERROR', `${this.topic}-${this.partition} in ${this.dir} is offline after a failed fsync: ${this._failed!.message}`, { cause: this._failed });
  }

  /** After an fsync covering everything below `offset` (capped at the log end, which a truncation may have lowered). */
  private advanceRecoveryPoint(offset: bigint): void {
    if (this._failed) return;
    const end = offset < this.logEndOffset ? offset : this.logEndOffset;
    if (end <= this._recoveryPoint) return;
    this._recoveryPoint = end;
    this._lastFlushTime = this.clock();
  }

  /**
   * Clean close: the active segment's time index gets its final entry (max timestamp), then
   * everything is fsynced and the producer state snapshotted, so the indexes and the producers
   * can be trusted on the next start. A log about to be deleted skips both (`flush: false`), and
   * so does an offline one (`failed`). The files are closed whatever fails.
   */
  close(opts: { flush?: boolean } = {}): void {
    this._closed = true;
    this.listeners.clear();
    try {
      this.active.onBecomeInactiveSegment();
      if ((opts.flush ?? true) && !this._failed) {
        this.flush();
        // At the log end, so the next start loads the producers without reading the log.
        this.producerState.takeSnapshot(true);
      }
    } finally {
      for (const segment of this.segments) segment.close();
    }
  }
}
