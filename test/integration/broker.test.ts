// The broker at the wire level: request ordering, version negotiation, bad input, topic
// lifecycle, and data that survives a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { encodeRequest } from '../../src/protocol/frame.js';
import { ApiVersions, CreatePartitions, CreateTopics, DeleteTopics, Fetch, ListOffsets, Metadata, Produce } from '../../src/protocol/messages/index.js';
import type { ApiVersionsResponse } from '../../src/protocol/messages/18-api-versions.js';
import type { MetadataResponse } from '../../src/protocol/messages/03-metadata.js';
import type { CreateTopicsResponse } from '../../src/protocol/messages/19-create-topics.js';
import type { ProduceResponse } from '../../src/protocol/messages/00-produce.js';
import type { FetchResponse } from '../../src/protocol/messages/01-fetch.js';
import type { ListOffsetsResponse } from '../../src/protocol/messages/02-list-offsets.js';
import type { DeleteTopicsResponse } from '../../src/protocol/messages/20-delete-topics.js';
import type { CreatePartitionsResponse } from '../../src/protocol/messages/37-create-partitions.js';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { loadCapture } from '../protocol/records/load-capture.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../helpers/wire.js';

let b: TestBroker;
const clients: WireClient[] = [];
beforeEach(async () => {
  b = await startTestBroker();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await b.close();
});

async function open(): Promise<WireClient> {
  const c = await WireClient.open(b.port);
  clients.push(c);
  return c;
}

function batch(values: string[], timestamp = 1_700_000_000_000n): Buffer {
  return encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), timestamp })),
    {},
  );
}

