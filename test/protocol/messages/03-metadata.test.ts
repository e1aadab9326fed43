// Metadata v0-12 against independent oracles:
//   v0-5   kafka-python 2.0.2 captures (requests and responses)
//   v4     librdkafka 2.0.2 requests as kcat sent them (bootstrap, all topics, one topic)
//   v0-6   kafkajs 2.2.4 request encoders and response decoders
//   v7-12  hex written by hand from MetadataRequest.json / MetadataResponse.json (v7 leader
//          epoch, v8 authorized operations, v9 flexible, v10 topic ids, v11 no cluster
//          operations, v12 nullable topic names)
import { describe, expect, it } from 'vitest';
import { ZERO_UUID } from '../../../src/protocol/codec.js';
import { Metadata, type MetadataRequest, type MetadataResponse } from '../../../src/protocol/messages/03-metadata.js';
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
const OMITTED = -2147483648;

const topic = (name: string | null, topicId: Buffer = ZERO_UUID) => ({ topicId, name });
/** What a request decodes to at `v`, with the fields the version lacks at their defaults. */
const request = (topics: MetadataRequest['topics'], allowAutoTopicCreation = true, includeTopicAuthorizedOperations = false): MetadataRequest => ({
  topics,
  allowAutoTopicCreation,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations,
});

describe('Metadata v0-5: kafka-python 2.0.2 captures', () => {
  const requests: Record<number, MetadataRequest> = {
    0: request([topic('orders'), topic('payments.eu-west')]), // v0: an empty list would mean "all"
    1: request([topic('orders')]),
    2: request([]), // v1+: empty = no topics
    3: request(null), // v1+: null = all topics
    4: request([topic('orders'), topic('ünïcode')], false),
    5: request(null, true),
  };
  it.each([0, 1, 2, 3, 4, 5])('request v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`metadata-request-v${v}.kafka-python.hex`);
    const { header, body } = decodeRequestFrame(Metadata, cap.bytes);
    expect(header).toEqual({ apiKey: 3, apiVersion: v, correlationId: KP_CORRELATION + v, clientId: KP_CLIENT });
    expect(body).toEqual(requests[v]);
    expect(encodeRequestFrame(Metadata, v, KP_CORRELATION + v, KP_CLIENT, requests[v]!)).toEqual(cap.bytes);
  });

  const partitions = (offline: boolean) => [
    { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: -1, replicaNodes: offline ? [1, 2, 3] : [1, 2], isrNodes: [1, 2], offlineReplicas: offline ? [3] : [] },
    { errorCode: 9, partitionIndex: 1, leaderId: -1, leaderEpoch: -1, replicaNodes: offline ? [2] : [2, 1], isrNodes: [], offlineReplicas: offline ? [2] : [] },
  ];
  const t = (errorCode: number, name: string, isInternal: boolean, parts: ReturnType<typeof partitions>) => ({
    errorCode,
    name,
    topicId: ZERO_UUID,
    isInternal,
    partitions: parts,
    topicAuthorizedOperations: OMITTED,
  });
  const brokers = (withRack: boolean) => [
    { nodeId: 1, host: 'broker-1.example', port: 9092, rack: withRack ? 'rack-a' : null },
    { nodeId: 2, host: 'broker-2.example', port: 19093, rack: null },
  ];
  const responses: Record<number, MetadataResponse> = {
    0: { throttleTimeMs: 0, brokers: brokers(false), clusterId: null, controllerId: -1, topics: [t(0, 'orders', false, partitions(false)), t(3, 'missing', false, [])], clusterAuthorizedOperations: OMITTED },
    1: { throttleTimeMs: 0, brokers: brokers(true), clusterId: null, controllerId: 2, topics: [t(0, 'orders', false, partitions(false)), t(0, '__consumer_offsets', true, [])], clusterAuthorizedOperations: OMITTED },
    2: { throttleTimeMs: 0, brokers: brokers(true), clusterId: 'Zx8qTd-ClusterÜ', controllerId: 1, topics: [t(0, 'orders', false, partitions(false))], clusterAuthorizedOperations: OMITTED },
    3: { throttleTimeMs: 21, brokers: brokers(true), clusterId: null, controllerId: -1, topics: [t(0, 'orders', false, partitions(false))], clusterAuthorizedOperations: OMITTED },
    4: { throttleTimeMs: 28, brokers: brokers(true), clusterId: 'c-4', controllerId: -1, topics: [t(0, 'orders', false, partitions(false))], clusterAuthorizedOperations: OMITTED },
    5: { throttleTimeMs: 0, brokers: brokers(true), clusterId: 'c-5', controllerId: 1, topics: [t(0, 'orders', false, partitions(true)), t(17, 'bad name', false, [])], clusterAuthorizedOperations: OMITTED },
  };
  it.each([0, 1, 2, 3, 4, 5])('response v%i decodes and re-encodes byte for byte', (v) => {
    const cap = loadCapture(`metadata-response-v${v}.kafka-python.hex`);
    const { correlationId, body } = decodeResponseFrame(Metadata, v, cap.bytes);
    expect(correlationId).toBe(KP_CORRELATION + v);
    expect(body).toEqual(responses[v]);
    expect(encodeResponseFrame(Metadata, v, KP_CORRELATION + v, responses[v]!)).toEqual(cap.bytes);
  });
});

