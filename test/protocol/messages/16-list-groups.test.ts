// ListGroups v0-5 against independent oracles:
//   v0-2  kafka-python 2.0.2 captures: requests v0-1 (its ListGroupsRequest_v2 goes out as v1),
//         responses v0-2
//   v0-2  kafkajs 2.2.4 request encoders and response decoders
//   v3-5  hex written by hand from ListGroupsRequest.json / ListGroupsResponse.json (v3 flexible,
//         v4 StatesFilter / GroupState (KIP-518), v5 TypesFilter / GroupType (KIP-848))
import { describe, expect, it } from 'vitest';
import { ListGroups, type ListGroupsRequest, type ListGroupsResponse } from '../../../src/protocol/messages/16-list-groups.js';
import { GROUP, KP_CLIENT, KP_CORRELATION } from '../group-captures.js';
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

const EMPTY: ListGroupsRequest = { statesFilter: [], typesFilter: [] };
const listed = (groupId: string, protocolType: string, groupState = '', groupType = '') => ({ groupId, protocolType, groupState, groupType });

describe('ListGroups v0-2: kafka-python 2.0.2 captures', () => {
  it.each([0, 1])('request v%i (empty body) decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`list-groups-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(ListGroups, cap.bytes);
    expect(header).toEqual({ apiKey: 16, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(EMPTY);
    expect(encodeRequestFrame(ListGroups, v, KP_CORRELATION + v, KP_CLIENT, EMPTY)).toEqual(cap.bytes);
  });
  it.each([0, 1, 2])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`list-groups-response-v${v}.kafka-python.hex`);
    const value: ListGroupsResponse = {
      throttleTimeMs: 10 * v,
      errorCode: v === 2 ? 15 : 0,
      groups: [listed(GROUP, 'consumer'), listed('connect-cluster', 'connect'), listed('simple', '')],
    };
    const { correlationId, body } = decodeResponseFrame(ListGroups, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(ListGroups, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('ListGroups v0-2: kafkajs 2.2.4', () => {
  it.each([0, 1, 2])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('listGroups', v, {}, 12, 'kafkajs');
    expect(decodeRequestFrame(ListGroups, theirs).body).toEqual(EMPTY);
    expect(encodeRequestFrame(ListGroups, v, 12, 'kafkajs', EMPTY)).toEqual(theirs);
  });
  it.each([0, 1, 2])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: ListGroupsResponse = { throttleTimeMs: 5, errorCode: 0, groups: [listed('g-1', 'consumer', 'Stable'), listed('g-2', '')] };
    const decoded = await kafkajsDecodeResponse('listGroups', v, responseBody(encodeResponseFrame(ListGroups, v, 1, value)));
    const throttle = v === 0 ? {} : v === 1 ? { throttleTime: 5 } : { throttleTime: 0, clientSideThrottleTime: 5 };
    expect(decoded).toEqual({
      ...throttle,
      errorCode: 0,
      groups: [
        { groupId: 'g-1', protocolType: 'consumer' },
        { groupId: 'g-2', protocolType: '' },
      ],
    });
  });
});

describe('ListGroups v3-5 (flexible), hand-written from the JSON specs', () => {
  it('request v3: nothing but tags', () => {
    const bytes = sized(hex`0010 0003 00000001 0002 ${utf8('mq')} 00  00   # header (with tags); body: tags`);
    expect(encodeRequestFrame(ListGroups, 3, 1, 'mq', EMPTY)).toEqual(bytes);
    expect(decodeRequestFrame(ListGroups, bytes).body).toEqual(EMPTY);
  });
  it('request v4: StatesFilter', () => {
    const bytes = sized(hex`
      0010 0004 00000002 0002 ${utf8('mq')} 00      # ListGroups v4, correlation 2, header tags
      03 07 ${utf8('Stable')} 06 ${utf8('Empty')}   # StatesFilter ["Stable", "Empty"]
      00                                            # tags
    `);
    const value: ListGroupsRequest = { statesFilter: ['Stable', 'Empty'], typesFilter: [] };
    expect(encodeRequestFrame(ListGroups, 4, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(ListGroups, bytes).body).toEqual(value);
  });
  it('request v5: StatesFilter, TypesFilter', () => {
    const bytes = sized(hex`
      0010 0005 00000003 0002 ${utf8('mq')} 00      # ListGroups v5, correlation 3, header tags
      01                                            # StatesFilter [] (all states)
      02 08 ${utf8('classic')}                      # TypesFilter ["classic"]
      00                                            # tags
    `);
    const value: ListGroupsRequest = { statesFilter: [], typesFilter: ['classic'] };
    expect(encodeRequestFrame(ListGroups, 5, 3, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(ListGroups, bytes).body).toEqual(value);
  });
  it.each([3, 4, 5])('response v%i', (v) => {
    const bytes = sized(hex`
      00000004 00                                   # correlation 4, header tags
      00000000                                      # ThrottleTimeMs
      0000                                          # ErrorCode
      02                                            # Groups: 1
        02 ${utf8('g')}                             #   GroupId
        09 ${utf8('consumer')}                      #   ProtocolType
        ${v >= 4 ? '07' + utf8('Stable') : ''}      #   GroupState (v4+)
        ${v >= 5 ? '08' + utf8('classic') : ''}     #   GroupType (v5+)
        00                                          #   tags
      00                                            # tags
    `);
    const value: ListGroupsResponse = { throttleTimeMs: 0, errorCode: 0, groups: [listed('g', 'consumer', v >= 4 ? 'Stable' : '', v >= 5 ? 'classic' : '')] };
    expect(encodeResponseFrame(ListGroups, v, 4, value)).toEqual(bytes);
    expect(decodeResponseFrame(ListGroups, v, bytes).body).toEqual(value);
  });
});
