// OffsetFetch v0-9 against independent oracles:
//   v0-3  kafka-python 2.0.2 captures (requests and responses; v2 with a null topic list)
//   v7    librdkafka 2.0.2 request as kcat -G sent it (flexible, RequireStable)
//   v1-4  kafkajs 2.2.4 request encoders and response decoders (kafkajs has no v0)
//   v5-9  hex written by hand from OffsetFetchRequest.json / OffsetFetchResponse.json (v5
//         CommittedLeaderEpoch, v6 flexible, v7 RequireStable, v8 Groups[] (KIP-709), v9 member
//         id and epoch (KIP-848))
import { describe, expect, it } from 'vitest';
import {
  OffsetFetch,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type OffsetFetchResponsePartition,
} from '../../../src/protocol/messages/09-offset-fetch.js';
import { GROUP, KCAT_GROUP, KP_CLIENT, KP_CORRELATION } from '../group-captures.js';
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

const request = (over: Partial<OffsetFetchRequest>): OffsetFetchRequest => ({ groupId: '', topics: [], groups: [], requireStable: false, ...over });
const response = (over: Partial<OffsetFetchResponse>): OffsetFetchResponse => ({ throttleTimeMs: 0, topics: [], errorCode: 0, groups: [], ...over });
const part = (partitionIndex: number, committedOffset: bigint, metadata: string | null, errorCode = 0, committedLeaderEpoch = -1): OffsetFetchResponsePartition => ({
  partitionIndex,
  committedOffset,
  committedLeaderEpoch,
  metadata,
  errorCode,
});

describe('OffsetFetch v0-3: kafka-python 2.0.2 captures', () => {
  const requests: Record<number, OffsetFetchRequest> = {
    0: request({ groupId: GROUP, topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }] }),
    1: request({ groupId: GROUP, topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }] }),
    2: request({ groupId: GROUP, topics: null }), // v2+: null = every committed partition
    3: request({
      groupId: GROUP,
      topics: [
        { name: 'orders', partitionIndexes: [0] },
        { name: 'payments.eu-west', partitionIndexes: [3] },
      ],
    }),
  };
  it.each([0, 1, 2, 3])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`offset-fetch-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(OffsetFetch, cap.bytes);
    expect(header).toEqual({ apiKey: 9, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requests[v]);
    expect(encodeRequestFrame(OffsetFetch, v, KP_CORRELATION + v, KP_CLIENT, requests[v]!)).toEqual(cap.bytes);
  });

  // v1 has no top-level error: kafka-python's v1 capture carries NOT_COORDINATOR (16) on a partition
  const orders = (v: number) => ({ name: 'orders', partitions: [part(0, 5000000000n, 'meta-ü'), part(1, -1n, ''), part(2, -1n, null, v === 1 ? 16 : 0)] });
  const responses: Record<number, OffsetFetchResponse> = {
    0: response({ topics: [orders(0)] }),
    1: response({ topics: [orders(1)] }),
    2: response({ topics: [orders(2)] }),
    3: response({ throttleTimeMs: 8, errorCode: 14 }), // COORDINATOR_LOAD_IN_PROGRESS at group level
  };
  it.each([0, 1, 2, 3])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`offset-fetch-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(OffsetFetch, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responses[v]);
    expect(encodeResponseFrame(OffsetFetch, v, KP_CORRELATION + v, responses[v]!)).toEqual(cap.bytes);
  });
});

describe('OffsetFetch v7: librdkafka 2.0.2 (kcat -G)', () => {
  it('offset-fetch-request-v7.kcat-group.hex (flexible request header v2, RequireStable)', () => {
    const cap = loadCapture('offset-fetch-request-v7.kcat-group.hex');
    const { header, body } = decodeRequestFrame(OffsetFetch, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 7, clientId: 'rdkafka' });
    // librdkafka's default isolation.level=read_committed asks for stable offsets (KIP-447)
    const value = request({ groupId: KCAT_GROUP, topics: [{ name: 'orders', partitionIndexes: [0] }], requireStable: true });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(OffsetFetch, 7, header.correlationId, 'rdkafka', value)).toEqual(cap.bytes);
  });
});

