// ListOffsets v1-9 against independent oracles:
//   v1-3   kafka-python 2.0.2 request captures; v1-5 its response captures (its v4/v5 *request*
//          encodes CurrentLeaderEpoch as Int64, a kafka-python bug, so those are not used)
//   v2     librdkafka 2.0.2's request as `kcat -C -o beginning` sent it
//   v1-3   kafkajs 2.2.4 request encoders and response decoders
//   v4     request, and v6-9 (flexible) request and response: hex written by hand from
//          ListOffsetsRequest.json / ListOffsetsResponse.json (v8 and v9 add no field: the same
//          bytes as v7 but for the version in the header)
import { describe, expect, it } from 'vitest';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, ListOffsets, MAX_TIMESTAMP, type ListOffsetsRequest, type ListOffsetsResponse } from '../../../src/protocol/messages/02-list-offsets.js';
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

describe('ListOffsets: kafka-python 2.0.2 captures', () => {
  const requestValue = (v: number): ListOffsetsRequest => ({
    replicaId: -1,
    isolationLevel: v >= 2 ? 1 : 0,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: LATEST_TIMESTAMP },
          { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: EARLIEST_TIMESTAMP },
          { partitionIndex: 2, currentLeaderEpoch: -1, timestamp: 1700000000000n },
        ],
      },
    ],
  });
  it.each([1, 2, 3])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`list-offsets-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(ListOffsets, cap.bytes);
    expect(header).toEqual({ apiKey: 2, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requestValue(v));
    expect(encodeRequestFrame(ListOffsets, v, KP_CORRELATION + v, KP_CLIENT, requestValue(v))).toEqual(cap.bytes);
  });

  const responseValue = (v: number): ListOffsetsResponse => ({
    throttleTimeMs: v >= 2 ? 5 : 0,
    topics: [
      {
        name: 'orders',
        partitions:
          v >= 4
            ? [
                { partitionIndex: 0, errorCode: 0, timestamp: 1700000000000n, offset: 5000000000n, leaderEpoch: 3 },
                { partitionIndex: 1, errorCode: 1, timestamp: -1n, offset: -1n, leaderEpoch: -1 },
              ]
            : [
                { partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 5000000000n, leaderEpoch: -1 },
                { partitionIndex: 1, errorCode: 1, timestamp: -1n, offset: -1n, leaderEpoch: -1 },
              ],
      },
    ],
  });
  it.each([1, 2, 3, 4, 5])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`list-offsets-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(ListOffsets, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responseValue(v));
    expect(encodeResponseFrame(ListOffsets, v, KP_CORRELATION + v, responseValue(v))).toEqual(cap.bytes);
  });
});

describe('ListOffsets v2: librdkafka 2.0.2 (kcat -C -o beginning)', () => {
  it('decodes the request (earliest offset, read_committed) and re-encodes it byte for byte', () => {
    const cap = loadCapture('list-offsets-request-v2.kcat-consume.hex');
    const { header, body } = decodeRequestFrame<ListOffsetsRequest>(ListOffsets, cap.bytes);
    expect(header).toMatchObject({ apiKey: 2, apiVersion: 2, clientId: 'rdkafka' });
    expect(body).toEqual({
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: EARLIEST_TIMESTAMP }] }],
    });
    expect(encodeRequestFrame(ListOffsets, 2, header.correlationId, 'rdkafka', body)).toEqual(cap.bytes);
  });
});

