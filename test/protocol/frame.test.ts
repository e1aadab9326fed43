// Size framing and headers against hand-written bytes from RequestHeader.json / ResponseHeader.json:
// request header v1 (INT16 client id) for classic bodies, v2 (+ tag section) for flexible ones;
// response header v0 / v1 (+ tag section); ApiVersions responses always header v0 (KIP-511).
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, decodeResponse, encodeRequest, encodeResponse, peekCorrelationId, readRequestHeader } from '../../src/protocol/frame.js';
import { ApiVersions } from '../../src/protocol/messages/18-api-versions.js';
import { Fetch } from '../../src/protocol/messages/01-fetch.js';
import { Metadata } from '../../src/protocol/messages/03-metadata.js';
import { DecodeError, Reader } from '../../src/protocol/reader.js';
import { hex, sized, utf8 } from './oracles.js';

const all = { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };

describe('request frames', () => {
  it('classic body: size, header v1 (api key, version, correlation id, INT16 client id), body', () => {
    expect(Buffer.concat(encodeRequest(Metadata, 1, 0x0a0b0c0d, 'cli', all))).toEqual(hex`
      00000011            # size 17
      0003 0001 0a0b0c0d  # Metadata v1, correlation id
      0003 ${utf8('cli')} # client id
      ffffffff            # body: topics null
    `);
  });
  it('a null client id is INT16 -1', () => {
    expect(Buffer.concat(encodeRequest(Metadata, 1, 1, null, all))).toEqual(hex`0000000e 0003 0001 00000001 ffff ffffffff`);
  });
  it('flexible body: header v2 adds a tag section after the (still INT16) client id', () => {
    expect(Buffer.concat(encodeRequest(Metadata, 9, 2, 'c', all))).toEqual(hex`
      00000011 0003 0009 00000002 0001 ${utf8('c')}
      00               # header tagged fields
      00 01 00 00 00   # body: topics null, allowAuto true, includeCluster false, includeTopic false, tags
    `);
  });
  it('reads the header, skips header tags (even unknown ones), then decodes the body', () => {
    const frame = hex`
      0003 0009 00000002 0001 ${utf8('c')}
      01 05 02 abcd     # header tagged fields: tag 5, 2 bytes (unknown, skipped)
      00 01 00 00 00
    `;
    const r = new Reader(frame);
    expect(readRequestHeader(r)).toEqual({ apiKey: 3, apiVersion: 9, correlationId: 2, clientId: 'c' });
    expect(decodeRequestBody(Metadata, 9, r)).toEqual(all);
    expect(r.remaining).toBe(0);
  });
  it('a truncated header is a DecodeError', () => {
    expect(() => readRequestHeader(new Reader(hex`0003 0009 0000`))).toThrow(DecodeError);
    expect(() => readRequestHeader(new Reader(hex`0003 0009 00000002 0005 6162`))).toThrow(DecodeError);
  });
});

describe('response frames', () => {
  const v = { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: 1, topics: [], clusterAuthorizedOperations: -2147483648 };
  it('classic body: header v0 is just the correlation id', () => {
    expect(Buffer.concat(encodeResponse(Metadata, 1, 7, v))).toEqual(hex`00000010 00000007 00000000 00000001 00000000`);
  });
  it('flexible body: header v1 adds a tag section', () => {
    const bytes = hex`00000015 00000007 00  00000000 01 00 00000001 01 80000000 00`;
    expect(Buffer.concat(encodeResponse(Metadata, 9, 7, v))).toEqual(bytes);
    expect(decodeResponse(Metadata, 9, bytes.subarray(4))).toEqual({ correlationId: 7, body: v });
  });
  it('skips a non-empty response header tag section', () => {
    const frame = hex`00000007 01 00 01 ff  00000000 01 00 00000001 01 80000000 00`;
    expect(decodeResponse(Metadata, 9, frame)).toEqual({ correlationId: 7, body: v });
  });
  it('ApiVersions v3 responses keep header v0 (no tag byte), both ways', () => {
    const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 };
    const bytes = hex`00000013 00000009  0000 02 0012 0000 0003 00 00000000 00`;
    expect(Buffer.concat(encodeResponse(ApiVersions, 3, 9, body))).toEqual(bytes);
    expect(decodeResponse(ApiVersions, 3, bytes.subarray(4)).body).toMatchObject(body);
  });
  it('the size prefix counts referenced chunks; big record sets stay uncopied', () => {
    const big = Buffer.alloc(100_000, 0x5a);
    const resp = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: [big] }] }],
    };
    const chunks = encodeResponse(Fetch, 11, 3, resp);
    expect(chunks).toContain(big);
    const whole = Buffer.concat(chunks);
    expect(whole.readInt32BE(0)).toBe(whole.length - 4);
    expect(peekCorrelationId(whole.subarray(4))).toBe(3);
    const decoded = decodeResponse<typeof resp>(Fetch, 11, whole.subarray(4)).body;
    expect(decoded.responses[0]!.partitions[0]!.records).toEqual(big);
  });
  it('sized() in the tests agrees with the codec’s framing', () => {
    expect(sized(hex`00000001`)).toEqual(hex`00000004 00000001`);
  });
});
