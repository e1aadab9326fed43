// One client socket. Splits the byte stream into size-prefixed frames, decodes each request,
// runs its handler, and writes responses strictly in request order (clients such as
// kafka-python pipeline requests and match responses by position). Handlers may finish out of
// order (a long-polling Fetch, then a Metadata); a response waits in its slot until every
// earlier one has been written.
//
// Bad input costs one connection, never the broker: a size above socket.request.max.bytes is
// refused from the 4-byte prefix before any of the body is buffered; an unknown API, an
// unsupported version (other than ApiVersions, which answers per KIP-511) or an undecodable body
// closes the socket, as Kafka's SocketServer does.

import type { Socket } from 'node:net';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { decodeRequestBody, encodeResponse, readRequestHeader, type RequestHeader } from '../protocol/frame.js';
import { ApiVersions } from '../protocol/messages/18-api-versions.js';
import { Reader } from '../protocol/reader.js';
import type { Broker } from './broker.js';
import { route, supportedApis, type RequestContext } from './router.js';

/** Responses queued for writing before we stop reading new requests from this socket. */
const MAX_QUEUED_RESPONSES = 256;

interface Slot {
  ready: boolean;
  chunks: Buffer[] | null;
}

export class BrokerConnection {
  private readonly inbound: Buffer[] = [];
  private inboundBytes = 0;
  private frameSize = -1;
  private readonly slots: Slot[] = [];
  private closed = false;
  private readonly peer: string;
  private readonly clientHost: string;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
  ) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    // Java reports an IPv4 peer on a dual-stack socket as plain IPv4.
    this.clientHost = `/${(socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')}`;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
      broker.connections.delete(this);
    });
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.broker.log('warn', `Closing connection from ${this.peer}: ${reason}`);
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    this.inbound.push(data);
    this.inboundBytes += data.length;
    while (!this.closed) {
      if (this.frameSize < 0) {
        if (this.inboundBytes < 4) return;
        const size = this.take(4).readInt32BE(0);
        if (size < 0 || size > this.broker.config.socketRequestMaxBytes) {
          this.close(`request size ${size} is outside 0..${this.broker.config.socketRequestMaxBytes} (socket.request.max.bytes)`);
          return;
        }
        this.frameSize = size;
      }
      if (this.inboundBytes < this.frameSize) return;
      const frame = this.take(this.frameSize);
      this.frameSize = -1;
      this.handleFrame(frame);
    }
  }

  /** Removes n bytes from the front of the inbound queue; copies only when they span chunks. */
  private take(n: number): Buffer {
    this.inboundBytes -= n;
    const first = this.inbound[0]!;
    if (first.length >= n) {
      if (first.length === n) this.inbound.shift();
      else this.inbound[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const chunk = this.inbound[0]!;
      const used = Math.min(chunk.length, n - at);
      chunk.copy(out, at, 0, used);
      at += used;
      if (used === chunk.length) this.inbound.shift();
      else this.inbound[0] = chunk.subarray(used);
    }
    return out;
  }

  private handleFrame(frame: Buffer): void {
    const r = new Reader(frame);
    let header: RequestHeader;
    try {
      header = readRequestHeader(r);
    } catch (e) {
      this.close(`malformed request header: ${(e as Error).message}`);
      return;
    }
    const handler = route(header.apiKey);
    if (!handler) {
      this.close(`unknown API key ${header.apiKey}`);
      return;
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === ApiKey.ApiVersions) {
        // KIP-511: answer an ApiVersions version we do not know with a v0 body carrying
        // UNSUPPORTED_VERSION and our ranges, so the client can retry with one we serve.
        const chunks = encodeResponse(ApiVersions, 0, header.correlationId, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: supportedApis(),
          throttleTimeMs: 0,
        });
        this.slots.push({ ready: true, chunks });
        this.flush();
        return;
      }
      this.close(`${handler.api.name} v${header.apiVersion} is not supported (v${handler.minVersion}-${handler.maxVersion})`);
      return;
    }
    let body: unknown;
    try {
      body = decodeRequestBody(handler.api, header.apiVersion, r);
    } catch (e) {
      this.close(`malformed ${handler.api.name} v${header.apiVersion} request: ${(e as Error).message}`);
      return;
    }
    const ctx: RequestContext = { ...header, clientHost: this.clientHost };
    const slot: Slot = { ready: false, chunks: null };
    this.slots.push(slot);
    const complete = (response: object | null): void => {
      slot.ready = true;
      slot.chunks = response ? encodeResponse(handler.api, header.apiVersion, header.correlationId, response) : null;
      this.flush();
    };
    const fail = (e: unknown): void => {
      this.broker.log('error', `Error handling ${handler.api.name} v${header.apiVersion} from ${this.peer}: ${(e as Error).stack ?? e}`);
      this.close();
    };
    try {
      const result = handler.handle(this.broker, ctx, body as never);
      if (result instanceof Promise) result.then(complete, fail);
      else complete(result);
    } catch (e) {
      fail(e);
    }
    if (this.slots.length >= MAX_QUEUED_RESPONSES) this.socket.pause();
  }

  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0]!.ready) {
      const { chunks } = this.slots.shift()!;
      if (!chunks) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const c of chunks) this.socket.write(c);
    }
    if (wrote) this.socket.uncork();
    this.maybeResume();
  }

  private maybeResume(): void {
    // Read more only while responses drain: a client that does not read its responses stops
    // being read from, instead of growing our memory.
    if (!this.closed && this.socket.isPaused() && this.slots.length < MAX_QUEUED_RESPONSES && this.socket.writableLength < 4 * 1024 * 1024) {
      this.socket.resume();
    } else if (!this.closed && this.socket.writableLength >= 4 * 1024 * 1024) {
      this.socket.pause();
    }
  }
}