describe('OffsetFetch v1-4: kafkajs 2.2.4', () => {
  const topics = [
    { topic: 'orders', partitions: [{ partition: 0 }, { partition: 5 }] },
    { topic: 'logs', partitions: [] },
  ];
  it.each([1, 2, 3, 4])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('offsetFetch', v, { groupId: 'g-1', topics }, 4, 'kafkajs');
    const expected = request({
      groupId: 'g-1',
      topics: [
        { name: 'orders', partitionIndexes: [0, 5] },
        { name: 'logs', partitionIndexes: [] },
      ],
    });
    expect(decodeRequestFrame(OffsetFetch, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(OffsetFetch, v, 4, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([3, 4])('request v%i: kafkajs sends an empty topic list as null (all topics)', async (v) => {
    const theirs = await kafkajsRequestFrame('offsetFetch', v, { groupId: 'g-1', topics: [] }, 4, 'kafkajs');
    expect(decodeRequestFrame<OffsetFetchRequest>(OffsetFetch, theirs).body.topics).toBeNull();
    expect(encodeRequestFrame(OffsetFetch, v, 4, 'kafkajs', request({ groupId: 'g-1', topics: null }))).toEqual(theirs);
  });
  it.each([1, 2, 3, 4])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value = response({
      throttleTimeMs: 13,
      topics: [{ name: 'orders', partitions: [part(0, 9007199254740993n, 'md'), part(5, -1n, null, 3)] }],
      errorCode: 16,
    });
    const decoded = await kafkajsDecodeResponse('offsetFetch', v, responseBody(encodeResponseFrame(OffsetFetch, v, 1, value)));
    const responses = [
      {
        topic: 'orders',
        partitions: [
          { partition: 0, offset: '9007199254740993', metadata: 'md', errorCode: 0 },
          { partition: 5, offset: '-1', metadata: null, errorCode: 3 },
        ],
      },
    ];
    const throttle = v < 3 ? {} : v === 3 ? { throttleTime: 13 } : { throttleTime: 0, clientSideThrottleTime: 13 };
    expect(decoded).toEqual({ ...throttle, responses, ...(v >= 2 ? { errorCode: 16 } : {}) });
  });
});

describe('OffsetFetch v5-9, hand-written from the JSON specs', () => {
  it('request v5 (same layout as v2-4)', () => {
    const bytes = sized(hex`
      0009 0005 00000001 0002 ${utf8('mq')}         # OffsetFetch v5, correlation 1, client "mq"
      0001 ${utf8('g')}                             # GroupId
      00000001 0006 ${utf8('orders')}               # Topics: 1, Name
        00000002 00000000 00000001                  #   PartitionIndexes [0, 1]
    `);
    const value = request({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
    expect(encodeRequestFrame(OffsetFetch, 5, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetFetch, bytes).body).toEqual(value);
  });

  it('response v5: CommittedLeaderEpoch between offset and metadata', () => {
    const bytes = sized(hex`
      00000002                                      # correlation 2 (header v0)
      00000000                                      # ThrottleTimeMs
      00000001 0006 ${utf8('orders')}               # Topics: 1, Name
        00000001                                    #   Partitions: 1
          00000000 0000000000000064                 #     PartitionIndex 0, CommittedOffset 100
          00000007                                  #     CommittedLeaderEpoch 7
          ffff                                      #     Metadata null
          0000                                      #     ErrorCode
      0000                                          # ErrorCode
    `);
    const value = response({ topics: [{ name: 'orders', partitions: [part(0, 100n, null, 0, 7)] }] });
    expect(encodeResponseFrame(OffsetFetch, 5, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetFetch, 5, bytes).body).toEqual(value);
  });

  it.each([6, 7])('request v%i (flexible)', (v) => {
    const bytes = sized(hex`
      0009 000${v} 00000003 0002 ${utf8('mq')} 00   # OffsetFetch, correlation 3, header tags
      02 ${utf8('g')}                               # GroupId
      02 07 ${utf8('orders')}                       # Topics: 1, Name
        03 00000000 00000001                        #   PartitionIndexes [0, 1] (compact)
        00                                          #   tags
      ${v >= 7 ? '00' : ''}                         # RequireStable false (v7+)
      00                                            # tags
    `);
    const value = request({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
    expect(encodeRequestFrame(OffsetFetch, v, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetFetch, bytes).body).toEqual(value);
  });

  it('request v7: null Topics (all), RequireStable', () => {
    const bytes = sized(hex`
      0009 0007 00000003 0002 ${utf8('mq')} 00
      02 ${utf8('g')}                               # GroupId
      00                                            # Topics null
      01                                            # RequireStable true
      00                                            # tags
    `);
    const value = request({ groupId: 'g', topics: null, requireStable: true });
    expect(encodeRequestFrame(OffsetFetch, 7, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetFetch, bytes).body).toEqual(value);
  });

  it.each([6, 7])('response v%i (flexible)', (v) => {
    const bytes = sized(hex`
      00000004 00                                   # correlation 4, header tags
      00000000                                      # ThrottleTimeMs
      02 07 ${utf8('orders')}                       # Topics: 1, Name
        03                                          #   Partitions: 2
          00000000 0000000000000064 00000007        #     index 0, offset 100, epoch 7
          00 0000 00                                #     Metadata null, ErrorCode, tags
          00000001 ffffffffffffffff ffffffff        #     index 1, no offset, no epoch
          01 0058 00                                #     Metadata "", ErrorCode 88 UNSTABLE_OFFSET_COMMIT, tags
        00                                          #   tags
      0000                                          # ErrorCode
      00                                            # tags
    `);
    const value = response({ topics: [{ name: 'orders', partitions: [part(0, 100n, null, 0, 7), part(1, -1n, '', 88)] }] });
    expect(encodeResponseFrame(OffsetFetch, v, 4, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetFetch, v, bytes).body).toEqual(value);
  });

  it.each([8, 9])('request v%i: Groups[] replaces GroupId/Topics', (v) => {
    const bytes = sized(hex`
      0009 000${v} 00000005 0002 ${utf8('mq')} 00   # OffsetFetch, correlation 5, header tags
      03                                            # Groups: 2
        02 ${utf8('g')}                             #   GroupId "g"
        ${v >= 9 ? '02' + utf8('m') + '00000005' : ''}  #   MemberId "m", MemberEpoch 5 (v9+)
        02 07 ${utf8('orders')} 02 00000003 00      #   Topics: [orders [3]], topic tags
        00                                          #   tags
        02 ${utf8('h')}                             #   GroupId "h"
        ${v >= 9 ? '00ffffffff' : ''}               #   MemberId null, MemberEpoch -1 (v9+)
        00                                          #   Topics null (all)
        00                                          #   tags
      01                                            # RequireStable true
      00                                            # tags
    `);
    const value = request({
      groups: [
        { groupId: 'g', memberId: v >= 9 ? 'm' : null, memberEpoch: v >= 9 ? 5 : -1, topics: [{ name: 'orders', partitionIndexes: [3] }] },
        { groupId: 'h', memberId: null, memberEpoch: -1, topics: null },
      ],
      requireStable: true,
    });
    expect(encodeRequestFrame(OffsetFetch, v, 5, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetFetch, bytes).body).toEqual(value);
  });

  it.each([8, 9])('response v%i: per-group results and errors', (v) => {
    const bytes = sized(hex`
      00000006 00                                   # correlation 6, header tags
      00000000                                      # ThrottleTimeMs
      03                                            # Groups: 2
        02 ${utf8('g')}                             #   GroupId
        02 07 ${utf8('orders')}                     #   Topics: 1, Name
          02 00000003 0000000000000064 00000007     #     Partitions: 1; index 3, offset 100, epoch 7
          02 ${utf8('x')} 0000 00                   #     Metadata "x", ErrorCode, tags
          00                                        #     topic tags
        0000 00                                     #   ErrorCode, tags
        02 ${utf8('h')} 01 0045 00                  #   GroupId "h", no topics, GROUP_ID_NOT_FOUND (69), tags
      00                                            # tags
    `);
    const value = response({
      groups: [
        { groupId: 'g', topics: [{ name: 'orders', partitions: [part(3, 100n, 'x', 0, 7)] }], errorCode: 0 },
        { groupId: 'h', topics: [], errorCode: 69 },
      ],
    });
    expect(encodeResponseFrame(OffsetFetch, v, 6, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetFetch, v, bytes).body).toEqual(value);
  });
});
