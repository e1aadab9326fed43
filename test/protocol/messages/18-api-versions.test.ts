// ApiVersions v0-3 against independent oracles:
//   v0-2  kafka-python 2.0.2 captures (requests and responses) and kafkajs 2.2.4 (request encoder,
//         response decoder);
//   v3    librdkafka 2.0.2's request as kcat sent it (header v2 + compact body), and a response
//         written by hand from ApiVersionsResponse.json (tagged SupportedFeatures /
//         FinalizedFeaturesEpoch, and no tag byte in the response header: KIP-511).
import { describe, expect, it } from 'vitest';
import { ApiVersions, type ApiVersionsResponse } from '../../../src/protocol/messages/18-api-versions.js';
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  hex,
  kafkajsDecodeResponse,
  kafkajsRequestFrame,
  loadCapture,
  responseBody,
  utf8,
} from '../oracles.js';

const KP_CLIENT = 'kafka-python-2.0.2';
const KP_CORRELATION = 0x01020304;
const KEYS = [
  { apiKey: 0, minVersion: 3, maxVersion: 9 },
  { apiKey: 1, minVersion: 4, maxVersion: 12 },
  { apiKey: 18, minVersion: 0, maxVersion: 3 },
  { apiKey: 37, minVersion: 0, maxVersion: 3 },
];
/** Fields that exist only in v3 decode to their defaults in v0-2. */
const V3_DEFAULTS = { supportedFeatures: [], finalizedFeaturesEpoch: -1n, finalizedFeatures: [], zkMigrationReady: false };

describe('ApiVersions v0-2: kafka-python 2.0.2 captures', () => {
  it.each([0, 1, 2])('request v%i decodes to an empty body and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`api-versions-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(ApiVersions, cap.bytes);
    expect(header).toEqual({ apiKey: 18, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
    expect(encodeRequestFrame(ApiVersions, v, KP_CORRELATION + v, KP_CLIENT, {})).toEqual(cap.bytes);
  });

  it.each([0, 1, 2])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`api-versions-response-v${v}.kafka-python.hex`);
    const expected: ApiVersionsResponse = v === 0 ? { errorCode: 0, apiKeys: KEYS, throttleTimeMs: 0 } : { errorCode: 35, apiKeys: KEYS, throttleTimeMs: 250 * v };
    const { correlationId, body } = decodeResponseFrame(ApiVersions, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual({ ...expected, ...V3_DEFAULTS });
    expect(encodeResponseFrame(ApiVersions, v, KP_CORRELATION + v, expected)).toEqual(cap.bytes);
  });
});

describe('ApiVersions v0-2: kafkajs 2.2.4', () => {
  it.each([0, 1, 2])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('apiVersions', v, {}, 77, 'kafkajs');
    expect(decodeRequestFrame(ApiVersions, theirs).header).toEqual({ apiKey: 18, apiVersion: v, correlationId: 77, clientId: 'kafkajs' });
    expect(encodeRequestFrame(ApiVersions, v, 77, 'kafkajs', {})).toEqual(theirs);
  });

  it.each([0, 1, 2])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const ours = encodeResponseFrame(ApiVersions, v, 9, { errorCode: 0, apiKeys: KEYS, throttleTimeMs: 321 });
    const decoded = await kafkajsDecodeResponse('apiVersions', v, responseBody(ours));
    expect(decoded.errorCode).toBe(0);
    expect(decoded.apiVersions).toEqual(KEYS);
    // kafkajs reports v2+ throttle as client-side (KIP-219: the broker answered before throttling).
    if (v === 1) expect(decoded.throttleTime).toBe(321);
    if (v === 2) expect(decoded.clientSideThrottleTime).toBe(321);
  });
});

