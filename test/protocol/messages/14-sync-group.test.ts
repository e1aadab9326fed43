// SyncGroup v0-5 against independent oracles:
//   v0-1  kafka-python 2.0.2 captures (requests and responses), assignments from its
//         ConsumerProtocolMemberAssignment
//   v3    librdkafka 2.0.2 request as kcat -G sent it (the leader's assignment for itself)
//   v0-3  kafkajs 2.2.4 request encoders and response decoders
//   v4-5  hex written by hand from SyncGroupRequest.json / SyncGroupResponse.json (v4 flexible,
//         v5 ProtocolType/ProtocolName in request and response, KIP-559)
import { describe, expect, it } from 'vitest';
import { decodeAssignment, encodeAssignment } from '../../../src/protocol/messages/consumer-protocol.js';
import { SyncGroup, type SyncGroupRequest, type SyncGroupResponse } from '../../../src/protocol/messages/14-sync-group.js';
import { ASSIGNMENT, ASSIGNMENT2, GROUP, KCAT_GROUP, KCAT_MEMBER, KP_CLIENT, KP_CORRELATION, MEMBER, MEMBER2 } from '../group-captures.js';
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

const request = (over: Partial<SyncGroupRequest>): SyncGroupRequest => ({
  groupId: GROUP,
  generationId: 0,
  memberId: '',
  groupInstanceId: null,
  protocolType: null,
  protocolName: null,
  assignments: [],
  ...over,
});
const response = (over: Partial<SyncGroupResponse>): SyncGroupResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  protocolType: null,
  protocolName: null,
  assignment: Buffer.alloc(0),
  ...over,
});

describe('SyncGroup v0-1: kafka-python 2.0.2 captures', () => {
  const requests: Record<number, SyncGroupRequest> = {
    // the leader hands out every member's assignment
    0: request({
      generationId: 5,
      memberId: MEMBER,
      assignments: [
        { memberId: MEMBER, assignment: ASSIGNMENT },
        { memberId: MEMBER2, assignment: ASSIGNMENT2 },
      ],
    }),
    1: request({ generationId: 6, memberId: MEMBER2 }), // a follower sends none
  };
  it.each([0, 1])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`sync-group-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(SyncGroup, cap.bytes);
    expect(header).toEqual({ apiKey: 14, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requests[v]);
    expect(encodeRequestFrame(SyncGroup, v, KP_CORRELATION + v, KP_CLIENT, requests[v]!)).toEqual(cap.bytes);
  });
  const responses: Record<number, SyncGroupResponse> = {
    0: response({ assignment: ASSIGNMENT }),
    1: response({ throttleTimeMs: 3, errorCode: 27 }), // REBALANCE_IN_PROGRESS, empty assignment
  };
  it.each([0, 1])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`sync-group-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(SyncGroup, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responses[v]);
    expect(encodeResponseFrame(SyncGroup, v, KP_CORRELATION + v, responses[v]!)).toEqual(cap.bytes);
  });
});

describe('SyncGroup v3: librdkafka 2.0.2 (kcat -G)', () => {
  it('sync-group-request-v3.kcat-group.hex, including librdkafka’s assignment', () => {
    const cap = loadCapture('sync-group-request-v3.kcat-group.hex');
    const { header, body } = decodeRequestFrame<SyncGroupRequest>(SyncGroup, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 3, clientId: 'rdkafka' });
    const assignment = body.assignments[0]!.assignment;
    expect(body).toEqual(request({ groupId: KCAT_GROUP, generationId: 1, memberId: KCAT_MEMBER, assignments: [{ memberId: KCAT_MEMBER, assignment }] }));
    expect(encodeRequestFrame(SyncGroup, 3, header.correlationId, 'rdkafka', body)).toEqual(cap.bytes);
    // librdkafka 2.0.2 writes ConsumerProtocolAssignment v0 with empty (not null) user data.
    const decoded = decodeAssignment(assignment);
    expect(decoded).toEqual({ version: 0, assignedPartitions: [{ topic: 'orders', partitions: [0] }], userData: Buffer.alloc(0) });
    expect(encodeAssignment(decoded, 0)).toEqual(assignment);
  });
});

