// One TCP connection to one broker.
//
// Contract:
// - connect() opens the socket and negotiates versions with ApiVersions before any other request
//   goes out; send() connects lazily. A Connection that has closed (by close(), a socket error or
//   a protocol error) stays closed: callers make a new one.
// - Requests are pipelined. Kafka answers them in order on a connection, so a response must carry
//   the correlation id of the oldest outstanding request; anything else means the stream is out
//   of step, and the connection is torn down rather than guessing.
// - Like the Java client, a request timeout closes the connection: its response may still
//   arrive, and nothing after it could be matched reliably otherwise. Every other outstanding
//   request fails with a ConnectionError whose cause is the timeout.
// - Requests that expect no response (Produce with acks=0) settle when their bytes are flushed.
//
// Writes made in one tick are corked together and leave in one writev; request bodies arrive as
// chunk lists from frame.ts (record batches are referenced, not copied). Reads land in one
// reusable buffer until a frame's size prefix is in; then a buffer of the frame's size is
// allocated and the socket reads straight into it. So a large response (a Fetch of many MB) is
// never copied, and no buffer is allocated per read: a consumer spent a tenth of its time
// copying fetched bytes, and more collecting the read buffers they came in.

import net from 'node:net';
import { createRequire } from 'node:module';
import { ApiKey } from '../protocol/api-keys.js';
import { decode } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { decodeResponse, encodeRequest, peekCorrelationId } from '../protocol/frame.js';
import { ApiVersions, type ApiVersionsRequest, type ApiVersionsResponse } from '../protocol/messages/18-api-versions.js';
import { Reader } from '../protocol/reader.js';
import type { ApiSpec } from '../protocol/schema.js';
import { ClosedError, ConnectionError, KafkaError, MqError, RequestTimeoutError } from './errors.js';

/** Bytes a read may bring while no frame is being filled (Node reads 64 KiB at a time too). */
const READ_BUFFER_SIZE = 65536;

/** KIP-511 client software name; must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?. */
const CLIENT_SOFTWARE_NAME = 'mq';
/** The package version; resolved from package.json, which sits two levels above src/ and dist/. */
const CLIENT_SOFTWARE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId?: string | null;
  /** Default timeout of a request; default 30000. */
  requestTimeoutMs?: number;
  /** Timeout of the TCP connect; default 10000. */
  connectionTimeoutMs?: number;
}

export interface SendOptions {
  /** Use this version instead of the highest one both sides support. */
  version?: number;
  /** false for requests the broker does not answer (Produce acks=0). Default true. */
  expectResponse?: boolean;
  /** Overrides requestTimeoutMs for this request (long-polling Fetch adds its max wait). */
  timeoutMs?: number;
}

export interface VersionRange {
  min: number;
  max: number;
}

interface Pending {
  readonly api: ApiSpec;
  readonly version: number;
  readonly timeoutMs: number;
  readonly deadline: number;
  readonly resolve: (body: unknown) => void;
  readonly reject: (err: Error) => void;
}

type State = 'idle' | 'connecting' | 'ready' | 'closed';

export class Connection {
  readonly host: string;
  readonly port: number;
  /** What the broker advertised in ApiVersions, by API key; filled by connect(). */
  readonly apiVersions = new Map<number, VersionRange>();

  private readonly clientId: string | null;
  private readonly requestTimeoutMs: number;
  private readonly connectionTimeoutMs: number;

  private state: State = 'idle';
  private socket: net.Socket | null = null;
  private connecting: Promise<void> | null = null;
  private closeError: Error | null = null;
  private nextCorrelationId = 0;
  /** Outstanding requests by correlation id; a Map iterates in insertion order, oldest first. */
  private readonly inflight = new Map<number, Pending>();

  /** Where reads land while no frame is being filled; what they bring is copied out. */
  private readonly scratch = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  /** A size prefix that arrived in pieces. */
  private readonly sizePrefix = Buffer.alloc(4);
  private sizeFilled = 0;
  /** The frame being filled, once its size is known, and how many of its bytes are in. */
  private frame: Buffer | null = null;
  private frameFilled = 0;

