import { afterEach, describe, expect, it, vi } from 'vitest';
import { Partitioners } from 'kafkajs';
import { Producer, type ProducerConfig } from '../../src/client/producer.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js';
import { murmur2, toPositive } from '../../src/protocol/records/murmur2.js';
import type { ProduceRequest } from '../../src/protocol/messages/00-produce.js';
import type { MetadataResponse } from '../../src/protocol/messages/03-metadata.js';
import { FakeCluster } from './fake-broker.js';

let cluster: FakeCluster;
let producer: Producer | undefined;

afterEach(async () => {
  await producer?.close();
  producer = undefined;
  await cluster?.close();
});

async function setup(topics: Record<string, number>, nodes = 1, config: Partial<ProducerConfig> = {}): Promise<Producer> {
  cluster = await FakeCluster.start(nodes);
  // The producer is idempotent by default (acks -1): every broker hands out producer ids.
  let nextProducerId = 1000n;
  for (const b of cluster.brokers) b.handlers.set(22, () => ({ throttleTimeMs: 0, errorCode: 0, producerId: nextProducerId++, producerEpoch: 0 }));
  for (const [name, n] of Object.entries(topics)) cluster.addTopic(name, n);
  producer = new Producer({ bootstrapServers: [cluster.bootstrap], retryBackoffMs: 10, ...config });
  return producer;
}

function produceRequests(): ProduceRequest[] {
  return cluster.brokers.flatMap((b) => b.requests(0).map((r) => r.body as ProduceRequest));
}

describe('Producer: partitioning', () => {
  // AK clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java testMurmur2.
  const vectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];

  it('puts keyed records where the Java client puts them (murmur2 vectors)', async () => {
    const p = await setup({ t: 7 }, 1, { lingerMs: 0 });
    for (const [key, hash] of vectors) {
      const meta = await p.send({ topic: 't', key, value: 'v' });
      expect(meta.partition).toBe(toPositive(hash) % 7);
      expect(murmur2(Buffer.from(key))).toBe(hash);
    }
  });

  it('agrees with kafkajs JavaCompatiblePartitioner over many keys and partition counts', async () => {
    const p = await setup({ p3: 3, p10: 10 }, 1, { lingerMs: 1 });
    const kafkajs = Partitioners.JavaCompatiblePartitioner();
    const sends: Array<Promise<unknown>> = [];
    for (const [topic, n] of [
      ['p3', 3],
      ['p10', 10],
    ] as const) {
      const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      for (let i = 0; i < 200; i++) {
        const key = `key-${i}-${'x'.repeat(i % 13)}`;
        const expected = kafkajs({ topic, partitionMetadata, message: { key, value: null } });
        sends.push(p.send({ topic, key, value: null }).then((m) => expect(m.partition).toBe(expected)));
      }
    }
    await Promise.all(sends);
  });

  it('sticks null-key records to one partition until its batch is sent, then moves on', async () => {
    const p = await setup({ t: 4 }, 1, { lingerMs: 20 });
    const first = await Promise.all(Array.from({ length: 50 }, () => p.send({ topic: 't', value: 'x' })));
    expect(new Set(first.map((m) => m.partition)).size).toBe(1);
    const second = await Promise.all(Array.from({ length: 50 }, () => p.send({ topic: 't', value: 'x' })));
    expect(new Set(second.map((m) => m.partition)).size).toBe(1);
    expect(second[0]!.partition).not.toBe(first[0]!.partition);
  });

  it('switches the sticky partition when the batch fills, so each batch stays whole', async () => {
    const p = await setup({ t: 3 }, 1, { lingerMs: 200, batchSize: 1000 });
    const metas = await Promise.all(Array.from({ length: 40 }, () => p.send({ topic: 't', value: Buffer.alloc(100) })));
    // ~8 records of 110 bytes fill a 1000-byte batch; consecutive runs share a partition.
    const runs: number[] = [];
    for (const m of metas) if (runs[runs.length - 1] !== m.partition) runs.push(m.partition);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const r of produceRequests()) for (const t of r.topicData) for (const pd of t.partitionData) expect((pd.records as Buffer).length).toBeLessThanOrEqual(1000);
  });

  it('honours an explicit partition and a custom partitioner, and rejects partitions that do not exist', async () => {
    const p = await setup({ t: 3 }, 1, { lingerMs: 0 });
    expect((await p.send({ topic: 't', partition: 2, key: 'k', value: 'v' })).partition).toBe(2);
    await expect(p.send({ topic: 't', partition: 3, value: 'v' })).rejects.toMatchObject({ code: 'MQ_ERR_INVALID_ARGUMENT' });
    await producer!.close();
    producer = new Producer({ bootstrapServers: [cluster.bootstrap], lingerMs: 0, partitioner: (_k, n) => n - 1 });
    expect((await producer.send({ topic: 't', key: 'k', value: 'v' })).partition).toBe(2);
  });
});

