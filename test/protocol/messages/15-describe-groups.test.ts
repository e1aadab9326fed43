// DescribeGroups v0-5 against independent oracles:
//   v0-3  kafka-python 2.0.2 request captures; v0-2 response captures (its v3 response schema
//         lacks AuthorizedOperations, so it is not an oracle for v3)
//   v0-2  kafkajs 2.2.4 request encoders and response decoders
//   v3-5  hex written by hand from DescribeGroupsRequest.json / DescribeGroupsResponse.json (v3
//         AuthorizedOperations, v4 members' GroupInstanceId, v5 flexible)
import { describe, expect, it } from 'vitest';
import { decodeAssignment, decodeSubscription } from '../../../src/protocol/messages/consumer-protocol.js';
import { DescribeGroups, type DescribedGroup, type DescribeGroupsRequest, type DescribeGroupsResponse } from '../../../src/protocol/messages/15-describe-groups.js';
import { ASSIGNMENT, GROUP, KP_CLIENT, KP_CORRELATION, MEMBER, MEMBER2, OMITTED, SUBSCRIPTION, SUBSCRIPTION2 } from '../group-captures.js';
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

describe('DescribeGroups: kafka-python 2.0.2 captures', () => {
  it.each([0, 1, 2, 3])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`describe-groups-request-v${v}.kafka-python.hex`);
    const value: DescribeGroupsRequest = { groups: [GROUP, 'gone'], includeAuthorizedOperations: v >= 3 };
    const { header, body } = decodeRequestFrame(DescribeGroups, cap.bytes);
    expect(header).toEqual({ apiKey: 15, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(DescribeGroups, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });

  it.each([0, 1, 2])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`describe-groups-response-v${v}.kafka-python.hex`);
    const value: DescribeGroupsResponse = {
      throttleTimeMs: v,
      groups: [
        {
          errorCode: 0,
          groupId: GROUP,
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [
            { memberId: MEMBER, groupInstanceId: null, clientId: KP_CLIENT, clientHost: '/127.0.0.1', memberMetadata: SUBSCRIPTION, memberAssignment: ASSIGNMENT },
            { memberId: MEMBER2, groupInstanceId: null, clientId: 'rdkafka', clientHost: '/10.0.0.7', memberMetadata: SUBSCRIPTION2, memberAssignment: Buffer.alloc(0) },
          ],
          authorizedOperations: OMITTED,
        },
        { errorCode: 69, groupId: 'gone', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: OMITTED },
      ],
    };
    const { correlationId, body } = decodeResponseFrame<DescribeGroupsResponse>(DescribeGroups, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(DescribeGroups, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
    // what describe-group tools do with the opaque bytes: the consumer protocol decodes them
    expect(decodeSubscription(body.groups[0]!.members[0]!.memberMetadata).topics).toEqual(['orders', 'payments.eu-west']);
    expect(decodeAssignment(body.groups[0]!.members[1]!.memberAssignment).assignedPartitions).toEqual([]);
  });
});

