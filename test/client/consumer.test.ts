import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Consumer, type ConsumerConfig, type ConsumerRecord } from '../../src/client/consumer.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { FetchRequest, FetchResponse } from '../../src/protocol/messages/01-fetch.js';
import {
  ATTR_CONTROL,
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  encodeRecordBatch,
  type EncodeBatchOptions,
} from '../../src/protocol/records/record-batch.js';
import { crc32c } from '../../src/protocol/records/crc32c.js';
import { FakeCluster } from './fake-broker.js';

let cluster: FakeCluster;
let consumer: Consumer | undefined;

afterEach(async () => {
  await consumer?.close();
  consumer = undefined;
  await cluster?.close();
});

async function setup(topics: Record<string, number>, nodes = 1, config: Partial<ConsumerConfig> = {}): Promise<Consumer> {
  cluster = await FakeCluster.start(nodes);
  for (const [name, n] of Object.entries(topics)) cluster.addTopic(name, n);
  consumer = new Consumer({ bootstrapServers: [cluster.bootstrap], maxWaitMs: 20, retryBackoffMs: 10, ...config });
  return consumer;
}

/** Appends a batch of `values` to a partition; returns its base offset. */
function produce(topic: string, partition: number, values: string[], opts: EncodeBatchOptions = {}): bigint {
  const batch = encodeRecordBatch(
    values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1000n })),
    opts,
  );
  return cluster.append(topic, partition, batch);
}

/** A control batch (transaction marker) of the given type: 0 ABORT, 1 COMMIT. */
function appendMarker(topic: string, partition: number, producerId: bigint, type: number): void {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  const batch = encodeRecordBatch([{ key, value: Buffer.alloc(6), timestamp: 1000n }], { producerId, producerEpoch: 0, transactional: true });
  batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES_OFFSET) | ATTR_CONTROL, ATTRIBUTES_OFFSET);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  cluster.append(topic, partition, batch);
}

async function pollUntil(c: Consumer, count: number, timeoutMs = 3000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await c.poll(100)));
  return out;
}

const values = (records: ConsumerRecord[]): string[] => records.map((r) => r.value!.toString());