describe('Metadata v4: librdkafka 2.0.2 (kcat) requests', () => {
  it.each([
    ['metadata-request-v4.kcat-list.hex', request([], false)], // bootstrap: brokers only
    ['metadata-request-v4.kcat-list-2.hex', request(null, true)], // kcat -L: all topics
    ['metadata-request-v4.kcat-produce.hex', request([topic('orders')], true)], // producer: auto-create allowed
    ['metadata-request-v4.kcat-consume.hex', request([topic('orders')], false)], // consumer: allow.auto.create.topics=false
  ] as const)('%s', (name, expected) => {
    const cap = loadCapture(name);
    const { header, body } = decodeRequestFrame(Metadata, cap.bytes);
    expect(header.clientId).toBe('rdkafka');
    expect(header.apiVersion).toBe(4);
    expect(body).toEqual(expected);
    expect(encodeRequestFrame(Metadata, 4, header.correlationId, 'rdkafka', expected)).toEqual(cap.bytes);
  });
});

describe('Metadata v0-6: kafkajs 2.2.4', () => {
  it.each([0, 1, 2, 3, 4, 5, 6])('request v%i: our frame equals kafkajs’s', async (v) => {
    const args = v >= 4 ? { topics: ['orders', 'logs'], allowAutoTopicCreation: false } : { topics: ['orders', 'logs'] };
    const theirs = await kafkajsRequestFrame('metadata', v, args, 5, 'kafkajs-client');
    const expected = request([topic('orders'), topic('logs')], v >= 4 ? false : true);
    expect(decodeRequestFrame(Metadata, theirs).body).toEqual(expected);
    expect(encodeRequestFrame(Metadata, v, 5, 'kafkajs-client', expected)).toEqual(theirs);
  });
  it.each([1, 4, 6])('request v%i with a null topic list (all topics)', async (v) => {
    // kafkajs passes [] and writeNullableArray turns an empty list into -1 (null) for v1+.
    const theirs = await kafkajsRequestFrame('metadata', v, { topics: [] }, 5, 'k');
    expect(decodeRequestFrame<MetadataRequest>(Metadata, theirs).body.topics).toBeNull();
    expect(encodeRequestFrame(Metadata, v, 5, 'k', request(null))).toEqual(theirs);
  });

  const value: MetadataResponse = {
    throttleTimeMs: 17,
    brokers: [
      { nodeId: 1, host: 'localhost', port: 9092, rack: 'r1' },
      { nodeId: 2, host: '10.0.0.2', port: 9093, rack: null },
    ],
    clusterId: 'mq-cluster',
    controllerId: 2,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [
          { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 4, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [2] },
          { errorCode: 0, partitionIndex: 1, leaderId: 2, leaderEpoch: 4, replicaNodes: [2], isrNodes: [2], offlineReplicas: [] },
        ],
        topicAuthorizedOperations: OMITTED,
      },
      { errorCode: 3, name: 'gone', topicId: ZERO_UUID, isInternal: true, partitions: [], topicAuthorizedOperations: OMITTED },
    ],
    clusterAuthorizedOperations: OMITTED,
  };
  it.each([0, 1, 2, 3, 4, 5, 6])('response v%i encoded by us decodes in kafkajs', async (v) => {
    const decoded = await kafkajsDecodeResponse('metadata', v, responseBody(encodeResponseFrame(Metadata, v, 1, value)));
    expect(decoded.brokers).toEqual(value.brokers.map((b) => (v === 0 ? { nodeId: b.nodeId, host: b.host, port: b.port } : b)));
    const topics = decoded.topicMetadata as Array<Record<string, unknown>>;
    expect(topics.map((t) => [t.topicErrorCode, t.topic])).toEqual([
      [0, 'orders'],
      [3, 'gone'],
    ]);
    if (v >= 1) expect(topics.map((t) => t.isInternal)).toEqual([false, true]);
    const p = (topics[0]!.partitionMetadata as Array<Record<string, unknown>>)[0]!;
    expect(p).toMatchObject({ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2], isr: [1] });
    if (v >= 5) expect(p.offlineReplicas).toEqual([2]);
    if (v >= 1) expect(decoded.controllerId).toBe(2);
    if (v >= 2) expect(decoded.clusterId).toBe('mq-cluster');
    if (v >= 3 && v < 6) expect(decoded.throttleTime).toBe(17);
    if (v === 6) expect(decoded.clientSideThrottleTime).toBe(17);
  });
});

