// FindCoordinator v0-5 against independent oracles:
//   v0-1  kafka-python 2.0.2 (GroupCoordinatorRequest) request captures; v0 response capture
//         (its v1 response schema lacks throttle_time_ms, so it is not an oracle for v1)
//   v2    librdkafka 2.0.2 request as kcat -G sent it
//   v0-2  kafkajs 2.2.4 request encoders and response decoders
//   v3-5  hex written by hand from FindCoordinatorRequest.json / FindCoordinatorResponse.json
//         (v3 flexible; v4 batches CoordinatorKeys → Coordinators[], KIP-699; v5 = v4 on the wire)
import { describe, expect, it } from 'vitest';
import { FindCoordinator, type FindCoordinatorRequest, type FindCoordinatorResponse } from '../../../src/protocol/messages/10-find-coordinator.js';
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

const single = (key: string, keyType = 0): FindCoordinatorRequest => ({ key, keyType, coordinatorKeys: [] });
const found = (nodeId: number, host: string, port: number, errorCode = 0, errorMessage: string | null = null, throttleTimeMs = 0): FindCoordinatorResponse => ({
  throttleTimeMs,
  errorCode,
  errorMessage,
  nodeId,
  host,
  port,
  coordinators: [],
});

describe('FindCoordinator: kafka-python 2.0.2 captures', () => {
  it.each([
    [0, single(GROUP)], // GroupCoordinatorRequest_v0(consumer_group): no key type, so a group
    [1, single('txn-app-Ω', 1)], // v1 coordinator_type 1 = transaction
  ] as const)('request v%i decodes and re-encodes byte for byte', (v, value) => {
    const cap = loadCapture(`find-coordinator-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(FindCoordinator, cap.bytes);
    expect(header).toEqual({ apiKey: 10, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(value);
    expect(encodeRequestFrame(FindCoordinator, v, KP_CORRELATION + v, KP_CLIENT, value)).toEqual(cap.bytes);
  });
  it('response v0 decodes and re-encodes byte for byte', () => {
    const cap = loadCapture('find-coordinator-response-v0.kafka-python.hex');
    const value = found(2, 'broker-2.example', 19093);
    const { correlationId, body } = decodeResponseFrame(FindCoordinator, 0, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(FindCoordinator, 0, KP_CORRELATION, value)).toEqual(cap.bytes);
  });
});

describe('FindCoordinator v2: librdkafka 2.0.2 (kcat -G)', () => {
  it('find-coordinator-request-v2.kcat-group.hex', () => {
    const cap = loadCapture('find-coordinator-request-v2.kcat-group.hex');
    const { header, body } = decodeRequestFrame(FindCoordinator, cap.bytes);
    expect(header).toMatchObject({ apiVersion: 2, clientId: 'rdkafka' });
    expect(body).toEqual(single(KCAT_GROUP, 0));
    expect(encodeRequestFrame(FindCoordinator, 2, header.correlationId, 'rdkafka', body)).toEqual(cap.bytes);
  });
});

describe('FindCoordinator v0-2: kafkajs 2.2.4', () => {
  it.each([0, 1, 2])('request v%i: our frame equals kafkajs’s', async (v) => {
    const theirs = await kafkajsRequestFrame('findCoordinator', v, { groupId: 'group-1', coordinatorType: 1 }, 7, 'kafkajs');
    const expected = single('group-1', v >= 1 ? 1 : 0); // v0 has no key type
    expect(decodeRequestFrame(FindCoordinator, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(FindCoordinator, v, 7, 'kafkajs', expected)).toEqual(theirs);
  });
  it.each([0, 1, 2])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value = found(3, 'coordinator.example', 9094, 15, 'The coordinator is not available.', 42);
    const decoded = await kafkajsDecodeResponse('findCoordinator', v, responseBody(encodeResponseFrame(FindCoordinator, v, 1, value)));
    const coordinator = { nodeId: 3, host: 'coordinator.example', port: 9094 };
    if (v === 0) expect(decoded).toEqual({ errorCode: 15, coordinator });
    if (v === 1) expect(decoded).toEqual({ throttleTime: 42, errorCode: 15, errorMessage: 'The coordinator is not available.', coordinator });
    if (v === 2) expect(decoded).toEqual({ throttleTime: 0, clientSideThrottleTime: 42, errorCode: 15, errorMessage: 'The coordinator is not available.', coordinator });
  });
  it('response v1: a null error message', async () => {
    const decoded = await kafkajsDecodeResponse('findCoordinator', 1, responseBody(encodeResponseFrame(FindCoordinator, 1, 1, found(1, 'h', 1))));
    expect(decoded.errorMessage).toBeNull();
  });
});

describe('FindCoordinator v3-5 (flexible), hand-written from the JSON specs', () => {
  it('request v3: one compact Key, KeyType, tags', () => {
    const bytes = sized(hex`
      000a 0003 00000001 0002 ${utf8('mq')} 00    # FindCoordinator v3, correlation 1, client "mq", header tags
      02 ${utf8('g')}                             # Key "g" (compact)
      00                                          # KeyType 0 = group
      00                                          # tags
    `);
    expect(encodeRequestFrame(FindCoordinator, 3, 1, 'mq', single('g'))).toEqual(bytes);
    expect(decodeRequestFrame(FindCoordinator, bytes).body).toEqual(single('g'));
  });

  it('response v3: single coordinator, with an error message', () => {
    const bytes = sized(hex`
      00000001 00                                 # correlation 1, header tags
      00000000                                    # ThrottleTimeMs
      000f                                        # ErrorCode 15 COORDINATOR_NOT_AVAILABLE
      08 ${utf8('not yet')}                       # ErrorMessage (compact nullable)
      ffffffff                                    # NodeId -1
      01                                          # Host "" (compact)
      ffffffff                                    # Port -1
      00                                          # tags
    `);
    const value = found(-1, '', -1, 15, 'not yet');
    expect(encodeResponseFrame(FindCoordinator, 3, 1, value)).toEqual(bytes);
    expect(decodeResponseFrame(FindCoordinator, 3, bytes).body).toEqual(value);
  });

  it.each([4, 5])('request v%i: KeyType then CoordinatorKeys[] (no single Key)', (v) => {
    const bytes = sized(hex`
      000a 000${v} 00000002 0002 ${utf8('mq')} 00 # FindCoordinator v4/v5, correlation 2
      01                                          # KeyType 1 = transaction
      03 02 ${utf8('a')} 03 ${utf8('tx')}         # CoordinatorKeys: compact ["a", "tx"]
      00                                          # tags
    `);
    const value: FindCoordinatorRequest = { key: '', keyType: 1, coordinatorKeys: ['a', 'tx'] };
    expect(encodeRequestFrame(FindCoordinator, v, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(FindCoordinator, bytes).body).toEqual(value);
  });

  it.each([4, 5])('response v%i: Coordinators[] replaces the top-level fields', (v) => {
    const bytes = sized(hex`
      00000003 00                                 # correlation 3, header tags
      00000005                                    # ThrottleTimeMs 5
      03                                          # Coordinators: 2
        02 ${utf8('a')}                           #   Key "a"
        00000001                                  #   NodeId 1
        0a ${utf8('localhost')}                   #   Host
        00002384                                  #   Port 9092
        0000                                      #   ErrorCode
        00                                        #   ErrorMessage null
        00                                        #   tags
        03 ${utf8('tx')} ffffffff 01 ffffffff     #   Key "tx", NodeId -1, Host "", Port -1
        000f 08 ${utf8('not yet')} 00             #   ErrorCode 15, ErrorMessage, tags
      00                                          # tags
    `);
    const value: FindCoordinatorResponse = {
      throttleTimeMs: 5,
      errorCode: 0,
      errorMessage: null,
      nodeId: 0,
      host: '',
      port: 0,
      coordinators: [
        { key: 'a', nodeId: 1, host: 'localhost', port: 9092, errorCode: 0, errorMessage: null },
        { key: 'tx', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'not yet' },
      ],
    };
    expect(encodeResponseFrame(FindCoordinator, v, 3, value)).toEqual(bytes);
    expect(decodeResponseFrame(FindCoordinator, v, bytes).body).toEqual(value);
  });

  it('response v0 has no ErrorMessage on the wire even when one is set', () => {
    // v0: ErrorCode, NodeId, Host, Port only (the message is v1-3).
    const bytes = sized(hex`00000009 0000 00000001 0001 ${utf8('h')} 00000001`);
    expect(encodeResponseFrame(FindCoordinator, 0, 9, found(1, 'h', 1, 0, 'ignored at v0'))).toEqual(bytes);
  });
});
