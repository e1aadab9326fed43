// DeleteTopics v1-6 against independent oracles:
//   v1-3  kafka-python 2.0.2 captures (requests and responses); v1 kafkajs 2.2.4
//   v4-6  (flexible) hex written by hand from DeleteTopicsRequest.json / DeleteTopicsResponse.json
//         (v5 ErrorMessage; v6 replaces TopicNames with Topics[{Name, TopicId}])
import { describe, expect, it } from 'vitest';
import { ZERO_UUID } from '../../../src/protocol/codec.js';
import { DeleteTopics, type DeleteTopicsRequest, type DeleteTopicsResponse } from '../../../src/protocol/messages/20-delete-topics.js';
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

const KP_CLIENT = 'kafka-python-2.0.2';
const KP_CORRELATION = 0x01020304;

describe('DeleteTopics v1-3: kafka-python 2.0.2 captures', () => {
  it.each([1, 2, 3])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`delete-topics-request-v${v}.kafka-python.hex`);
    const value: DeleteTopicsRequest = { topics: [], topicNames: ['orders', 'payments.eu-west'], timeoutMs: 15000 + v };
    const { header, body } = decodeRequestFrame(DeleteTopics, cap.bytes);
    expect(header).toEqual({ apiKey: 20, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(DeleteTopics, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it.each([1, 2, 3])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`delete-topics-response-v${v}.kafka-python.hex`);
    const value: DeleteTopicsResponse = {
      throttleTimeMs: v,
      responses: [
        { name: 'orders', topicId: ZERO_UUID, errorCode: 0, errorMessage: null },
        { name: 'payments.eu-west', topicId: ZERO_UUID, errorCode: 3, errorMessage: null },
      ],
    };
    const { correlationId, body } = decodeResponseFrame(DeleteTopics, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(DeleteTopics, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('DeleteTopics v1: kafkajs 2.2.4', () => {
  it('request: decodes kafkajs’s frame and re-encodes it byte for byte', async () => {
    const theirs = await kafkajsRequestFrame('deleteTopics', 1, { topics: ['a', 'b'], timeout: 3000 }, 4, 'kafkajs');
    const { body } = decodeRequestFrame<DeleteTopicsRequest>(DeleteTopics, theirs);
    expect(body).toEqual({ topics: [], topicNames: ['a', 'b'], timeoutMs: 3000 });
    expect(encodeRequestFrame(DeleteTopics, 1, 4, 'kafkajs', body)).toEqual(theirs);
  });
  it('response encoded by us decodes in kafkajs', async () => {
    const value = { throttleTimeMs: 11, responses: [{ name: 'b', errorCode: 3 }, { name: 'a', errorCode: 0 }] };
    const decoded = await kafkajsDecodeResponse('deleteTopics', 1, responseBody(encodeResponseFrame(DeleteTopics, 1, 1, value)));
    expect(decoded).toEqual({
      throttleTime: 0,
      clientSideThrottleTime: 11,
      topicErrors: [
        { topic: 'a', errorCode: 0 },
        { topic: 'b', errorCode: 3 },
      ],
    });
  });
});

describe('DeleteTopics v4-6 (flexible), hand-written from the JSON specs', () => {
  it.each([4, 5])('request v%i: compact TopicNames', (v) => {
    const bytes = sized(hex`
      0014 000${v} 00000001 0002 ${utf8('mq')} 00     # DeleteTopics v4/v5, correlation 1, client, header tags
      03 02 ${utf8('a')} 07 ${utf8('orders')}       # TopicNames: compact ["a", "orders"]
      00007530                                      # TimeoutMs 30000
      00                                            # tags
    `);
    const value: DeleteTopicsRequest = { topics: [], topicNames: ['a', 'orders'], timeoutMs: 30000 };
    expect(encodeRequestFrame(DeleteTopics, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DeleteTopics, bytes).body).toEqual(value);
  });

  const id = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');
  it('request v6: Topics by name or id', () => {
    const bytes = sized(hex`
      0014 0006 00000002 0002 ${utf8('mq')} 00        # DeleteTopics v6, correlation 2
      03                                            # Topics: 2
        07 ${utf8('orders')} 00000000000000000000000000000000 00   # by name, zero id, tags
        00 ${id.toString('hex')} 00                  # by id, null name, tags
      00007530 00                                   # TimeoutMs 30000, tags
    `);
    const value: DeleteTopicsRequest = {
      topics: [
        { name: 'orders', topicId: ZERO_UUID },
        { name: null, topicId: id },
      ],
      topicNames: [],
      timeoutMs: 30000,
    };
    expect(encodeRequestFrame(DeleteTopics, 6, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DeleteTopics, bytes).body).toEqual(value);
  });

  it.each([4, 5, 6])('response v%i', (v) => {
    const bytes = sized(hex`
      00000003 00                                   # correlation 3, header tags
      00000000                                      # ThrottleTimeMs
      03                                            # Responses: 2
        07 ${utf8('orders')}                        #   Name
        ${v >= 6 ? id.toString('hex') : ''}         #   TopicId (v6+)
        0000                                        #   ErrorCode
        ${v >= 5 ? '00' : ''}                       #   ErrorMessage null (v5+)
        00                                          #   tags
        ${v >= 6 ? '00' : '02' + utf8('x')}         #   Name: null (v6: unknown id) / "x"
        ${v >= 6 ? '00000000000000000000000000000000' : ''}
        ${v >= 6 ? '0064' : '0003'}                 #   ErrorCode UNKNOWN_TOPIC_ID (100) / UNKNOWN_TOPIC_OR_PARTITION (3)
        ${v >= 5 ? '08' + utf8('missing') : ''}     #   ErrorMessage (v5+)
        00                                          #   tags
      00                                            # tags
    `);
    const value: DeleteTopicsResponse = {
      throttleTimeMs: 0,
      responses: [
        { name: 'orders', topicId: v >= 6 ? id : ZERO_UUID, errorCode: 0, errorMessage: null },
        { name: v >= 6 ? null : 'x', topicId: ZERO_UUID, errorCode: v >= 6 ? 100 : 3, errorMessage: v >= 5 ? 'missing' : null },
      ],
    };
    expect(encodeResponseFrame(DeleteTopics, v, 3, value)).toEqual(bytes);
    expect(decodeResponseFrame(DeleteTopics, v, bytes).body).toEqual(value);
  });
});