describe('Consumer: positions', () => {
  it("reads from 'earliest' in order and advances its position", async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a', 'b', 'c']);
    produce('t', 0, ['d', 'e']);
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    expect(c.position('t', 0)).toBe(0n);
    const records = await pollUntil(c, 5);
    expect(values(records)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(records.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(records[0]).toMatchObject({ topic: 't', partition: 0, timestamp: 1000n, timestampType: 'CreateTime', key: null, headers: [] });
    expect(c.position('t', 0)).toBe(5n);
  });

  it('skips the records of a returned batch that lie below the requested offset', async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a', 'b', 'c', 'd']);
    await c.assign([{ topic: 't', partition: 0, offset: 2n }]);
    const records = await pollUntil(c, 2);
    expect(values(records)).toEqual(['c', 'd']);
    expect(records[0]!.offset).toBe(2n);
  });

  it("starts at 'latest' by default and sees only later records", async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['old']);
    await c.assign([{ topic: 't', partition: 0 }]);
    expect(c.position('t', 0)).toBe(1n);
    expect(await c.poll(50)).toEqual([]);
    produce('t', 0, ['new']);
    expect(values(await pollUntil(c, 1))).toEqual(['new']);
  });

  it('seek() discards buffered records and continues from the new offset', async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a', 'b', 'c']);
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    expect(values(await pollUntil(c, 3))).toEqual(['a', 'b', 'c']);
    await c.seek('t', 0, 1n);
    expect(c.position('t', 0)).toBe(1n);
    expect(values(await pollUntil(c, 2))).toEqual(['b', 'c']);
    await expect(c.seek('t', 5, 0n)).rejects.toMatchObject({ code: 'MQ_ERR_INVALID_ARGUMENT' });
  });

  it('assignTopics() assigns every partition, fetching from each leader', async () => {
    const c = await setup({ t: 4 }, 2);
    for (let p = 0; p < 4; p++) produce('t', p, [`p${p}-0`, `p${p}-1`]);
    await c.assignTopics(['t'], 'earliest');
    const records = await pollUntil(c, 8);
    for (let p = 0; p < 4; p++) expect(values(records.filter((r) => r.partition === p))).toEqual([`p${p}-0`, `p${p}-1`]);
    for (const b of cluster.brokers) expect(b.requests(1).length).toBeGreaterThan(0);
    await expect(c.assignTopics(['nope'])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});

describe('Consumer: fetch responses', () => {
  it('drops a partial trailing batch and fetches it again from its start', async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a', 'b']);
    produce('t', 0, ['c', 'd']);
    const b = cluster.brokers[0]!;
    const fetch = b.handlers.get(1)!;
    let cut = true;
    b.handlers.set(1, async (req, broker) => {
      const res = (await fetch(req, broker)) as FetchResponse;
      const part = res.responses[0]!.partitions[0]!;
      const records = part.records as Buffer;
      if (cut && records.length > 0) {
        cut = false;
        part.records = records.subarray(0, records.length - 5);
      }
      return res;
    });
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    const first = await c.poll(1000);
    expect(values(first)).toEqual(['a', 'b']);
    expect(values(await pollUntil(c, 2))).toEqual(['c', 'd']);
    const offsets = b.requests(1).map((r) => (r.body as FetchRequest).topics[0]!.partitions[0]!.fetchOffset);
    expect(offsets.slice(0, 2)).toEqual([0n, 2n]);
  });

  it('grows the partition fetch size when one batch does not fit', async () => {
    const c = await setup({ t: 1 }, 1, { maxPartitionBytes: 16 });
    produce('t', 0, ['x'.repeat(100)]);
    const b = cluster.brokers[0]!;
    const fetch = b.handlers.get(1)!;
    // A broker without KIP-74 returns only partitionMaxBytes of the batch.
    b.handlers.set(1, async (req, broker) => {
      const res = (await fetch(req, broker)) as FetchResponse;
      const part = res.responses[0]!.partitions[0]!;
      const max = (req.body as FetchRequest).topics[0]!.partitions[0]!.partitionMaxBytes;
      part.records = (part.records as Buffer).subarray(0, max);
      return res;
    });
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    expect(values(await pollUntil(c, 1))).toEqual(['x'.repeat(100)]);
  });

  it('applies autoOffsetReset on OFFSET_OUT_OF_RANGE', async () => {
    const c = await setup({ t: 1 }, 1, { autoOffsetReset: 'earliest' });
    produce('t', 0, ['a', 'b']);
    await c.assign([{ topic: 't', partition: 0, offset: 50n }]);
    expect(values(await pollUntil(c, 2))).toEqual(['a', 'b']);
    expect(c.position('t', 0)).toBe(2n);
  });

  it("surfaces OFFSET_OUT_OF_RANGE from poll() when autoOffsetReset is 'none'", async () => {
    const c = await setup({ t: 1 }, 1, { autoOffsetReset: 'none' });
    await c.assign([{ topic: 't', partition: 0, offset: 50n }]);
    await expect(pollUntil(c, 1)).rejects.toMatchObject({ code: 'MQ_ERR_KAFKA', errorName: 'OFFSET_OUT_OF_RANGE' });
  });

  it('refreshes metadata and retries after NOT_LEADER_OR_FOLLOWER', async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a']);
    const b = cluster.brokers[0]!;
    const fetch = b.handlers.get(1)!;
    let fail = 2;
    b.handlers.set(1, async (req, broker) => {
      const res = (await fetch(req, broker)) as FetchResponse;
      if (fail-- > 0) res.responses[0]!.partitions[0]!.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
      return res;
    });
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    const metadataBefore = b.requests(3).length;
    expect(values(await pollUntil(c, 1))).toEqual(['a']);
    expect(b.requests(3).length).toBeGreaterThan(metadataBefore);
  });

  it('follows a partition whose leader moved to another broker', async () => {
    const c = await setup({ t: 1 }, 2);
    produce('t', 0, ['a']);
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    expect(values(await pollUntil(c, 1))).toEqual(['a']);
    cluster.leaderOf = () => 1;
    // Broker 0 no longer leads the partition: it answers as a Kafka follower would.
    cluster.brokers[0]!.handlers.set(1, (req) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: (req.body as FetchRequest).topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0) })),
      })),
    }));
    produce('t', 0, ['b']);
    expect(values(await pollUntil(c, 1))).toEqual(['b']);
    expect(cluster.brokers[1]!.requests(1).length).toBeGreaterThan(0);
  });

  it('skips control batches, and aborted transactions under read_committed', async () => {
    const run = async (isolationLevel: 'read_committed' | 'read_uncommitted'): Promise<string[]> => {
      const c = await setup({ t: 1 }, 1, { isolationLevel });
      const txn = { producerId: 7n, producerEpoch: 0, transactional: true };
      produce('t', 0, ['plain']); // 0
      produce('t', 0, ['aborted-1', 'aborted-2'], txn); // 1-2
      appendMarker('t', 0, 7n, 0); // 3: ABORT
      produce('t', 0, ['committed'], txn); // 4
      appendMarker('t', 0, 7n, 1); // 5: COMMIT
      produce('t', 0, ['last']); // 6
      const b = cluster.brokers[0]!;
      const fetch = b.handlers.get(1)!;
      b.handlers.set(1, async (req, broker) => {
        const res = (await fetch(req, broker)) as FetchResponse;
        res.responses[0]!.partitions[0]!.abortedTransactions = [{ producerId: 7n, firstOffset: 1n }];
        return res;
      });
      await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
      const got = values(await pollUntil(c, isolationLevel === 'read_committed' ? 3 : 5));
      expect(c.position('t', 0)).toBe(7n);
      await c.close();
      await cluster.close();
      return got;
    };
    expect(await run('read_committed')).toEqual(['plain', 'committed', 'last']);
    expect(await run('read_uncommitted')).toEqual(['plain', 'aborted-1', 'aborted-2', 'committed', 'last']);
  });

  it('stops fetching while maxBytes of records wait unpolled', async () => {
    const c = await setup({ t: 1 }, 1, { maxBytes: 100, maxPartitionBytes: 100 });
    for (let i = 0; i < 10; i++) produce('t', 0, ['y'.repeat(60)]);
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    const first = await c.poll(0);
    await new Promise((r) => setTimeout(r, 100));
    const fetchesWhileFull = cluster.brokers[0]!.requests(1).length;
    await new Promise((r) => setTimeout(r, 100));
    expect(cluster.brokers[0]!.requests(1).length).toBe(fetchesWhileFull);
    expect([...first, ...(await pollUntil(c, 10 - first.length))]).toHaveLength(10);
  });
});

