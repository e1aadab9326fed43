import { afterEach, describe, expect, it } from 'vitest';
import { Admin } from '../../src/client/admin.js';
import { topicIdFromString, topicIdToString } from '../../src/client/topic-id.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../src/protocol/messages/19-create-topics.js';
import type { DeleteTopicsRequest } from '../../src/protocol/messages/20-delete-topics.js';
import type { DeleteRecordsRequest } from '../../src/protocol/messages/21-delete-records.js';
import type { CreatePartitionsRequest } from '../../src/protocol/messages/37-create-partitions.js';
import type { MetadataResponse } from '../../src/protocol/messages/03-metadata.js';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { FakeCluster } from './fake-broker.js';

let cluster: FakeCluster;
let admin: Admin | undefined;

afterEach(async () => {
  await admin?.close();
  admin = undefined;
  await cluster?.close();
});

async function setup(nodes = 1): Promise<Admin> {
  cluster = await FakeCluster.start(nodes);
  admin = new Admin({ bootstrapServers: [cluster.bootstrap], retryBackoffMs: 5 });
  return admin;
}

describe('topic ids', () => {
  it("use Kafka's Uuid text form: base64url without padding", () => {
    const id = Buffer.from('911ddb665d72421d90dd99e14b406c6f', 'hex');
    expect(topicIdToString(id)).toBe('kR3bZl1yQh2Q3ZnhS0Bsbw');
    expect(topicIdFromString('kR3bZl1yQh2Q3ZnhS0Bsbw').equals(id)).toBe(true);
    expect(topicIdToString(Buffer.alloc(16))).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(() => topicIdFromString('kR3bZl1yQh2Q3ZnhS0Bsb')).toThrow(/22 base64url/);
    expect(() => topicIdFromString('kR3bZl1yQh2Q3ZnhS0Bsb+')).toThrow(/22 base64url/);
    expect(() => topicIdFromString('kR3bZl1yQh2Q3ZnhS0Bsbx')).toThrow(/canonical/);
  });
});