describe('ListOffsets v1-3: kafkajs 2.2.4', () => {
  it.each([1, 2, 3])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    const args = { replicaId: -1, isolationLevel: 1, topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -1 }, { partition: 5, timestamp: '1700000000000' }] }] };
    const theirs = await kafkajsRequestFrame('listOffsets', v, args, 21, 'kafkajs');
    const { body } = decodeRequestFrame<ListOffsetsRequest>(ListOffsets, theirs);
    expect(body).toEqual({
      replicaId: -1,
      isolationLevel: v >= 2 ? 1 : 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n },
            { partitionIndex: 5, currentLeaderEpoch: -1, timestamp: 1700000000000n },
          ],
        },
      ],
    });
    expect(encodeRequestFrame(ListOffsets, v, 21, 'kafkajs', body)).toEqual(theirs);
  });
  it.each([1, 2, 3])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: ListOffsetsResponse = {
      throttleTimeMs: 8,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: 1700000000000n, offset: 9007199254740993n, leaderEpoch: -1 }] }],
    };
    const decoded = await kafkajsDecodeResponse('listOffsets', v, responseBody(encodeResponseFrame(ListOffsets, v, 1, value)));
    expect(decoded.responses).toEqual([{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0, timestamp: '1700000000000', offset: '9007199254740993' }] }]);
    if (v === 2) expect(decoded.throttleTime).toBe(8);
    if (v === 3) expect(decoded.clientSideThrottleTime).toBe(8); // kafkajs: v3+ throttles client-side (KIP-219)
  });
});

describe('ListOffsets, hand-written from ListOffsetsRequest.json / ListOffsetsResponse.json', () => {
  it.each([4, 5])('request v%i: CurrentLeaderEpoch is an int32 (4+), before Timestamp', (v) => {
    const bytes = sized(hex`
      0002 000${v} 00000001 0002 ${utf8('mq')}    # ListOffsets v4/v5 (same layout), correlation 1, client "mq"
      ffffffff 00                             # ReplicaId -1, IsolationLevel 0
      00000001 0006 ${utf8('orders')}         # Topics: 1, Name
        00000001                              #   Partitions: 1
          00000003 00000007                   #     PartitionIndex 3, CurrentLeaderEpoch 7 (INT32)
          ffffffffffffffff                    #     Timestamp -1 (latest)
    `);
    const value: ListOffsetsRequest = {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 3, currentLeaderEpoch: 7, timestamp: -1n }] }],
    };
    expect(encodeRequestFrame(ListOffsets, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(ListOffsets, bytes).body).toEqual(value);
  });

  it.each([6, 7, 8, 9])('request v%i (flexible)', (v) => {
    const bytes = sized(hex`
      0002 000${v} 00000002 0002 ${utf8('mq')} 00   # ListOffsets v6-9, correlation 2, client, header tags
      ffffffff 01                                   # ReplicaId -1, IsolationLevel 1
      02 07 ${utf8('orders')}                       # Topics: 1, Name (compact)
        02                                          #   Partitions: 1
          00000000 ffffffff fffffffffffffffd 00     #     PartitionIndex 0, CurrentLeaderEpoch -1, Timestamp -3 (max timestamp, v7), tags
        00                                          #   tags
      00                                            # tags
    `);
    const value: ListOffsetsRequest = {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: MAX_TIMESTAMP }] }],
    };
    expect(encodeRequestFrame(ListOffsets, v, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(ListOffsets, bytes).body).toEqual(value);
  });

  it.each([6, 7, 8, 9])('response v%i (flexible)', (v) => {
    const bytes = sized(hex`
      00000003 00                                  # correlation 3, response header tags
      00000000                                     # ThrottleTimeMs
      02 07 ${utf8('orders')}                      # Topics: 1, Name
        03                                         #   Partitions: 2
          00000000 0000 0000018bcfe56800 000000012a05f200 00000002 00   # 0: ok, Timestamp 1700000000000, Offset 5000000000, LeaderEpoch 2
          00000001 0003 ffffffffffffffff ffffffffffffffff ffffffff 00   # 1: UNKNOWN_TOPIC_OR_PARTITION, -1, -1, -1
        00                                         #   tags
      00                                           # tags
    `);
    const value: ListOffsetsResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0, timestamp: 1700000000000n, offset: 5000000000n, leaderEpoch: 2 },
            { partitionIndex: 1, errorCode: 3, timestamp: -1n, offset: -1n, leaderEpoch: -1 },
          ],
        },
      ],
    };
    expect(encodeResponseFrame(ListOffsets, v, 3, value)).toEqual(bytes);
    expect(decodeResponseFrame(ListOffsets, v, bytes).body).toEqual(value);
  });
});