  private corked = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDeadline = Infinity;

  constructor(options: ConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.clientId = options.clientId === undefined ? 'mq' : options.clientId;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30000;
    this.connectionTimeoutMs = options.connectionTimeoutMs ?? 10000;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** True once the connection can no longer be used. */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Requests awaiting a response. */
  get inflightCount(): number {
    return this.inflight.size;
  }

  connect(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(this.closedError());
    this.connecting ??= this.open();
    return this.connecting;
  }

  /**
   * The version to use for `api`: the highest in our spec's range that the broker also
   * advertised. Throws MQ_ERR_UNSUPPORTED_VERSION when the ranges do not meet.
   */
  versionFor(api: ApiSpec): number {
    const broker = this.apiVersions.get(api.apiKey);
    const min = Math.max(api.request.valid.min, api.response.valid.min);
    const max = Math.min(api.request.valid.max, api.response.valid.max);
    if (broker === undefined || broker.max < min || broker.min > max) {
      const advertised = broker ? `${broker.min}-${broker.max}` : 'none';
      throw new MqError(
        'MQ_ERR_UNSUPPORTED_VERSION',
        `broker ${this.address} supports ${api.name} versions ${advertised}; this client speaks ${min}-${max}`,
      );
    }
    return Math.min(max, broker.max);
  }

  send<Req extends object, Res>(api: ApiSpec, body: Req, options: SendOptions & { expectResponse: false }): Promise<void>;
  send<Req extends object, Res>(api: ApiSpec, body: Req, options?: SendOptions): Promise<Res>;
  send(api: ApiSpec, body: object, options: SendOptions = {}): Promise<unknown> {
    if (this.state !== 'ready') return this.connect().then(() => this.send(api, body, options));
    let version: number;
    try {
      version = options.version ?? this.versionFor(api);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.request(api, version, body, options.expectResponse ?? true, options.timeoutMs ?? this.requestTimeoutMs);
  }

  /** Closes the socket; outstanding requests fail with MQ_ERR_CLOSED. */
  close(): Promise<void> {
    const socket = this.socket;
    const gone = socket && !socket.closed ? new Promise<void>((resolve) => socket.once('close', () => resolve())) : Promise.resolve();
    this.fail(new ClosedError(`connection to ${this.address} closed`));
    return gone;
  }

  private closedError(): Error {
    return this.closeError ?? new ClosedError(`connection to ${this.address} closed`);
  }

  private async open(): Promise<void> {
    this.state = 'connecting';
    try {
      await this.openSocket();
      await this.negotiateVersions();
      this.state = 'ready';
    } catch (err) {
      const error = err instanceof MqError ? err : new ConnectionError(`cannot connect to ${this.address}: ${(err as Error).message}`, { cause: err });
      this.fail(error);
      throw error;
    }
  }

  private openSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host: this.host,
        port: this.port,
        onread: {
          buffer: () => this.readBuffer(),
          callback: (n, buf) => {
            this.onRead(n, buf);
            return true; // keep reading: false would pause the socket
          },
        },
      });
      this.socket = socket;
      socket.setNoDelay(true);
      // Whatever ends the socket first becomes the close reason; before 'connect' it also
      // rejects the connect (a no-op afterwards), so close() during connect reports MQ_ERR_CLOSED.
      const end = (error: Error): void => {
        clearTimeout(timer);
        this.fail(error);
        reject(this.closedError());
      };
      const timer = setTimeout(
        () => end(new ConnectionError(`connection to ${this.address} timed out after ${this.connectionTimeoutMs} ms`)),
        this.connectionTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.on('error', (err) => end(new ConnectionError(`connection to ${this.address} failed: ${err.message}`, { cause: err })));
      socket.on('close', () => end(new ConnectionError(`connection to ${this.address} closed by the broker`)));
    });
  }

  /**
   * ApiVersions handshake. We ask with the newest version we speak; a broker that does not know
   * it answers with a v0 body, UNSUPPORTED_VERSION and (Kafka 2.4+, KIP-511) its own ApiVersions
   * range, and we retry with the highest version in that range, or v0 when it sent none — what
   * the Java client's NetworkClient.handleApiVersionsResponse does.
   */
  private async negotiateVersions(): Promise<void> {
    let version = ApiVersions.request.valid.max;
    for (;;) {
      const body: ApiVersionsRequest = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION };
      const res = (await this.request(ApiVersions, version, body, true, this.requestTimeoutMs)) as ApiVersionsResponse;
      if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) {
        const own = res.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
        // min() with version-1 guarantees progress even if a broker advertises what it rejected.
        version = own ? Math.max(0, Math.min(own.maxVersion, version - 1)) : 0;
        continue;
      }
      if (res.errorCode !== 0) {
        throw new ConnectionError(`ApiVersions to ${this.address} failed`, { cause: new KafkaError(res.errorCode) });
      }
      for (const k of res.apiKeys) this.apiVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      return;
    }
  }

  private request(api: ApiSpec, version: number, body: object, expectResponse: boolean, timeoutMs: number): Promise<unknown> {
    const socket = this.socket;
    if (this.state === 'closed' || !socket) return Promise.reject(this.closedError());
    const correlationId = this.nextCorrelationId;
    // Correlation ids are INT32; wrapping is harmless because ids only need to be unique among
    // outstanding requests.
    this.nextCorrelationId = (correlationId + 1) & 0x7fffffff;
    let chunks: Buffer[];
    try {
      chunks = encodeRequest(api, version, correlationId, this.clientId, body);
    } catch (err) {
      return Promise.reject(new MqError('MQ_ERR_INVALID_ARGUMENT', `cannot encode ${api.name} v${version} request: ${(err as Error).message}`, { cause: err }));
    }
    if (!expectResponse) {
      return new Promise<void>((resolve, reject) => {
        this.write(socket, chunks, (err) => {
          if (err) reject(new ConnectionError(`write to ${this.address} failed: ${err.message}`, { cause: err }));
          else resolve();
        });
      });
    }
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      this.inflight.set(correlationId, { api, version, timeoutMs, deadline, resolve, reject });
      this.armTimer(deadline);
      this.write(socket, chunks);
    });
  }

  private write(socket: net.Socket, chunks: Buffer[], callback?: (err?: Error | null) => void): void {
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) socket.write(chunks[i]!);
    if (callback) socket.write(chunks[last]!, callback);
    else socket.write(chunks[last]!);
  }

  // ------------------------------------------------------------------ timeouts

  /**
   * One timer per connection, armed for the earliest deadline it knows about. Responses do not
   * disarm it: when it fires it looks for an expired request and otherwise re-arms for the
   * earliest remaining deadline, so the cost per request is one comparison.
   */
  private armTimer(deadline: number): void {
    if (deadline >= this.timerDeadline) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDeadline = deadline;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, deadline - Date.now()));
  }

  private onTimer(): void {
    this.timer = null;
    this.timerDeadline = Infinity;
    const now = Date.now();
    let earliest = Infinity;
    for (const [correlationId, p] of this.inflight) {
      if (p.deadline <= now) {
        this.inflight.delete(correlationId);
        const timeout = new RequestTimeoutError(`${p.api.name} request to ${this.address} timed out after ${p.timeoutMs} ms`);
        p.reject(timeout);
        this.fail(new ConnectionError(`connection to ${this.address} closed after a request timed out`, { cause: timeout }));
        return;
      }
      if (p.deadline < earliest) earliest = p.deadline;
    }
    if (earliest !== Infinity) this.armTimer(earliest);
  }

  // ------------------------------------------------------------------ framing

  /** Node asks after every read where the next one goes: into the frame being filled, if any. */
  private readBuffer(): Uint8Array {
    return this.frame ? this.frame.subarray(this.frameFilled) : this.scratch;
  }

  private onRead(n: number, buf: Uint8Array): void {
    if (buf !== this.scratch) {
      // Straight into the frame: readBuffer() gave out exactly its missing bytes. (No frame: the
      // connection failed meanwhile, and the bytes go nowhere.)
      if (this.frame === null) return;
      this.frameFilled += n;
      if (this.frameFilled === this.frame.length) this.completeFrame();
      return;
    }
    let pos = 0;
    while (pos < n && this.state !== 'closed') {
      const frame = this.frame;
      if (frame === null) {
        const take = Math.min(4 - this.sizeFilled, n - pos);
        this.scratch.copy(this.sizePrefix, this.sizeFilled, pos, pos + take);
        this.sizeFilled += take;
        pos += take;
        if (this.sizeFilled < 4) return;
        this.sizeFilled = 0;
        this.startFrame(this.sizePrefix.readInt32BE(0));
      } else {
        const take = Math.min(frame.length - this.frameFilled, n - pos);
        this.scratch.copy(frame, this.frameFilled, pos, pos + take);
        this.frameFilled += take;
        pos += take;
        if (this.frameFilled === frame.length) this.completeFrame();
      }
    }
  }

  private startFrame(size: number): void {
    if (size < 4) {
      this.fail(new MqError('MQ_ERR_PROTOCOL', `broker ${this.address} sent a frame of size ${size}`));
      return;
    }
    try {
      this.frame = Buffer.allocUnsafe(size);
    } catch (err) {
      this.fail(new MqError('MQ_ERR_PROTOCOL', `cannot hold the ${size}-byte frame broker ${this.address} announced: ${(err as Error).message}`, { cause: err }));
      return;
    }
    this.frameFilled = 0;
  }

  private completeFrame(): void {
    const frame = this.frame!;
    this.frame = null;
    this.onFrame(frame);
  }

  private onFrame(frame: Buffer): void {
    const correlationId = peekCorrelationId(frame);
    const oldest = this.inflight.entries().next();
    if (oldest.done || oldest.value[0] !== correlationId) {
      const expected = oldest.done ? 'none outstanding' : `expected ${oldest.value[0]}`;
      this.fail(new MqError('MQ_ERR_PROTOCOL', `broker ${this.address} sent a response with correlation id ${correlationId}, ${expected}`));
      return;
    }
    const pending = oldest.value[1];
    this.inflight.delete(correlationId);
    let body: unknown;
    try {
      body =
        pending.api.apiKey === ApiKey.ApiVersions
          ? decodeApiVersionsResponse(pending.version, frame)
          : decodeResponse(pending.api, pending.version, frame).body;
    } catch (err) {
      // The frame boundary is intact, so later responses can still be read.
      pending.reject(
        new MqError('MQ_ERR_PROTOCOL', `cannot decode ${pending.api.name} v${pending.version} response from ${this.address}: ${(err as Error).message}`, {
          cause: err,
        }),
      );
      return;
    }
    pending.resolve(body);
  }

  /** Marks the connection closed, fails everything outstanding with `error`, destroys the socket. */
  private fail(error: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = error;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDeadline = Infinity;
    const pending = [...this.inflight.values()];
    this.inflight.clear();
    this.frame = null;
    this.sizeFilled = 0;
    this.socket?.destroy();
    for (const p of pending) p.reject(error);
  }
}

/**
 * Decodes an ApiVersions response sent for `version`. KIP-511: a broker that does not support
 * `version` replies with a v0 body carrying UNSUPPORTED_VERSION, so that error code (the first
 * field of every version) selects the v0 layout; a body that fails to decode at `version` is
 * retried as v0 too, as the Java client's ApiVersionsResponse.parse does.
 */
function decodeApiVersionsResponse(version: number, frame: Buffer): ApiVersionsResponse {
  // ApiVersions responses always use response header v0: the body starts after the correlation id.
  const errorCode = new Reader(frame, 4).int16();
  if (errorCode === ErrorCode.UNSUPPORTED_VERSION || version === 0) return decode<ApiVersionsResponse>(ApiVersions.response, 0, new Reader(frame, 4));
  try {
    return decodeResponse<ApiVersionsResponse>(ApiVersions, version, frame).body;
  } catch {
    return decode<ApiVersionsResponse>(ApiVersions.response, 0, new Reader(frame, 4));
  }
}
