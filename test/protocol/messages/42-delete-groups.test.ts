// DeleteGroups v0-2 against independent oracles:
//   v0-1  kafka-python 2.0.2 captures (requests and responses)
//   v0-1  kafkajs 2.2.4 request encoders and response decoders
//   v2    hex written by hand from DeleteGroupsRequest.json / DeleteGroupsResponse.json (flexible)
import { describe, expect, it } from 'vitest';
import { DeleteGroups, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../../../src/protocol/messages/42-delete-groups.js';
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

describe('DeleteGroups v0-1: kafka-python 2.0.2 captures', () => {
  it.each([0, 1])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`delete-groups-request-v${v}.kafka-python.hex`);
    const value: DeleteGroupsRequest = { groupsNames: [GROUP, 'gone', 'busy'] };
    const { header, body } = decodeRequestFrame(DeleteGroups, cap.bytes);
    expect(header).toEqual({ apiKey: 42, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(DeleteGroups, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it.each([0, 1])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`delete-groups-response-v${v}.kafka-python.hex`);
    const value: DeleteGroupsResponse = {
      throttleTimeMs: 5 * v,
      results: [
        { groupId: GROUP, errorCode: 0 },
        { groupId: 'gone', errorCode: 69 }, // GROUP_ID_NOT_FOUND
        { groupId: 'busy', errorCode: 68 }, // NON_EMPTY_GROUP
      ],
    };
    const { correlationId, body } = decodeResponseFrame(DeleteGroups, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(DeleteGroups, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('DeleteGroups v0-1: kafkajs 2.2.4', () => {
  it.each([0, 1])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('deleteGroups', v, ['g-1', 'g-2'], 10, 'kafkajs');
    const expected: DeleteGroupsRequest = { groupsNames: ['g-1', 'g-2'] };
    expect(decodeRequestFrame(DeleteGroups, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(DeleteGroups, v, 10, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value: DeleteGroupsResponse = { throttleTimeMs: 7, results: [{ groupId: 'g-1', errorCode: 0 }] };
    const decoded = await kafkajsDecodeResponse('deleteGroups', v, responseBody(encodeResponseFrame(DeleteGroups, v, 1, value)));
    // kafkajs's v0 decoder names the field throttleTimeMs; v1 spreads it and adds its own throttle keys
    expect(decoded).toMatchObject({ throttleTimeMs: 7, results: [{ groupId: 'g-1', errorCode: 0 }] });
  });
});

describe('DeleteGroups v2 (flexible), hand-written from the JSON specs', () => {
  it('request v2', () => {
    const bytes = sized(hex`
      002a 0002 00000001 0002 ${utf8('mq')} 00      # DeleteGroups v2, correlation 1, header tags
      03 02 ${utf8('g')} 02 ${utf8('h')}            # GroupsNames: compact ["g", "h"]
      00                                            # tags
    `);
    const value: DeleteGroupsRequest = { groupsNames: ['g', 'h'] };
    expect(encodeRequestFrame(DeleteGroups, 2, 1, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(DeleteGroups, bytes).body).toEqual(value);
  });
  it('response v2', () => {
    const bytes = sized(hex`
      00000002 00                                   # correlation 2, header tags
      00000000                                      # ThrottleTimeMs
      03                                            # Results: 2
        02 ${utf8('g')} 0000 00                     #   GroupId, ErrorCode, tags
        02 ${utf8('h')} 0044 00                     #   GroupId, NON_EMPTY_GROUP (68), tags
      00                                            # tags
    `);
    const value: DeleteGroupsResponse = {
      throttleTimeMs: 0,
      results: [
        { groupId: 'g', errorCode: 0 },
        { groupId: 'h', errorCode: 68 },
      ],
    };
    expect(encodeResponseFrame(DeleteGroups, 2, 2, value)).toEqual(bytes);
    expect(decodeResponseFrame(DeleteGroups, 2, bytes).body).toEqual(value);
  });
});
