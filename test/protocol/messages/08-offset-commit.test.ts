// OffsetCommit v0-9 against independent oracles:
//   v0-3  kafka-python 2.0.2 captures (requests and responses)
//   v7    librdkafka 2.0.2 request as kcat -G sent it (auto-commit of the consumed offset)
//   v0-5  kafkajs 2.2.4 request encoders and response decoders
//   v6-9  hex written by hand from OffsetCommitRequest.json / OffsetCommitResponse.json (v6
//         CommittedLeaderEpoch, v7 GroupInstanceId, v8 flexible, v9 = v8 on the wire)
import { describe, expect, it } from 'vitest';
import { OffsetCommit, type OffsetCommitRequest, type OffsetCommitRequestPartition, type OffsetCommitResponse } from '../../../src/protocol/messages/08-offset-commit.js';
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

/** A partition as it decodes at any version: absent fields at their JSON defaults. */
const part = (partitionIndex: number, committedOffset: bigint, committedMetadata: string | null, over: Partial<OffsetCommitRequestPartition> = {}): OffsetCommitRequestPartition => ({
  partitionIndex,
  committedOffset,
  committedLeaderEpoch: -1,
  commitTimestamp: -1n,
  committedMetadata,
  ...over,
});
const request = (over: Partial<OffsetCommitRequest>): OffsetCommitRequest => ({
  groupId: GROUP,
  generationIdOrMemberEpoch: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1n,
  topics: [],
  ...over,
});

