// One cleaning pass over one compacted log (AK Cleaner in LogCleaner.scala): keep the latest
// record of every key below the first uncleanable offset, as Kafka's log compaction does.
//
//   log start ........ firstDirtyOffset ............ firstUncleanableOffset ... active segment
//   |  clean: cleaned before, one record per key  |  dirty: appended since  |  never touched
//
// - firstDirtyOffset comes from the cleaner-offset-checkpoint (log-cleaner.ts); the first
//   uncleanable offset is the active segment's base, or earlier: the first dirty segment holding
//   a record younger than min.compaction.lag.ms (judged by the segment's max timestamp).
// - The dirty section is read into an offset map (key → latest offset, offset-map.ts). The map
//   is bounded by log.cleaner.dedupe.buffer.size; when it fills, the pass ends its map at a batch
//   boundary (endOffset) and records from there on are kept as they are until the next pass.
// - Every segment from the log start up to endOffset is then rewritten, in groups of
//   consecutive segments that fit one segment (segment.bytes, segment.index.bytes, offsets in
//   i32 range: AK groupSegmentsBySize), into one `.cleaned` segment that is swapped in
//   (segment-swap.ts gives the crash-safe protocol). A record is kept when its offset is at or
//   past endOffset, or it is its key's latest; keyless records (written before the topic was
//   compacted) are dropped, as Kafka drops them.
// - Tombstones (null value) follow KIP-534: the first pass that keeps a batch holding tombstones
//   stamps it with a delete horizon (now + delete.retention.ms, in baseTimestamp, attribute bit
//   6); a later pass past that horizon drops them. Until then consumers can still see the
//   delete. The pass reports the earliest horizon it left, so the scheduler comes back then.
// - A batch keeps its bytes when all its records stay and nothing needs stamping. Otherwise it
//   is rebuilt (RecordBatchBuilder) with the same codec, base offset, last offset delta (the
//   producer's last sequence depends on it), producer id/epoch/base sequence, partition leader
//   epoch, transactional flag and timestamps; records keep their offsets, so compaction leaves
//   gaps. A batch whose records all go is dropped, unless it is a producer's latest batch: then
//   its header stays without records, so the producer's sequence survives a reload.
//
// Not blocking produce: the pass is async and works in slices. Segment files are read with
// async reads of at most READ_CHUNK bytes, and each chunk's batches are processed before the
// next read, so the event loop runs appends and fetches between chunks; the cleaned segment is
// written with the log's ordinary synchronous appends (page cache writes, microseconds). A worker
// thread was the other choice; it would need its own view of the segment list and a protocol to
// hand the swap back to the event loop, while slicing keeps the one-writer rule of log.ts and
// bounds each slice to one chunk's records. Only the swap itself is synchronous: renames and
// the opening of the cleaned segment from its (already written) indexes.

import { open } from 'node:fs/promises';
import { crc32c } from '../../protocol/records/crc32c.js';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_DELETE_HORIZON,
  ATTR_LOG_APPEND_TIME,
  ATTR_TRANSACTIONAL,
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  decodeRecordBatches,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RecordBatchBuilder,
  RECORDS_COUNT_OFFSET,
  readBatchHeader,
  type BatchHeader,
} from '../../protocol/records/record-batch.js';
import { compressionName } from '../../protocol/records/compression.js';
import { StorageError } from '../errors.js';
import { fsyncDirectoryAsync } from '../file-io.js';
import type { LogConfig } from '../log-config.js';
import { CLEANED_SUFFIX } from '../log-files.js';
import { LogSegment } from '../log-segment.js';
import type { PartitionLog } from '../log.js';
import { OffsetMap } from './offset-map.js';
import { discardCleaned, installSwap, promoteToSwap, syncCleaned } from './segment-swap.js';

/** Bytes read per slice. */
const READ_CHUNK = 64 * 1024;
const INT32_MAX = 0x7fffffffn;

