// Shared plumbing for the protocol tests that check mq's codec against independent oracles:
// captures from real clients (test/protocol/captures/*.hex), kafkajs's encoders/decoders (a
// devDependency, loaded from its sources), and hex written by hand from Kafka's JSON specs.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRequestBody, decodeResponse, encodeRequest, encodeResponse, readRequestHeader, type RequestHeader } from '../../src/protocol/frame.js';
import { Reader } from '../../src/protocol/reader.js';
import type { ApiSpec } from '../../src/protocol/schema.js';

export const CAPTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'captures');

export interface Capture {
  readonly name: string;
  /** The first line of the file, after "# provenance: ". */
  readonly provenance: string;
  readonly bytes: Buffer;
}

/** Reads captures/<name>: one `# provenance: …` line, then hex (whitespace ignored). */
export function loadCapture(name: string): Capture {
  const text = readFileSync(join(CAPTURES_DIR, name), 'utf8');
  const newline = text.indexOf('\n');
  const first = text.slice(0, newline);
  if (!first.startsWith('# provenance: ')) throw new Error(`${name}: first line must be "# provenance: …"`);
  const hex = text.slice(newline + 1).replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) throw new Error(`${name}: body is not lower-case hex`);
  return { name, provenance: first.slice('# provenance: '.length), bytes: Buffer.from(hex, 'hex') };
}

export function captureNames(pattern: RegExp): string[] {
  return readdirSync(CAPTURES_DIR)
    .filter((n) => n.endsWith('.hex') && pattern.test(n))
    .sort();
}

/**
 * Hex written by hand, with `#` comments and any whitespace: the comments say which field each
 * group of bytes is, so a reader can check it against the JSON spec without running anything.
 */
export function hex(strings: TemplateStringsArray, ...values: unknown[]): Buffer {
  const text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const digits = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`bad hand-written hex: ${digits}`);
  return Buffer.from(digits, 'hex');
}

/** Prefixes the INT32 frame size (the byte count of everything after it) to a hand-written frame. */
export function sized(frame: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
}

/** Hex of a UTF-8 string's bytes, for building hand-written frames ("orders" → "6f7264657273"). */
export function utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

/**
 * Decodes a whole request frame (INT32 size + header + body) with mq's frame.ts and codec, and
 * fails unless the size prefix is right and every byte of the body was consumed.
 */
export function decodeRequestFrame<T>(api: ApiSpec, bytes: Buffer): { header: RequestHeader; body: T } {
  if (bytes.readInt32BE(0) !== bytes.length - 4) throw new Error(`size prefix ${bytes.readInt32BE(0)} != ${bytes.length - 4}`);
  const r = new Reader(bytes, 4);
  const header = readRequestHeader(r);
  if (header.apiKey !== api.apiKey) throw new Error(`api key ${header.apiKey}, expected ${api.apiKey}`);
  const body = decodeRequestBody<T>(api, header.apiVersion, r);
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after decoding ${api.name} v${header.apiVersion}`);
  return { header, body };
}

export function encodeRequestFrame(api: ApiSpec, version: number, correlationId: number, clientId: string | null, body: object): Buffer {
  return Buffer.concat(encodeRequest(api, version, correlationId, clientId, body));
}

/** Decodes a whole response frame (INT32 size + header + body). */
export function decodeResponseFrame<T>(api: ApiSpec, version: number, bytes: Buffer): { correlationId: number; body: T } {
  if (bytes.readInt32BE(0) !== bytes.length - 4) throw new Error(`size prefix ${bytes.readInt32BE(0)} != ${bytes.length - 4}`);
  return decodeResponse<T>(api, version, bytes.subarray(4));
}

export function encodeResponseFrame(api: ApiSpec, version: number, correlationId: number, body: object): Buffer {
  return Buffer.concat(encodeResponse(api, version, correlationId, body));
}

// ------------------------------------------------------------------ kafkajs 2.2.4 as an oracle

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KafkajsEncoder>;
}
type KafkajsFrame = (args: { correlationId: number; clientId: string; request: KafkajsRequest }) => Promise<KafkajsEncoder>;

/**
 * A whole request frame as kafkajs writes it to its socket: its per-version request encoder
 * (src/protocol/requests/<api>/index.js) wrapped by src/protocol/request.js (size + header v1).
 */
export async function kafkajsRequestFrame(api: string, version: number, args: object, correlationId: number, clientId: string): Promise<Buffer> {
  const { protocol } = require(`kafkajs/src/protocol/requests/${api}/index.js`) as {
    protocol(v: { version: number }): (a: object) => { request: KafkajsRequest };
  };
  const { request } = protocol({ version })(args);
  const frame = require('kafkajs/src/protocol/request.js') as KafkajsFrame;
  return (await frame({ correlationId, clientId, request })).buffer;
}

/**
 * Decodes a response body (after the correlation id) with kafkajs's decoder for that version
 * (src/protocol/requests/<api>/v<N>/response.js), as kafkajs's connection does.
 */
export async function kafkajsDecodeResponse(api: string, version: number, body: Buffer): Promise<Record<string, unknown>> {
  const { decode } = require(`kafkajs/src/protocol/requests/${api}/v${version}/response.js`) as {
    decode(b: Buffer): Promise<Record<string, unknown>>;
  };
  return decode(body);
}

/**
 * kafkajs's embedded consumer-protocol codec (src/consumer/assignerProtocol.js): the v0 layout of
 * ConsumerProtocolSubscription ("MemberMetadata") and ConsumerProtocolAssignment.
 */
export interface KafkajsAssignerProtocol {
  MemberMetadata: {
    encode(m: { version: number; topics: string[]; userData?: Buffer }): Buffer;
    decode(b: Buffer): { version: number; topics: string[]; userData: Buffer | null };
  };
  MemberAssignment: {
    encode(a: { version: number; assignment: Record<string, number[]>; userData?: Buffer }): Buffer;
    decode(b: Buffer): { version: number; assignment: Record<string, number[]>; userData: Buffer | null } | null;
  };
}

export function kafkajsAssignerProtocol(): KafkajsAssignerProtocol {
  return require('kafkajs/src/consumer/assignerProtocol.js') as KafkajsAssignerProtocol;
}

/** The body of an mq-encoded response frame (no size, no correlation id) for a non-flexible version. */
export function responseBody(frame: Buffer): Buffer {
  return frame.subarray(8);
}