describe('DescribeGroups v0-2: kafkajs 2.2.4', () => {
  it.each([0, 1, 2])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('describeGroups', v, { groupIds: ['g-1', 'g-2'] }, 8, 'kafkajs');
    const expected: DescribeGroupsRequest = { groups: ['g-1', 'g-2'], includeAuthorizedOperations: false };
    expect(decodeRequestFrame(DescribeGroups, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(DescribeGroups, v, 8, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1, 2])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: DescribeGroupsResponse = {
      throttleTimeMs: 21,
      groups: [
        {
          errorCode: 0,
          groupId: 'g-1',
          groupState: 'CompletingRebalance',
          protocolType: 'consumer',
          protocolData: 'RoundRobinAssigner',
          members: [{ memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/1.2.3.4', memberMetadata: Buffer.from('01', 'hex'), memberAssignment: Buffer.from('02', 'hex') }],
          authorizedOperations: OMITTED,
        },
      ],
    };
    const decoded = await kafkajsDecodeResponse('describeGroups', v, responseBody(encodeResponseFrame(DescribeGroups, v, 1, value)));
    const groups = [
      {
        errorCode: 0,
        groupId: 'g-1',
        state: 'CompletingRebalance',
        protocolType: 'consumer',
        protocol: 'RoundRobinAssigner',
        members: [{ memberId: 'm-1', clientId: 'c', clientHost: '/1.2.3.4', memberMetadata: Buffer.from('01', 'hex'), memberAssignment: Buffer.from('02', 'hex') }],
      },
    ];
    const throttle = v === 0 ? {} : v === 1 ? { throttleTime: 21 } : { throttleTime: 0, clientSideThrottleTime: 21 };
    expect(decoded).toEqual({ ...throttle, groups });
  });
});

describe('DescribeGroups v3-5, hand-written from the JSON specs', () => {
  const group = (v: number): DescribedGroup => ({
    errorCode: 0,
    groupId: 'g',
    groupState: 'Stable',
    protocolType: 'consumer',
    protocolData: 'range',
    members: [{ memberId: 'm', groupInstanceId: v >= 4 ? 'i' : null, clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: Buffer.from([1, 2, 3]), memberAssignment: Buffer.from([4, 5]) }],
    authorizedOperations: 0x108,
  });

  it.each([3, 4])('response v%i: AuthorizedOperations (and GroupInstanceId, v4)', (v) => {
    const bytes = sized(hex`
      00000001                                      # correlation 1 (header v0)
      00000000                                      # ThrottleTimeMs
      00000001                                      # Groups: 1
        0000                                        #   ErrorCode
        0001 ${utf8('g')}                           #   GroupId
        0006 ${utf8('Stable')}                      #   GroupState
        0008 ${utf8('consumer')}                    #   ProtocolType
        0005 ${utf8('range')}                       #   ProtocolData
        00000001                                    #   Members: 1
          0001 ${utf8('m')}                         #     MemberId
          ${v >= 4 ? '0001' + utf8('i') : ''}       #     GroupInstanceId (v4+)
          0001 ${utf8('c')}                         #     ClientId
          000a ${utf8('/127.0.0.1')}                #     ClientHost
          00000003 010203                           #     MemberMetadata
          00000002 0405                             #     MemberAssignment
        00000108                                    #   AuthorizedOperations (v3+)
    `);
    const value: DescribeGroupsResponse = { throttleTimeMs: 0, groups: [group(v)] };
    expect(encodeResponseFrame(DescribeGroups, v, 1, value)).toEqual(bytes);
    expect(decodeResponseFrame(DescribeGroups, v, bytes).body).toEqual(value);
  });

  it('request v4 (same layout as v3)', () => {
    const bytes = sized(hex`
      000f 0004 00000002 0002 ${utf8('mq')}         # DescribeGroups v4, correlation 2, client "mq"
      00000002 0001 ${utf8('g')} 0001 ${utf8('h')}  # Groups ["g", "h"]
      00                                            # IncludeAuthorizedOperations false
    `);
    const value: DescribeGroupsRequest = { groups: ['g', 'h'], includeAuthorizedOperations: false };
    expect(encodeRequestFrame(DescribeGroups, 4, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeGroups, bytes).body).toEqual(value);
  });

  it('request v5 (flexible)', () => {
    const bytes = sized(hex`
      000f 0005 00000003 0002 ${utf8('mq')} 00      # DescribeGroups v5, correlation 3, header tags
      03 02 ${utf8('g')} 02 ${utf8('h')}            # Groups: compact ["g", "h"]
      01                                            # IncludeAuthorizedOperations true
      00                                            # tags
    `);
    const value: DescribeGroupsRequest = { groups: ['g', 'h'], includeAuthorizedOperations: true };
    expect(encodeRequestFrame(DescribeGroups, 5, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DescribeGroups, bytes).body).toEqual(value);
  });

  it('response v5 (flexible)', () => {
    const bytes = sized(hex`
      00000004 00                                   # correlation 4, header tags
      00000000                                      # ThrottleTimeMs
      03                                            # Groups: 2
        0000 02 ${utf8('g')}                        #   ErrorCode, GroupId
        07 ${utf8('Stable')}                        #   GroupState
        09 ${utf8('consumer')}                      #   ProtocolType
        06 ${utf8('range')}                         #   ProtocolData
        02                                          #   Members: 1
          02 ${utf8('m')} 02 ${utf8('i')}           #     MemberId, GroupInstanceId
          02 ${utf8('c')} 0b ${utf8('/127.0.0.1')}  #     ClientId, ClientHost
          04 010203 03 0405                         #     MemberMetadata, MemberAssignment
          00                                        #     tags
        00000108                                    #   AuthorizedOperations
        00                                          #   tags
        0045 02 ${utf8('x')} 05 ${utf8('Dead')}     #   GROUP_ID_NOT_FOUND (69), "x", Dead
        01 01 01                                    #   ProtocolType "", ProtocolData "", Members: none
        80000000                                    #   AuthorizedOperations omitted (INT32 min)
        00                                          #   tags
      00                                            # tags
    `);
    const value: DescribeGroupsResponse = {
      throttleTimeMs: 0,
      groups: [
        group(5),
        { errorCode: 69, groupId: 'x', groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: OMITTED },
      ],
    };
    expect(encodeResponseFrame(DescribeGroups, 5, 4, value)).toEqual(bytes);
    expect(decodeResponseFrame(DescribeGroups, 5, bytes).body).toEqual(value);
  });
});
