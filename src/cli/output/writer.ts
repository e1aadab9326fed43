// Record output at speed: the caller batches many records into one chunk, and this waits for
// 'drain' whenever the stream's buffer is full, so a slow reader slows the consumer down instead
// of growing memory. A reader that went away (EPIPE from `| head`) makes write() return false.

import type { Writable } from 'node:stream';

export class StreamWriter {
  private broken = false;

  constructor(private readonly stream: Writable) {
    // Without a listener an EPIPE would be thrown as an uncaught exception.
    stream.on('error', () => {
      this.broken = true;
    });
  }

  /** Resolves true once the chunk is accepted (after 'drain' if needed), false if the stream is gone. */
  async write(chunk: Uint8Array | string): Promise<boolean> {
    if (this.broken || this.stream.destroyed) return false;
    if (this.stream.write(chunk)) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
    return !this.broken && !this.stream.destroyed;
  }
}
