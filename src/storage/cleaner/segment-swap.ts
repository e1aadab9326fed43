// How a cleaned segment takes the place of the segments it was cleaned from, so that a crash at
// any point loses nothing and duplicates nothing (AK LocalLog.replaceSegments and the swap
// handling of LogLoader). For a group of segments whose first base offset is B:
//
//   1. The cleaner writes B.log.cleaned, B.index.cleaned, B.timeindex.cleaned and fsyncs them.
//      (Every fsync of the cleaner is asynchronous, off the event loop: file-io.ts fsyncPathAsync.)
//      A crash now leaves .cleaned files, which startup deletes: the old segments are intact.
//   2. promoteToSwap renames the three to .swap and fsyncs the directory. From here on the
//      cleaned segment is complete and authoritative for its offset range.
//   3. installSwap (inside PartitionLog.replaceSegments, one synchronous step) deletes the old
//      segments other than B, renames the index swaps over B's indexes and the log swap over
//      B.log last, then fsyncs the directory.
//
// A crash in 3 leaves B.log.swap; at startup completeSegmentSwaps deletes every segment whose
// base offset lies in the swap's offset range (B and the old ones not yet deleted), drops any
// index files there (recovery rebuilds indexes that are missing), and renames B.log.swap to
// B.log. An old segment whose records were all dropped can lie beyond the swap's last offset:
// it is then kept, and still holds only records that later ones supersede, so nothing reads
// differently; the next cleaning removes them.

import { closeSync, fstatSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET } from '../../protocol/records/record-batch.js';
import { BlockReader, fsyncDirectory, fsyncDirectoryAsync, fsyncPathAsync } from '../file-io.js';
import { CLEANED_SUFFIX, indexFilePath, LOG_SUFFIX, logFilePath, offsetFromFileName, SWAP_SUFFIX, timeIndexFilePath } from '../log-files.js';

function segmentFiles(dir: string, base: bigint): string[] {
  return [logFilePath(dir, base), indexFilePath(dir, base), timeIndexFilePath(dir, base)];
}

/** Step 1's end: fsyncs the three cleaned files. */
export async function syncCleaned(dir: string, base: bigint): Promise<void> {
  for (const path of segmentFiles(dir, base)) await fsyncPathAsync(path + CLEANED_SUFFIX);
}

/** Step 2: the cleaned files (already fsynced) become swap files; durable once the directory is synced. */
export async function promoteToSwap(dir: string, base: bigint): Promise<void> {
  for (const path of segmentFiles(dir, base)) renameSync(path + CLEANED_SUFFIX, path + SWAP_SUFFIX);
  await fsyncDirectoryAsync(dir);
}

/** Removes the cleaned or swap files of an abandoned cleaning (a stop, or the old segments left the log). */
export function discardCleaned(dir: string, base: bigint): void {
  for (const path of segmentFiles(dir, base)) {
    rmSync(path + CLEANED_SUFFIX, { force: true });
    rmSync(path + SWAP_SUFFIX, { force: true });
  }
}

/**
 * Step 3, files only: `oldBases` are the replaced segments' base offsets, the first of them
 * `base`. Synchronous (renames and unlinks are quick); the caller syncs the directory after,
 * asynchronously: until then a power loss can bring back the swap file, which startup completes.
 */
export function installSwap(dir: string, base: bigint, oldBases: readonly bigint[]): void {
  for (const old of oldBases) {
    if (old === base) continue;
    for (const path of segmentFiles(dir, old)) rmSync(path, { force: true });
  }
  const [log, index, timeIndex] = segmentFiles(dir, base) as [string, string, string];
  // The log last: until it is renamed, startup treats the swap as not installed.
  renameSync(index + SWAP_SUFFIX, index);
  renameSync(timeIndex + SWAP_SUFFIX, timeIndex);
  renameSync(log + SWAP_SUFFIX, log);
}

/** Offset after the last whole batch of the .log at `path` (its base offset when empty). */
function nextOffsetOf(path: string, base: bigint): bigint {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const reader = new BlockReader(fd, size, 1024 * 1024);
    let next = base;
    for (let pos = 0; pos < size; ) {
      const head = reader.view(pos, BATCH_HEADER_SIZE);
      if (!head || head.readInt8(MAGIC_OFFSET) !== 2) break;
      const length = LOG_OVERHEAD + head.readInt32BE(BATCH_LENGTH_OFFSET);
      if (length < BATCH_HEADER_SIZE || pos + length > size) break;
      next = head.readBigInt64BE(0) + BigInt(head.readInt32BE(LAST_OFFSET_DELTA_OFFSET)) + 1n;
      pos += length;
    }
    return next;
  } finally {
    closeSync(fd);
  }
}

/**
 * Startup, before anything else looks at the directory (log-loader.ts): finishes every swap a
 * crash interrupted in step 3. Leftover .cleaned files and index swaps without a log swap are
 * the loader's transient files and are deleted there.
 */
export function completeSegmentSwaps(dir: string): void {
  const names = readdirSync(dir);
  const swaps = names.filter((n) => n.endsWith(LOG_SUFFIX + SWAP_SUFFIX));
  if (swaps.length === 0) return;
  for (const name of swaps) {
    const base = offsetFromFileName(name)!;
    const next = nextOffsetOf(join(dir, name), base);
    for (const other of names) {
      const b = offsetFromFileName(other);
      if (other.endsWith(LOG_SUFFIX) && b !== null && b >= base && (b === base || b < next)) {
        for (const path of segmentFiles(dir, b)) rmSync(path, { force: true });
      }
    }
    const [log, index, timeIndex] = segmentFiles(dir, base) as [string, string, string];
    rmSync(index, { force: true });
    rmSync(timeIndex, { force: true });
    rmSync(index + SWAP_SUFFIX, { force: true });
    rmSync(timeIndex + SWAP_SUFFIX, { force: true });
    renameSync(log + SWAP_SUFFIX, log);
  }
  fsyncDirectory(dir);
}