describe('Producer: batching', () => {
  it('sends one Produce request per broker per drain with a batch for every ready partition', async () => {
    const p = await setup({ t: 3 }, 1, { lingerMs: 20 });
    const metas = await Promise.all(Array.from({ length: 30 }, (_, i) => p.send({ topic: 't', partition: i % 3, key: `k${i}`, value: `v${i}` })));
    const reqs = produceRequests();
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.topicData[0]!.partitionData.map((d) => d.index).sort()).toEqual([0, 1, 2]);
    for (const d of reqs[0]!.topicData[0]!.partitionData) {
      const batches = decodeRecordBatches(d.records as Buffer);
      expect(batches).toHaveLength(1);
      expect(batches[0]!.records.map((r) => r.value!.toString())).toEqual(Array.from({ length: 10 }, (_, j) => `v${j * 3 + d.index}`));
    }
    // Offsets per partition count up in send order.
    for (let part = 0; part < 3; part++) {
      expect(metas.filter((m) => m.partition === part).map((m) => m.offset)).toEqual(Array.from({ length: 10 }, (_, j) => BigInt(j)));
    }
  });

  it('fills batches up to batchSize and never past it, with headers and across timestamps', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 20, batchSize: 1000 });
    const base = Date.now();
    const metas = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        p.send({ topic: 't', value: Buffer.alloc(90, i), timestamp: base + (i % 7) * 3_000_000_000, headers: i % 5 === 0 ? { 'h-é': `x${i}` } : undefined }),
      ),
    );
    const sizes = produceRequests().flatMap((r) => r.topicData[0]!.partitionData.map((d) => (d.records as Buffer).length));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
    // Each batch but the last is within a record of full.
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(1000 - 140);
    expect(metas.map((m) => m.timestamp)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(base + (i % 7) * 3_000_000_000)));
    const records = cluster.records('t', 0);
    expect(records).toHaveLength(200);
    expect(records.map((r) => r.timestamp)).toEqual(metas.map((m) => m.timestamp));
    expect(records[5]!.headers).toEqual([{ key: 'h-é', value: Buffer.from('x5') }]);
    expect(records[6]!.headers).toEqual([]);
  });

  it('routes each partition to its leader: one request per broker', async () => {
    const p = await setup({ t: 4 }, 2, { lingerMs: 20 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => p.send({ topic: 't', partition: i % 4, value: 'v' })));
    for (const [nodeId, b] of cluster.brokers.entries()) {
      const reqs = b.requests(0).map((r) => r.body as ProduceRequest);
      expect(reqs).toHaveLength(1);
      expect(reqs[0]!.topicData[0]!.partitionData.map((d) => d.index).sort()).toEqual([0, 1, 2, 3].filter((x) => x % 2 === nodeId));
    }
  });

  it('waits lingerMs before sending a batch that is not full', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 150 });
    await p.connect();
    const started = Date.now();
    const sent = p.send({ topic: 't', value: 'v' });
    await new Promise((r) => setTimeout(r, 50));
    expect(produceRequests()).toHaveLength(0);
    await sent;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('sends a full batch without waiting for linger, keeping batches under batchSize', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 60000, batchSize: 2000 });
    const sends = Array.from({ length: 100 }, (_, i) => p.send({ topic: 't', value: Buffer.alloc(100, i) }));
    // ~17 records of ~110 bytes fill a batch: the first 50 are in full batches, sent at once.
    const early = await Promise.all(sends.slice(0, 50));
    expect(early.map((m) => m.offset)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    await p.flush();
    const sizes = produceRequests().flatMap((r) => r.topicData[0]!.partitionData.map((d) => (d.records as Buffer).length));
    for (const s of sizes) expect(s).toBeLessThanOrEqual(2000);
    expect(cluster.records('t', 0).map((r) => r.value![0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('flush() sends lingering batches at once and waits for their acknowledgement', async () => {
    const p = await setup({ t: 2 }, 1, { lingerMs: 60000 });
    await p.connect();
    const sends = Array.from({ length: 10 }, (_, i) => p.send({ topic: 't', partition: i % 2, value: `v${i}` }));
    await p.flush();
    expect(cluster.records('t', 0)).toHaveLength(5);
    expect(cluster.records('t', 1)).toHaveLength(5);
    await Promise.all(sends);
  });

  it('pipelines up to maxInFlightRequests requests per broker', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0, batchSize: 100, maxInFlightRequests: 3 });
    // The fake answers in order, one at a time; what it has received but not yet answered
    // is what the producer has in flight.
    let answered = 0;
    let maxSeen = 0;
    const b = cluster.brokers[0]!;
    const produce = b.handlers.get(0)!;
    b.handlers.set(0, async (req, broker) => {
      await new Promise((r) => setTimeout(r, 20));
      maxSeen = Math.max(maxSeen, b.requests(0).length - answered);
      answered++;
      return produce(req, broker);
    });
    await p.connect();
    await Promise.all(Array.from({ length: 20 }, () => p.send({ topic: 't', value: Buffer.alloc(90) })));
    expect(maxSeen).toBe(3);
    expect(cluster.records('t', 0)).toHaveLength(20);
  });

  it('encodes headers, timestamps and gzip compression into the batch', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0, compression: 'gzip' });
    const meta = await p.send({ topic: 't', key: 'k', value: 'v', headers: { a: 'x', b: null }, timestamp: 1234 });
    expect(meta).toEqual({ topic: 't', partition: 0, offset: 0n, timestamp: 1234n });
    const batch = decodeRecordBatches(cluster.logs.get('t-0')!.batches[0]!)[0]!;
    expect(batch.compression).toBe('gzip');
    expect(batch.records[0]!.headers).toEqual([
      { key: 'a', value: Buffer.from('x') },
      { key: 'b', value: null },
    ]);
    expect(batch.records[0]!.timestamp).toBe(1234n);
  });
});

