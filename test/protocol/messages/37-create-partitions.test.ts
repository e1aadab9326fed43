// CreatePartitions v0-3 against independent oracles:
//   v0-1  kafka-python 2.0.2 captures (requests and responses) and kafkajs 2.2.4
//   v2-3  (flexible) hex written by hand from CreatePartitionsRequest.json / Response.json
import { describe, expect, it } from 'vitest';
import { CreatePartitions, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../../src/protocol/messages/37-create-partitions.js';
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

describe('CreatePartitions v0-1: kafka-python 2.0.2 captures', () => {
  it.each([0, 1])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`create-partitions-request-v${v}.kafka-python.hex`);
    const value: CreatePartitionsRequest = {
      topics: [
        { name: 'orders', count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
        { name: 'payments', count: 4, assignments: null },
      ],
      timeoutMs: 30000,
      validateOnly: v === 1,
    };
    const { header, body } = decodeRequestFrame(CreatePartitions, cap.bytes);
    expect(header).toEqual({ apiKey: 37, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(CreatePartitions, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it.each([0, 1])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`create-partitions-response-v${v}.kafka-python.hex`);
    const value: CreatePartitionsResponse = {
      throttleTimeMs: 0,
      results: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'payments', errorCode: 37, errorMessage: 'Number of partitions must be larger than 4.' },
      ],
    };
    const { correlationId, body } = decodeResponseFrame(CreatePartitions, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(CreatePartitions, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('CreatePartitions v0-1: kafkajs 2.2.4', () => {
  it.each([0, 1])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    // kafkajs writes an empty assignment list as null (writeNullableArray).
    const args = { topicPartitions: [{ topic: 'a', count: 3, assignments: [[1], [2, 3]] }, { topic: 'b', count: 2 }], validateOnly: true, timeout: 2000 };
    const theirs = await kafkajsRequestFrame('createPartitions', v, args, 6, 'kafkajs');
    const { body } = decodeRequestFrame<CreatePartitionsRequest>(CreatePartitions, theirs);
    expect(body).toEqual({
      topics: [
        { name: 'a', count: 3, assignments: [{ brokerIds: [1] }, { brokerIds: [2, 3] }] },
        { name: 'b', count: 2, assignments: null },
      ],
      timeoutMs: 2000,
      validateOnly: true,
    });
    expect(encodeRequestFrame(CreatePartitions, v, 6, 'kafkajs', body)).toEqual(theirs);
  });
  it.each([0, 1])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value = { throttleTimeMs: 3, results: [{ name: 'a', errorCode: 0, errorMessage: null }, { name: 'b', errorCode: 37, errorMessage: 'too few' }] };
    const decoded = await kafkajsDecodeResponse('createPartitions', v, responseBody(encodeResponseFrame(CreatePartitions, v, 1, value)));
    expect(decoded.topicErrors).toEqual([
      { topic: 'a', errorCode: 0, errorMessage: null },
      { topic: 'b', errorCode: 37, errorMessage: 'too few' },
    ]);
  });
});

describe('CreatePartitions v2-3 (flexible), hand-written from the JSON specs', () => {
  it.each([2, 3])('request v%i', (v) => {
    const bytes = sized(hex`
      0025 000${v} 00000001 0002 ${utf8('mq')} 00   # CreatePartitions v2/v3, correlation 1, client, header tags
      03                                          # Topics: 2
        07 ${utf8('orders')} 00000006             #   Name, Count 6
        02 03 00000001 00000002 00                #   Assignments: [{BrokerIds [1, 2], tags}]
        00                                        #   tags
        02 ${utf8('b')} 00000002 00 00            #   Name "b", Count 2, Assignments null, tags
      00002710 00                                 # TimeoutMs 10000, ValidateOnly false
      00                                          # tags
    `);
    const value: CreatePartitionsRequest = {
      topics: [
        { name: 'orders', count: 6, assignments: [{ brokerIds: [1, 2] }] },
        { name: 'b', count: 2, assignments: null },
      ],
      timeoutMs: 10000,
      validateOnly: false,
    };
    expect(encodeRequestFrame(CreatePartitions, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(CreatePartitions, bytes).body).toEqual(value);
  });
  it.each([2, 3])('response v%i', (v) => {
    const bytes = sized(hex`
      00000002 00                                 # correlation 2, header tags
      00000000                                    # ThrottleTimeMs
      03                                          # Results: 2
        07 ${utf8('orders')} 0000 00 00           #   Name, ErrorCode 0, ErrorMessage null, tags
        02 ${utf8('b')} 0025 06 ${utf8('fewer')} 00   # Name "b", ErrorCode 37, ErrorMessage, tags
      00                                          # tags
    `);
    const value: CreatePartitionsResponse = {
      throttleTimeMs: 0,
      results: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'b', errorCode: 37, errorMessage: 'fewer' },
      ],
    };
    expect(encodeResponseFrame(CreatePartitions, v, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(CreatePartitions, v, bytes).body).toEqual(value);
  });
});