describe('SyncGroup v0-3: kafkajs 2.2.4', () => {
  it.each([0, 1, 2, 3])('request v%i: our frame equals kafkajs’s', async (v) => {
    const groupAssignment = [
      { memberId: 'm-1', memberAssignment: Buffer.from('000000', 'hex') },
      { memberId: 'm-2', memberAssignment: Buffer.alloc(0) },
    ];
    const args = { groupId: 'g-1', generationId: 4, memberId: 'm-1', groupInstanceId: 'static-1', groupAssignment };
    const theirs = await kafkajsRequestFrame('syncGroup', v, args, 3, 'kafkajs');
    const expected = request({
      groupId: 'g-1',
      generationId: 4,
      memberId: 'm-1',
      groupInstanceId: v >= 3 ? 'static-1' : null,
      assignments: groupAssignment.map((a) => ({ memberId: a.memberId, assignment: a.memberAssignment })),
    });
    expect(decodeRequestFrame(SyncGroup, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(SyncGroup, v, 3, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1, 2, 3])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value = response({ throttleTimeMs: 8, errorCode: 0, assignment: Buffer.from('0000000000010001', 'hex') });
    const decoded = await kafkajsDecodeResponse('syncGroup', v, responseBody(encodeResponseFrame(SyncGroup, v, 1, value)));
    const throttle = v === 0 ? {} : v === 1 ? { throttleTime: 8 } : { throttleTime: 0, clientSideThrottleTime: 8 };
    expect(decoded).toEqual({ ...throttle, errorCode: 0, memberAssignment: value.assignment });
  });
});

describe('SyncGroup v4-5 (flexible), hand-written from the JSON specs', () => {
  it.each([4, 5])('request v%i', (v) => {
    const bytes = sized(hex`
      000e 000${v} 00000001 0002 ${utf8('mq')} 00   # SyncGroup, correlation 1, client "mq", header tags
      02 ${utf8('g')}                               # GroupId
      00000007                                      # GenerationId 7
      02 ${utf8('m')}                               # MemberId
      02 ${utf8('i')}                               # GroupInstanceId "i"
      ${v >= 5 ? '09' + utf8('consumer') : ''}      # ProtocolType (v5+)
      ${v >= 5 ? '00' : ''}                         # ProtocolName null (v5+)
      03                                            # Assignments: 2
        02 ${utf8('m')} 04 010203 00                #   MemberId, Assignment, tags
        02 ${utf8('n')} 01 00                       #   MemberId, empty Assignment, tags
      00                                            # tags
    `);
    const value = request({
      groupId: 'g',
      generationId: 7,
      memberId: 'm',
      groupInstanceId: 'i',
      protocolType: v >= 5 ? 'consumer' : null,
      assignments: [
        { memberId: 'm', assignment: Buffer.from([1, 2, 3]) },
        { memberId: 'n', assignment: Buffer.alloc(0) },
      ],
    });
    expect(encodeRequestFrame(SyncGroup, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(SyncGroup, bytes).body).toEqual(value);
  });

  it.each([4, 5])('response v%i', (v) => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000064                                      # ThrottleTimeMs 100
      0000                                          # ErrorCode
      ${v >= 5 ? '09' + utf8('consumer') : ''}      # ProtocolType (v5+)
      ${v >= 5 ? '06' + utf8('range') : ''}         # ProtocolName (v5+)
      04 010203                                     # Assignment (compact bytes)
      00                                            # tags
    `);
    const value = response({
      throttleTimeMs: 100,
      protocolType: v >= 5 ? 'consumer' : null,
      protocolName: v >= 5 ? 'range' : null,
      assignment: Buffer.from([1, 2, 3]),
    });
    expect(encodeResponseFrame(SyncGroup, v, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(SyncGroup, v, bytes).body).toEqual(value);
  });
});
