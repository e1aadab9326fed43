// One segment of a partition log (AK LogSegment.java): `<baseOffset>.log` plus its offset and
// time indexes (offset-index.ts, time-index.ts), base offset zero-padded to 20 digits.
//
// The .log file is record batches (v2) exactly as on the wire, back to back, batch after batch
// in offset order; no header, no footer. Batch i+1 starts where batch i ends
// (12 + batchLength bytes). Every offset in the segment is >= its base offset and fits an i32
// relative to it.
//
// Index entries are sparse: a batch appended once more than index.interval.bytes have been
// written since the last entry gets one (its LAST offset → its start position), and the time
// index an entry (max timestamp so far, offset where it first appeared) beside it. The same
// rule rebuilds them in recover(), so a rebuilt index equals the one written by appends.
//
// Concurrency: single writer. The owning PartitionLog serialises appends, reads and recovery on
// the event loop; nothing here is safe to call concurrently from worker threads.

import { closeSync, constants, fsyncSync, fstatSync, ftruncateSync, openSync, renameSync, unlinkSync } from 'node:fs';
import {
  ATTR_LOG_APPEND_TIME,
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  decodeRecordBatches,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  verifyBatchCrc,
} from '../protocol/records/record-batch.js';
import { CorruptIndexError, StorageError } from './errors.js';
import { BlockReader, fsyncAsync, readFully, writeFully } from './file-io.js';
import type { LogConfig } from './log-config.js';
import { DELETED_SUFFIX, indexFilePath, logFilePath, timeIndexFilePath } from './log-files.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex, type TimestampOffset } from './time-index.js';

const INT32_MAX = 0x7fffffffn;
/** Block size for scanning headers from an index entry: the default 4 KiB between entries plus a batch, in one read. */
const SCAN_BLOCK = 8 * 1024;
/** Block size for recovery, which reads every byte of the segment. */
const RECOVERY_BLOCK = 1024 * 1024;

/** Where one batch sits in the .log and what its header says. */
export interface BatchLocation {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

/** What an append is about to add, for the roll decision. */
export interface IncomingBatch {
  size: number;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

export interface SegmentReadOptions {
  /** Stop before the first batch whose base offset is >= this (high watermark or last stable offset). */
  maxOffset?: bigint;
  /** Return the first batch even if it is larger than maxBytes (KIP-74), so consumers make progress. */
  minOneMessage?: boolean;
}

/** See LogSegment.mark(). */
export interface SegmentMark {
  readonly size: number;
  readonly nextOffset: bigint;
  readonly maxTimestampSoFar: bigint;
  readonly offsetOfMaxTimestampSoFar: bigint;
  readonly bytesSinceLastIndexEntry: number;
  readonly firstBatchTimestamp: bigint;
}

type SegmentConfig = Pick<LogConfig, 'index.interval.bytes' | 'segment.index.bytes' | 'segment.bytes' | 'segment.ms'>;

export class LogSegment {
  readonly logPath: string;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  private readonly fd: number;
  private _size = 0;
  private _nextOffset: bigint;
  private maxTimestampSoFar = -1n;
  private offsetOfMaxTimestampSoFar: bigint;
  private bytesSinceLastIndexEntry = 0;
  /** flushAsync calls not yet settled; close waits for them ('closing'). */
  private syncsInFlight = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  /** Max timestamp of the first batch: segment.ms counts from it (AK rollingBasedTimestamp). */
  private firstBatchTimestamp = -1n;

  private constructor(
    dir: string,
    readonly baseOffset: bigint,
    private readonly config: SegmentConfig,
    /** Wall-clock creation time, for segment.ms when the segment holds no timestamps. */
    private readonly created: number,
    truncateFiles: boolean,
    /** Appended to the three file names: the log cleaner writes `.cleaned` segments. */
    suffix = '',
  ) {
    this.logPath = logFilePath(dir, baseOffset) + suffix;
    this._nextOffset = baseOffset;
    this.offsetOfMaxTimestampSoFar = baseOffset;
    this.fd = openSync(this.logPath, constants.O_RDWR | constants.O_CREAT | (truncateFiles ? constants.O_TRUNC : 0), 0o644);
    this.offsetIndex = new OffsetIndex(indexFilePath(dir, baseOffset) + suffix, baseOffset, config['segment.index.bytes']);
    this.timeIndex = new TimeIndex(timeIndexFilePath(dir, baseOffset) + suffix, baseOffset, config['segment.index.bytes']);
    if (truncateFiles) {
      this.offsetIndex.reset();
      this.timeIndex.reset();
    }
  }

