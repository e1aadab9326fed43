// Fetch v4-12 against independent oracles:
//   v4-11  kafka-python 2.0.2 captures (requests and responses; records are kafka-python batches)
//   v11    librdkafka 2.0.2's request as `kcat -C` sent it
//   v4-11  kafkajs 2.2.4 request encoders and response decoders (which parse the record batches)
//   v12    request and response written by hand from FetchRequest.json / FetchResponse.json
//          (flexible; ClusterId tag 0; DivergingEpoch/CurrentLeader/SnapshotId tags 0/1/2)
import { describe, expect, it } from 'vitest';
import { Fetch, type FetchRequest, type FetchResponse } from '../../../src/protocol/messages/01-fetch.js';
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

/** Tagged v12+ partition fields at their defaults, as a decode of an earlier version returns them. */
const TAGGED_DEFAULTS = {
  divergingEpoch: { epoch: -1, endOffset: -1n },
  currentLeader: { leaderId: -1, leaderEpoch: -1 },
  snapshotId: { endOffset: -1n, epoch: -1 },
};

describe('Fetch v4-11: kafka-python 2.0.2 captures', () => {
  const partitions = (v: number) => [
    { partition: 0, currentLeaderEpoch: v >= 9 ? 12 : -1, fetchOffset: 5000000000n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1048576 },
    { partition: 3, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: v >= 5 ? 17n : -1n, partitionMaxBytes: 65536 },
  ];
  const requestValue = (v: number): FetchRequest => ({
    clusterId: null,
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52428800,
    isolationLevel: v % 2,
    sessionId: v >= 10 ? 123456 : 0,
    sessionEpoch: v >= 10 ? 7 : -1,
    topics: [
      { topic: 'orders', partitions: partitions(v) },
      { topic: 'payments', partitions: [partitions(v)[0]!] },
    ],
    forgottenTopicsData: [],
    rackId: v >= 11 ? 'rack-ä' : '',
  });
  it.each([4, 5, 6, 7, 8, 9, 10, 11])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`fetch-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(Fetch, cap.bytes);
    expect(header).toEqual({ apiKey: 1, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requestValue(v));
    expect(encodeRequestFrame(Fetch, v, KP_CORRELATION + v, KP_CLIENT, requestValue(v))).toEqual(cap.bytes);
  });

  const aborted = [
    { producerId: 9000000000n, firstOffset: 5000000001n },
    { producerId: 1n, firstOffset: 2n },
  ];
  const responseValue = (v: number): FetchResponse => ({
    throttleTimeMs: 3,
    errorCode: 0,
    sessionId: v >= 9 && v <= 10 ? 987654 : 0,
    responses: [
      {
        topic: 'orders',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 5000000010n,
            lastStableOffset: 5000000005n,
            logStartOffset: v >= 5 ? 4999999000n : -1n,
            ...TAGGED_DEFAULTS,
            abortedTransactions: aborted,
            preferredReadReplica: v >= 11 ? 2 : -1,
            records: v >= 7 && v <= 10 ? Buffer.concat([BATCH_A, BATCH_B]) : BATCH_A,
          },
          {
            partitionIndex: 3,
            errorCode: 1,
            highWatermark: -1n,
            lastStableOffset: -1n,
            logStartOffset: -1n,
            ...TAGGED_DEFAULTS,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: Buffer.alloc(0),
          },
        ],
      },
    ],
  });
  it.each([4, 5, 6, 7, 8, 9, 10, 11])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`fetch-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(Fetch, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responseValue(v));
    expect(encodeResponseFrame(Fetch, v, KP_CORRELATION + v, responseValue(v))).toEqual(cap.bytes);
  });
  it('records as a list of segment chunks encode without concatenation, to the same bytes (v8)', () => {
    const cap = loadCapture('fetch-response-v8.kafka-python.hex');
    const value = responseValue(8);
    const big = Buffer.concat([BATCH_A, BATCH_B]);
    expect(big.length).toBeLessThan(1024); // small: copied; the point here is the byte result
    value.responses[0]!.partitions[0]!.records = [BATCH_A, BATCH_B];
    expect(encodeResponseFrame(Fetch, 8, KP_CORRELATION + 8, value)).toEqual(cap.bytes);
  });
});