async function createTopic(c: WireClient, name: string, partitions: number): Promise<void> {
  const res = await c.request<CreateTopicsResponse>(CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  expect(res.topics[0]!.errorCode).toBe(ErrorCode.NONE);
}

async function produce(c: WireClient, topic: string, partition: number, values: string[], version = 9) {
  const res = await c.request<ProduceResponse>(Produce, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch(values) }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

function fetchBody(topic: string, partition: number, offset: bigint, maxWaitMs = 0, minBytes = 1) {
  return {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
  };
}

function values(records: Buffer | Buffer[] | null): string[] {
  const buf = Array.isArray(records) ? Buffer.concat(records) : (records ?? Buffer.alloc(0));
  return decodeRecordBatches(buf).flatMap((bt) => bt.records.map((r) => r.value!.toString()));
}

describe('broker wire behaviour', () => {
  it('answers pipelined requests in request order', async () => {
    const c = await open();
    await createTopic(c, 'order', 1);
    // A long-polling fetch first, then a metadata request that completes at once: the metadata
    // answer must wait behind the fetch.
    const fetchId = c.send(Fetch, 12, fetchBody('order', 0, 0n, 300, 1));
    const metaId = c.send(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const first = await c.next<FetchResponse>(Fetch, 12);
    const second = await c.next<MetadataResponse>(Metadata, 12);
    expect([first.correlationId, second.correlationId]).toEqual([fetchId, metaId]);
  });

  it('wakes a long-polling fetch when data is appended', async () => {
    const consumer = await open();
    const producer = await open();
    await createTopic(producer, 'poll', 1);
    const pending = consumer.request<FetchResponse>(Fetch, 11, fetchBody('poll', 0, 0n, 30_000, 1));
    await produce(producer, 'poll', 0, ['wake']);
    const res = await pending;
    expect(values(res.responses[0]!.partitions[0]!.records)).toEqual(['wake']);
  });

  it('answers an unknown ApiVersions version with a v0 body carrying UNSUPPORTED_VERSION (KIP-511)', async () => {
    const c = await open();
    const frame = Buffer.concat(encodeRequest(ApiVersions, 3, 7, 'x', { clientSoftwareName: 'a', clientSoftwareVersion: '1' }));
    frame.writeInt16BE(99, 6); // the header's api version field, after size and api key
    c.write(frame);
    const res = await c.next<ApiVersionsResponse>(ApiVersions, 0);
    expect(res.correlationId).toBe(7);
    expect(res.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(res.body.apiKeys.find((k) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
  });

  it('advertises exactly the served ranges', async () => {
    const c = await open();
    const res = await c.request<ApiVersionsResponse>(ApiVersions, 3, { clientSoftwareName: 'mq-test', clientSoftwareVersion: '1.0' });
    const ranges = Object.fromEntries(res.apiKeys.map((k) => [k.apiKey, `${k.minVersion}-${k.maxVersion}`]));
    expect(ranges).toEqual({
      0: '0-9', 1: '4-12', 2: '1-9', 3: '0-12', 8: '0-9', 9: '0-9', 10: '0-5', 11: '0-9', 12: '0-4', 13: '0-5', 14: '0-5', 15: '0-5', 16: '0-5',
      18: '0-3', 19: '2-7', 20: '1-6', 21: '0-2', 22: '0-5', 32: '0-4', 33: '0-2', 35: '0-4', 37: '0-3', 42: '0-2', 44: '0-1', 47: '0-0', 60: '0-1',
    });
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const bad = await open();
    const good = await open();
    // A Metadata v1 header whose body claims a topic array longer than the frame.
    const garbage = Buffer.from([0, 0, 0, 14, 0, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0x7f, 0xff, 0xff, 0xff]);
    bad.write(garbage);
    await bad.closed;
    const res = await good.request<MetadataResponse>(Metadata, 1, { topics: null });
    expect(res.brokers).toHaveLength(1);
  });

  it('refuses a frame above socket.request.max.bytes from its size prefix alone', async () => {
    const c = await open();
    const size = Buffer.alloc(4);
    size.writeInt32BE(200 * 1024 * 1024);
    c.write(size);
    await c.closed;
  });

  it('closes on an unknown API key and on an unsupported version of another API', async () => {
    const c1 = await open();
    c1.write(Buffer.from([0, 0, 0, 10, 0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0xff, 0xff]));
    await c1.closed;
    const c2 = await open();
    const frame = Buffer.concat(encodeRequest(Metadata, 1, 1, null, { topics: null }));
    frame.writeInt16BE(40, 6);
    c2.write(frame);
    await c2.closed;
  });
});

describe('topics and data', () => {
  it('produces, fetches from inside a batch, and lists offsets by time', async () => {
    const c = await open();
    await createTopic(c, 'data', 2);
    const first = await produce(c, 'data', 1, ['a', 'b', 'c']);
    const second = await produce(c, 'data', 1, ['d'], 3);
    expect(first.baseOffset).toBe(0n);
    expect(second.baseOffset).toBe(3n);
    const res = await c.request<FetchResponse>(Fetch, 4, fetchBody('data', 1, 1n));
    const p = res.responses[0]!.partitions[0]!;
    expect(p.highWatermark).toBe(4n);
    // Whole batches come back, starting with the one that holds offset 1.
    expect(values(p.records)).toEqual(['a', 'b', 'c', 'd']);

    const offsets = await c.request<ListOffsetsResponse>(ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 'data', partitions: [{ partitionIndex: 1, timestamp: -2n }, { partitionIndex: 0, timestamp: -1n }] }],
    });
    expect(offsets.topics[0]!.partitions.map((x) => x.offset)).toEqual([0n, 0n]);
  });

  it("answers ListOffsets' special timestamps by version, and a partition named twice with INVALID_REQUEST", async () => {
    const c = await open();
    await createTopic(c, 'times', 1);
    await produce(c, 'times', 0, ['a', 'b']);
    const ask = async (version: number, timestamps: bigint[]) => {
      const res = await c.request<ListOffsetsResponse>(ListOffsets, version, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'times', partitions: timestamps.map((timestamp) => ({ partitionIndex: 0, currentLeaderEpoch: -1, timestamp })) }],
      });
      return res.topics[0]!.partitions.map((x) => [x.errorCode, x.offset]);
    };
    // AK ReplicaManager: -3 needs v7, -4 v8, -5 v9, other negative values are never allowed.
    expect(await ask(6, [-3n])).toEqual([[ErrorCode.UNSUPPORTED_VERSION, -1n]]);
    expect(await ask(7, [-4n])).toEqual([[ErrorCode.UNSUPPORTED_VERSION, -1n]]);
    expect(await ask(8, [-4n])).toEqual([[ErrorCode.NONE, 0n]]);
    expect(await ask(8, [-5n])).toEqual([[ErrorCode.UNSUPPORTED_VERSION, -1n]]);
    // Nothing is tiered: the latest tiered offset is -1, as Kafka answers without remote storage.
    expect(await ask(9, [-5n])).toEqual([[ErrorCode.NONE, -1n]]);
    expect(await ask(9, [-6n])).toEqual([[ErrorCode.UNSUPPORTED_VERSION, -1n]]);
    expect(await ask(9, [-1n, -2n])).toEqual([
      [ErrorCode.INVALID_REQUEST, -1n],
      [ErrorCode.INVALID_REQUEST, -1n],
    ]);
  });

  it('reports an out-of-range fetch and an empty partition with empty records, not null', async () => {
    const c = await open();
    await createTopic(c, 'empty', 1);
    const res = await c.request<FetchResponse>(Fetch, 12, fetchBody('empty', 0, 0n));
    expect(res.responses[0]!.partitions[0]!.records).toEqual(Buffer.alloc(0));
    const out = await c.request<FetchResponse>(Fetch, 12, fetchBody('empty', 0, 5n));
    expect(out.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('up-converts Produce v0-2 message sets (kafka-python\'s bytes) to RecordBatch v2', async () => {
    const c = await open();
    await createTopic(c, 'legacy', 1);
    const sets = ['legacy-v0-plain', 'legacy-v1-gzip', 'legacy-v1-snappy'].map((name) => loadCapture(name));
    for (const [version, set] of sets.entries()) {
      const res = await c.request<ProduceResponse>(Produce, version, {
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: Buffer.from(set.bytes) }] }],
      });
      expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
    }
    const res = await c.request<FetchResponse>(Fetch, 12, fetchBody('legacy', 0, 0n));
    const records = Array.isArray(res.responses[0]!.partitions[0]!.records) ? Buffer.concat(res.responses[0]!.partitions[0]!.records) : res.responses[0]!.partitions[0]!.records!;
    const batches = decodeRecordBatches(records);
    // One v2 batch per request, compressed like the producer's wrapper, records in order.
    expect(batches.map((b) => [b.header.magic, b.compression])).toEqual([[2, 'none'], [2, 'gzip'], [2, 'snappy']]);
    const expected = sets.flatMap((set) => set.expected.flatMap((e) => e.records));
    const got = batches.flatMap((b) => b.records);
    expect(got.map((r) => r.value?.toString('base64') ?? null)).toEqual(expected.map((r) => r.value));
    expect(got.map((r) => r.offset)).toEqual(got.map((_, i) => BigInt(i)));
  });

  it('refuses v2 batches in Produce v2 and client writes to internal topics', async () => {
    const c = await open();
    await createTopic(c, 'v2-in-old', 1);
    const old = await c.request<ProduceResponse>(Produce, 2, {
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'v2-in-old', partitionData: [{ index: 0, records: batch(['x']) }] }],
    });
    expect(old.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_RECORD);
    const internal = await produce(c, '__consumer_offsets', 0, ['x']);
    expect(internal.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('rejects a corrupted batch with CORRUPT_MESSAGE and keeps serving', async () => {
    const c = await open();
    await createTopic(c, 'crc', 1);
    const bad = batch(['x']);
    bad[bad.length - 1] ^= 0xff;
    const res = await c.request<ProduceResponse>(Produce, 8, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'crc', partitionData: [{ index: 0, records: bad }] }],
    });
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce(c, 'crc', 0, ['ok'])).errorCode).toBe(ErrorCode.NONE);
  });

  it('creates, grows and deletes topics with Kafka\'s errors', async () => {
    const c = await open();
    await createTopic(c, 'life', 1);
    const dup = await c.request<CreateTopicsResponse>(CreateTopics, 4, {
      topics: [
        { name: 'life', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'bad name', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'rf', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
        { name: 'cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such.config', value: '1' }] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(dup.topics.map((t) => t.errorCode)).toEqual([
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_CONFIG,
    ]);
    const grow = await c.request<CreatePartitionsResponse>(CreatePartitions, 3, {
      topics: [{ name: 'life', count: 4, assignments: null }, { name: 'life2', count: 2, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(grow.results.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const meta = await c.request<MetadataResponse>(Metadata, 9, { topics: [{ name: 'life' }], allowAutoTopicCreation: false });
    expect(meta.topics[0]!.partitions).toHaveLength(4);
    const del = await c.request<DeleteTopicsResponse>(DeleteTopics, 6, { topics: [{ name: 'life', topicId: Buffer.alloc(16) }], timeoutMs: 1000 });
    expect(del.responses[0]!.errorCode).toBe(ErrorCode.NONE);
    const gone = await c.request<MetadataResponse>(Metadata, 4, { topics: [{ name: 'life' }], allowAutoTopicCreation: false });
    expect(gone.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('auto-creates topics on Metadata unless the request or the broker forbids it', async () => {
    const c = await open();
    const auto = await c.request<MetadataResponse>(Metadata, 12, { topics: [{ topicId: Buffer.alloc(16), name: 'auto' }], allowAutoTopicCreation: true });
    expect(auto.topics[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(auto.topics[0]!.topicId).not.toEqual(Buffer.alloc(16));
    const no = await c.request<MetadataResponse>(Metadata, 12, { topics: [{ topicId: Buffer.alloc(16), name: 'not-auto' }], allowAutoTopicCreation: false });
    expect(no.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('keeps topics, ids and data across a restart', async () => {
    const c = await open();
    await createTopic(c, 'durable', 2);
    await produce(c, 'durable', 1, ['kept']);
    const before = await c.request<MetadataResponse>(Metadata, 10, { topics: null, allowAutoTopicCreation: false });
    c.close();
    await b.stop();
    b = await startTestBroker({}, b.dir);
    const c2 = await open();
    const after = await c2.request<MetadataResponse>(Metadata, 10, { topics: null, allowAutoTopicCreation: false });
    expect(after.topics.map((t) => [t.name, t.topicId.toString('hex'), t.partitions.length])).toEqual(
      before.topics.map((t) => [t.name, t.topicId.toString('hex'), t.partitions.length]),
    );
    expect(after.clusterId).toBe(before.clusterId);
    const res = await c2.request<FetchResponse>(Fetch, 12, fetchBody('durable', 1, 0n));
    expect(values(res.responses[0]!.partitions[0]!.records)).toEqual(['kept']);
  });
});