  /** A new, empty segment (any files with its name are emptied); `suffix` is for the cleaner's `.cleaned` files. */
  static create(dir: string, baseOffset: bigint, config: SegmentConfig, now: number, suffix = ''): LogSegment {
    return new LogSegment(dir, baseOffset, config, now, true, suffix);
  }

  /**
   * Opens existing files. With `recover` the log is validated batch by batch and the indexes
   * rebuilt (after an unclean shutdown); otherwise the indexes are trusted once they pass a
   * sanity check against the log, and rebuilt if they fail it. Returns the bytes truncated from
   * an invalid tail (0 if none).
   */
  static open(dir: string, baseOffset: bigint, config: SegmentConfig, now: number, recover: boolean): { segment: LogSegment; truncatedBytes: number } {
    const segment = new LogSegment(dir, baseOffset, config, now, false);
    if (!recover) {
      try {
        segment.loadFromIndexes();
        return { segment, truncatedBytes: 0 };
      } catch (e) {
        if (!(e instanceof StorageError)) throw e;
      }
    }
    return { segment, truncatedBytes: segment.recover() };
  }

  get size(): number {
    return this._size;
  }

  /** Offset after the last batch; the base offset while empty. */
  get nextOffset(): bigint {
    return this._nextOffset;
  }

  /** Greatest batch max timestamp in the segment, -1 if none. */
  get maxTimestamp(): bigint {
    return this.maxTimestampSoFar;
  }

  /**
   * Appends one batch whose offsets (`firstOffset`..`lastOffset`) are already written into it.
   * Offsets must continue the segment and fit its relative range; the caller rolls first.
   */
  append(batch: Buffer, firstOffset: bigint, lastOffset: bigint, maxTimestamp: bigint): void {
    if (firstOffset < this._nextOffset || lastOffset < firstOffset || lastOffset - this.baseOffset > INT32_MAX) {
      throw new StorageError(
        'KAFKA_STORAGE_ERROR',
        `attempt to append offsets ${firstOffset}..${lastOffset} to ${this.logPath}, whose next offset is ${this._nextOffset} and base offset ${this.baseOffset}`,
      );
    }
    const mark = this.mark();
    try {
      writeFully(this.fd, batch, mark.size);
      this.indexBatch(mark.size, batch.length, lastOffset, maxTimestamp);
    } catch (e) {
      // A write that failed part-way (ENOSPC, EIO) leaves nothing behind, in memory or on disk.
      this.rollback(mark);
      throw e;
    }
    if (mark.size === 0) this.firstBatchTimestamp = maxTimestamp;
    this._size += batch.length;
    this._nextOffset = lastOffset + 1n;
  }

  /** The segment's end as it is now, for rollback(): what an append that fails must restore. */
  mark(): SegmentMark {
    return {
      size: this._size,
      nextOffset: this._nextOffset,
      maxTimestampSoFar: this.maxTimestampSoFar,
      offsetOfMaxTimestampSoFar: this.offsetOfMaxTimestampSoFar,
      bytesSinceLastIndexEntry: this.bytesSinceLastIndexEntry,
      firstBatchTimestamp: this.firstBatchTimestamp,
    };
  }

  /**
   * Undoes every append since `mark`: the .log is truncated back to the mark's size and the
   * index entries added since are removed, in memory and in the files, so the next append
   * writes where the failed one began and a crash-restart finds no trace of it.
   */
  rollback(mark: SegmentMark): void {
    this.maxTimestampSoFar = mark.maxTimestampSoFar;
    this.offsetOfMaxTimestampSoFar = mark.offsetOfMaxTimestampSoFar;
    this.bytesSinceLastIndexEntry = mark.bytesSinceLastIndexEntry;
    this.firstBatchTimestamp = mark.firstBatchTimestamp;
    this._size = mark.size;
    this._nextOffset = mark.nextOffset;
    this.offsetIndex.truncateTo(mark.nextOffset);
    this.timeIndex.truncateTo(mark.nextOffset);
    ftruncateSync(this.fd, mark.size);
  }

