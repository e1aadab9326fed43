// Every capture under captures/ is well-formed, names its provenance, and round-trips through
// mq's codec byte for byte (decode, then re-encode the decoded value). The per-API files in
// messages/ additionally check each decoded field against the values the client was given.
// The coverage table at the end fails when a served version has no independent oracle.
import { describe, expect, it } from 'vitest';
import { crc32c } from '@node-rs/crc32';
import { apis } from '../../src/protocol/messages/index.js';
import { decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, captureNames, loadCapture } from './oracles.js';

const API_BY_FILE: Record<string, number> = {
  produce: 0,
  fetch: 1,
  'list-offsets': 2,
  metadata: 3,
  'offset-commit': 8,
  'offset-fetch': 9,
  'find-coordinator': 10,
  'join-group': 11,
  heartbeat: 12,
  'leave-group': 13,
  'sync-group': 14,
  'describe-groups': 15,
  'list-groups': 16,
  'api-versions': 18,
  'create-topics': 19,
  'delete-topics': 20,
  'init-producer-id': 22,
  'describe-configs': 32,
  'alter-configs': 33,
  'create-partitions': 37,
  'delete-groups': 42,
};
const NAME = /^([a-z-]+)-(request|response)-v(\d+)\.(kafka-python|kcat-[a-z0-9-]+)\.hex$/;