describe('Fetch v11: librdkafka 2.0.2 (kcat -C)', () => {
  it('decodes the request and re-encodes it byte for byte', () => {
    const cap = loadCapture('fetch-request-v11.kcat-consume.hex');
    const { header, body } = decodeRequestFrame<FetchRequest>(Fetch, cap.bytes);
    expect(header).toMatchObject({ apiKey: 1, apiVersion: 11, clientId: 'rdkafka' });
    // librdkafka defaults: fetch.wait.max.ms=500, fetch.min.bytes=1, fetch.max.bytes=52428800,
    // isolation.level=read_committed, no fetch session, max.partition.fetch.bytes=1048576.
    expect(body).toEqual({
      clusterId: null,
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(encodeRequestFrame(Fetch, 11, header.correlationId, 'rdkafka', body)).toEqual(cap.bytes);
  });
});

describe('Fetch v4-11: kafkajs 2.2.4', () => {
  const args = {
    replicaId: -1,
    isolationLevel: 0,
    maxWaitTime: 250,
    minBytes: 1,
    maxBytes: 10485760,
    sessionId: 0,
    sessionEpoch: -1,
    rackId: 'eu-1a',
    topics: [{ topic: 'orders', partitions: [{ partition: 4, fetchOffset: '9007199254740993', maxBytes: 1048576, currentLeaderEpoch: 3, logStartOffset: 10 }] }],
  };
  it.each([4, 5, 6, 7, 8, 9, 10, 11])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    const theirs = await kafkajsRequestFrame('fetch', v, args, 8, 'kafkajs');
    const { body } = decodeRequestFrame<FetchRequest>(Fetch, theirs);
    expect(body).toMatchObject({ replicaId: -1, maxWaitMs: 250, minBytes: 1, maxBytes: 10485760, isolationLevel: 0 });
    expect(body.topics[0]!.topic).toBe('orders');
    expect(body.topics[0]!.partitions[0]).toMatchObject({
      partition: 4,
      fetchOffset: 9007199254740993n,
      partitionMaxBytes: 1048576,
      currentLeaderEpoch: v >= 9 ? 3 : -1,
      logStartOffset: v >= 5 ? 10n : -1n,
    });
    expect(body.rackId).toBe(v >= 11 ? 'eu-1a' : '');
    expect(encodeRequestFrame(Fetch, v, 8, 'kafkajs', body)).toEqual(theirs);
  });

  const value: FetchResponse = {
    throttleTimeMs: 6,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'orders',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 2n,
            lastStableOffset: 2n,
            logStartOffset: 0n,
            ...TAGGED_DEFAULTS,
            abortedTransactions: [{ producerId: 77n, firstOffset: 1n }],
            preferredReadReplica: -1,
            records: [BATCH_A, BATCH_B], // as a broker sends chunks read from a segment
          },
          { partitionIndex: 1, errorCode: 1, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, ...TAGGED_DEFAULTS, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0) },
        ],
      },
    ],
  };
  it.each([4, 5, 6, 7, 8, 9, 10, 11])('response v%i encoded by us decodes in kafkajs, record batches included', async (v) => {
    const decoded = await kafkajsDecodeResponse('fetch', v, responseBody(encodeResponseFrame(Fetch, v, 1, value)));
    const [topic] = decoded.responses as Array<{ topicName: string; partitions: Array<Record<string, unknown>> }>;
    expect(topic!.topicName).toBe('orders');
    const [p0, p1] = topic!.partitions;
    expect(p0).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '2', lastStableOffset: '2', abortedTransactions: [{ producerId: '77', firstOffset: '1' }] });
    if (v >= 5) expect(p0!.lastStartOffset).toBe('0'); // kafkajs's spelling
    const messages = p0!.messages as Array<{ offset: string; key: Buffer | null; value: Buffer; headers: Record<string, Buffer> }>;
    expect(messages.map((m) => [m.offset, m.key?.toString() ?? null, m.value.toString()])).toEqual([
      ['0', 'k0', 'value-0'],
      ['1', null, 'ü-value-1'],
      ['0', 'only', 'one'],
    ]);
    expect(messages[0]!.headers.h).toEqual(Buffer.from([0x00, 0xff]));
    expect(p1).toMatchObject({ partition: 1, errorCode: 1, messages: [] });
    if (v >= 7) expect(decoded).toMatchObject({ errorCode: 0, sessionId: 0 });
    expect(v >= 8 ? decoded.clientSideThrottleTime : decoded.throttleTime).toBe(6);
  });
});