describe('Admin', () => {
  it('createTopics sends what was asked and reports per-topic results', async () => {
    const a = await setup();
    const b = cluster.brokers[0]!;
    b.handlers.set(19, (req) => {
      const body = req.body as CreateTopicsRequest;
      return {
        throttleTimeMs: 0,
        topics: body.topics.map((t) =>
          t.name === 'exists'
            ? { name: t.name, topicId: Buffer.alloc(16), errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: "Topic 'exists' already exists.", topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: null }
            : { name: t.name, topicId: Buffer.alloc(16, 1), errorCode: 0, errorMessage: null, topicConfigErrorCode: 0, numPartitions: t.numPartitions < 0 ? 1 : t.numPartitions, replicationFactor: 1, configs: [] },
        ),
      } satisfies CreateTopicsResponse;
    });
    const results = await a.createTopics(
      [
        { name: 'new', numPartitions: 3, configs: { 'cleanup.policy': 'compact' } },
        { name: 'exists' },
        { name: 'placed', assignments: [{ partition: 0, brokerIds: [0] }], numPartitions: 5 },
      ],
      { timeoutMs: 1234 },
    );
    const sent = b.requests(19)[0]!;
    expect(sent.version).toBe(7);
    expect(sent.body).toMatchObject({
      timeoutMs: 1234,
      validateOnly: false,
      topics: [
        { name: 'new', numPartitions: 3, replicationFactor: -1, configs: [{ name: 'cleanup.policy', value: 'compact' }], assignments: [] },
        { name: 'exists', numPartitions: -1, replicationFactor: -1 },
        { name: 'placed', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0] }] },
      ],
    });
    expect(results[0]).toEqual({ name: 'new', topicId: topicIdToString(Buffer.alloc(16, 1)), numPartitions: 3, replicationFactor: 1, error: null });
    expect(results[1]!.error).toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS', message: "Topic with this name already exists. Topic 'exists' already exists." });
    expect(results[2]!.name).toBe('placed');
  });

  it('retries topics that failed with NOT_CONTROLLER', async () => {
    const a = await setup();
    let first = true;
    cluster.brokers[0]!.handlers.set(19, (req) => {
      const body = req.body as CreateTopicsRequest;
      const errorCode = first ? ErrorCode.NOT_CONTROLLER : 0;
      first = false;
      return { throttleTimeMs: 0, topics: body.topics.map((t) => ({ name: t.name, topicId: Buffer.alloc(16), errorCode, errorMessage: null, topicConfigErrorCode: 0, numPartitions: 1, replicationFactor: 1, configs: [] })) };
    });
    const [r] = await a.createTopics([{ name: 't' }]);
    expect(r!.error).toBeNull();
    expect(cluster.brokers[0]!.requests(19)).toHaveLength(2);
  });

  it('deleteTopics names topics the way the negotiated version expects', async () => {
    const a = await setup();
    const b = cluster.brokers[0]!;
    b.versions.set(20, { min: 1, max: 5 });
    b.handlers.set(20, (req) => ({
      throttleTimeMs: 0,
      responses: (req.body as DeleteTopicsRequest).topicNames.map((name) => ({ name, topicId: Buffer.alloc(16), errorCode: name === 'x' ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : 0, errorMessage: null })),
    }));
    const results = await a.deleteTopics(['a', 'x']);
    expect(b.requests(20)[0]!.version).toBe(5);
    expect(b.requests(20)[0]!.body.topicNames).toEqual(['a', 'x']);
    expect(results.map((r) => [r.name, r.error?.errorName ?? null])).toEqual([
      ['a', null],
      ['x', 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
  });

  it('listTopics sorts names and leaves out internal topics unless asked', async () => {
    const a = await setup();
    cluster.addTopic('zeta', 1);
    cluster.addTopic('alpha', 1);
    cluster.addTopic('__consumer_offsets', 1);
    const b = cluster.brokers[0]!;
    const metadata = b.handlers.get(3)!;
    b.handlers.set(3, async (req, broker) => {
      const res = (await metadata(req, broker)) as MetadataResponse;
      for (const t of res.topics) t.isInternal = t.name === '__consumer_offsets';
      return res;
    });
    expect(await a.listTopics()).toEqual(['alpha', 'zeta']);
    expect(await a.listTopics({ includeInternal: true })).toEqual(['__consumer_offsets', 'alpha', 'zeta']);
  });

  it('describeTopics reports partitions, topic ids and per-topic errors', async () => {
    const a = await setup(2);
    cluster.addTopic('t', 3);
    const [t, missing] = await a.describeTopics(['t', 'missing']);
    expect(t).toMatchObject({ name: 't', topicId: topicIdToString(cluster.topicIds.get('t')!), isInternal: false, error: null });
    expect(t!.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
      [0, 0, [0], [0]],
      [1, 1, [1], [1]],
      [2, 0, [0], [0]],
    ]);
    expect(missing!.error).toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect((await a.describeTopics()).map((d) => d.name)).toEqual(['t']);
  });

  it('createPartitions sends the new total', async () => {
    const a = await setup();
    const b = cluster.brokers[0]!;
    b.handlers.set(37, (req) => ({
      throttleTimeMs: 0,
      results: (req.body as CreatePartitionsRequest).topics.map((t) => ({ name: t.name, errorCode: t.count < 2 ? ErrorCode.INVALID_PARTITIONS : 0, errorMessage: null })),
    }));
    const results = await a.createPartitions([
      { topic: 'a', count: 4 },
      { topic: 'b', count: 1 },
    ]);
    expect(b.requests(37)[0]!.body.topics).toEqual([
      { name: 'a', count: 4, assignments: null },
      { name: 'b', count: 1, assignments: null },
    ]);
    expect(results.map((r) => r.error?.errorName ?? null)).toEqual([null, 'INVALID_PARTITIONS']);
  });

  it('listOffsets asks each partition leader and keeps the order asked', async () => {
    const a = await setup(2);
    cluster.addTopic('t', 2);
    const batch = encodeRecordBatch([{ key: null, value: null, timestamp: 1n }, { key: null, value: null, timestamp: 2n }]);
    cluster.append('t', 1, batch);
    const results = await a.listOffsets([
      { topic: 't', partition: 1, timestamp: -1n },
      { topic: 't', partition: 0, timestamp: -1n },
      { topic: 't', partition: 1, timestamp: -2n },
      { topic: 'nope', partition: 0, timestamp: -1n },
    ]);
    expect(results.map((r) => [r.topic, r.partition, r.offset, r.error?.errorName ?? null])).toEqual([
      ['t', 1, 2n, null],
      ['t', 0, 0n, null],
      ['t', 1, 0n, null],
      ['nope', 0, -1n, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    // Partition 0 is led by broker 0, partition 1 by broker 1, which is asked twice because
    // one request may not name a partition twice.
    expect(cluster.brokers[0]!.requests(2)).toHaveLength(1);
    expect(cluster.brokers[1]!.requests(2)).toHaveLength(2);
  });

  it('listOffsets refuses a timestamp the broker has no version for, as the Java client does, and sends the rest', async () => {
    const a = await setup(1);
    cluster.addTopic('t', 1);
    cluster.brokers[0]!.versions.set(ApiKey.ListOffsets, { min: 1, max: 7 });
    const results = await a.listOffsets([
      { topic: 't', partition: 0, timestamp: -4n },
      { topic: 't', partition: 0, timestamp: -3n },
    ]);
    expect(results.map((r) => r.error?.errorName ?? null)).toEqual(['UNSUPPORTED_VERSION', null]);
    expect(results[0]!.error!.message).toContain('ListOffsets v8 is needed for t-0; the broker speaks up to v7');
    // Only the max-timestamp query went out.
    expect(cluster.brokers[0]!.requests(2).map((r) => (r.body as { topics: Array<{ partitions: Array<{ timestamp: bigint }> }> }).topics[0]!.partitions[0]!.timestamp)).toEqual([-3n]);
  });

  it('deleteRecords asks each leader, retries a retriable error, and answers a repeated partition in its own round', async () => {
    const a = await setup(2);
    cluster.addTopic('t', 2);
    let notLeader = 1;
    for (const b of cluster.brokers) {
      b.handlers.set(21, (req) => {
        const body = req.body as DeleteRecordsRequest;
        return {
          throttleTimeMs: 0,
          topics: body.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) =>
              p.partitionIndex === 0 && notLeader-- > 0
                ? { partitionIndex: 0, lowWatermark: -1n, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }
                : p.offset > 100n
                  ? { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }
                  : { partitionIndex: p.partitionIndex, lowWatermark: p.offset, errorCode: 0 },
            ),
          })),
        };
      });
    }
    const results = await a.deleteRecords([
      { topic: 't', partition: 1, offset: 5n },
      { topic: 't', partition: 0, offset: 3n },
      { topic: 't', partition: 1, offset: 7n },
      { topic: 't', partition: 1, offset: 200n },
      { topic: 'nope', partition: 0, offset: 1n },
    ]);
    expect(results.map((r) => [r.topic, r.partition, r.lowWatermark, r.error?.errorName ?? null])).toEqual([
      ['t', 1, 5n, null],
      ['t', 0, 3n, null],
      ['t', 1, 7n, null],
      ['t', 1, -1n, 'OFFSET_OUT_OF_RANGE'],
      ['nope', 0, -1n, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    // Tools print the bare Kafka message: the result names the partition.
    expect(results[3]!.error!.message).toBe('The requested offset is not within the range of offsets maintained by the server.');
    // Partition 0 (broker 0) was asked again after NOT_LEADER_OR_FOLLOWER; partition 1 (broker 1)
    // once per round, since one request may not name a partition twice.
    expect(cluster.brokers[0]!.requests(21)).toHaveLength(2);
    expect(cluster.brokers[1]!.requests(21).map((r) => (r.body as DeleteRecordsRequest).topics[0]!.partitions)).toEqual([
      [{ partitionIndex: 1, offset: 5n }],
      [{ partitionIndex: 1, offset: 7n }],
      [{ partitionIndex: 1, offset: 200n }],
    ]);
  });

  it('describeCluster falls back to Metadata for brokers without DescribeCluster', async () => {
    const a = await setup(2);
    for (const b of cluster.brokers) b.versions.delete(ApiKey.DescribeCluster);
    expect(await a.describeCluster()).toEqual({
      clusterId: 'fake-cluster',
      controllerId: 0,
      brokers: cluster.brokers.map((b, i) => ({ nodeId: i, host: '127.0.0.1', port: b.port, rack: null })),
    });
    expect(cluster.brokers.flatMap((b) => b.log.filter((r) => r.apiKey === 60))).toEqual([]);
  });

  it('describeCluster: DescribeCluster when advertised, brokers sorted by id', async () => {
    const a = await setup(1);
    cluster.brokers[0]!.handlers.set(60, () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: 'dc',
      controllerId: 7,
      brokers: [
        { brokerId: 7, host: 'h7', port: 7, rack: 'r' },
        { brokerId: 2, host: 'h2', port: 2, rack: null },
      ],
      clusterAuthorizedOperations: -2147483648,
    }));
    expect(await a.describeCluster()).toEqual({
      clusterId: 'dc',
      controllerId: 7,
      brokers: [
        { nodeId: 2, host: 'h2', port: 2, rack: null },
        { nodeId: 7, host: 'h7', port: 7, rack: 'r' },
      ],
    });
  });

  it('fails with MQ_ERR_CONNECTION when no bootstrap server answers', async () => {
    cluster = await FakeCluster.start(1);
    const port = cluster.brokers[0]!.port;
    await cluster.close();
    admin = new Admin({ bootstrapServers: [`127.0.0.1:${port}`], retries: 1, retryBackoffMs: 1 });
    await expect(admin.listTopics()).rejects.toMatchObject({ code: 'MQ_ERR_CONNECTION' });
  });
});
