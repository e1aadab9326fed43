// JoinGroup v0-9 against independent oracles:
//   v0-2  kafka-python 2.0.2 captures (requests and responses), protocol metadata from its
//         ConsumerProtocolMemberMetadata
//   v5    librdkafka 2.0.2 request as kcat -G sent it (with librdkafka's subscription metadata)
//   v0-5  kafkajs 2.2.4 request encoders and response decoders
//   v6-9  hex written by hand from JoinGroupRequest.json / JoinGroupResponse.json (v6 flexible,
//         v7 ProtocolType in the response and nullable ProtocolName, v8 Reason, v9 SkipAssignment)
import { describe, expect, it } from 'vitest';
import { EncodeError } from '../../../src/protocol/codec.js';
import { decodeSubscription, encodeSubscription } from '../../../src/protocol/messages/consumer-protocol.js';
import { JoinGroup, type JoinGroupRequest, type JoinGroupResponse } from '../../../src/protocol/messages/11-join-group.js';
import { GROUP, KCAT_GROUP, KP_CLIENT, KP_CORRELATION, MEMBER, MEMBER2, SUBSCRIPTION, SUBSCRIPTION2 } from '../group-captures.js';
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

const request = (over: Partial<JoinGroupRequest>): JoinGroupRequest => ({
  groupId: GROUP,
  sessionTimeoutMs: 10000,
  rebalanceTimeoutMs: -1,
  memberId: '',
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [],
  reason: null,
  ...over,
});
const response = (over: Partial<JoinGroupResponse>): JoinGroupResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  generationId: -1,
  protocolType: null,
  protocolName: '',
  leader: '',
  skipAssignment: false,
  memberId: '',
  members: [],
  ...over,
});

describe('JoinGroup v0-2: kafka-python 2.0.2 captures', () => {
  const protocols = [
    { name: 'range', metadata: SUBSCRIPTION },
    { name: 'roundrobin', metadata: SUBSCRIPTION2 },
  ];
  const requests: Record<number, JoinGroupRequest> = {
    0: request({ sessionTimeoutMs: 10000, protocols }), // v0: no rebalance timeout (decodes to the -1 default)
    1: request({ sessionTimeoutMs: 10001, rebalanceTimeoutMs: 300000, memberId: MEMBER, protocols }),
    2: request({ sessionTimeoutMs: 10002, rebalanceTimeoutMs: 300000, memberId: MEMBER, protocols }),
  };
  it.each([0, 1, 2])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`join-group-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(JoinGroup, cap.bytes);
    expect(header).toEqual({ apiKey: 11, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requests[v]);
    expect(encodeRequestFrame(JoinGroup, v, KP_CORRELATION + v, KP_CLIENT, requests[v]!)).toEqual(cap.bytes);
  });

  const responses: Record<number, JoinGroupResponse> = {
    // the leader's answer lists every member with its metadata
    0: response({
      generationId: 5,
      protocolName: 'range',
      leader: MEMBER,
      memberId: MEMBER,
      members: [
        { memberId: MEMBER, groupInstanceId: null, metadata: SUBSCRIPTION },
        { memberId: MEMBER2, groupInstanceId: null, metadata: SUBSCRIPTION2 },
      ],
    }),
    1: response({ errorCode: 27, generationId: -1, memberId: MEMBER }), // REBALANCE_IN_PROGRESS
    2: response({ throttleTimeMs: 100, generationId: 2147483647, protocolName: 'roundrobin', leader: MEMBER2, memberId: MEMBER }),
  };
  it.each([0, 1, 2])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`join-group-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(JoinGroup, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responses[v]);
    expect(encodeResponseFrame(JoinGroup, v, KP_CORRELATION + v, responses[v]!)).toEqual(cap.bytes);
  });
});

