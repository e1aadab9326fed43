// Small durable files: atomic replacement, and Kafka's offset checkpoint text format
// (AK server-common/.../CheckpointFile.java, OffsetCheckpointFile.scala), used for
// `recovery-point-offset-checkpoint` and `log-start-offset-checkpoint` in each log dir:
//
//   0                      format version
//   2                      number of entries
//   my-topic 0 1234        topic, partition, offset (one per line)
//   my-topic 1 99
//
// Concurrency: one writer per path (the log manager, or the broker for its metadata files);
// readers see either the old or the new content, never a mix, because replacement is a rename.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageError } from './errors.js';
import { fsyncDirectory } from './file-io.js';
import { partitionDirName, TMP_SUFFIX } from './log-files.js';

const CHECKPOINT_VERSION = 0;

/**
 * Replaces `path` with `data` so that a crash leaves the old or the new file, never a torn one:
 * write `<path>.tmp`, fsync it, rename over `path`, fsync the directory so the rename is durable.
 * Throws KAFKA_STORAGE_ERROR when the old file is still in place. Once the rename is done the
 * new content is what readers and the next start see, so a failure of the directory fsync
 * alone does not throw (a caller would keep its old state in memory against the new one on
 * disk): it is returned, for the caller to log; only a power loss could then bring the old
 * file back. Returns null when everything is durable.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): StorageError | null {
  const tmp = path + TMP_SUFFIX;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    throw new StorageError('KAFKA_STORAGE_ERROR', `unable to write ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    fsyncDirectory(dirname(path));
    return null;
  } catch (e) {
    return new StorageError('KAFKA_STORAGE_ERROR', `wrote ${path} but could not fsync its directory, so the new file may not survive a power loss: ${(e as Error).message}`, { cause: e });
  }
}

export interface CheckpointEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** The file's text: a caller can compare it with what it wrote last and skip an unchanged write. */
export function formatOffsetCheckpoint(entries: readonly CheckpointEntry[]): string {
  const lines = [String(CHECKPOINT_VERSION), String(entries.length)];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return lines.join('\n') + '\n';
}

/** As writeFileAtomic: throws if the old file stays, returns a directory fsync failure. */
export function writeOffsetCheckpoint(path: string, entries: readonly CheckpointEntry[]): StorageError | null {
  return writeFileAtomic(path, formatOffsetCheckpoint(entries));
}

/** Offsets by partition directory name (`<topic>-<partition>`); empty when the file does not exist. */
export function readOffsetCheckpoint(path: string): Map<string, bigint> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new StorageError('KAFKA_STORAGE_ERROR', `unable to read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const malformed = (why: string): StorageError => new StorageError('KAFKA_STORAGE_ERROR', `malformed checkpoint file ${path}: ${why}`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== String(CHECKPOINT_VERSION)) throw malformed(`unrecognised version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) throw malformed(`header says ${lines[1]} entries, found ${lines.length - 2}`);
  const offsets = new Map<string, bigint>();
  for (let i = 2; i < lines.length; i++) {
    const m = /^(\S+) (\d+) (-?\d+)$/.exec(lines[i]!);
    if (!m) throw malformed(`line ${i + 1}: ${JSON.stringify(lines[i])}`);
    offsets.set(partitionDirName(m[1]!, Number(m[2])), BigInt(m[3]!));
  }
  return offsets;
}