describe('Producer: full batches compressed in the background', () => {
  it.each(['lz4', 'snappy', 'gzip', 'zstd'] as const)('%s: every record once, in order, with consecutive sequences', async (compression) => {
    // Small batches fill up during the sends, so most are compressed on the thread pool while
    // later records are encoded; the last ones go at linger time, compressed when built.
    const p = await setup({ t: 1 }, 1, { lingerMs: 20, batchSize: 2048, compression });
    const values = Array.from({ length: 600 }, (_, i) => `value ${i} `.repeat(3));
    const metas = await Promise.all(values.map((value) => p.send({ topic: 't', partition: 0, value })));
    expect(metas.map((m) => m.offset)).toEqual(values.map((_, i) => BigInt(i)));
    const batches = cluster.logs.get('t-0')!.batches.map((b) => decodeRecordBatches(b)[0]!);
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.every((b) => b.compression === compression)).toBe(true);
    expect(batches.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(values);
    let next = 0;
    for (const b of batches) {
      expect(b.header.baseSequence).toBe(next);
      next += b.records.length;
    }
  });
});

describe('Producer: acks, errors and retries', () => {
  it('acks=0 resolves with offset -1 and expects no response', async () => {
    const p = await setup({ t: 1 }, 1, { acks: 0, lingerMs: 0 });
    const meta = await p.send({ topic: 't', value: 'v' });
    expect(meta.offset).toBe(-1n);
    await vi.waitFor(() => expect(cluster.records('t', 0)).toHaveLength(1));
    expect(produceRequests()[0]!.acks).toBe(0);
  });

  it('retries retriable errors, refreshing metadata after NOT_LEADER_OR_FOLLOWER', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0 });
    cluster.produceErrors.set('t-0', [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.REQUEST_TIMED_OUT]);
    const before = cluster.brokers[0]!.requests(3).length;
    const meta = await p.send({ topic: 't', value: 'v' });
    expect(meta.offset).toBe(0n);
    expect(produceRequests()).toHaveLength(3);
    expect(cluster.brokers[0]!.requests(3).length).toBeGreaterThan(before);
  });

  it('follows a partition whose leader moved to another broker', async () => {
    const p = await setup({ t: 1 }, 2, { lingerMs: 0 });
    expect((await p.send({ topic: 't', value: 'a' })).offset).toBe(0n);
    cluster.leaderOf = () => 1;
    expect((await p.send({ topic: 't', value: 'b' })).offset).toBe(1n);
    expect(cluster.brokers[0]!.requests(0)).toHaveLength(2);
    expect(cluster.brokers[1]!.requests(0)).toHaveLength(1);
  });

  it('waits for a partition without a leader, asking for metadata once per back-off', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0, retryBackoffMs: 50 });
    const b = cluster.brokers[0]!;
    const metadata = b.handlers.get(3)!;
    const leaderless = Date.now() + 300;
    b.handlers.set(3, async (req, broker) => {
      const res = (await metadata(req, broker)) as MetadataResponse;
      if (Date.now() < leaderless) for (const t of res.topics) for (const part of t.partitions) part.leaderId = -1;
      return res;
    });
    expect((await p.send({ topic: 't', value: 'v' })).offset).toBe(0n);
    expect(Date.now()).toBeGreaterThanOrEqual(leaderless);
    expect(b.requests(3).length).toBeLessThan(15);
  });

  it('retries on a new connection after a request timed out', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0, requestTimeoutMs: 100 });
    const b = cluster.brokers[0]!;
    const produce = b.handlers.get(0)!;
    let silent = true;
    b.handlers.set(0, (req, broker) => {
      if (silent) {
        silent = false;
        return new Promise(() => {});
      }
      return produce(req, broker);
    });
    expect((await p.send({ topic: 't', value: 'v' })).offset).toBe(0n);
    expect(b.requests(18).length).toBeGreaterThanOrEqual(2);
  });

  it('fails records with a KafkaError on a non-retriable error or when retries run out', async () => {
    const p = await setup({ t: 2 }, 1, { lingerMs: 0, retries: 1 });
    cluster.produceErrors.set('t-0', [ErrorCode.INVALID_RECORD]);
    cluster.produceErrors.set('t-1', [ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS]);
    await expect(p.send({ topic: 't', partition: 0, value: 'v' })).rejects.toMatchObject({ code: 'MQ_ERR_KAFKA', errorName: 'INVALID_RECORD', retriable: false });
    await expect(p.send({ topic: 't', partition: 1, value: 'v' })).rejects.toMatchObject({ errorName: 'NOT_ENOUGH_REPLICAS', retriable: true });
  });

  it('splits a batch the broker refuses as MESSAGE_TOO_LARGE', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 10 });
    cluster.produceErrors.set('t-0', [ErrorCode.MESSAGE_TOO_LARGE]);
    const metas = await Promise.all(Array.from({ length: 10 }, (_, i) => p.send({ topic: 't', value: `v${i}` })));
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    expect(cluster.records('t', 0).map((r) => r.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
  });

  it('splits a compressed batch, keeping keys, headers and timestamps', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 10, compression: 'gzip' });
    cluster.produceErrors.set('t-0', [ErrorCode.MESSAGE_TOO_LARGE]);
    const metas = await Promise.all(
      Array.from({ length: 5 }, (_, i) => p.send({ topic: 't', partition: 0, key: `k${i}`, value: `v${i}`, headers: { h: `x${i}` }, timestamp: 1000 + i })),
    );
    expect(metas.map((m) => [m.offset, m.timestamp])).toEqual(Array.from({ length: 5 }, (_, i) => [BigInt(i), BigInt(1000 + i)]));
    expect(produceRequests()).toHaveLength(3);
    expect(cluster.records('t', 0).map((r) => [r.key!.toString(), r.value!.toString(), r.headers[0]!.value!.toString(), r.timestamp])).toEqual(
      Array.from({ length: 5 }, (_, i) => [`k${i}`, `v${i}`, `x${i}`, BigInt(1000 + i)]),
    );
  });

  it('creates unknown topics through metadata, and fails sends to topics that stay unknown', async () => {
    const p = await setup({}, 1, { lingerMs: 0, retries: 2 });
    let calls = 0;
    const metadata = cluster.brokers[0]!.handlers.get(3)!;
    cluster.brokers[0]!.handlers.set(3, (req, b) => {
      if ((req.body as { allowAutoTopicCreation: boolean }).allowAutoTopicCreation && req.body.topics?.some((t: { name: string }) => t.name === 'auto') && calls++ === 0) {
        cluster.addTopic('auto', 2);
        return { ...(metadata(req, b) as object), topics: [{ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, name: 'auto', topicId: Buffer.alloc(16), isInternal: false, partitions: [], topicAuthorizedOperations: 0 }] };
      }
      return metadata(req, b);
    });
    expect((await p.send({ topic: 'auto', key: 'k', value: 'v' })).offset).toBe(0n);
    await expect(p.send({ topic: 'missing', value: 'v' })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('fails records not delivered within deliveryTimeoutMs', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0, deliveryTimeoutMs: 200, retries: 100 });
    cluster.produceErrors.set('t-0', Array.from({ length: 100 }, () => ErrorCode.NOT_ENOUGH_REPLICAS));
    await expect(p.send({ topic: 't', value: 'v' })).rejects.toMatchObject({ errorName: 'NOT_ENOUGH_REPLICAS' });
  });

  it('rejects bad records and sends after close()', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 0 });
    await expect(p.send({ topic: 't', value: 42 as unknown as string })).rejects.toMatchObject({ code: 'MQ_ERR_INVALID_ARGUMENT' });
    await p.close();
    await expect(p.send({ topic: 't', value: 'v' })).rejects.toMatchObject({ code: 'MQ_ERR_CLOSED' });
  });

  it('rejects configuration it cannot honour', () => {
    expect(() => new Producer({ bootstrapServers: ['localhost:9092'], acks: 2 as never })).toThrow(/acks/);
    expect(() => new Producer({ bootstrapServers: ['localhost:9092'], compression: 'brotli' as never })).toThrow(/compression brotli is not one of none, gzip, snappy, lz4, zstd/);
    expect(() => new Producer({ bootstrapServers: ['localhost'] })).toThrow(/host:port/);
    expect(() => new Producer({ bootstrapServers: [] })).toThrow(/bootstrapServers/);
  });
});

