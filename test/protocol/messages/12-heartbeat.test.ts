// Heartbeat v0-4 against independent oracles:
//   v0-1  kafka-python 2.0.2 captures (requests and responses)
//   v3    librdkafka 2.0.2 request as kcat -G sent it
//   v0-3  kafkajs 2.2.4 request encoders and response decoders
//   v4    hex written by hand from HeartbeatRequest.json / HeartbeatResponse.json (flexible)
import { describe, expect, it } from 'vitest';
import { Heartbeat, type HeartbeatRequest, type HeartbeatResponse } from '../../../src/protocol/messages/12-heartbeat.js';
import { GROUP, KCAT_GROUP, KCAT_MEMBER, KP_CLIENT, KP_CORRELATION, MEMBER } from '../group-captures.js';
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
  sized,
  utf8,
} from '../oracles.js';

describe('Heartbeat v0-1: kafka-python 2.0.2 captures', () => {
  it.each([0, 1])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`heartbeat-request-v${v}.kafka-python.hex`);
    const value: HeartbeatRequest = { groupId: GROUP, generationId: 5 + v, memberId: MEMBER, groupInstanceId: null };
    const { header, body } = decodeRequestFrame(Heartbeat, cap.bytes);
    expect(header).toEqual({ apiKey: 12, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(Heartbeat, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it.each([
    [0, { throttleTimeMs: 0, errorCode: 0 }],
    [1, { throttleTimeMs: 9, errorCode: 27 }],
  ] as const)('response v%i decodes and re-encodes byte for byte', (v, value) => {
    const cap = loadCapture(`heartbeat-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(Heartbeat, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(Heartbeat, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('Heartbeat v3: librdkafka 2.0.2 (kcat -G)', () => {
  it('heartbeat-request-v3.kcat-group.hex', () => {
    const cap = loadCapture('heartbeat-request-v3.kcat-group.hex');
    const { header, body } = decodeRequestFrame(Heartbeat, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 3, clientId: 'rdkafka' });
    expect(body).toEqual({ groupId: KCAT_GROUP, generationId: 1, memberId: KCAT_MEMBER, groupInstanceId: null });
    expect(encodeRequestFrame(Heartbeat, 3, header.correlationId, 'rdkafka', body as HeartbeatRequest)).toEqual(cap.bytes);
  });
});

describe('Heartbeat v0-3: kafkajs 2.2.4', () => {
  it.each([0, 1, 2, 3])('request v%i: our frame equals kafkajs’s', async (v) => {
    const args = { groupId: 'g-1', groupGenerationId: 12, memberId: 'm-1', groupInstanceId: 'static-1' };
    const theirs = await kafkajsRequestFrame('heartbeat', v, args, 2, 'kafkajs');
    const expected: HeartbeatRequest = { groupId: 'g-1', generationId: 12, memberId: 'm-1', groupInstanceId: v >= 3 ? 'static-1' : null };
    expect(decodeRequestFrame(Heartbeat, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(Heartbeat, v, 2, 'kafkajs', expected)).toEqual(theirs);
  });
  it('request v3 with a null group instance id', async () => {
    const theirs = await kafkajsRequestFrame('heartbeat', 3, { groupId: 'g', groupGenerationId: 1, memberId: 'm', groupInstanceId: null }, 2, 'k');
    expect(encodeRequestFrame(Heartbeat, 3, 2, 'k', { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).toEqual(theirs);
  });
  it.each([0, 1, 2, 3])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: HeartbeatResponse = { throttleTimeMs: 30, errorCode: 27 };
    const decoded = await kafkajsDecodeResponse('heartbeat', v, responseBody(encodeResponseFrame(Heartbeat, v, 1, value)));
    const throttle = v === 0 ? {} : v === 1 ? { throttleTime: 30 } : { throttleTime: 0, clientSideThrottleTime: 30 };
    expect(decoded).toEqual({ ...throttle, errorCode: 27 });
  });
});

describe('Heartbeat v4 (flexible), hand-written from the JSON specs', () => {
  it('request v4', () => {
    const bytes = sized(hex`
      000c 0004 00000001 0002 ${utf8('mq')} 00      # Heartbeat v4, correlation 1, client "mq", header tags
      02 ${utf8('g')}                               # GroupId
      00000003                                      # GenerationId 3
      02 ${utf8('m')}                               # MemberId
      00                                            # GroupInstanceId null
      00                                            # tags
    `);
    const value: HeartbeatRequest = { groupId: 'g', generationId: 3, memberId: 'm', groupInstanceId: null };
    expect(encodeRequestFrame(Heartbeat, 4, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(Heartbeat, bytes).body).toEqual(value);
  });
  it('response v4', () => {
    const bytes = sized(hex`
      00000001 00                                   # correlation 1, header tags
      00000000                                      # ThrottleTimeMs
      001b                                          # ErrorCode 27 REBALANCE_IN_PROGRESS
      00                                            # tags
    `);
    const value: HeartbeatResponse = { throttleTimeMs: 0, errorCode: 27 };
    expect(encodeResponseFrame(Heartbeat, 4, 1, value)).toEqual(bytes);
    expect(decodeResponseFrame(Heartbeat, 4, bytes).body).toEqual(value);
  });
});
