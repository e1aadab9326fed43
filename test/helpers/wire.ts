// A raw Kafka-protocol socket for broker tests: send any request spec, read frames in order.
import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest } from '../../src/protocol/frame.js';
import type { ApiSpec } from '../../src/protocol/schema.js';

export class WireClient {
  private buffered = Buffer.alloc(0);
  private waiters: Array<(frame: Buffer) => void> = [];
  private frames: Buffer[] = [];
  private correlation = 0;
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        const w = this.waiters.shift();
        if (w) w(frame);
        else this.frames.push(frame);
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static open(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new WireClient(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Buffer | Buffer[]): void {
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) this.socket.write(b);
  }

  /** Sends a request and returns its correlation id (the response is read with `next`). */
  send(api: ApiSpec, version: number, body: object): number {
    const id = ++this.correlation;
    this.write(encodeRequest(api, version, id, 'wire-test', body));
    return id;
  }

  nextFrame(): Promise<Buffer> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async next<T>(api: ApiSpec, version: number): Promise<{ correlationId: number; body: T }> {
    return decodeResponse<T>(api, version, await this.nextFrame());
  }

  async request<T>(api: ApiSpec, version: number, body: object): Promise<T> {
    const id = this.send(api, version, body);
    const res = await this.next<T>(api, version);
    if (res.correlationId !== id) throw new Error(`correlation id ${res.correlationId}, expected ${id}`);
    return res.body;
  }

  close(): void {
    this.socket.destroy();
  }
}