describe('Fetch v12 (flexible), hand-written from FetchRequest.json / FetchResponse.json', () => {
  it('request v12: ClusterId travels as tag 0 only when non-null; LastFetchedEpoch (12+)', () => {
    const bytes = sized(hex`
      0001 000c 00000009 0002 ${utf8('mq')} 00     # Fetch v12, correlation 9, client "mq", header tags
      ffffffff 000001f4 00000001 7fffffff 01     # ReplicaId -1, MaxWaitMs 500, MinBytes 1, MaxBytes, IsolationLevel 1
      00000000 ffffffff                          # SessionId 0, SessionEpoch -1
      02 07 ${utf8('orders')}                    # Topics: 1, Topic
        02                                       #   Partitions: 1
          00000002 00000005                      #     Partition 2, CurrentLeaderEpoch 5
          0000000000000064 00000004              #     FetchOffset 100, LastFetchedEpoch 4
          ffffffffffffffff 00100000 00           #     LogStartOffset -1, PartitionMaxBytes 1 MiB, tags
        00                                       #   tags
      02 07 ${utf8('legacy')} 03 00000001 00000002 00   # ForgottenTopicsData: [{ "legacy", [1, 2] }]
      05 ${utf8('rack')}                         # RackId "rack"
      01 00 08 08 ${utf8('cluster')}             # 1 tagged field: tag 0 ClusterId, 8 bytes: compact "cluster" (08 + 7)
    `);
    const value: FetchRequest = {
      clusterId: 'cluster',
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 0x7fffffff,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: 'orders', partitions: [{ partition: 2, currentLeaderEpoch: 5, fetchOffset: 100n, lastFetchedEpoch: 4, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
      forgottenTopicsData: [{ topic: 'legacy', partitions: [1, 2] }],
      rackId: 'rack',
    };
    expect(encodeRequestFrame(Fetch, 12, 9, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(Fetch, bytes).body).toEqual(value);
    // ReplicaId defaults to -1 (a consumer; FetchRequest.json "default": "-1"), not follower 0.
    const { replicaId: _omitted, ...withoutReplica } = value;
    expect(encodeRequestFrame(Fetch, 12, 9, 'mq', withoutReplica)).toEqual(bytes);
    // With ClusterId at its default (null) the tag section is empty.
    const withoutCluster = encodeRequestFrame(Fetch, 12, 9, 'mq', { ...value, clusterId: null });
    expect(withoutCluster.subarray(-1)).toEqual(Buffer.from([0]));
    expect(withoutCluster).toHaveLength(bytes.length - 10);
  });

  it('response v12: tagged CurrentLeader written only when not the default struct', () => {
    const records = Buffer.from('aabbccdd', 'hex');
    const bytes = sized(hex`
      0000000c 00                                # correlation 12, response header v1 tags
      00000000 0000 00000000                     # ThrottleTimeMs, ErrorCode, SessionId
      02 07 ${utf8('orders')}                    # Responses: 1, Topic
        03                                       #   Partitions: 2
          00000000 0000                          #     PartitionIndex 0, ErrorCode 0
          000000000000000a 0000000000000009      #     HighWatermark 10, LastStableOffset 9
          0000000000000000                       #     LogStartOffset 0
          02                                     #     AbortedTransactions: compact, 1 entry:
            0000000000000007 0000000000000003 00 #       ProducerId 7, FirstOffset 3, tags
          ffffffff                               #     PreferredReadReplica -1
          05 ${records.toString('hex')}          #     Records: compact, 4 bytes
          01                                     #     1 tagged field:
            01 09                                #       tag 1 CurrentLeader, 9 bytes:
            00000002 00000009 00                 #         LeaderId 2, LeaderEpoch 9, its own (empty) tags
          00000001 0006                          #     PartitionIndex 1, ErrorCode 6 (NOT_LEADER_OR_FOLLOWER)
          ffffffffffffffff ffffffffffffffff ffffffffffffffff   # HW, LSO, LogStartOffset -1
          00                                     #     AbortedTransactions null
          ffffffff                               #     PreferredReadReplica -1
          01                                     #     Records: empty (compact 0+1)
          00                                     #     no tags: DivergingEpoch/CurrentLeader/SnapshotId at defaults
        00                                       #   topic tags
      00                                         # tags
    `);
    const value: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 10n,
              lastStableOffset: 9n,
              logStartOffset: 0n,
              ...TAGGED_DEFAULTS,
              currentLeader: { leaderId: 2, leaderEpoch: 9 },
              abortedTransactions: [{ producerId: 7n, firstOffset: 3n }],
              preferredReadReplica: -1,
              records,
            },
            {
              partitionIndex: 1,
              errorCode: 6,
              highWatermark: -1n,
              lastStableOffset: -1n,
              logStartOffset: -1n,
              ...TAGGED_DEFAULTS, // explicitly the defaults: must not be written (KIP-482)
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: Buffer.alloc(0),
            },
          ],
        },
      ],
    };
    expect(encodeResponseFrame(Fetch, 12, 12, value)).toEqual(bytes);
    expect(decodeResponseFrame(Fetch, 12, bytes).body).toEqual(value);
  });
});