describe('Consumer: records', () => {
  it('carry their partition, headers and fields, which can be reassigned and show in console.log', async () => {
    const c = await setup({ t: 2 });
    const batch = encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 5n }]);
    cluster.append('t', 1, batch);
    await c.assign([{ topic: 't', partition: 1, offset: 'earliest' }]);
    const [r] = await pollUntil(c, 1);
    expect(r).toMatchObject({ topic: 't', partition: 1, offset: 0n, timestamp: 5n, timestampType: 'CreateTime', key: Buffer.from('k'), value: Buffer.from('v') });
    expect(r!.headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
    expect(inspect(r)).toBe(
      inspect({ topic: 't', partition: 1, offset: 0n, timestamp: 5n, timestampType: 'CreateTime', key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] }),
    );
    r!.topic = 'renamed';
    r!.partition = 9;
    r!.value = Buffer.from('w');
    expect([r!.topic, r!.partition, r!.value!.toString(), r!.key!.toString()]).toEqual(['renamed', 9, 'w', 'k']);
  });

  it('reports a batch that fails to decode, and reads it once it decodes', async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a', 'b']);
    produce('t', 0, ['c']);
    const stored = cluster.logs.get('t-0')!.batches[1]!;
    stored[stored.length - 1]! ^= 0xff; // inside the value: the CRC no longer matches
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    await expect(pollUntil(c, 1)).rejects.toMatchObject({ code: 'MQ_ERR_PROTOCOL' });
    stored[stored.length - 1]! ^= 0xff;
    expect(values(await pollUntil(c, 3))).toEqual(['a', 'b', 'c']);
    expect(c.position('t', 0)).toBe(3n);
  });
});

describe('Consumer: poll and iteration', () => {
  it('poll() returns [] when nothing arrives in time', async () => {
    const c = await setup({ t: 1 });
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    const started = Date.now();
    expect(await c.poll(80)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('iterates records until the signal aborts, and ends on close()', async () => {
    const c = await setup({ t: 1 });
    produce('t', 0, ['a', 'b', 'c']);
    await c.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const r of c.records({ signal: controller.signal })) {
      seen.push(r.value!.toString());
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toEqual(['a', 'b', 'c']);

    const iterated: string[] = [];
    const loop = (async () => {
      for await (const r of c) iterated.push(r.value!.toString());
    })();
    produce('t', 0, ['d']);
    await new Promise((r) => setTimeout(r, 200));
    await c.close();
    await loop;
    expect(iterated).toEqual(['d']);
    await expect(c.poll(10)).rejects.toMatchObject({ code: 'MQ_ERR_CLOSED' });
  });
});