  /** Kafka's indexing rule, shared by append and recover so both produce the same entries. */
  private indexBatch(position: number, size: number, lastOffset: bigint, maxTimestamp: bigint): void {
    if (maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = maxTimestamp;
      this.offsetOfMaxTimestampSoFar = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.config['index.interval.bytes']) {
      this.offsetIndex.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
  }

  /**
   * Whole batches from the one containing `startOffset`, at most `maxBytes` (unless
   * minOneMessage lets the first one exceed it). Null when no batch in this segment reaches
   * `startOffset`; an empty buffer when the first batch does not fit or lies at/after maxOffset.
   * One read into a fresh buffer; batch headers are walked in memory to cut at a batch boundary.
   */
  read(startOffset: bigint, maxBytes: number, opts: SegmentReadOptions = {}): Buffer | null {
    const first = this.translateOffset(startOffset);
    if (!first) return null;
    const budget = opts.minOneMessage && first.size > maxBytes ? first.size : maxBytes;
    const length = Math.min(budget, this._size - first.position);
    if (length < first.size) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(length);
    const n = readFully(this.fd, buf, first.position);
    let end = 0;
    while (end + LOG_OVERHEAD <= n) {
      const size = LOG_OVERHEAD + buf.readInt32BE(end + BATCH_LENGTH_OFFSET);
      if (end + size > n) break;
      if (opts.maxOffset !== undefined && buf.readBigInt64BE(end) >= opts.maxOffset) break;
      end += size;
    }
    return buf.subarray(0, end);
  }

  /** The first batch whose last offset is >= `offset`, found from the floor index entry. */
  translateOffset(offset: bigint): BatchLocation | null {
    // Consumers at the end of the log ask for the next offset on every poll: answer without a scan.
    if (offset >= this._nextOffset) return null;
    for (const batch of this.batchesFrom(this.offsetIndex.lookup(offset).position)) {
      if (batch.lastOffset >= offset) return batch;
    }
    return null;
  }

  /** Batch headers from `position` to the end of the segment (header sanity only, no CRC). */
  private *batchesFrom(position: number, end = this._size): Generator<BatchLocation> {
    const reader = new BlockReader(this.fd, end, SCAN_BLOCK);
    let pos = position;
    while (pos < end) {
      const head = reader.view(pos, BATCH_HEADER_SIZE);
      const size = head ? LOG_OVERHEAD + head.readInt32BE(BATCH_LENGTH_OFFSET) : 0;
      if (!head || size < BATCH_HEADER_SIZE || pos + size > end || head.readInt8(MAGIC_OFFSET) !== 2) {
        throw new StorageError('KAFKA_STORAGE_ERROR', `${this.logPath}: no valid batch header at position ${pos} of ${end}`);
      }
      const baseOffset = head.readBigInt64BE(0);
      yield {
        position: pos,
        size,
        baseOffset,
        lastOffset: baseOffset + BigInt(head.readInt32BE(LAST_OFFSET_DELTA_OFFSET)),
        maxTimestamp: head.readBigInt64BE(MAX_TIMESTAMP_OFFSET),
      };
      pos += size;
    }
  }

  /**
   * Calls `visit` with the header (BATCH_HEADER_SIZE bytes, base offset included) of every batch
   * whose last offset is >= `from`, in log order: rebuilding producer state reads headers only.
   * The view is valid during the call only.
   */
  forEachBatchHeader(from: bigint, visit: (header: Buffer) => void): void {
    if (from >= this._nextOffset) return;
    const reader = new BlockReader(this.fd, this._size, SCAN_BLOCK);
    for (let pos = this.offsetIndex.lookup(from).position; pos < this._size; ) {
      const head = reader.view(pos, BATCH_HEADER_SIZE);
      const size = head ? LOG_OVERHEAD + head.readInt32BE(BATCH_LENGTH_OFFSET) : 0;
      if (!head || size < BATCH_HEADER_SIZE || pos + size > this._size) {
        throw new StorageError('KAFKA_STORAGE_ERROR', `${this.logPath}: no valid batch header at position ${pos} of ${this._size}`);
      }
      if (head.readBigInt64BE(0) + BigInt(head.readInt32BE(LAST_OFFSET_DELTA_OFFSET)) >= from) visit(head);
      pos += size;
    }
  }

  /**
   * First record at or after `startingOffset` whose timestamp is >= `timestamp` (AK
   * LogSegment.findOffsetByTimestamp): the time index gives where to start, batch headers rule
   * out batches by max timestamp, and only the one batch that qualifies is decoded.
   */
  findOffsetByTimestamp(timestamp: bigint, startingOffset: bigint): TimestampOffset | null {
    const from = this.timeIndex.lookup(timestamp).offset;
    const { position } = this.offsetIndex.lookup(from > startingOffset ? from : startingOffset);
    for (const batch of this.batchesFrom(position)) {
      if (batch.maxTimestamp < timestamp || batch.lastOffset < startingOffset) continue;
      const bytes = Buffer.allocUnsafe(batch.size);
      readFully(this.fd, bytes, batch.position);
      if ((bytes.readInt16BE(ATTRIBUTES_OFFSET) & ATTR_LOG_APPEND_TIME) !== 0) {
        // Every record carries the batch's max timestamp: no need to decompress to know.
        return { offset: batch.baseOffset > startingOffset ? batch.baseOffset : startingOffset, timestamp: batch.maxTimestamp };
      }
      const [decoded] = decodeRecordBatches(bytes, { verifyCrc: false });
      for (const r of decoded!.records) {
        if (r.offset >= startingOffset && r.timestamp >= timestamp) return { offset: r.offset, timestamp: r.timestamp };
      }
    }
    return null;
  }

  /**
   * Validates the log batch by batch (header, CRC, offsets increasing within the segment's
   * range), rebuilds both indexes, and truncates the log at the first invalid batch (a torn or
   * corrupt tail). Returns the number of bytes truncated.
   */
  recover(): number {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestampSoFar = -1n;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    this.firstBatchTimestamp = -1n;
    this._nextOffset = this.baseOffset;
    const fileSize = fstatSync(this.fd).size;
    const reader = new BlockReader(this.fd, fileSize, RECOVERY_BLOCK);
    let pos = 0;
    while (pos < fileSize) {
      const head = reader.view(pos, BATCH_HEADER_SIZE);
      if (!head || head.readInt8(MAGIC_OFFSET) !== 2) break;
      const batchLength = head.readInt32BE(BATCH_LENGTH_OFFSET);
      if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) break;
      const batch = reader.view(pos, LOG_OVERHEAD + batchLength);
      if (!batch || !verifyBatchCrc(batch, 0, batchLength)) break;
      const baseOffset = batch.readBigInt64BE(0);
      const lastOffset = baseOffset + BigInt(batch.readInt32BE(LAST_OFFSET_DELTA_OFFSET));
      if (baseOffset < this._nextOffset || lastOffset < baseOffset || lastOffset - this.baseOffset > INT32_MAX) break;
      const maxTimestamp = batch.readBigInt64BE(MAX_TIMESTAMP_OFFSET);
      if (pos === 0) this.firstBatchTimestamp = maxTimestamp;
      this.indexBatch(pos, batch.length, lastOffset, maxTimestamp);
      pos += batch.length;
      this._nextOffset = lastOffset + 1n;
    }
    if (pos < fileSize) ftruncateSync(this.fd, pos);
    this._size = pos;
    // As a cleanly closed segment would have it: its max timestamp is the last time index entry.
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    return fileSize - pos;
  }

