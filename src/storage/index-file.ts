// The file behind an offset or time index: fixed-size entries appended at the end, written
// through as they are added (no preallocation, no mmap), truncated by whole entries. The
// entries themselves are kept in memory by SparseIndex (sparse-index.ts); this only moves bytes.
// Concurrency: one owner (its segment); not safe for concurrent writers.

import { closeSync, constants, fsyncSync, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { fsyncAsync, readFully, writeFully } from './file-io.js';

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

  /** See fsyncAsync: the file must stay open until this settles. */
  flushAsync(): Promise<void> {
    return fsyncAsync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
