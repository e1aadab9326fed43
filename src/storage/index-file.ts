// The file behind an offset or time index: fixed-size entries appended at the end, written
// through as they are added (no preallocation, no mmap), truncated by whole entries. The
// entries themselves are kept in memory by OffsetIndex/TimeIndex; this only moves bytes.
// Concurrency: one owner (its segment); not safe for concurrent writers.

import { closeSync, constants, fsyncSync, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { readFully, writeFully } from './file-io.js';

export class IndexFile {
  private readonly fd: number;

  constructor(
    readonly path: string,
    readonly entrySize: number,
  ) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  }

  /** The whole file; `aligned` is false when its length is not a whole number of entries (a torn write). */
  readAll(): { data: Buffer; aligned: boolean } {
    const size = fstatSync(this.fd).size;
    const data = Buffer.allocUnsafe(size);
    const n = readFully(this.fd, data, 0);
    const whole = n - (n % this.entrySize);
    return { data: data.subarray(0, whole), aligned: n === size && whole === n };
  }

  writeEntry(index: number, entry: Buffer): void {
    writeFully(this.fd, entry, index * this.entrySize);
  }

  truncate(entries: number): void {
    ftruncateSync(this.fd, entries * this.entrySize);
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A larger copy of an entry array: doubled, capped at room for `maxEntries` plus one. */
export function growEntries<T extends Int32Array | BigInt64Array>(a: T, maxEntries: number): T {
  // The +1 leaves room for the time index's final entry, which may exceed its limit (see TimeIndex).
  const next = new (a.constructor as new (n: number) => T)(Math.max(a.length + 1, Math.min(a.length * 2, maxEntries + 1)));
  next.set(a as never);
  return next;
}