describe('ApiVersions v3 (flexible)', () => {
  it('decodes librdkafka 2.0.2’s request as kcat sent it, and re-encodes it byte for byte', () => {
    const cap = loadCapture('api-versions-request-v3.kcat-list.hex');
    const { header, body } = decodeRequestFrame(ApiVersions, cap.bytes);
    expect(header).toEqual({ apiKey: 18, apiVersion: 3, correlationId: header.correlationId, clientId: 'rdkafka' });
    expect(body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
    expect(encodeRequestFrame(ApiVersions, 3, header.correlationId, 'rdkafka', body as object)).toEqual(cap.bytes);
  });

  it('request: hand-written bytes (header v2: INT16 client id, then a tag section; compact body)', () => {
    const bytes = hex`
      0000001a                       # size 26
      0012 0003 0000002a             # api key 18, version 3, correlation id 42
      0005 ${utf8('mq-cl')}          # client id: INT16 length even in header v2
      00                             # header tagged fields: none
      03 ${utf8('mq')}               # ClientSoftwareName: compact string, length+1 = 3
      06 ${utf8('0.1.0')}            # ClientSoftwareVersion: compact, length+1 = 6
      00                             # body tagged fields: none
    `;
    expect(encodeRequestFrame(ApiVersions, 3, 42, 'mq-cl', { clientSoftwareName: 'mq', clientSoftwareVersion: '0.1.0' })).toEqual(bytes);
    expect(decodeRequestFrame(ApiVersions, bytes).body).toEqual({ clientSoftwareName: 'mq', clientSoftwareVersion: '0.1.0' });
  });

  // ApiVersionsResponse.json v3: ErrorCode, ApiKeys (compact), ThrottleTimeMs, then tagged
  // SupportedFeatures (tag 0), FinalizedFeaturesEpoch (tag 1, default -1), FinalizedFeatures (tag 2),
  // ZkMigrationReady (tag 3, default false). Response header v0 (no tag byte) even at v3.
  const response = hex`
    0000003d                         # size 61
    00000007                         # correlation id 7; NO header tag byte for ApiVersions
    0000                             # ErrorCode 0
    03                               # ApiKeys: compact array, 2 entries
      0000 0003 0009 00              #   Produce 3-9, no tags
      0012 0000 0003 00              #   ApiVersions 0-3, no tags
    00000000                         # ThrottleTimeMs 0
    02                               # 2 tagged fields (FinalizedFeatures and ZkMigrationReady are at their defaults)
      00 17                          #   tag 0 SupportedFeatures, 23 bytes:
        02                           #     compact array, 1 entry
        11 ${utf8('metadata.version')} #   Name (16 bytes)
        0001 0014 00                 #     MinVersion 1, MaxVersion 20, no tags
      01 08 0000000000000005         #   tag 1 FinalizedFeaturesEpoch = 5
  `;
  const value = {
    errorCode: 0,
    apiKeys: [
      { apiKey: 0, minVersion: 3, maxVersion: 9 },
      { apiKey: 18, minVersion: 0, maxVersion: 3 },
    ],
    throttleTimeMs: 0,
    supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
    finalizedFeaturesEpoch: 5n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };

  it('response: encodes to the hand-written bytes (defaults not written, tags in order)', () => {
    expect(encodeResponseFrame(ApiVersions, 3, 7, value)).toEqual(response);
  });
  it('response: decodes the hand-written bytes', () => {
    const { correlationId, body } = decodeResponseFrame(ApiVersions, 3, response);
    expect(correlationId).toBe(7);
    expect(body).toEqual(value);
  });
  it('response: a minimal v3 body (what a broker with no features sends)', () => {
    const minimal = hex`
      00000013 00000001              # size 19, correlation id 1
      0000                           # ErrorCode
      02 0012 0000 0003 00           # ApiKeys: [ApiVersions 0-3]
      00000000                       # ThrottleTimeMs
      00                             # no tagged fields
    `;
    expect(encodeResponseFrame(ApiVersions, 3, 1, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 })).toEqual(minimal);
  });
});
