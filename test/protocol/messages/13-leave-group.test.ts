// LeaveGroup v0-5 against independent oracles:
//   v0-1  kafka-python 2.0.2 captures (requests and responses)
//   v1    librdkafka 2.0.2 request as kcat -G sent it on close
//   v0-3  kafkajs 2.2.4 request encoders and response decoders (v3: the Members[] batch, KIP-345)
//   v4-5  hex written by hand from LeaveGroupRequest.json / LeaveGroupResponse.json (v4 flexible,
//         v5 per-member Reason, KIP-800)
import { describe, expect, it } from 'vitest';
import { LeaveGroup, type LeaveGroupRequest, type LeaveGroupResponse } from '../../../src/protocol/messages/13-leave-group.js';
import { GROUP, KCAT_GROUP, KCAT_MEMBER, KP_CLIENT, KP_CORRELATION, MEMBER, MEMBER2 } from '../group-captures.js';
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

describe('LeaveGroup v0-1: kafka-python 2.0.2 captures', () => {
  it.each([0, 1])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`leave-group-request-v${v}.kafka-python.hex`);
    const value: LeaveGroupRequest = { groupId: GROUP, memberId: v === 0 ? MEMBER : MEMBER2, members: [] };
    const { header, body } = decodeRequestFrame(LeaveGroup, cap.bytes);
    expect(header).toEqual({ apiKey: 13, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(LeaveGroup, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it.each([
    [0, { throttleTimeMs: 0, errorCode: 0, members: [] }],
    [1, { throttleTimeMs: 1, errorCode: 25, members: [] }], // UNKNOWN_MEMBER_ID
  ] as const)('response v%i decodes and re-encodes byte for byte', (v, value) => {
    const cap = loadCapture(`leave-group-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(LeaveGroup, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(LeaveGroup, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('LeaveGroup v1: librdkafka 2.0.2 (kcat -G)', () => {
  it('leave-group-request-v1.kcat-group.hex', () => {
    const cap = loadCapture('leave-group-request-v1.kcat-group.hex');
    const { header, body } = decodeRequestFrame(LeaveGroup, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 1, clientId: 'rdkafka' });
    const value: LeaveGroupRequest = { groupId: KCAT_GROUP, memberId: KCAT_MEMBER, members: [] };
    expect(body).toEqual(value);
    expect(encodeRequestFrame(LeaveGroup, 1, header.correlationId, 'rdkafka', value)).toEqual(cap.bytes);
  });
});

describe('LeaveGroup v0-3: kafkajs 2.2.4', () => {
  it.each([0, 1, 2, 3])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('leaveGroup', v, { groupId: 'g-1', memberId: 'm-1', groupInstanceId: 'static-1' }, 6, 'kafkajs');
    const expected: LeaveGroupRequest =
      v < 3
        ? { groupId: 'g-1', memberId: 'm-1', members: [] }
        : { groupId: 'g-1', memberId: '', members: [{ memberId: 'm-1', groupInstanceId: 'static-1', reason: null }] };
    expect(decodeRequestFrame(LeaveGroup, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(LeaveGroup, v, 6, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1, 2, 3])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: LeaveGroupResponse = {
      throttleTimeMs: 2,
      errorCode: 0,
      members: [
        { memberId: 'm-1', groupInstanceId: 'static-1', errorCode: 0 },
        { memberId: 'm-2', groupInstanceId: null, errorCode: 25 },
      ],
    };
    const decoded = await kafkajsDecodeResponse('leaveGroup', v, responseBody(encodeResponseFrame(LeaveGroup, v, 1, value)));
    const throttle = v === 0 ? {} : v === 1 ? { throttleTime: 2 } : { throttleTime: 0, clientSideThrottleTime: 2 };
    expect(decoded).toEqual({ ...throttle, errorCode: 0, ...(v >= 3 ? { members: value.members } : {}) });
  });
});

describe('LeaveGroup v4-5 (flexible), hand-written from the JSON specs', () => {
  it.each([4, 5])('request v%i: Members[] with GroupInstanceId (and Reason, v5)', (v) => {
    const bytes = sized(hex`
      000d 000${v} 00000001 0002 ${utf8('mq')} 00   # LeaveGroup, correlation 1, client "mq", header tags
      02 ${utf8('g')}                               # GroupId
      03                                            # Members: 2
        02 ${utf8('m')} 00                          #   MemberId "m", GroupInstanceId null
        ${v >= 5 ? '00' : ''}                       #   Reason null (v5+)
        00                                          #   tags
        01 02 ${utf8('i')}                          #   MemberId "", GroupInstanceId "i"
        ${v >= 5 ? '05' + utf8('bye!') : ''}        #   Reason (v5+)
        00                                          #   tags
      00                                            # tags
    `);
    const value: LeaveGroupRequest = {
      groupId: 'g',
      memberId: '',
      members: [
        { memberId: 'm', groupInstanceId: null, reason: null },
        { memberId: '', groupInstanceId: 'i', reason: v >= 5 ? 'bye!' : null },
      ],
    };
    expect(encodeRequestFrame(LeaveGroup, v, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(LeaveGroup, bytes).body).toEqual(value);
  });
  it.each([4, 5])('response v%i: per-member errors', (v) => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000000                                      # ThrottleTimeMs
      0000                                          # ErrorCode
      03                                            # Members: 2
        02 ${utf8('m')} 00 0000 00                  #   MemberId, GroupInstanceId null, ErrorCode 0, tags
        02 ${utf8('n')} 02 ${utf8('i')} 0052 00     #   MemberId, GroupInstanceId "i", ErrorCode 82 FENCED_INSTANCE_ID, tags
      00                                            # tags
    `);
    const value: LeaveGroupResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: 'm', groupInstanceId: null, errorCode: 0 },
        { memberId: 'n', groupInstanceId: 'i', errorCode: 82 },
      ],
    };
    expect(encodeResponseFrame(LeaveGroup, v, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(LeaveGroup, v, bytes).body).toEqual(value);
  });
});