export interface CleanerSettings {
  /** log.cleaner.dedupe.buffer.size: bounds the keys one pass can dedupe. */
  dedupeBufferSize: number;
  clock: () => number;
  /** Asked between slices; true abandons the pass (broker shutdown). Its files are removed. */
  stopped: () => boolean;
}

/** What a log looks like to the cleaner (AK LogToClean). */
export interface CleanableLog {
  firstDirtyOffset: bigint;
  firstUncleanableOffset: bigint;
  /** Bytes of segments wholly below firstDirtyOffset. */
  cleanBytes: number;
  /** Bytes of the segments from firstDirtyOffset to firstUncleanableOffset. */
  dirtyBytes: number;
  /** dirty / (clean + dirty); 0 when nothing is cleanable. */
  ratio: number;
}

export interface CleanResult {
  /** The next pass starts here (the new cleaner checkpoint). */
  firstDirtyOffset: bigint;
  /** Earliest delete horizon of tombstones left in the log; null if none were seen. */
  nextDeleteHorizon: bigint | null;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
}

/**
 * Where the dirty section of `log` starts and ends. `checkpoint` is the saved first dirty
 * offset; one outside the log (a deleted and recreated log, a truncation) means the log start,
 * as in Kafka.
 */
export function cleanableRange(log: PartitionLog, checkpoint: bigint | undefined, now: number): CleanableLog {
  const config = log.config;
  const start = log.logStartOffset;
  const firstDirtyOffset = checkpoint === undefined || checkpoint < start || checkpoint > log.logEndOffset ? start : checkpoint;
  const segments = log.inactiveSegments();
  const bases = log.segmentBaseOffsets();
  let firstUncleanableOffset = bases[bases.length - 1]!;
  const lag = config['min.compaction.lag.ms'];
  if (lag > 0) {
    for (const s of segments) {
      if (s.nextOffset > firstDirtyOffset && s.maxTimestamp > BigInt(now - lag)) {
        if (s.baseOffset < firstUncleanableOffset) firstUncleanableOffset = s.baseOffset;
        break;
      }
    }
  }
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (const s of segments) {
    if (s.nextOffset <= firstDirtyOffset) cleanBytes += s.size;
    else if (s.baseOffset < firstUncleanableOffset) dirtyBytes += s.size;
  }
  const total = cleanBytes + dirtyBytes;
  return { firstDirtyOffset, firstUncleanableOffset, cleanBytes, dirtyBytes, ratio: total === 0 ? 0 : dirtyBytes / total };
}

/**
 * Every whole batch of a segment's .log, read in chunks with async reads; each yield is one slice.
 * `live` is asked after the open and before each slice: the file is opened by path, so once the
 * segment has left the log (retention, or the log deleted and perhaps created again under the
 * same name) the path may name another file. The generator then ends early; the caller, seeing
 * `live()` false after the loop, abandons the pass.
 */
async function* readBatches(segment: LogSegment, live: () => boolean): AsyncGenerator<Buffer[]> {
  if (!live()) return;
  const size = segment.size;
  let file;
  try {
    file = await open(segment.logPath, 'r');
  } catch (e) {
    // Renamed away (retention) while the open was under way.
    if (!live()) return;
    throw e;
  }
  try {
    for (let pos = 0; pos < size; ) {
      if (!live()) return;
      // A fresh buffer per chunk: the batches handed out stay valid after the next read.
      let chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - pos));
      let { bytesRead } = await file.read(chunk, 0, chunk.length, pos);
      const firstSize = bytesRead >= LOG_OVERHEAD ? LOG_OVERHEAD + chunk.readInt32BE(BATCH_LENGTH_OFFSET) : 0;
      if (firstSize > bytesRead && firstSize <= size - pos) {
        // A batch larger than a chunk is read whole.
        chunk = Buffer.allocUnsafe(firstSize);
        ({ bytesRead } = await file.read(chunk, 0, firstSize, pos));
      }
      const batches: Buffer[] = [];
      let at = 0;
      while (at + LOG_OVERHEAD <= bytesRead) {
        const batchSize = LOG_OVERHEAD + chunk.readInt32BE(at + BATCH_LENGTH_OFFSET);
        if (batchSize < BATCH_HEADER_SIZE || at + batchSize > bytesRead) break;
        batches.push(chunk.subarray(at, at + batchSize));
        at += batchSize;
      }
      if (at === 0) throw new StorageError('KAFKA_STORAGE_ERROR', `${segment.logPath}: no whole batch at position ${pos} of ${size}`);
      pos += at;
      yield batches;
    }
  } finally {
    await file.close();
  }
}