describe('Metadata v7-8 (non-flexible), hand-written from MetadataResponse.json', () => {
  // v8 request: Topics, AllowAutoTopicCreation (4+), IncludeClusterAuthorizedOperations (8-10),
  // IncludeTopicAuthorizedOperations (8+).
  it('request v8', () => {
    const bytes = sized(hex`
      0003 0008 00000003 0002 ${utf8('mq')}          # Metadata v8, correlation 3, client "mq"
      00000001 0006 ${utf8('orders')}                # Topics: [ "orders" ] (INT32 count, INT16 strings)
      01                                             # AllowAutoTopicCreation true
      01                                             # IncludeClusterAuthorizedOperations true
      00                                             # IncludeTopicAuthorizedOperations false
    `);
    const value = { topics: [topic('orders')], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: false };
    expect(decodeRequestFrame(Metadata, bytes).body).toEqual(value);
    expect(encodeRequestFrame(Metadata, 8, 3, 'mq', value)).toEqual(bytes);
  });

  const body = (v: 7 | 8) => hex`
    00000000                                       # ThrottleTimeMs
    00000001                                       # Brokers: 1
      00000001 0009 ${utf8('localhost')} 00002384 ffff   # NodeId 1, Host, Port 9092, Rack null
    ffff                                           # ClusterId null
    00000001                                       # ControllerId 1
    00000001                                       # Topics: 1
      0000 0006 ${utf8('orders')} 00               #   ErrorCode, Name, IsInternal false
      00000001                                     #   Partitions: 1
        0000 00000000 00000001                     #     ErrorCode, PartitionIndex 0, LeaderId 1
        00000007                                   #     LeaderEpoch 7 (v7+)
        00000001 00000001                          #     ReplicaNodes [1]
        00000001 00000001                          #     IsrNodes [1]
        00000000                                   #     OfflineReplicas []
      ${v === 8 ? '00000df8' : ''}                 #   TopicAuthorizedOperations 3576 (v8+)
    ${v === 8 ? '80000000' : ''}                   # ClusterAuthorizedOperations: omitted marker (v8-10)
  `;
  const value = (v: 7 | 8): MetadataResponse => ({
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: null,
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: ZERO_UUID,
        isInternal: false,
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 7, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        topicAuthorizedOperations: v === 8 ? 3576 : OMITTED,
      },
    ],
    clusterAuthorizedOperations: OMITTED,
  });
  it.each([7, 8] as const)('response v%i', (v) => {
    const b = body(v);
    const frame = sized(Buffer.concat([hex`00000063`, b])); // correlation 99
    expect(encodeResponseFrame(Metadata, v, 99, value(v))).toEqual(frame);
    expect(decodeResponseFrame(Metadata, v, frame).body).toEqual(value(v));
  });
});

