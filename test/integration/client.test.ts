// mq's own client against mq's broker over real TCP: topics via Admin, keyed records via
// Producer, read back via Consumer; order per partition and Java-compatible key placement.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer, type ConsumerRecord, type RecordMetadata } from '../../src/client/index.js';
import { partitionForKey } from '../../src/protocol/records/murmur2.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let b: TestBroker;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  b = await startTestBroker();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await b.close();
});

function admin(): Admin {
  const a = new Admin({ bootstrapServers: [b.bootstrap] });
  closers.push(() => a.close());
  return a;
}
function producer(config: Partial<ConstructorParameters<typeof Producer>[0]> = {}): Producer {
  const p = new Producer({ bootstrapServers: [b.bootstrap], ...config });
  closers.push(() => p.close());
  return p;
}
function consumer(): Consumer {
  const c = new Consumer({ bootstrapServers: [b.bootstrap], maxWaitMs: 100 });
  closers.push(() => c.close());
  return c;
}

async function pollAll(c: Consumer, count: number, timeoutMs = 10000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    for (const r of await c.poll(200)) out.push(r);
  }
  return out;
}

describe('client against the broker', () => {
  it('produces keyed records to a 3-partition topic and reads them back in order, placed by murmur2', async () => {
    const a = admin();
    const [created] = await a.createTopics([{ name: 'keyed', numPartitions: 3, replicationFactor: 1 }]);
    expect(created!.error).toBeNull();
    expect(created!.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const N = 3000;
    const p = producer({ lingerMs: 5 });
    const sent: RecordMetadata[] = await Promise.all(
      Array.from({ length: N }, (_, i) => p.send({ topic: 'keyed', key: `key-${i % 97}`, value: `value-${i}`, headers: { i: String(i) } })),
    );
    for (let i = 0; i < N; i++) expect(sent[i]!.partition).toBe(partitionForKey(Buffer.from(`key-${i % 97}`), 3));
    await p.flush();

    const c = consumer();
    await c.assignTopics(['keyed'], 'earliest');
    const records = await pollAll(c, N);
    expect(records).toHaveLength(N);
    for (let part = 0; part < 3; part++) {
      const mine = records.filter((r) => r.partition === part);
      const expected = sent.map((m, i) => ({ m, i })).filter(({ m }) => m.partition === part);
      // Offsets count up from 0 and values come back in send order.
      expect(mine.map((r) => r.offset)).toEqual(expected.map(({ m }) => m.offset));
      expect(mine.map((r) => r.value!.toString())).toEqual(expected.map(({ i }) => `value-${i}`));
      for (const r of mine) {
        expect(partitionForKey(r.key!, 3)).toBe(part);
        expect(r.headers[0]!.key).toBe('i');
      }
    }
    expect([0, 1, 2].map((part) => c.position('keyed', part))).toEqual([0, 1, 2].map((part) => BigInt(records.filter((r) => r.partition === part).length)));

    const offsets = await a.listOffsets([0, 1, 2].map((partition) => ({ topic: 'keyed', partition, timestamp: -1n })));
    expect(offsets.map((o) => o.offset)).toEqual([0, 1, 2].map((part) => c.position('keyed', part)));
  });

  it('manages topics with Admin', async () => {
    const a = admin();
    await a.createTopics([{ name: 'one', numPartitions: 1 }, { name: 'two', numPartitions: 2 }]);
    expect(await a.listTopics()).toEqual(['one', 'two']);
    const [again] = await a.createTopics([{ name: 'one', numPartitions: 1 }]);
    expect(again!.error?.errorName).toBe('TOPIC_ALREADY_EXISTS');
    expect((await a.createPartitions([{ topic: 'two', count: 4 }]))[0]!.error).toBeNull();
    const [two] = await a.describeTopics(['two']);
    expect(two!.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    expect((await a.deleteTopics(['one']))[0]!.error).toBeNull();
    expect(await a.listTopics()).toEqual(['two']);
    const cluster = await a.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0]!.port).toBe(b.port);
  });

  it('streams null-key records with gzip and acks=1, and a consumer at latest sees only new ones', async () => {
    await admin().createTopics([{ name: 'stream', numPartitions: 2 }]);
    const c = consumer();
    await c.assignTopics(['stream']);
    const p = producer({ compression: 'gzip', acks: 1 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => p.send({ topic: 'stream', value: `v${i}` })));
    const records = await pollAll(c, 500);
    expect(new Set(records.map((r) => r.value!.toString())).size).toBe(500);
  });
});
