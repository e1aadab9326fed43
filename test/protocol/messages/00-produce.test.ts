// Produce v0-9 against independent oracles:
//   v0-2  kafka-python 2.0.2 request and response captures (legacy message sets it built);
//   v3-8  kafka-python 2.0.2 request captures (records = batches built by kafka-python itself);
//   v3-7  kafka-python response captures (its v8 response schema is broken, see the capture script);
//   v7    librdkafka 2.0.2's request as `kcat -P` sent it;
//   v3-7  kafkajs 2.2.4 request encoders and response decoders;
//   v8    response, v9 request and response: hex written by hand from ProduceRequest.json /
//         ProduceResponse.json (v8 RecordErrors/ErrorMessage; v9 flexible, compact records).
import { crc32c } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import { Produce, type ProduceRequest, type ProduceResponse } from '../../../src/protocol/messages/00-produce.js';
import { decodeRecordBatches } from '../../../src/protocol/records/record-batch.js';
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
const BATCH_A = loadCapture('record-batch-a.kafka-python.hex').bytes;
const BATCH_B = loadCapture('record-batch-b.kafka-python.hex').bytes;

/** The `records` bytes are one RecordBatch v2: batchLength covers the rest, magic 2, CRC-32C matches. */
function expectOneRecordBatch(records: Buffer, recordCount: number): void {
  expect(records.readInt32BE(8)).toBe(records.length - 12); // batchLength
  expect(records.readInt8(16)).toBe(2); // magic
  expect(records.readUInt32BE(17)).toBe(crc32c(records.subarray(21))); // crc over attributes..end
  expect(records.readInt32BE(57)).toBe(recordCount);
}

describe('Produce v0-2: kafka-python 2.0.2 captures (legacy message sets)', () => {
  it.each([0, 1, 2])('request v%i carries a message set kafka-python built, and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`produce-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame<ProduceRequest>(Produce, cap.bytes);
    expect(header).toEqual({ apiKey: 0, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body.transactionalId).toBeNull(); // v3+ only
    expect([body.acks, body.timeoutMs, body.topicData.map((t) => t.name)]).toEqual([1, 30000 + v, ['orders']]);
    const entries = decodeRecordBatches(body.topicData[0]!.partitionData[0]!.records as Buffer);
    expect(entries.map((e) => e.header.magic)).toEqual(v === 0 ? [0, 0] : [1, 1]);
    expect(entries.flatMap((e) => e.records.map((r) => [r.key?.toString() ?? null, r.value!.toString(), r.timestamp]))).toEqual([
      ['k0', 'legacy-0', v === 0 ? -1n : 1700000000000n],
      [null, 'legacy-1', v === 0 ? -1n : 1700000000001n],
    ]);
    expect(encodeRequestFrame(Produce, v, KP_CORRELATION + v, KP_CLIENT, body)).toEqual(cap.bytes);
  });
  it.each([0, 1, 2])('response v%i: throttle time from v1, log append time from v2', (v) => {
    const cap = loadCapture(`produce-response-v${v}.kafka-python.hex`);
    const { body } = decodeResponseFrame<ProduceResponse>(Produce, v, cap.bytes);
    expect(body.throttleTimeMs).toBe(v >= 1 ? 12 : 0);
    expect(body.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset, p.logAppendTimeMs])).toEqual([
      [0, 0, 5000000000n, -1n],
      [7, 6, -1n, v >= 2 ? 1700000000123n : -1n],
    ]);
  });
});