describe('Metadata v9-12 (flexible), hand-written from MetadataRequest.json / MetadataResponse.json', () => {
  it('request v9: compact nullable topic array, header v2', () => {
    const bytes = sized(hex`
      0003 0009 00000004 0002 ${utf8('mq')} 00          # Metadata v9, correlation 4, client id, header tags
      02 07 ${utf8('orders')} 00                         # Topics: compact [ {Name "orders", no tags} ]
      01 00 01                                           # AllowAutoTopicCreation, IncludeCluster…, IncludeTopic…
      00                                                 # no tagged fields
    `);
    const value = { topics: [topic('orders')], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: true };
    expect(decodeRequestFrame(Metadata, bytes).body).toEqual(value);
    expect(encodeRequestFrame(Metadata, 9, 4, 'mq', value)).toEqual(bytes);
  });
  it('request v9: null topics = all topics (compact length 0)', () => {
    const bytes = sized(hex`0003 0009 00000004 0002 ${utf8('mq')} 00  00  01 00 00  00`);
    expect(decodeRequestFrame<MetadataRequest>(Metadata, bytes).body.topics).toBeNull();
    expect(encodeRequestFrame(Metadata, 9, 4, 'mq', request(null))).toEqual(bytes);
  });

  const id = Buffer.from('5d1d0a4c8f3b4e6a9c2e7b1f0a3d5c6e', 'hex');
  it.each([10, 11, 12])('request v%i: topic by id with a null name; IncludeClusterAuthorizedOperations only through v10', (v) => {
    const bytes = sized(hex`
      0003 000${v.toString(16)} 00000005 0002 ${utf8('mq')} 00   # Metadata v10-12, correlation 5
      02                                                 # Topics: 1
        ${id.toString('hex')}                            #   TopicId (v10+)
        00                                               #   Name: null (nullable v10+)
        00                                               #   tags
      00                                                 # AllowAutoTopicCreation false
      ${v === 10 ? '01' : ''}                            # IncludeClusterAuthorizedOperations (8-10)
      01                                                 # IncludeTopicAuthorizedOperations true
      00                                                 # tags
    `);
    const value = { topics: [topic(null, id)], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: v === 10, includeTopicAuthorizedOperations: true };
    expect(decodeRequestFrame(Metadata, bytes).body).toEqual(value);
    expect(encodeRequestFrame(Metadata, v, 5, 'mq', value)).toEqual(bytes);
  });

  // One response written out per version; the differences are exactly the JSON's version ranges.
  const responseBody = (v: number) => hex`
    00                                             # response header v1: no tagged fields
    00000005                                       # ThrottleTimeMs 5
    02                                             # Brokers: compact, 1
      00000001 0a ${utf8('localhost')} 00002384    #   NodeId 1, Host (compact), Port 9092
      07 ${utf8('rack-a')} 00                      #   Rack "rack-a", no tags
    05 ${utf8('mq-1')}                             # ClusterId "mq-1"
    00000001                                       # ControllerId 1
    03                                             # Topics: 2
      0000 07 ${utf8('orders')}                    #   ErrorCode 0, Name "orders"
      ${v >= 10 ? id.toString('hex') : ''}         #   TopicId (v10+)
      00                                           #   IsInternal false
      02                                           #   Partitions: 1
        0000 00000000 00000001 00000003            #     ErrorCode, Index 0, Leader 1, LeaderEpoch 3
        02 00000001  02 00000001  01               #     ReplicaNodes [1], IsrNodes [1], OfflineReplicas []
        00                                         #     tags
      80000000 00                                  #   TopicAuthorizedOperations omitted; tags
      0064 ${v >= 12 ? '00' : '01'}                #   ErrorCode 100 (UNKNOWN_TOPIC_ID), Name null (v12+) / "" (v9-11)
      ${v >= 10 ? '00000000000000000000000000000000' : ''}  # TopicId zero (v10+)
      00 01 80000000 00                            #   IsInternal, Partitions [], TopicAuthorizedOperations, tags
    ${v <= 10 ? '80000000' : ''}                   # ClusterAuthorizedOperations (8-10 only)
    00                                             # tagged fields
  `;
  const responseValue = (v: number): MetadataResponse => ({
    throttleTimeMs: 5,
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'rack-a' }],
    clusterId: 'mq-1',
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 'orders',
        topicId: v >= 10 ? id : ZERO_UUID,
        isInternal: false,
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        topicAuthorizedOperations: OMITTED,
      },
      { errorCode: 100, name: v >= 12 ? null : '', topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: OMITTED },
    ],
    clusterAuthorizedOperations: OMITTED,
  });
  it.each([9, 10, 11, 12])('response v%i', (v) => {
    const b = responseBody(v);
    const frame = sized(Buffer.concat([hex`0000000b`, b])); // correlation 11
    expect(encodeResponseFrame(Metadata, v, 11, responseValue(v))).toEqual(frame);
    expect(decodeResponseFrame(Metadata, v, frame).body).toEqual(responseValue(v));
  });
  it('a null topic name is rejected before v12', () => {
    expect(() => encodeResponseFrame(Metadata, 11, 1, { ...responseValue(11), topics: [{ ...responseValue(12).topics[1]! }] })).toThrow(/non-nullable/);
  });
});
