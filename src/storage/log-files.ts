// File and directory names of Kafka's log layout (AK LogFileUtils.java, LocalLog.scala).
// A partition lives in `<log.dir>/<topic>-<partition>/`; each segment is a set of files named by
// its base offset zero-padded to 20 digits: 00000000000000000000.log, .index, .timeindex.
// Suffixes .deleted (awaiting removal), .cleaned and .swap (compaction in progress) and .tmp
// (atomic writes) mark transient files; a directory renamed `<topic>-<partition>.<id>-delete` is
// being deleted. Pure name handling: nothing here touches the file system.

import { join } from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const DELETED_SUFFIX = '.deleted';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const TMP_SUFFIX = '.tmp';
export const DELETE_DIR_SUFFIX = '-delete';

const TRANSIENT_SUFFIXES = [DELETED_SUFFIX, CLEANED_SUFFIX, SWAP_SUFFIX, TMP_SUFFIX];

/** `00000000000000000042` for 42n (AK LogFileUtils.filenamePrefixFromOffset). */
export function filenamePrefixFromOffset(offset: bigint): string {
  if (offset < 0n) throw new RangeError(`segment base offset ${offset} is negative`);
  return offset.toString().padStart(20, '0');
}

/** Base offset of a segment file name (`00000000000000000042.log` → 42n), or null if it is not one. */
export function offsetFromFileName(name: string): bigint | null {
  const m = /^(\d{20})\./.exec(name);
  return m ? BigInt(m[1]!) : null;
}

export function logFilePath(dir: string, baseOffset: bigint): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + LOG_SUFFIX);
}
export function indexFilePath(dir: string, baseOffset: bigint): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + INDEX_SUFFIX);
}
export function timeIndexFilePath(dir: string, baseOffset: bigint): string {
  return join(dir, filenamePrefixFromOffset(baseOffset) + TIME_INDEX_SUFFIX);
}

/** Files left by an interrupted operation; startup removes them. */
export function isTransientFile(name: string): boolean {
  return TRANSIENT_SUFFIXES.some((s) => name.endsWith(s));
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Topic and partition of a partition directory name. Topic names may contain '-', so the split
 * is at the last one (AK UnifiedLog.parseTopicPartitionName). Null for anything else, including
 * directories being deleted and Kafka's `-future`/`-stray` directories.
 */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const m = /^(.+)-(0|[1-9]\d{0,9})$/.exec(name);
  if (!m) return null;
  const partition = Number(m[2]);
  if (partition > 2 ** 31 - 1) return null;
  return { topic: m[1]!, partition };
}

/** Name a partition directory takes while it is deleted (Kafka: `<topic>-<p>.<uuid-hex>-delete`). */
export function deleteDirName(topic: string, partition: number, uniqueId: string): string {
  return `${partitionDirName(topic, partition)}.${uniqueId}${DELETE_DIR_SUFFIX}`;
}

export function isDeleteDirName(name: string): boolean {
  return name.endsWith(DELETE_DIR_SUFFIX);
}