describe('Produce v3-8: kafka-python 2.0.2 captures', () => {
  const requestValue = (v: number): ProduceRequest => ({
    transactionalId: v % 2 ? null : `txn-Ω-${v}`,
    acks: v === 4 ? 1 : -1,
    timeoutMs: 30000 + v,
    topicData: [
      {
        name: 'orders',
        partitionData: [
          { index: 0, records: BATCH_A },
          { index: 7, records: BATCH_B },
        ],
      },
      { name: 'empty', partitionData: [{ index: 3, records: null }] },
    ],
  });
  it.each([3, 4, 5, 6, 7, 8])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`produce-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame<ProduceRequest>(Produce, cap.bytes);
    expect(header).toEqual({ apiKey: 0, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requestValue(v));
    expectOneRecordBatch(body.topicData[0]!.partitionData[0]!.records as Buffer, 2);
    expect(encodeRequestFrame(Produce, v, KP_CORRELATION + v, KP_CLIENT, requestValue(v))).toEqual(cap.bytes);
  });
  it('records given as a Buffer list encode like one buffer (v7)', () => {
    const cap = loadCapture('produce-request-v7.kafka-python.hex');
    const value = requestValue(7);
    value.topicData[0]!.partitionData[0]!.records = [BATCH_A.subarray(0, 10), BATCH_A.subarray(10)];
    expect(encodeRequestFrame(Produce, 7, KP_CORRELATION + 7, KP_CLIENT, value)).toEqual(cap.bytes);
  });

  const responseValue = (v: number): ProduceResponse => ({
    responses: [
      {
        name: 'orders',
        partitionResponses: [
          { index: 0, errorCode: 0, baseOffset: 5000000000n, logAppendTimeMs: -1n, logStartOffset: v >= 5 ? 42n : -1n, recordErrors: [], errorMessage: null },
          { index: 7, errorCode: 6, baseOffset: -1n, logAppendTimeMs: 1700000000123n, logStartOffset: -1n, recordErrors: [], errorMessage: null },
        ],
      },
    ],
    throttleTimeMs: 12,
  });
  it.each([3, 4, 5, 6, 7])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`produce-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(Produce, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responseValue(v));
    expect(encodeResponseFrame(Produce, v, KP_CORRELATION + v, responseValue(v))).toEqual(cap.bytes);
  });
});

describe('Produce v7: librdkafka 2.0.2 (kcat -P)', () => {
  it('decodes the request and re-encodes it byte for byte', () => {
    const cap = loadCapture('produce-request-v7.kcat-produce.hex');
    const { header, body } = decodeRequestFrame<ProduceRequest>(Produce, cap.bytes);
    expect(header).toMatchObject({ apiKey: 0, apiVersion: 7, clientId: 'rdkafka' });
    // librdkafka defaults: not transactional, request.required.acks=-1, request.timeout.ms=30000.
    expect(body).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000 });
    expect(body.topicData).toHaveLength(1);
    expect(body.topicData[0]!.name).toBe('orders');
    expect(body.topicData[0]!.partitionData.map((p) => p.index)).toEqual([0]);
    const records = body.topicData[0]!.partitionData[0]!.records as Buffer;
    expectOneRecordBatch(records, 2); // "k1:hello" and "k2:wörld"
    expect(records.includes(Buffer.from('wörld'))).toBe(true);
    expect(encodeRequestFrame(Produce, 7, header.correlationId, 'rdkafka', body)).toEqual(cap.bytes);
  });
});

describe('Produce v3-7: kafkajs 2.2.4', () => {
  const args = (transactionalId: string | null) => ({
    acks: -1,
    timeout: 1500,
    transactionalId,
    topicData: [
      { topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v', timestamp: 1700000000000 }] }] },
      { topic: 'audit', partitions: [{ partition: 0, messages: [{ key: null, value: 'x', timestamp: 1700000000001, headers: { h: 'y' } }] }] },
    ],
  });
  it.each([3, 4, 5, 6, 7])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    for (const txn of [null, 'tx-1']) {
      const theirs = await kafkajsRequestFrame('produce', v, args(txn), 3, 'kafkajs');
      const { body } = decodeRequestFrame<ProduceRequest>(Produce, theirs);
      expect(body).toMatchObject({ transactionalId: txn, acks: -1, timeoutMs: 1500 });
      expect(body.topicData.map((t) => [t.name, t.partitionData.map((p) => p.index)])).toEqual([
        ['orders', [2]],
        ['audit', [0]],
      ]);
      expectOneRecordBatch(body.topicData[0]!.partitionData[0]!.records as Buffer, 1);
      expect(encodeRequestFrame(Produce, v, 3, 'kafkajs', body)).toEqual(theirs);
    }
  });

  const value: ProduceResponse = {
    responses: [
      {
        name: 'orders',
        partitionResponses: [
          { index: 2, errorCode: 0, baseOffset: 9007199254740993n, logAppendTimeMs: 1700000000999n, logStartOffset: 7n, recordErrors: [], errorMessage: null },
          { index: 3, errorCode: 6, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null },
        ],
      },
    ],
    throttleTimeMs: 4,
  };
  it.each([3, 4, 5, 6, 7])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const decoded = await kafkajsDecodeResponse('produce', v, responseBody(encodeResponseFrame(Produce, v, 1, value)));
    const topics = decoded.topics as Array<{ topicName: string; partitions: Array<Record<string, unknown>> }>;
    expect(topics[0]!.topicName).toBe('orders');
    expect(topics[0]!.partitions[0]).toMatchObject({ partition: 2, errorCode: 0, baseOffset: '9007199254740993', logAppendTime: '1700000000999' });
    expect(topics[0]!.partitions[1]).toMatchObject({ partition: 3, errorCode: 6, baseOffset: '-1' });
    if (v >= 5) expect(topics[0]!.partitions[0]!.logStartOffset).toBe('7');
    expect(v >= 6 ? decoded.clientSideThrottleTime : decoded.throttleTime).toBe(4);
  });
});