/** The records of a batch as the cleaner needs them. */
function recordsOf(batch: Buffer) {
  return decodeRecordBatches(batch, { verifyCrc: false })[0]!.records;
}

/** Segments from the log start up to endOffset, in groups that each fit one segment (AK groupSegmentsBySize). */
function groupSegmentsBySize(segments: readonly LogSegment[], config: LogConfig): LogSegment[][] {
  const groups: LogSegment[][] = [];
  for (let i = 0; i < segments.length; ) {
    const group = [segments[i]!];
    let logBytes = segments[i]!.size;
    let indexBytes = segments[i]!.offsetIndex.entries * 8;
    let timeIndexBytes = segments[i]!.timeIndex.entries * 12;
    for (i++; i < segments.length; i++) {
      const s = segments[i]!;
      if (logBytes + s.size > config['segment.bytes']) break;
      if (indexBytes + s.offsetIndex.entries * 8 > config['segment.index.bytes']) break;
      if (timeIndexBytes + s.timeIndex.entries * 12 > config['segment.index.bytes']) break;
      if (s.nextOffset - 1n - group[0]!.baseOffset > INT32_MAX) break;
      group.push(s);
      logBytes += s.size;
      indexBytes += s.offsetIndex.entries * 8;
      timeIndexBytes += s.timeIndex.entries * 12;
    }
    groups.push(group);
  }
  return groups;
}

/** Per-pass state of the filter. */
interface FilterContext {
  readonly map: OffsetMap;
  readonly endOffset: bigint;
  readonly now: bigint;
  readonly deleteRetentionMs: bigint;
  readonly producersLastBatches: ReadonlySet<bigint>;
  nextDeleteHorizon: bigint | null;
  recordsRead: number;
  recordsRetained: number;
}

