// InitProducerId v0-5 against independent oracles:
//   v0-1  kafkajs 2.2.4 request encoders and response decoders (kafkajs implements only these)
//   v4    librdkafka 2.0.2's request as kcat -X enable.idempotence=true sent it
//   v2-5  hex written by hand from InitProducerIdRequest.json / InitProducerIdResponse.json
//         (flexible from v2; ProducerId/ProducerEpoch from v3; v4 and v5 are v3 on the wire)
import { describe, expect, it } from 'vitest';
import { InitProducerId, type InitProducerIdRequest, type InitProducerIdResponse } from '../../../src/protocol/messages/22-init-producer-id.js';
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

describe('InitProducerId v0-1: kafkajs 2.2.4', () => {
  it.each([0, 1])('request v%i with a transactional id: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('initProducerId', v, { transactionalId: 'txn-1', transactionTimeout: 60000 }, 3, 'kafkajs');
    const expected: InitProducerIdRequest = { transactionalId: 'txn-1', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 };
    expect(decodeRequestFrame(InitProducerId, theirs)).toEqual({ header: { apiKey: 22, apiVersion: v, correlationId: 3, clientId: 'kafkajs' }, body: expected });
    expect(encodeRequestFrame(InitProducerId, v, 3, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1])('request v%i of an idempotent producer (null transactional id)', async (v) => {
    const theirs = await kafkajsRequestFrame('initProducerId', v, { transactionalId: null, transactionTimeout: 5000 }, 9, 'k');
    const expected: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 5000, producerId: -1n, producerEpoch: -1 };
    expect(decodeRequestFrame(InitProducerId, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(InitProducerId, v, 9, 'k', expected)).toEqual(theirs);
  });
  it.each([0, 1])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: InitProducerIdResponse = { throttleTimeMs: 25, errorCode: 0, producerId: 4001n, producerEpoch: 7 };
    const decoded = await kafkajsDecodeResponse('initProducerId', v, responseBody(encodeResponseFrame(InitProducerId, v, 1, value)));
    const throttle = v === 0 ? { throttleTime: 25 } : { throttleTime: 0, clientSideThrottleTime: 25 };
    expect(decoded).toEqual({ ...throttle, errorCode: 0, producerId: '4001', producerEpoch: 7 });
  });
  it('response v0 with an error decodes in kafkajs', async () => {
    const value: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 15, producerId: -1n, producerEpoch: -1 };
    const decoded = await kafkajsDecodeResponse('initProducerId', 0, responseBody(encodeResponseFrame(InitProducerId, 0, 1, value)));
    expect(decoded).toEqual({ throttleTime: 0, errorCode: 15, producerId: '-1', producerEpoch: -1 });
  });
});

describe('InitProducerId v4: librdkafka 2.0.2 (kcat -X enable.idempotence=true)', () => {
  it('init-producer-id-request-v4.kcat-idempotent.hex', () => {
    const cap = loadCapture('init-producer-id-request-v4.kcat-idempotent.hex');
    const { header, body } = decodeRequestFrame(InitProducerId, cap.bytes);
    expect(header).toEqual({ apiKey: 22, apiVersion: 4, correlationId: 3, clientId: 'rdkafka' });
    // An idempotent librdkafka producer sends no transaction timeout (-1) and no producer yet.
    const value: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: -1 };
    expect(body).toEqual(value);
    expect(encodeRequestFrame(InitProducerId, 4, 3, 'rdkafka', value)).toEqual(cap.bytes);
  });
});

describe('InitProducerId v2-5 (flexible), hand-written from the JSON specs', () => {
  it('request v2: null transactional id, no producer id fields yet', () => {
    const bytes = sized(hex`
      0016 0002 00000001 0002 ${utf8('mq')} 00      # InitProducerId v2, correlation 1, client "mq", header tags
      00                                            # TransactionalId null (compact: 0)
      7fffffff                                      # TransactionTimeoutMs Int32 max
      00                                            # tags
    `);
    const value: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 0x7fffffff, producerId: -1n, producerEpoch: -1 };
    expect(encodeRequestFrame(InitProducerId, 2, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(InitProducerId, bytes).body).toEqual(value);
  });
  it.each([3, 4, 5])('request v%i: the current producer id and epoch, for an epoch bump (KIP-360)', (v) => {
    const bytes = sized(hex`
      0016 000${v} 00000002 0002 ${utf8('mq')} 00   # InitProducerId v${v}, correlation 2, client "mq", header tags
      00                                            # TransactionalId null
      7fffffff                                      # TransactionTimeoutMs
      00000000000003e9                              # ProducerId 1001
      0004                                          # ProducerEpoch 4
      00                                            # tags
    `);
    const value: InitProducerIdRequest = { transactionalId: null, transactionTimeoutMs: 0x7fffffff, producerId: 1001n, producerEpoch: 4 };
    expect(encodeRequestFrame(InitProducerId, v, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(InitProducerId, bytes).body).toEqual(value);
  });
  it('request v4 with a transactional id and no producer yet', () => {
    const bytes = sized(hex`
      0016 0004 00000003 0002 ${utf8('mq')} 00      # InitProducerId v4, correlation 3, client "mq", header tags
      04 ${utf8('txn')}                             # TransactionalId "txn" (compact: length + 1)
      0000ea60                                      # TransactionTimeoutMs 60000
      ffffffffffffffff                              # ProducerId -1
      ffff                                          # ProducerEpoch -1
      00                                            # tags
    `);
    const value: InitProducerIdRequest = { transactionalId: 'txn', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 };
    expect(encodeRequestFrame(InitProducerId, 4, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(InitProducerId, bytes).body).toEqual(value);
  });
  it.each([2, 3, 4, 5])('response v%i', (v) => {
    const bytes = sized(hex`
      00000001 00                                   # correlation 1, header tags
      00000000                                      # ThrottleTimeMs
      0000                                          # ErrorCode NONE
      00000000000003e9                              # ProducerId 1001
      0005                                          # ProducerEpoch 5
      00                                            # tags
    `);
    const value: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 0, producerId: 1001n, producerEpoch: 5 };
    expect(encodeResponseFrame(InitProducerId, v, 1, value)).toEqual(bytes);
    expect(decodeResponseFrame(InitProducerId, v, bytes).body).toEqual(value);
  });
  it('response v4 with COORDINATOR_NOT_AVAILABLE', () => {
    const bytes = sized(hex`
      00000007 00                                   # correlation 7, header tags
      00000000                                      # ThrottleTimeMs
      000f                                          # ErrorCode 15 COORDINATOR_NOT_AVAILABLE
      ffffffffffffffff                              # ProducerId -1
      ffff                                          # ProducerEpoch -1
      00                                            # tags
    `);
    const value: InitProducerIdResponse = { throttleTimeMs: 0, errorCode: 15, producerId: -1n, producerEpoch: -1 };
    expect(encodeResponseFrame(InitProducerId, 4, 7, value)).toEqual(bytes);
    expect(decodeResponseFrame(InitProducerId, 4, bytes).body).toEqual(value);
  });
});
