// Positional, synchronous file I/O for segment and index files. Synchronous on purpose: a
// write lands in the page cache in microseconds, and a single writer per partition on the
// event loop needs no locks and no in-flight bookkeeping (see log.ts).

import { closeSync, fsync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Writes all of `data` at `position` (write(2) may write less than asked, e.g. near a full disk). */
export function writeFully(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.length; ) {
    done += writeSync(fd, data, done, data.length - done, position + done);
  }
}

/**
 * fsync(2) on libuv's thread pool, off the event loop: for flushes nobody waits on (a rolled
 * segment, the flush.ms scheduler). The caller must keep `fd` open until the promise settles.
 */
export function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Makes creations, renames and removals in `dir` durable (synchronously). */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * fsync of a file or directory by path, off the event loop: for fsyncs nobody should wait on
 * (tens of milliseconds on a busy disk), such as the log cleaner's.
 */
export async function fsyncPathAsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncDirectory off the event loop; a directory gone meanwhile (its log deleted) is not an error. */
export async function fsyncDirectoryAsync(dir: string): Promise<void> {
  try {
    await fsyncPathAsync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
}

/** Fills `buf[0, length)` from `position`; returns the bytes read, fewer only at end of file. */
export function readFully(fd: number, buf: Uint8Array, position: number, length = buf.length): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Reads a file front to back through one reusable block, so scanning many small batch headers
 * costs one read per block instead of one per batch. `view(pos, n)` returns bytes
 * [pos, pos + n) as a subarray valid until the next call, or null if they extend past `end`.
 */
export class BlockReader {
  private block: Buffer;
  private start = 0;
  private length = 0;

  constructor(
    private readonly fd: number,
    private readonly end: number,
    blockSize: number,
  ) {
    this.block = Buffer.allocUnsafe(blockSize);
  }

  view(pos: number, n: number): Buffer | null {
    if (pos + n > this.end) return null;
    if (pos < this.start || pos + n > this.start + this.length) {
      if (n > this.block.length) this.block = Buffer.allocUnsafe(n);
      this.start = pos;
      this.length = readFully(this.fd, this.block, pos, Math.min(this.block.length, this.end - pos));
      if (this.length < n) return null;
    }
    return this.block.subarray(pos - this.start, pos - this.start + n);
  }
}