/** A batch's header alone, with no records (AK DefaultRecordBatch.writeEmptyHeader). */
function emptyBatch(batch: Buffer, header: BatchHeader): Buffer {
  const out = Buffer.from(batch.subarray(0, BATCH_HEADER_SIZE));
  out.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(header.attributes & ~ATTR_COMPRESSION_MASK & ~ATTR_DELETE_HORIZON, ATTRIBUTES_OFFSET);
  out.writeBigInt64BE(header.maxTimestamp, BASE_TIMESTAMP_OFFSET);
  out.writeBigInt64BE(header.maxTimestamp, MAX_TIMESTAMP_OFFSET);
  out.writeInt32BE(0, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}

/** The bytes to write for `batch`: itself, a rebuilt batch, an empty header, or null to drop it. */
function filterBatch(batch: Buffer, ctx: FilterContext): Buffer | null {
  const header = readBatchHeader(batch);
  // Control batches (transaction markers) are not written by this broker's clients; kept as they are.
  if ((header.attributes & ATTR_CONTROL) !== 0) return batch;
  const hasHorizon = (header.attributes & ATTR_DELETE_HORIZON) !== 0;
  const tombstonesExpired = hasHorizon && ctx.now >= header.baseTimestamp;
  const records = recordsOf(batch);
  ctx.recordsRead += records.length;
  const kept = records.filter((r) => {
    const offset = r.offset;
    if (offset >= ctx.endOffset) return true;
    const key = r.key;
    if (key === null) return false;
    const latest = ctx.map.get(key);
    if (latest !== undefined && offset < latest) return false;
    return r.value !== null || !tombstonesExpired;
  });
  ctx.recordsRetained += kept.length;
  const tombstones = kept.some((r) => r.value === null);
  const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
  if (kept.length === 0) return ctx.producersLastBatches.has(lastOffset) ? emptyBatch(batch, header) : null;
  const horizon = hasHorizon ? header.baseTimestamp : tombstones ? ctx.now + ctx.deleteRetentionMs : undefined;
  if (tombstones && (ctx.nextDeleteHorizon === null || horizon! < ctx.nextDeleteHorizon)) ctx.nextDeleteHorizon = horizon!;
  if (kept.length === records.length && (!tombstones || hasHorizon)) return batch;
  // Rebuilt: a horizon once set stays (the records' timestamps are deltas from it).
  const builder = new RecordBatchBuilder(compressionName(header.attributes & ATTR_COMPRESSION_MASK), batch.length, horizon);
  for (const r of kept) builder.append(r.timestamp, r.key, r.value, r.headers, Number(r.offset - header.baseOffset));
  return builder.build({
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: (header.attributes & ATTR_TRANSACTIONAL) !== 0,
    timestampType: (header.attributes & ATTR_LOG_APPEND_TIME) !== 0 ? 'LogAppendTime' : 'CreateTime',
    lastOffsetDelta: header.lastOffsetDelta,
  });
}

/**
 * Reads the dirty section into `map`, from firstDirtyOffset to before firstUncleanableOffset.
 * Returns the offset the map covers up to (exclusive): firstUncleanableOffset, or the end of the
 * last batch that fitted when the map filled.
 */
async function buildOffsetMap(log: PartitionLog, segments: readonly LogSegment[], range: CleanableLog, map: OffsetMap, settings: CleanerSettings): Promise<bigint | null> {
  let end = range.firstDirtyOffset;
  for (const segment of segments) {
    if (segment.nextOffset <= range.firstDirtyOffset) continue;
    if (segment.baseOffset >= range.firstUncleanableOffset) break;
    const live = () => isLive(log, segment, settings);
    for await (const batches of readBatches(segment, live)) {
      for (const batch of batches) {
        const header = readBatchHeader(batch);
        const last = header.baseOffset + BigInt(header.lastOffsetDelta);
        if (last < range.firstDirtyOffset || (header.attributes & ATTR_CONTROL) !== 0) continue;
        if (map.size + header.recordCount > map.capacity) {
          // Full: stop at this batch; the first pass that cannot fit one batch still makes progress.
          if (end > range.firstDirtyOffset) return end;
        }
        for (const r of recordsOf(batch)) {
          const key = r.key;
          if (key !== null && r.offset >= range.firstDirtyOffset) map.put(key, r.offset);
        }
        end = last + 1n;
      }
    }
    if (!live()) return null;
  }
  // Nothing dirty (a pass for expired tombstones): the map covers nothing and the checkpoint stays.
  return range.firstUncleanableOffset > end ? range.firstUncleanableOffset : end;
}

/**
 * One pass: builds the offset map and rewrites the segments below its end. With nothing dirty
 * it still rewrites the clean section, which drops tombstones whose horizon has passed. Returns
 * null when the pass was stopped, the log was closed (deleted), or its segments left the log
 * meanwhile (retention should skip the log being cleaned: LogManager.cleanupLogs). Throws
 * StorageError (KAFKA_STORAGE_ERROR with the cause) on disk failures; the log is then
 * unchanged, or a swap is half done and the next start completes it.
 */
export async function cleanLog(log: PartitionLog, range: CleanableLog, settings: CleanerSettings): Promise<CleanResult | null> {
  const stopped = () => settings.stopped() || log.closed;
  try {
    return await cleanLogOnce(log, range, { ...settings, stopped });
  } catch (e) {
    // A log closed under the pass took its files with it: that is an abandoned pass, not a failure.
    if (stopped()) return null;
    if (e instanceof StorageError) throw e;
    throw new StorageError('KAFKA_STORAGE_ERROR', `unable to clean ${log.topic}-${log.partition} in ${log.dir}: ${(e as Error).message}`, { cause: e });
  }
}

/** Whether the pass may go on reading `segment`: not stopped, and the segment still one of the log's inactive ones. */
function isLive(log: PartitionLog, segment: LogSegment, settings: CleanerSettings): boolean {
  return !settings.stopped() && log.inactiveSegments().includes(segment);
}

async function cleanLogOnce(log: PartitionLog, range: CleanableLog, settings: CleanerSettings): Promise<CleanResult | null> {
  const config = log.config;
  const segments = log.inactiveSegments();
  const map = new OffsetMap(settings.dedupeBufferSize);
  const endOffset = await buildOffsetMap(log, segments, range, map, settings);
  if (endOffset === null) return null;
  const ctx: FilterContext = {
    map,
    endOffset,
    now: BigInt(settings.clock()),
    deleteRetentionMs: BigInt(config['delete.retention.ms']),
    producersLastBatches: log.producerState.lastBatchOffsets(),
    nextDeleteHorizon: null,
    recordsRead: 0,
    recordsRetained: 0,
  };
  const result: CleanResult = { firstDirtyOffset: endOffset, nextDeleteHorizon: null, bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0 };
  // Segments wholly below the log start are retention's to delete; an empty one at it is cleaned (merged).
  const toClean = segments.filter((s) => s.baseOffset < endOffset && (s.nextOffset > log.logStartOffset || s.baseOffset >= log.logStartOffset));
  for (const group of groupSegmentsBySize(toClean, config)) {
    const written = await cleanSegments(log, group, ctx, settings);
    if (written === null) return null;
    result.bytesRead += group.reduce((n, s) => n + s.size, 0);
    result.bytesWritten += written;
  }
  result.nextDeleteHorizon = ctx.nextDeleteHorizon;
  result.recordsRead = ctx.recordsRead;
  result.recordsRetained = ctx.recordsRetained;
  return result;
}

/** Cleans one group into one segment and swaps it in (AK Cleaner.cleanSegments). Returns the bytes written, null if abandoned. */
async function cleanSegments(log: PartitionLog, group: readonly LogSegment[], ctx: FilterContext, settings: CleanerSettings): Promise<number | null> {
  const base = group[0]!.baseOffset;
  const config = log.config;
  const cleaned = LogSegment.create(log.dir, base, config, settings.clock(), CLEANED_SUFFIX);
  // 'writing': .cleaned files to discard on the way out; 'swap': swap files not installed, to
  // discard; 'installing': a swap started, whose files only the next start may finish.
  const progress: { state: 'writing' | 'swap' | 'installing' } = { state: 'writing' };
  try {
    for (const segment of group) {
      const live = () => isLive(log, segment, settings);
      for await (const batches of readBatches(segment, live)) {
        for (const batch of batches) {
          const out = filterBatch(batch, ctx);
          if (!out) continue;
          const header = readBatchHeader(out);
          cleaned.append(out, header.baseOffset, header.baseOffset + BigInt(header.lastOffsetDelta), header.maxTimestamp);
        }
      }
      if (!live()) return null;
    }
    cleaned.onBecomeInactiveSegment();
    const size = cleaned.size;
    cleaned.close();
    progress.state = 'swap';
    await syncCleaned(log.dir, base);
    // The renames go by path too: not into a directory that is no longer this log's.
    if (settings.stopped()) return null;
    await promoteToSwap(log.dir, base);
    if (settings.stopped()) return null;
    const oldBases = group.map((s) => s.baseOffset);
    const swapped = log.replaceSegments(group, () => {
      progress.state = 'installing';
      installSwap(log.dir, base, oldBases);
      return LogSegment.open(log.dir, base, config, settings.clock(), false).segment;
    });
    if (swapped) await fsyncDirectoryAsync(log.dir);
    return swapped ? size : null;
  } finally {
    if (progress.state === 'writing') cleaned.close();
    if (progress.state !== 'installing') discardCleaned(log.dir, base);
  }
}
