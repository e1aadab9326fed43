// CreateTopics v2-7 against independent oracles:
//   v2-3  kafka-python 2.0.2 captures (requests and responses) and kafkajs 2.2.4
//   v4    (same layout as v3) and v5-7 (flexible): hex written by hand from
//         CreateTopicsRequest.json / CreateTopicsResponse.json (v5 returns NumPartitions,
//         ReplicationFactor, Configs and the tagged TopicConfigErrorCode; v7 the TopicId)
import { describe, expect, it } from 'vitest';
import { ZERO_UUID } from '../../../src/protocol/codec.js';
import { CreateTopics, type CreateTopicsRequest, type CreateTopicsResponse } from '../../../src/protocol/messages/19-create-topics.js';
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
/** Response fields added in v5/v7, at their defaults in a decode of v2-4. */
const V5_DEFAULTS = { topicId: ZERO_UUID, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: [] };

describe('CreateTopics v2-3: kafka-python 2.0.2 captures', () => {
  const requestValue = (v: number): CreateTopicsRequest => ({
    topics: [
      {
        name: 'orders',
        numPartitions: 6,
        replicationFactor: 3,
        assignments: [],
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'retention.ms', value: null },
        ],
      },
      {
        name: 'manual',
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [
          { partitionIndex: 0, brokerIds: [1, 2] },
          { partitionIndex: 1, brokerIds: [2, 3] },
        ],
        configs: [],
      },
    ],
    timeoutMs: 60000,
    validateOnly: v === 3,
  });
  it.each([2, 3])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`create-topics-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(CreateTopics, cap.bytes);
    expect(header).toEqual({ apiKey: 19, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requestValue(v));
    expect(encodeRequestFrame(CreateTopics, v, KP_CORRELATION + v, KP_CLIENT, requestValue(v))).toEqual(cap.bytes);
  });
  it.each([2, 3])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`create-topics-response-v${v}.kafka-python.hex`);
    const value = {
      throttleTimeMs: 9,
      topics: [
        { name: 'orders', errorCode: 0, errorMessage: null, ...V5_DEFAULTS },
        { name: 'manual', errorCode: 36, errorMessage: 'Topic ‘manual’ already exists.', ...V5_DEFAULTS },
      ],
    };
    const { correlationId, body } = decodeResponseFrame(CreateTopics, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(value);
    expect(encodeResponseFrame(CreateTopics, v, KP_CORRELATION + v, value)).toEqual(cap.bytes);
  });
});

describe('CreateTopics v2-3: kafkajs 2.2.4', () => {
  it.each([2, 3])('request v%i: decodes kafkajs’s frame and re-encodes it byte for byte', async (v) => {
    const args = {
      topics: [
        { topic: 'a', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] },
        { topic: 'b', replicaAssignment: [{ partition: 0, replicas: [1] }] },
      ],
      validateOnly: true,
      timeout: 5000,
    };
    const theirs = await kafkajsRequestFrame('createTopics', v, args, 2, 'kafkajs');
    const { body } = decodeRequestFrame<CreateTopicsRequest>(CreateTopics, theirs);
    expect(body).toEqual({
      topics: [
        { name: 'a', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] },
        { name: 'b', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [] },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    });
    expect(encodeRequestFrame(CreateTopics, v, 2, 'kafkajs', body)).toEqual(theirs);
  });
  it.each([2, 3])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const value = { throttleTimeMs: 1, topics: [{ name: 'b', errorCode: 36, errorMessage: 'exists' }, { name: 'a', errorCode: 0, errorMessage: null }] };
    const decoded = await kafkajsDecodeResponse('createTopics', v, responseBody(encodeResponseFrame(CreateTopics, v, 1, value)));
    expect(decoded.topicErrors).toEqual([
      { topic: 'a', errorCode: 0, errorMessage: null },
      { topic: 'b', errorCode: 36, errorMessage: 'exists' },
    ]);
  });
});

describe('CreateTopics v4-7, hand-written from CreateTopicsRequest.json / CreateTopicsResponse.json', () => {
  it('request v4 (non-flexible; -1 partitions/replication = broker defaults, KIP-464)', () => {
    const bytes = sized(hex`
      0013 0004 00000001 ffff                 # CreateTopics v4, correlation 1, client id null
      00000001 0001 ${utf8('t')}              # Topics: 1, Name "t"
        ffffffff ffff                         #   NumPartitions -1, ReplicationFactor -1
        00000000 00000000                     #   Assignments [], Configs []
      0000ea60 00                             # timeoutMs 60000, validateOnly false
    `);
    const value: CreateTopicsRequest = { topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 60000, validateOnly: false };
    expect(encodeRequestFrame(CreateTopics, 4, 1, null, value)).toEqual(bytes);
    expect(decodeRequestFrame(CreateTopics, bytes).body).toEqual(value);
    // timeoutMs defaults to 60000 (CreateTopicsRequest.json "default": "60000").
    expect(encodeRequestFrame(CreateTopics, 4, 1, null, { topics: value.topics, validateOnly: false })).toEqual(bytes);
  });

  it.each([5, 6, 7])('request v%i (flexible)', (v) => {
    const bytes = sized(hex`
      0013 000${v} 00000002 0002 ${utf8('mq')} 00   # CreateTopics v5-7, correlation 2, client, header tags
      02                                          # Topics: 1
        07 ${utf8('orders')} 00000003 0001        #   Name, NumPartitions 3, ReplicationFactor 1
        02 00000000 02 00000001 00                #   Assignments: [{PartitionIndex 0, BrokerIds [1], tags}]
        02 0f ${utf8('cleanup.policy')} 00 00     #   Configs: [{Name, Value null, tags}]
        00                                        #   tags
      00001388 01                                 # timeoutMs 5000, validateOnly true
      00                                          # tags
    `);
    const value: CreateTopicsRequest = {
      topics: [{ name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: 'cleanup.policy', value: null }] }],
      timeoutMs: 5000,
      validateOnly: true,
    };
    expect(encodeRequestFrame(CreateTopics, v, 2, 'mq', value)).toEqual(bytes);
    expect(decodeRequestFrame(CreateTopics, bytes).body).toEqual(value);
  });

  it('response v4 (same layout as v2-3)', () => {
    const bytes = sized(hex`00000004 00000000 00000001 0001 ${utf8('t')} 0000 ffff`);
    const value = { throttleTimeMs: 0, topics: [{ name: 't', errorCode: 0, errorMessage: null, ...V5_DEFAULTS }] };
    expect(encodeResponseFrame(CreateTopics, 4, 4, value)).toEqual(bytes);
    expect(decodeResponseFrame(CreateTopics, 4, bytes).body).toEqual(value);
  });

  const id = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  it.each([5, 6, 7])('response v%i (flexible; TopicId from v7; tagged TopicConfigErrorCode)', (v) => {
    const bytes = sized(hex`
      00000005 00                                 # correlation 5, response header tags
      00000000                                    # ThrottleTimeMs
      03                                          # Topics: 2
        07 ${utf8('orders')}                      #   Name
        ${v >= 7 ? id.toString('hex') : ''}       #   TopicId (v7+)
        0000 00                                   #   ErrorCode 0, ErrorMessage null
        00000003 0001                             #   NumPartitions 3, ReplicationFactor 1
        02                                        #   Configs: 1
          0f ${utf8('cleanup.policy')}            #     Name
          07 ${utf8('delete')}                    #     Value
          00 05 00 00                             #     ReadOnly false, ConfigSource 5 (DEFAULT_CONFIG), IsSensitive false, tags
        00                                        #   no tags (TopicConfigErrorCode 0 is the default)
        03 ${utf8('no')}                          #   Name "no"
        ${v >= 7 ? '00000000000000000000000000000000' : ''}   # TopicId zero (v7+)
        0029 05 ${utf8('auth')}                   #   ErrorCode 41 (CLUSTER_AUTHORIZATION_FAILED), ErrorMessage "auth"
        ffffffff ffff                             #   NumPartitions -1, ReplicationFactor -1
        00                                        #   Configs null
        01 00 02 001d                             #   1 tag: tag 0 TopicConfigErrorCode, 2 bytes: 29
      00                                          # tags
    `);
    const value: CreateTopicsResponse = {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          topicId: v >= 7 ? id : ZERO_UUID,
          errorCode: 0,
          errorMessage: null,
          topicConfigErrorCode: 0,
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'cleanup.policy', value: 'delete', readOnly: false, configSource: 5, isSensitive: false }],
        },
        { name: 'no', topicId: ZERO_UUID, errorCode: 41, errorMessage: 'auth', topicConfigErrorCode: 29, numPartitions: -1, replicationFactor: -1, configs: null },
      ],
    };
    expect(encodeResponseFrame(CreateTopics, v, 5, value)).toEqual(bytes);
    expect(decodeResponseFrame(CreateTopics, v, bytes).body).toEqual(value);
  });
});