  /**
   * Trusted load after a clean shutdown: checks the indexes and reads only the tail of the log
   * after the last offset index entry, to learn the next offset. Throws (CorruptIndexError or
   * StorageError) when the files disagree, and the caller recovers. Beyond each index's own
   * sanity check, the tail must match the indexing rule (a batch that should have had an entry
   * but has none means lost entries), and the time index must end with the segment's max
   * timestamp, as roll and close leave it (a lower last entry means lost entries).
   */
  private loadFromIndexes(): void {
    const fileSize = fstatSync(this.fd).size;
    this.offsetIndex.sanityCheck(fileSize);
    const indexed = this.offsetIndex.entries > 0;
    const lastEntry = this.offsetIndex.lastEntry();
    const timeEntry = this.timeIndex.lastEntry();
    let bytesSince = 0;
    let nextOffset = this.baseOffset;
    let first = true;
    for (const batch of this.batchesFrom(lastEntry.position, fileSize)) {
      if (first && indexed) {
        if (batch.lastOffset !== lastEntry.offset) {
          throw new CorruptIndexError(this.offsetIndex.path, `last entry says offset ${lastEntry.offset} at position ${lastEntry.position}, the batch there ends at offset ${batch.lastOffset}`);
        }
      } else if (bytesSince > this.config['index.interval.bytes']) {
        throw new CorruptIndexError(this.offsetIndex.path, `no entry for the batch at position ${batch.position} (${bytesSince} bytes after the previous entry)`);
      } else if (batch.baseOffset < nextOffset) {
        throw new StorageError('KAFKA_STORAGE_ERROR', `${this.logPath}: batch at position ${batch.position} starts at offset ${batch.baseOffset}, before ${nextOffset}`);
      }
      if (batch.maxTimestamp > timeEntry.timestamp) {
        throw new CorruptIndexError(this.timeIndex.path, `last entry has timestamp ${timeEntry.timestamp}, below the batch at position ${batch.position} with ${batch.maxTimestamp}`);
      }
      first = false;
      bytesSince += batch.size;
      nextOffset = batch.lastOffset + 1n;
    }
    this.timeIndex.sanityCheck(nextOffset);
    const head = fileSize > 0 ? this.batchesFrom(0, fileSize).next() : undefined;
    this.firstBatchTimestamp = head && !head.done ? head.value.maxTimestamp : -1n;
    this.maxTimestampSoFar = timeEntry.timestamp;
    this.offsetOfMaxTimestampSoFar = timeEntry.offset;
    this._size = fileSize;
    this._nextOffset = nextOffset;
    this.bytesSinceLastIndexEntry = bytesSince;
  }

