// Size framing and the request/response headers (AK RequestHeader.json, ResponseHeader.json).
//
// Every Kafka message travels as INT32 size + header + body. Request header v1 is
// apiKey i16, apiVersion i16, correlationId i32, clientId (INT16-length nullable string); v2 adds
// tagged fields and is used exactly when the request body is flexible. Response header v0 is the
// correlationId; v1 adds tagged fields for flexible responses. ApiVersions responses always use
// header v0, even at v3, because a client must be able to read them before it knows what the
// broker supports (KIP-511).

import { decode, encode, isFlexible } from './codec.js';
import { Reader } from './reader.js';
import type { ApiSpec } from './schema.js';
import { Writer } from './writer.js';
import { ApiKey } from './api-keys.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads the fixed part of a request header (v1 layout, which all our APIs use). */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Skips the tagged-field section that header v2 adds after the client id. */
export function skipHeaderTags(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

function responseUsesTags(api: ApiSpec, version: number): boolean {
  return api.apiKey !== ApiKey.ApiVersions && isFlexible(api.response, version);
}

/** Encodes a whole request frame (size prefix included) as chunks ready for socket writes. */
export function encodeRequest(api: ApiSpec, version: number, correlationId: number, clientId: string | null, body: object): Buffer[] {
  const w = new Writer(512);
  w.int32(0); // size, patched below
  w.int16(api.apiKey).int16(version).int32(correlationId).nullableString(clientId);
  if (isFlexible(api.request, version)) w.uvarint(0);
  encode(api.request, version, body, w);
  return patchSize(w);
}

/** Encodes a whole response frame (size prefix included) as chunks ready for socket writes. */
export function encodeResponse(api: ApiSpec, version: number, correlationId: number, body: object): Buffer[] {
  const w = new Writer(512);
  w.int32(0);
  w.int32(correlationId);
  if (responseUsesTags(api, version)) w.uvarint(0);
  encode(api.response, version, body, w);
  return patchSize(w);
}

function patchSize(w: Writer): Buffer[] {
  const total = w.length;
  const chunks = w.toChunks();
  // The first chunk always holds the 4 size bytes: nothing before them can be a referenced blob.
  chunks[0]!.writeInt32BE(total - 4, 0);
  return chunks;
}

/** Decodes a request body; the reader must be positioned just after the v1 header fields. */
export function decodeRequestBody<T>(api: ApiSpec, version: number, r: Reader): T {
  if (isFlexible(api.request, version)) skipHeaderTags(r);
  return decode<T>(api.request, version, r);
}

/** Decodes a response frame body (without its size prefix): returns the correlation id and body. */
export function decodeResponse<T>(api: ApiSpec, version: number, frame: Buffer): { correlationId: number; body: T } {
  const r = new Reader(frame);
  const correlationId = r.int32();
  if (responseUsesTags(api, version)) skipHeaderTags(r);
  return { correlationId, body: decode<T>(api.response, version, r) };
}

/** Reads the correlation id at the front of a response frame without decoding the rest. */
export function peekCorrelationId(frame: Buffer): number {
  return frame.readInt32BE(0);
}