describe('Produce v8-9, hand-written from ProduceRequest.json / ProduceResponse.json', () => {
  const partitionV8 = {
    index: 1,
    errorCode: 87, // INVALID_RECORD
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: 0n,
    recordErrors: [
      { batchIndex: 3, batchIndexErrorMessage: 'null key' },
      { batchIndex: 5, batchIndexErrorMessage: null },
    ],
    errorMessage: 'compacted topic',
  };
  it('response v8: RecordErrors and ErrorMessage inside each partition response', () => {
    const bytes = sized(hex`
      00000021                               # correlation id 33
      00000001 0006 ${utf8('orders')}        # Responses: 1, Name
        00000001                             #   PartitionResponses: 1
          00000001 0057                      #     Index 1, ErrorCode 87
          ffffffffffffffff ffffffffffffffff  #     BaseOffset -1, LogAppendTimeMs -1
          0000000000000000                   #     LogStartOffset 0
          00000002                           #     RecordErrors: 2
            00000003 0008 ${utf8('null key')} #      BatchIndex 3, BatchIndexErrorMessage
            00000005 ffff                    #       BatchIndex 5, null message
          000f ${utf8('compacted topic')}    #     ErrorMessage
      00000000                               # ThrottleTimeMs
    `);
    const value = { responses: [{ name: 'orders', partitionResponses: [partitionV8] }], throttleTimeMs: 0 };
    expect(encodeResponseFrame(Produce, 8, 33, value)).toEqual(bytes);
    expect(decodeResponseFrame(Produce, 8, bytes).body).toEqual(value);
  });

  it('request v9: compact strings/arrays and compact (uvarint length+1) records', () => {
    const records = Buffer.from('0102030405', 'hex'); // opaque to the codec
    const bytes = sized(hex`
      0000 0009 00000010 0002 ${utf8('mq')} 00   # Produce v9, correlation 16, client "mq", header tags
      07 ${utf8('txn-id')}                     # TransactionalId "txn-id" (compact nullable)
      ffff 00003a98                            # Acks -1, TimeoutMs 15000
      02 07 ${utf8('orders')}                  # TopicData: 1, Name
        03                                     #   PartitionData: 2
          00000000 06 ${records.toString('hex')} 00   # Index 0, Records (5 bytes → 06), tags
          00000001 00 00                       #     Index 1, Records null (0), tags
        00                                     #   topic tags
      00                                       # tags
    `);
    const value: ProduceRequest = {
      transactionalId: 'txn-id',
      acks: -1,
      timeoutMs: 15000,
      topicData: [
        {
          name: 'orders',
          partitionData: [
            { index: 0, records },
            { index: 1, records: null },
          ],
        },
      ],
    };
    expect(encodeRequestFrame(Produce, 9, 16, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(Produce, bytes).body).toEqual(value);
  });

  it('response v9: flexible, header v1 tag byte; defaults (null messages, no record errors)', () => {
    const bytes = sized(hex`
      00000011 00                              # correlation 17, response header tags
      02 07 ${utf8('orders')}                  # Responses: 1, Name
        02                                     #   PartitionResponses: 1
          00000000 0000                        #     Index 0, ErrorCode 0
          000000012a05f200                     #     BaseOffset 5000000000
          ffffffffffffffff 0000000000000000    #     LogAppendTimeMs -1, LogStartOffset 0
          01                                   #     RecordErrors: [] (compact: 0+1)
          00                                   #     ErrorMessage null
          00                                   #     tags
        00                                     #   tags
      00000000                                 # ThrottleTimeMs
      00                                       # tags
    `);
    const value: ProduceResponse = {
      responses: [
        {
          name: 'orders',
          partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5000000000n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }],
        },
      ],
      throttleTimeMs: 0,
    };
    expect(encodeResponseFrame(Produce, 9, 17, value)).toEqual(bytes);
    expect(decodeResponseFrame(Produce, 9, bytes).body).toEqual(value);
  });
});