  /**
   * AK LogSegment.shouldRoll: the batch would overflow segment.bytes, segment.ms has passed
   * since the first batch's timestamp (or creation), an index is full, or the batch's offsets
   * do not fit relative to the base. An empty segment never rolls: its successor would have
   * the same base offset. `roll` is the log's current config (AK RollParams), which AlterConfigs
   * may have changed since this segment was created.
   */
  shouldRoll(incoming: IncomingBatch, now: number, roll: Pick<LogConfig, 'segment.bytes' | 'segment.ms'> = this.config): boolean {
    if (this._size === 0) return false;
    const reachedRollMs =
      this.firstBatchTimestamp >= 0n
        ? incoming.maxTimestamp - this.firstBatchTimestamp > BigInt(roll['segment.ms'])
        : now - this.created > roll['segment.ms'];
    return (
      this._size > roll['segment.bytes'] - incoming.size ||
      reachedRollMs ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      incoming.lastOffset - this.baseOffset > INT32_MAX
    );
  }

  /** On roll: the final time index entry records the segment's max timestamp. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
  }

  flush(): void {
    fsyncSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /**
   * fsyncs the three files on libuv's thread pool (see fsyncAsync), for a segment that has
   * rolled: the event loop keeps serving while the disk catches up. close() and delete() called
   * meanwhile wait for it before closing the descriptors, so an fsync never lands on a closed
   * (or reused) descriptor. A segment already closed needs no flush: close() flushed it, or it
   * was deleted.
   */
  async flushAsync(): Promise<void> {
    if (this.state !== 'open') return;
    this.syncsInFlight++;
    try {
      await Promise.all([fsyncAsync(this.fd), this.offsetIndex.flushAsync(), this.timeIndex.flushAsync()]);
    } finally {
      this.syncsInFlight--;
      this.closeIfDeferred();
    }
  }

  /** Not inlined in flushAsync: there the compiler would still take the state for 'open'. */
  private closeIfDeferred(): void {
    if (this.syncsInFlight === 0 && this.state === 'closing') this.closeFiles();
  }

  close(): void {
    if (this.state !== 'open') return;
    if (this.syncsInFlight > 0) this.state = 'closing';
    else this.closeFiles();
  }

  private closeFiles(): void {
    this.state = 'closed';
    closeSync(this.fd);
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  /**
   * Retention's clock (AK LogSegment.largestTimestamp): the greatest record timestamp, else the
   * .log file's last modification time.
   */
  largestTimestamp(): bigint {
    if (this.maxTimestampSoFar >= 0n) return this.maxTimestampSoFar;
    return BigInt(Math.floor(fstatSync(this.fd).mtimeMs));
  }

  /**
   * Closes the segment and renames its three files with the `.deleted` suffix (AK
   * LocalLog.deleteSegmentFiles); appends the new paths to `renamed` as they are made, for the
   * caller to remove after file.delete.delay.ms, and throws the first failure after trying
   * every file. Closing at once is safe: the log's reads are synchronous and copy out
   * of the file, so once the segment has left its log none can be part-way through it. The log
   * cleaner reads by path with its own descriptors: a pass checks the segment is still in its
   * log after opening it, and retention does not run on a log while it is being cleaned.
   */
  closeAndMarkDeleted(renamed: string[]): void {
    let first: unknown = null;
    try {
      this.close();
    } catch (e) {
      first = e;
    }
    // Each file on its own: one that fails does not keep the others from going.
    for (const path of [this.logPath, this.offsetIndex.path, this.timeIndex.path]) {
      try {
        renameSync(path, path + DELETED_SUFFIX);
        renamed.push(path + DELETED_SUFFIX);
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== null) throw first;
  }

  /** Closes and removes the segment's three files (the names go at once, the descriptors after any flushAsync). */
  delete(): void {
    this.close();
    for (const path of [this.logPath, this.offsetIndex.path, this.timeIndex.path]) unlinkSync(path);
  }
}