describe('JoinGroup v5: librdkafka 2.0.2 (kcat -G)', () => {
  it('join-group-request-v5.kcat-group.hex, including librdkafka’s subscription metadata', () => {
    const cap = loadCapture('join-group-request-v5.kcat-group.hex');
    const { header, body } = decodeRequestFrame<JoinGroupRequest>(JoinGroup, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 5, clientId: 'rdkafka' });
    const metadata = body.protocols[0]!.metadata;
    // librdkafka defaults: session.timeout.ms 45000, max.poll.interval.ms 300000, assignors range,roundrobin
    expect(body).toEqual(
      request({
        groupId: KCAT_GROUP,
        sessionTimeoutMs: 45000,
        rebalanceTimeoutMs: 300000,
        protocols: [
          { name: 'range', metadata },
          { name: 'roundrobin', metadata },
        ],
      }),
    );
    expect(encodeRequestFrame(JoinGroup, 5, header.correlationId, 'rdkafka', body)).toEqual(cap.bytes);
    // librdkafka 2.0.2 writes ConsumerProtocolSubscription v1: empty (not null) user data, no owned partitions.
    const subscription = decodeSubscription(metadata);
    expect(subscription).toEqual({ version: 1, topics: ['orders'], userData: Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null });
    expect(encodeSubscription(subscription, 1)).toEqual(metadata);
  });
});

describe('JoinGroup v0-5: kafkajs 2.2.4', () => {
  const groupProtocols = [
    { name: 'RoundRobinAssigner', metadata: Buffer.from('0001020304', 'hex') },
    { name: 'other', metadata: Buffer.alloc(0) },
  ];
  it.each([0, 1, 2, 3, 4, 5])('request v%i: our frame equals kafkajs’s', async (v) => {
    const args = { groupId: 'g-1', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: 'm-1', groupInstanceId: 'static-1', protocolType: 'consumer', groupProtocols };
    const theirs = await kafkajsRequestFrame('joinGroup', v, args, 9, 'kafkajs');
    const expected = request({
      groupId: 'g-1',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: v >= 1 ? 60000 : -1,
      memberId: 'm-1',
      groupInstanceId: v >= 5 ? 'static-1' : null,
      protocols: groupProtocols,
    });
    expect(decodeRequestFrame(JoinGroup, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(JoinGroup, v, 9, 'kafkajs', expected)).toEqual(theirs);
  });

  it.each([0, 1, 2, 3, 4, 5])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value = response({
      throttleTimeMs: 12,
      errorCode: 0,
      generationId: 3,
      protocolName: 'RoundRobinAssigner',
      leader: 'm-1',
      memberId: 'm-2',
      members: [
        { memberId: 'm-1', groupInstanceId: 'static-1', metadata: Buffer.from('01', 'hex') },
        { memberId: 'm-2', groupInstanceId: null, metadata: Buffer.alloc(0) },
      ],
    });
    const decoded = await kafkajsDecodeResponse('joinGroup', v, responseBody(encodeResponseFrame(JoinGroup, v, 1, value)));
    const members = value.members.map((m) => ({
      memberId: m.memberId,
      ...(v >= 5 ? { groupInstanceId: m.groupInstanceId } : {}),
      memberMetadata: m.metadata,
    }));
    const common = { errorCode: 0, generationId: 3, groupProtocol: 'RoundRobinAssigner', leaderId: 'm-1', memberId: 'm-2', members };
    const throttle = v < 2 ? {} : v === 2 ? { throttleTime: 12 } : { throttleTime: 0, clientSideThrottleTime: 12 };
    expect(decoded).toEqual({ ...throttle, ...common });
  });
});

