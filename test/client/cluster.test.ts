import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/client/cluster.js';
import { FakeCluster } from './fake-broker.js';

let fake: FakeCluster;
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
  await fake?.close();
});

async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Cluster', () => {
  it('bootstraps through the first reachable address and reuses that socket for its broker', async () => {
    fake = await FakeCluster.start(2);
    fake.addTopic('t', 2);
    const dead = await unusedPort();
    cluster = new Cluster({ bootstrapServers: [`127.0.0.1:${dead}`, fake.bootstrap], retryBackoffMs: 1 });
    await cluster.connect();
    expect(cluster.describe().brokers.map((b) => b.nodeId)).toEqual([0, 1]);
    await cluster.refreshTopics(['t']);
    expect(cluster.leaderFor('t', 1)).toBe(1);
    expect(cluster.leaderFor('t', 5)).toBe(-1);
    await cluster.connectionTo(0);
    // The bootstrap connection became broker 0's: still one socket there.
    expect(fake.brokers[0]!.sockets.size).toBe(1);
    expect(fake.brokers[0]!.requests(18)).toHaveLength(1);
  });

  it('merges refreshes asked for while one is running into one more Metadata request', async () => {
    fake = await FakeCluster.start(1);
    for (const t of ['a', 'b', 'c', 'd']) fake.addTopic(t, 1);
    cluster = new Cluster({ bootstrapServers: [fake.bootstrap] });
    await cluster.connect();
    const before = fake.brokers[0]!.requests(3).length;
    await Promise.all([cluster.refreshTopics(['a']), cluster.refreshTopics(['b']), cluster.refreshTopics(['c', 'd']), cluster.refreshTopics(['a'])]);
    const requests = fake.brokers[0]!.requests(3).slice(before);
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(new Set(requests.flatMap((r) => r.body.topics.map((t: { name: string }) => t.name)))).toEqual(new Set(['a', 'b', 'c', 'd']));
    for (const t of ['a', 'b', 'c', 'd']) expect(cluster.topic(t)?.partitions).toHaveLength(1);
  });

  it('records topic-level errors and keeps unusable topics out of topic()', async () => {
    fake = await FakeCluster.start(1);
    cluster = new Cluster({ bootstrapServers: [fake.bootstrap] });
    await cluster.refreshTopics(['missing']);
    expect(cluster.topic('missing')).toBeUndefined();
    expect(cluster.topicError('missing')).toBe(3);
  });

  it('reconnects to a broker after its connection dropped', async () => {
    fake = await FakeCluster.start(1);
    cluster = new Cluster({ bootstrapServers: [fake.bootstrap] });
    await cluster.connect();
    const first = await cluster.connectionTo(0);
    for (const s of fake.brokers[0]!.sockets) s.destroy();
    const deadline = Date.now() + 5000;
    while (!first.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(first.closed).toBe(true);
    const second = await cluster.connectionTo(0);
    expect(second).not.toBe(first);
    expect(second.closed).toBe(false);
  });
});