describe('OffsetCommit v0-3: kafka-python 2.0.2 captures', () => {
  const orders = (v: number) => ({
    name: 'orders',
    partitions: [
      part(0, 5000000000n, 'meta-ü', v === 1 ? { commitTimestamp: 1700000000000n } : {}),
      part(1, 0n, null), // v1: kafka-python sent timestamp -1, which is also the default
    ],
  });
  const requests: Record<number, OffsetCommitRequest> = {
    0: request({ topics: [orders(0)] }), // v0: no generation/member (decode to -1 / "")
    1: request({ generationIdOrMemberEpoch: 5, memberId: MEMBER, topics: [orders(1)] }),
    2: request({ generationIdOrMemberEpoch: 5, memberId: MEMBER, retentionTimeMs: -1n, topics: [orders(2), { name: 'payments.eu-west', partitions: [part(7, 42n, '')] }] }),
    // a "simple" (admin) commit: generation -1, empty member id; explicit retention
    3: request({ retentionTimeMs: 86400000n, topics: [orders(3), { name: 'payments.eu-west', partitions: [part(7, 42n, '')] }] }),
  };
  it.each([0, 1, 2, 3])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`offset-commit-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(OffsetCommit, cap.bytes);
    expect(header).toEqual({ apiKey: 8, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requests[v]);
    expect(encodeRequestFrame(OffsetCommit, v, KP_CORRELATION + v, KP_CLIENT, requests[v]!)).toEqual(cap.bytes);
  });

  it.each([0, 1, 2, 3])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`offset-commit-response-v${v}.kafka-python.hex`);
    const value: OffsetCommitResponse = {
      throttleTimeMs: v >= 3 ? 4 : 0,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 12 }] }, // OFFSET_METADATA_TOO_LARGE
        { name: 'payments.eu-west', partitions: [{ partitionIndex: 7, errorCode: 22 }] }, // ILLEGAL_GENERATION
      ],
    };
    const { correlationId, body } = decodeResponseFrame(OffsetCommit, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(OffsetCommit, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('OffsetCommit v7: librdkafka 2.0.2 (kcat -G)', () => {
  it('offset-commit-request-v7.kcat-group.hex', () => {
    const cap = loadCapture('offset-commit-request-v7.kcat-group.hex');
    const { header, body } = decodeRequestFrame(OffsetCommit, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 7, clientId: 'rdkafka' });
    // one record consumed at offset 0 → commit 1; no leader epoch known (-1), empty metadata
    const value = request({
      groupId: KCAT_GROUP,
      generationIdOrMemberEpoch: 1,
      memberId: KCAT_MEMBER,
      topics: [{ name: 'orders', partitions: [part(0, 1n, '')] }],
    });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(OffsetCommit, 7, header.correlationId, 'rdkafka', value)).toEqual(cap.bytes);
  });
});

describe('OffsetCommit v0-5: kafkajs 2.2.4', () => {
  it.each([0, 1, 2, 3, 4, 5])('request v%i: our frame equals kafkajs’s', async (v) => {
    const args = {
      groupId: 'g-1',
      groupGenerationId: 3,
      memberId: 'm-1',
      retentionTime: 604800000,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: '9007199254740993', timestamp: 1700000000000, metadata: 'md' },
            { partition: 4, offset: '0', timestamp: -1 },
          ],
        },
      ],
    };
    const theirs = await kafkajsRequestFrame('offsetCommit', v, args, 11, 'kafkajs');
    const expected = request({
      groupId: 'g-1',
      generationIdOrMemberEpoch: v >= 1 ? 3 : -1,
      memberId: v >= 1 ? 'm-1' : '',
      retentionTimeMs: v >= 2 && v <= 4 ? 604800000n : -1n,
      topics: [
        {
          name: 'orders',
          partitions: [part(0, 9007199254740993n, 'md', v === 1 ? { commitTimestamp: 1700000000000n } : {}), part(4, 0n, null)],
        },
      ],
    });
    expect(decodeRequestFrame(OffsetCommit, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(OffsetCommit, v, 11, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1, 2, 3, 4, 5])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: OffsetCommitResponse = {
      throttleTimeMs: 6,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 4, errorCode: 25 }] }],
    };
    const decoded = await kafkajsDecodeResponse('offsetCommit', v, responseBody(encodeResponseFrame(OffsetCommit, v, 1, value)));
    const responses = [{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }, { partition: 4, errorCode: 25 }] }];
    const throttle = v < 3 ? {} : v === 3 ? { throttleTime: 6 } : { throttleTime: 0, clientSideThrottleTime: 6 };
    expect(decoded).toEqual({ ...throttle, responses });
  });
});

describe('OffsetCommit v6-9, hand-written from the JSON specs', () => {
  it.each([6, 7])('request v%i: CommittedLeaderEpoch (and GroupInstanceId, v7)', (v) => {
    const bytes = sized(hex`
      0008 000${v} 00000001 0002 ${utf8('mq')}      # OffsetCommit, correlation 1, client "mq" (header v1)
      0001 ${utf8('g')}                             # GroupId
      00000003                                      # GenerationIdOrMemberEpoch 3
      0001 ${utf8('m')}                             # MemberId
      ${v >= 7 ? '0001' + utf8('i') : ''}           # GroupInstanceId "i" (v7+)
      00000001                                      # Topics: 1
        0006 ${utf8('orders')}                      #   Name
        00000001                                    #   Partitions: 1
          00000000                                  #     PartitionIndex 0
          0000000000000064                          #     CommittedOffset 100
          00000007                                  #     CommittedLeaderEpoch 7
          ffff                                      #     CommittedMetadata null
    `);
    const value = request({
      groupId: 'g',
      generationIdOrMemberEpoch: 3,
      memberId: 'm',
      groupInstanceId: v >= 7 ? 'i' : null,
      topics: [{ name: 'orders', partitions: [part(0, 100n, null, { committedLeaderEpoch: 7 })] }],
    });
    expect(encodeRequestFrame(OffsetCommit, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetCommit, bytes).body).toEqual(value);
  });

  it.each([6, 7])('response v%i', (v) => {
    const bytes = sized(hex`
      00000002                                      # correlation 2 (header v0)
      00000000                                      # ThrottleTimeMs
      00000001 0006 ${utf8('orders')}               # Topics: 1, Name
        00000001 00000000 0000                      #   Partitions: 1 (index 0, no error)
    `);
    const value: OffsetCommitResponse = { throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] };
    expect(encodeResponseFrame(OffsetCommit, v, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetCommit, v, bytes).body).toEqual(value);
  });

  it.each([8, 9])('request v%i (flexible)', (v) => {
    const bytes = sized(hex`
      0008 000${v} 00000003 0002 ${utf8('mq')} 00   # OffsetCommit, correlation 3, client "mq", header tags
      02 ${utf8('g')}                               # GroupId
      00000003                                      # GenerationIdOrMemberEpoch 3
      02 ${utf8('m')}                               # MemberId
      00                                            # GroupInstanceId null
      02                                            # Topics: 1
        07 ${utf8('orders')}                        #   Name
        03                                          #   Partitions: 2
          00000000 0000000000000064 00000007        #     PartitionIndex 0, CommittedOffset 100, CommittedLeaderEpoch 7
          01                                        #     CommittedMetadata ""
          00                                        #     tags
          00000001 0000000000000000 ffffffff        #     PartitionIndex 1, CommittedOffset 0, no epoch
          05 ${utf8('meta')}                        #     CommittedMetadata
          00                                        #     tags
        00                                          #   tags
      00                                            # tags
    `);
    const value = request({
      groupId: 'g',
      generationIdOrMemberEpoch: 3,
      memberId: 'm',
      topics: [{ name: 'orders', partitions: [part(0, 100n, '', { committedLeaderEpoch: 7 }), part(1, 0n, 'meta')] }],
    });
    expect(encodeRequestFrame(OffsetCommit, v, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(OffsetCommit, bytes).body).toEqual(value);
  });

  it.each([8, 9])('response v%i (flexible)', (v) => {
    const bytes = sized(hex`
      00000004 00                                   # correlation 4, header tags
      00000000                                      # ThrottleTimeMs
      02                                            # Topics: 1
        07 ${utf8('orders')}                        #   Name
        03                                          #   Partitions: 2
          00000000 0000 00                          #     index 0, no error, tags
          00000001 0016 00                          #     index 1, ILLEGAL_GENERATION (22), tags
        00                                          #   tags
      00                                            # tags
    `);
    const value: OffsetCommitResponse = {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 22 }] }],
    };
    expect(encodeResponseFrame(OffsetCommit, v, 4, value)).toEqual(bytes);
    expect(decodeResponseFrame(OffsetCommit, v, bytes).body).toEqual(value);
  });
});