describe('JoinGroup v6-9 (flexible), hand-written from the JSON specs', () => {
  it.each([6, 7, 8, 9])('request v%i', (v) => {
    const bytes = sized(hex`
      000b 000${v} 00000001 0002 ${utf8('mq')} 00   # JoinGroup, correlation 1, client "mq", header tags
      02 ${utf8('g')}                               # GroupId "g"
      00002710                                      # SessionTimeoutMs 10000
      000493e0                                      # RebalanceTimeoutMs 300000
      ${v >= 8 ? '02' + utf8('m') : '01'}           # MemberId: "m" (v8/9) or "" (v6/7)
      ${v >= 8 ? '02' + utf8('i') : '00'}           # GroupInstanceId: "i" or null
      09 ${utf8('consumer')}                        # ProtocolType
      02                                            # Protocols: 1
        06 ${utf8('range')}                         #   Name
        04 010203                                   #   Metadata (compact bytes)
        00                                          #   tags
      ${v >= 8 ? '07' + utf8('rejoin') : ''}        # Reason (v8+)
      00                                            # tags
    `);
    const value = request({
      groupId: 'g',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 300000,
      memberId: v >= 8 ? 'm' : '',
      groupInstanceId: v >= 8 ? 'i' : null,
      protocols: [{ name: 'range', metadata: Buffer.from([1, 2, 3]) }],
      reason: v >= 8 ? 'rejoin' : null,
    });
    expect(encodeRequestFrame(JoinGroup, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(JoinGroup, bytes).body).toEqual(value);
  });

  it('request v8: a null Reason', () => {
    const bytes = sized(hex`
      000b 0008 00000001 0002 ${utf8('mq')} 00
      02 ${utf8('g')} 00002710 000493e0 01 00 09 ${utf8('consumer')}   # GroupId .. ProtocolType
      01                                            # Protocols: none
      00                                            # Reason null
      00                                            # tags
    `);
    const value = request({ groupId: 'g', rebalanceTimeoutMs: 300000 });
    expect(encodeRequestFrame(JoinGroup, 8, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(JoinGroup, bytes).body).toEqual(value);
  });

  it.each([6, 7, 8, 9])('response v%i: the leader’s answer', (v) => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000000                                      # ThrottleTimeMs
      0000                                          # ErrorCode
      00000001                                      # GenerationId 1
      ${v >= 7 ? '09' + utf8('consumer') : ''}      # ProtocolType (v7+)
      06 ${utf8('range')}                           # ProtocolName
      02 ${utf8('m')}                               # Leader
      ${v >= 9 ? '01' : ''}                         # SkipAssignment true (v9+)
      02 ${utf8('m')}                               # MemberId
      03                                            # Members: 2
        02 ${utf8('m')} 02 ${utf8('i')} 04 010203 00  #   "m", GroupInstanceId "i", Metadata, tags
        02 ${utf8('n')} 00 01 00                    #   "n", GroupInstanceId null, empty Metadata, tags
      00                                            # tags
    `);
    const value = response({
      generationId: 1,
      protocolType: v >= 7 ? 'consumer' : null,
      protocolName: 'range',
      leader: 'm',
      skipAssignment: v >= 9,
      memberId: 'm',
      members: [
        { memberId: 'm', groupInstanceId: 'i', metadata: Buffer.from([1, 2, 3]) },
        { memberId: 'n', groupInstanceId: null, metadata: Buffer.alloc(0) },
      ],
    });
    expect(encodeResponseFrame(JoinGroup, v, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(JoinGroup, v, bytes).body).toEqual(value);
  });

  it('response v7: MEMBER_ID_REQUIRED with null ProtocolType and ProtocolName', () => {
    const bytes = sized(hex`
      00000003 00                                   # correlation 3, header tags
      00000000 004f ffffffff                        # ThrottleTimeMs, ErrorCode 79, GenerationId -1
      00 00                                         # ProtocolType null, ProtocolName null (nullable v7+)
      01                                            # Leader ""
      0e ${utf8('mq-1-a1b2c3d4')}                   # MemberId (13 bytes) for the rejoin
      01                                            # Members: none
      00                                            # tags
    `);
    const value = response({ errorCode: 79, protocolName: null, memberId: 'mq-1-a1b2c3d4' });
    expect(encodeResponseFrame(JoinGroup, 7, 3, value)).toEqual(bytes);
    expect(decodeResponseFrame(JoinGroup, 7, bytes).body).toEqual(value);
  });

  it('ProtocolName is not nullable before v7', () => {
    expect(() => encodeResponseFrame(JoinGroup, 6, 3, response({ protocolName: null }))).toThrow(EncodeError);
  });
});