describe('capture files', () => {
  const names = captureNames(/./);
  it('exist for both real clients', () => {
    expect(names.filter((n) => n.includes('.kafka-python.')).length).toBeGreaterThanOrEqual(60);
    expect(names.filter((n) => n.includes('.kcat-')).length).toBeGreaterThanOrEqual(8);
  });
  it.each(names)('%s has a provenance line naming its client', (name) => {
    const cap = loadCapture(name);
    expect(cap.provenance).toMatch(name.includes('kcat') ? /^kcat 1\.7\.1 \(librdkafka 2\.0\.2\) `kcat / : /^kafka-python 2\.0\.2 /);
  });

  const requests = names.filter((n) => NAME.exec(n)?.[2] === 'request');
  it.each(requests)('%s decodes completely and re-encodes byte for byte', (name) => {
    const [, api, , version] = NAME.exec(name)!;
    const spec = apis.get(API_BY_FILE[api!]!)!;
    const cap = loadCapture(name);
    const { header, body } = decodeRequestFrame(spec, cap.bytes);
    expect(header.apiVersion).toBe(Number(version));
    expect(encodeRequestFrame(spec, header.apiVersion, header.correlationId, header.clientId, body as object)).toEqual(cap.bytes);
  });

  const responses = names.filter((n) => NAME.exec(n)?.[2] === 'response');
  it.each(responses)('%s decodes and re-encodes byte for byte', (name) => {
    const [, api, , version] = NAME.exec(name)!;
    const spec = apis.get(API_BY_FILE[api!]!)!;
    const cap = loadCapture(name);
    const { correlationId, body } = decodeResponseFrame(spec, Number(version), cap.bytes);
    expect(encodeResponseFrame(spec, Number(version), correlationId, body as object)).toEqual(cap.bytes);
  });

  it.each(captureNames(/^record-batch-/))('%s is one RecordBatch v2 with a valid CRC-32C', (name) => {
    const b = loadCapture(name).bytes;
    expect(b.readInt32BE(8)).toBe(b.length - 12);
    expect(b.readInt8(16)).toBe(2);
    expect(b.readUInt32BE(17)).toBe(crc32c(b.subarray(21)));
  });
});

// Versions whose oracle is not a capture file: kafkajs (encoders/decoders run in the tests) and
// bytes written by hand from Kafka's JSON specs. Each entry points at the test that holds it.
const OTHER_ORACLES: Record<number, { request: number[]; response: number[]; where: string }> = {
  0: { request: [9], response: [8, 9], where: 'messages/00-produce.test.ts (hand-written v8 response, v9)' },
  1: { request: [12], response: [12], where: 'messages/01-fetch.test.ts (hand-written v12)' },
  2: { request: [4, 5, 6, 7, 8, 9], response: [6, 7, 8, 9], where: 'messages/02-list-offsets.test.ts (hand-written)' },
  3: { request: [6, 7, 8, 9, 10, 11, 12], response: [6, 7, 8, 9, 10, 11, 12], where: 'messages/03-metadata.test.ts (kafkajs v6, hand-written v7-12)' },
  8: { request: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], response: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], where: 'messages/08-offset-commit.test.ts (kafkajs v0-5, hand-written v6-9)' },
  9: { request: [1, 2, 3, 4, 5, 6, 7, 8, 9], response: [1, 2, 3, 4, 5, 6, 7, 8, 9], where: 'messages/09-offset-fetch.test.ts (kafkajs v1-4, hand-written v5-9)' },
  10: { request: [0, 1, 2, 3, 4, 5], response: [0, 1, 2, 3, 4, 5], where: 'messages/10-find-coordinator.test.ts (kafkajs v0-2, hand-written v3-5)' },
  11: { request: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], response: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], where: 'messages/11-join-group.test.ts (kafkajs v0-5, hand-written v6-9)' },
  12: { request: [0, 1, 2, 3, 4], response: [0, 1, 2, 3, 4], where: 'messages/12-heartbeat.test.ts (kafkajs v0-3, hand-written v4)' },
  13: { request: [0, 1, 2, 3, 4, 5], response: [0, 1, 2, 3, 4, 5], where: 'messages/13-leave-group.test.ts (kafkajs v0-3, hand-written v4-5)' },
  14: { request: [0, 1, 2, 3, 4, 5], response: [0, 1, 2, 3, 4, 5], where: 'messages/14-sync-group.test.ts (kafkajs v0-3, hand-written v4-5)' },
  15: { request: [0, 1, 2, 4, 5], response: [0, 1, 2, 3, 4, 5], where: 'messages/15-describe-groups.test.ts (kafkajs v0-2, hand-written v3-5)' },
  16: { request: [0, 1, 2, 3, 4, 5], response: [0, 1, 2, 3, 4, 5], where: 'messages/16-list-groups.test.ts (kafkajs v0-2, hand-written v3-5)' },
  18: { request: [3], response: [3], where: 'messages/18-api-versions.test.ts (hand-written v3; the v3 request is also a kcat capture)' },
  19: { request: [4, 5, 6, 7], response: [4, 5, 6, 7], where: 'messages/19-create-topics.test.ts (hand-written)' },
  20: { request: [4, 5, 6], response: [4, 5, 6], where: 'messages/20-delete-topics.test.ts (hand-written)' },
  21: { request: [0, 1, 2], response: [0, 1, 2], where: 'messages/21-delete-records.test.ts (kafkajs v0-1, hand-written v2)' },
  22: { request: [0, 1, 2, 3, 4, 5], response: [0, 1, 2, 3, 4, 5], where: 'messages/22-init-producer-id.test.ts (kafkajs v0-1, hand-written v2-5; the v4 request is also a kcat capture)' },
  32: { request: [0, 1, 2, 3, 4], response: [0, 1, 2, 3, 4], where: 'messages/32-describe-configs.test.ts (kafkajs v0-2, hand-written v3-4)' },
  33: { request: [0, 1, 2], response: [0, 1, 2], where: 'messages/33-alter-configs.test.ts (kafkajs v0-1, hand-written v2)' },
  35: { request: [0, 1, 2, 3, 4], response: [0, 1, 2, 3, 4], where: 'messages/35-describe-log-dirs.test.ts (hand-written; kafka-python 2.0.2 and kafkajs lack it)' },
  37: { request: [2, 3], response: [2, 3], where: 'messages/37-create-partitions.test.ts (hand-written)' },
  42: { request: [0, 1, 2], response: [0, 1, 2], where: 'messages/42-delete-groups.test.ts (kafkajs v0-1, hand-written v2)' },
  44: { request: [0, 1], response: [0, 1], where: 'messages/44-incremental-alter-configs.test.ts (hand-written; no client we capture implements it)' },
  47: { request: [0], response: [0], where: 'messages/47-offset-delete.test.ts (hand-written; no client we capture implements it)' },
  60: { request: [0, 1], response: [0, 1], where: 'messages/60-describe-cluster.test.ts (hand-written; no client we capture implements it)' },
};

describe('oracle coverage', () => {
  const captured = new Map<string, true>();
  for (const n of captureNames(NAME)) {
    const [, api, kind, version] = NAME.exec(n)!;
    captured.set(`${API_BY_FILE[api!]}/${kind}/${version}`, true);
  }
  it.each([...apis.values()].map((a) => [a.name, a] as const))('%s: every served version has an independent oracle, request and response', (_name, api) => {
    const other = OTHER_ORACLES[api.apiKey]!;
    expect(other, `add ${api.name} to OTHER_ORACLES`).toBeDefined();
    for (let v = api.request.valid.min; v <= api.request.valid.max; v++) {
      for (const kind of ['request', 'response'] as const) {
        const ok = captured.has(`${api.apiKey}/${kind}/${v}`) || other[kind].includes(v);
        expect(ok, `${api.name} ${kind} v${v} has no capture and no entry in OTHER_ORACLES`).toBe(true);
      }
    }
  });
});
