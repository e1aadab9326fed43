// Startup of one partition directory (AK LogLoader.scala): finish or undo interrupted work,
// open the segments, and recover what a crash may have left torn.
//
//   0. Finish a log cleaner swap a crash interrupted (cleaner/segment-swap.ts).
//   1. Delete transient files (.tmp, .cleaned, .swap, .deleted) and index files whose .log is gone.
//   2. Open segments in base offset order. After a clean shutdown (marker present) the indexes
//      are trusted once they pass a sanity check against the log; otherwise every segment that
//      holds offsets at or beyond the recovery point is re-validated batch by batch (header,
//      CRC, increasing offsets) and its indexes rebuilt. A segment whose index files are
//      missing is always rebuilt.
//   3. At the first invalid batch the segment is truncated and every later segment deleted: the
//      log keeps exactly the valid prefix, so offsets stay contiguous.
//   4. The log start offset is the checkpointed one or the first segment's base, whichever is
//      greater; if the log ends before it (a truncation went that far) the log restarts empty
//      there. A directory without segments gets an empty one at the log start offset.
//   5. Producer state (producer-state.ts): loaded from the latest usable `.snapshot`, then the
//      batch headers after it are replayed, up to the log end. Snapshots are taken at every
//      roll, so after a crash this reads the active segment's headers, which recovery has
//      just read into the page cache; a second pass rather than a hook in recovery because
//      the snapshot offset and the recovery point are independent (a segment below the recovery
//      point is not re-validated, yet its producers must still be replayed).
//
// Concurrency: runs before the log is shared; the caller owns the directory exclusively.

import { existsSync, mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { completeSegmentSwaps } from './cleaner/segment-swap.js';
import type { LogConfig } from './log-config.js';
import { indexFilePath, isTransientFile, LOG_SUFFIX, logFilePath, offsetFromFileName, timeIndexFilePath } from './log-files.js';
import { LogSegment } from './log-segment.js';
import { PartitionLog, type LogFailureListener } from './log.js';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, ProducerStateManager, SNAPSHOT_SUFFIX } from './producer-state.js';

export interface LoadLogOptions {
  dir: string;
  topic: string;
  partition: number;
  topicId: Buffer | null;
  config: LogConfig;
  /** The log dir's `.kafka_cleanshutdown` marker was present. */
  cleanShutdown: boolean;
  /** From recovery-point-offset-checkpoint; 0 when unknown. */
  recoveryPoint: bigint;
  /** From log-start-offset-checkpoint; 0 when unknown. */
  logStartOffset: bigint;
  /** producer.id.expiration.ms; default DEFAULT_PRODUCER_ID_EXPIRATION_MS. */
  producerIdExpirationMs?: number;
  clock: () => number;
  /** Told once when the log goes offline (PartitionLogInit.onFailure). */
  onFailure?: LogFailureListener;
}

export function loadPartitionLog(opts: LoadLogOptions): PartitionLog {
  const { dir, config } = opts;
  const now = opts.clock();
  mkdirSync(dir, { recursive: true });
  completeSegmentSwaps(dir);
  const names = readdirSync(dir);
  const bases = new Set<bigint>();
  for (const name of names) {
    if (isTransientFile(name)) unlinkSync(join(dir, name));
    else if (name.endsWith(LOG_SUFFIX)) {
      const base = offsetFromFileName(name);
      if (base !== null) bases.add(base);
    }
  }
  for (const name of names) {
    const base = offsetFromFileName(name);
    // Producer snapshots are named by offsets that need not be segment bases; producer-state.ts sorts them out.
    if (base !== null && !bases.has(base) && !isTransientFile(name) && !name.endsWith(SNAPSHOT_SUFFIX)) unlinkSync(join(dir, name));
  }

  const sorted = [...bases].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const segments: LogSegment[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const base = sorted[i]!;
    const next = sorted[i + 1];
    const previous = segments[segments.length - 1];
    if (previous && base < previous.nextOffset) {
      // Overlaps the previous segment: invalid from here on, like a corrupt batch.
      for (const b of sorted.slice(i)) deleteSegmentFiles(dir, b);
      break;
    }
    const indexesMissing = !existsSync(indexFilePath(dir, base)) || !existsSync(timeIndexFilePath(dir, base));
    const beyondRecoveryPoint = next === undefined || next > opts.recoveryPoint;
    const recover = indexesMissing || (!opts.cleanShutdown && beyondRecoveryPoint);
    const { segment, truncatedBytes } = LogSegment.open(dir, base, config, now, recover);
    segments.push(segment);
    if (truncatedBytes > 0) {
      for (const b of sorted.slice(i + 1)) deleteSegmentFiles(dir, b);
      break;
    }
  }

  let logStartOffset = opts.logStartOffset;
  if (segments.length > 0 && segments[0]!.baseOffset > logStartOffset) logStartOffset = segments[0]!.baseOffset;
  const logEndOffset = segments.length > 0 ? segments[segments.length - 1]!.nextOffset : logStartOffset;
  if (logEndOffset < logStartOffset) {
    for (const s of segments.splice(0)) s.delete();
  }
  if (segments.length === 0) segments.push(LogSegment.create(dir, logStartOffset, config, now));

  const end = segments[segments.length - 1]!.nextOffset;
  // A clean shutdown flushed everything; otherwise only what the checkpoint says was flushed.
  const recoveryPoint = opts.cleanShutdown || opts.recoveryPoint > end ? end : opts.recoveryPoint;
  const producerState = new ProducerStateManager(dir, `${opts.topic}-${opts.partition}`, opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS);
  const replayFrom = producerState.load(
    segments.map((s) => s.baseOffset),
    logStartOffset,
    end,
    opts.cleanShutdown,
    now,
  );
  if (replayFrom < end) {
    for (const segment of segments) segment.forEachBatchHeader(replayFrom, (header) => producerState.replay(header));
    producerState.finishLoad(end, now);
  }
  return new PartitionLog({
    dir,
    topic: opts.topic,
    partition: opts.partition,
    topicId: opts.topicId,
    config,
    segments,
    logStartOffset,
    recoveryPoint,
    producerState,
    clock: opts.clock,
    onFailure: opts.onFailure,
  });
}

function deleteSegmentFiles(dir: string, base: bigint): void {
  for (const path of [logFilePath(dir, base), indexFilePath(dir, base), timeIndexFilePath(dir, base)]) rmSync(path, { force: true });
}