describe('Producer: send with a callback', () => {
  /** Sends through the callback form and collects what each callback was called with. */
  function sendAll(p: Producer, records: Array<Parameters<Producer['send']>[0]>) {
    const results: Array<{ err: Error | null; offset?: bigint }> = [];
    const done = new Promise<void>((resolve) => {
      for (const record of records) {
        const returned = p.send(record, (err, metadata) => {
          results.push(err ? { err } : { err, offset: metadata!.offset });
          if (results.length === records.length) resolve();
        });
        expect(returned).toBeUndefined();
      }
    });
    return { results, done };
  }

  it('calls back with each record metadata, in order, and makes no promise', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 10 });
    const { results, done } = sendAll(p, Array.from({ length: 5 }, (_, i) => ({ topic: 't', value: `v${i}` })));
    await done;
    expect(results).toEqual(Array.from({ length: 5 }, (_, i) => ({ err: null, offset: BigInt(i) })));
    expect(cluster.records('t', 0).map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('mixes with promise sends in one batch', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 10 });
    const first = p.send({ topic: 't', value: 'a' });
    const { results, done } = sendAll(p, [{ topic: 't', value: 'b' }]);
    const third = p.send({ topic: 't', value: 'c' });
    await done;
    expect((await first).offset).toBe(0n);
    expect(results).toEqual([{ err: null, offset: 1n }]);
    expect((await third).offset).toBe(2n);
    expect(produceRequests()).toHaveLength(1);
  });

  it('calls back with the error of a failed batch, and keeps the callbacks through a split', async () => {
    const p = await setup({ t: 2 }, 1, { lingerMs: 10, retries: 1 });
    cluster.produceErrors.set('t-0', [ErrorCode.MESSAGE_TOO_LARGE]);
    cluster.produceErrors.set('t-1', [ErrorCode.INVALID_RECORD]);
    const split = sendAll(p, Array.from({ length: 4 }, (_, i) => ({ topic: 't', partition: 0, value: `v${i}` })));
    const failed = sendAll(p, [{ topic: 't', partition: 1, value: 'x' }]);
    await Promise.all([split.done, failed.done]);
    expect(split.results.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n]);
    expect(failed.results).toEqual([{ err: expect.objectContaining({ errorName: 'INVALID_RECORD' }) }]);
  });

  it('calls back, never synchronously, with an invalid record, an unknown topic or a closed producer', async () => {
    const p = await setup({}, 1, { lingerMs: 0, retries: 1 });
    const invalid = sendAll(p, [{ topic: '', value: 'v' }]);
    expect(invalid.results).toHaveLength(0);
    await invalid.done;
    expect(invalid.results[0]!.err).toMatchObject({ code: 'MQ_ERR_INVALID_ARGUMENT' });
    await expect(p.send({ topic: 'missing', value: 'v', headers: [{ key: 1 as never, value: 'x' }] })).rejects.toMatchObject({ code: 'MQ_ERR_INVALID_ARGUMENT' });
    const unknown = sendAll(p, [{ topic: 'missing', value: 'v' }]);
    await unknown.done;
    expect(unknown.results[0]!.err).toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await p.close();
    const closed = sendAll(p, [{ topic: 'missing', value: 'v' }]);
    expect(closed.results).toHaveLength(0);
    await closed.done;
    expect(closed.results[0]!.err).toMatchObject({ code: 'MQ_ERR_CLOSED' });
  });

  it('still completes the rest of the batch when a callback throws, and rethrows its error', async () => {
    const p = await setup({ t: 1 }, 1, { lingerMs: 10 });
    const uncaught: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (err) => uncaught.push(err));
    try {
      p.send({ topic: 't', value: 'a' }, () => {
        throw new Error('callback failed');
      });
      const meta = await p.send({ topic: 't', value: 'b' });
      expect(meta.offset).toBe(1n);
      await vi.waitFor(() => expect(uncaught).toEqual([new Error('callback failed')]));
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of listeners) process.on('uncaughtException', l);
    }
  });
});
