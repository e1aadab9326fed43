// Consumer in group mode against the fake cluster and its scripted coordinator: where positions
// start, auto and manual commits, the listener, and the rule that rebalance steps wait for the
// application to come back to poll().
import { afterEach, describe, expect, it } from 'vitest';
import { Consumer, type ConsumerConfig, type ConsumerRecord, type RebalanceListener } from '../../src/client/consumer.js';
import type { TopicPartition } from '../../src/client/assignors.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { OffsetCommitRequest } from '../../src/protocol/messages/08-offset-commit.js';
import type { JoinGroupRequest } from '../../src/protocol/messages/11-join-group.js';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { FakeCluster, FakeGroupCoordinator } from './fake-broker.js';

let cluster: FakeCluster;
let consumer: Consumer | undefined;

afterEach(async () => {
  await consumer?.close();
  consumer = undefined;
  await cluster?.close();
});

async function setup(topics: Record<string, number>, config: Partial<ConsumerConfig> = {}): Promise<{ c: Consumer; group: FakeGroupCoordinator }> {
  cluster = await FakeCluster.start();
  for (const [name, n] of Object.entries(topics)) cluster.addTopic(name, n);
  const group = new FakeGroupCoordinator(cluster.brokers[0]!);
  consumer = new Consumer({ bootstrapServers: [cluster.bootstrap], maxWaitMs: 20, retryBackoffMs: 10, groupId: 'g', heartbeatIntervalMs: 20, ...config });
  return { c: consumer, group };
}

function produce(topic: string, partition: number, values: string[]): void {
  cluster.append(topic, partition, encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1000n }))));
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function pollUntil(c: Consumer, count: number, timeoutMs = 5000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await c.poll(50)));
  return out;
}

const values = (records: ConsumerRecord[]): string[] => records.map((r) => r.value!.toString()).sort();
const fmt = (list: TopicPartition[]): string => list.map((tp) => `${tp.topic}-${tp.partition}`).join(',');

function recorder(): RebalanceListener & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    onPartitionsAssigned: (l) => void events.push(`assigned ${fmt(l)}`),
    onPartitionsRevoked: (l) => void events.push(`revoked ${fmt(l)}`),
    onPartitionsLost: (l) => void events.push(`lost ${fmt(l)}`),
  };
}

describe('Consumer groups: configuration', () => {
  it('rejects group settings it cannot honour', () => {
    const base = { bootstrapServers: ['localhost:9092'] };
    expect(() => new Consumer({ ...base, enableAutoCommit: true })).toThrow(/enableAutoCommit needs a groupId/);
    expect(() => new Consumer({ ...base, groupInstanceId: 'i' })).toThrow(/needs a groupId/);
    expect(() => new Consumer({ ...base, groupId: '' })).toThrow(/groupId/);
    expect(() => new Consumer({ ...base, groupId: 'g', heartbeatIntervalMs: 5000, sessionTimeoutMs: 5000 })).toThrow(/lower than sessionTimeoutMs/);
    expect(() => new Consumer({ ...base, groupId: 'g', partitionAssignors: [] })).toThrow(/at least one/);
    expect(() => new Consumer({ ...base, groupId: 'g', partitionAssignors: ['sticky' as never] })).toThrow(/unknown assignor/);
    expect(() => new Consumer({ ...base, groupId: 'g', partitionAssignors: ['range', 'range'] })).toThrow(/twice/);
  });

  it('subscribe, commit and committed need a groupId; assign and subscribe do not mix', async () => {
    cluster = await FakeCluster.start();
    cluster.addTopic('t', 1);
    consumer = new Consumer({ bootstrapServers: [cluster.bootstrap] });
    await expect(consumer.subscribe(['t'])).rejects.toThrow(/needs a groupId/);
    await expect(consumer.commit()).rejects.toThrow(/needs a groupId/);
    await expect(consumer.committed([{ topic: 't', partition: 0 }])).rejects.toThrow(/needs a groupId/);
    await consumer.close();

    const { c } = await setup({ t: 1 });
    await c.subscribe(['t']);
    await expect(c.assign([{ topic: 't', partition: 0 }])).rejects.toThrow(/cannot be mixed/);
    await expect(c.subscribe([])).rejects.toThrow(/list of topic names/);
  });
});

describe('Consumer groups: positions and commits', () => {
  it('starts at the committed offset, else at autoOffsetReset', async () => {
    const { c, group } = await setup({ t: 2 }, { autoOffsetReset: 'earliest' });
    produce('t', 0, ['a0', 'a1', 'a2']);
    produce('t', 1, ['b0', 'b1']);
    group.committed.set('t-0', 2n);
    const listener = recorder();
    await c.subscribe(['t'], listener);
    expect(values(await pollUntil(c, 3))).toEqual(['a2', 'b0', 'b1']);
    expect(listener.events).toEqual(['assigned t-0,t-1']);
    expect(c.assignment()).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect(await c.committed([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])).toEqual([
      { topic: 't', partition: 0, offset: 2n, metadata: '' },
      { topic: 't', partition: 1, offset: -1n, metadata: '' },
    ]);
  });

  it('a seek in onPartitionsAssigned wins over the committed offset', async () => {
    const { c, group } = await setup({ t: 1 });
    produce('t', 0, ['x', 'y', 'z']);
    group.committed.set('t-0', 2n);
    await c.subscribe(['t'], { onPartitionsAssigned: (l) => c.seek(l[0]!.topic, l[0]!.partition, 'earliest') });
    expect(values(await pollUntil(c, 3))).toEqual(['x', 'y', 'z']);
  });

  it('autoOffsetReset none without a committed offset: poll reports it, and a seek gets things going', async () => {
    const { c } = await setup({ t: 1 }, { autoOffsetReset: 'none' });
    produce('t', 0, ['x']);
    await c.subscribe(['t']);
    const deadline = Date.now() + 5000;
    let error: unknown = null;
    while (!error && Date.now() < deadline) await c.poll(50).catch((e: unknown) => (error = e));
    expect(String(error)).toMatch(/t-0 has no committed offset in group g and autoOffsetReset is none/);
    await c.seek('t', 0, 0n);
    expect(values(await pollUntil(c, 1))).toEqual(['x']);
  });

  it('auto commit: at the start of a poll once the interval passed, the positions of what earlier polls returned', async () => {
    const { c, group } = await setup({ t: 1 }, { autoOffsetReset: 'earliest', autoCommitIntervalMs: 0 });
    produce('t', 0, ['a', 'b']);
    await c.subscribe(['t']);
    expect(values(await pollUntil(c, 2))).toEqual(['a', 'b']);
    expect(group.committed.get('t-0')).toBeUndefined();
    await c.poll(0);
    await waitFor('commit', () => group.committed.get('t-0') === 2n);
    const commit = group.requests<OffsetCommitRequest>(8).at(-1)!;
    expect(commit).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: 'member-1' });
  });

  it('manual commit: default positions, or the offsets given; nothing automatic when disabled', async () => {
    const { c, group } = await setup({ t: 1 }, { autoOffsetReset: 'earliest', enableAutoCommit: false, autoCommitIntervalMs: 0 });
    produce('t', 0, ['a', 'b', 'c']);
    await c.subscribe(['t']);
    await pollUntil(c, 3);
    await c.poll(0);
    expect(group.requests(8)).toHaveLength(0);
    await c.commit();
    expect(group.committed.get('t-0')).toBe(3n);
    await c.commit([{ topic: 't', partition: 0, offset: 1n, metadata: 'note' }]);
    expect(group.committed.get('t-0')).toBe(1n);
    expect(group.requests<OffsetCommitRequest>(8).at(-1)!.topics[0]!.partitions[0]!.committedMetadata).toBe('note');
    await expect(c.commit([{ topic: 't', partition: 0, offset: -1n }])).rejects.toThrow(/not a valid offset/);
  });

  it('with a manual assignment, commit() is a simple commit (generation -1, no member id)', async () => {
    const { c, group } = await setup({ t: 1 }, { enableAutoCommit: false });
    produce('t', 0, ['a', 'b']);
    await c.assign([{ topic: 't', partition: 0, offset: 0n }]);
    await pollUntil(c, 2);
    await c.commit();
    expect(group.requests<OffsetCommitRequest>(8)[0]).toMatchObject({ generationIdOrMemberEpoch: -1, memberId: '' });
    expect(group.committed.get('t-0')).toBe(2n);
  });

  it('close(): commits what was consumed, tells the listener, leaves the group', async () => {
    const { c, group } = await setup({ t: 1 }, { autoOffsetReset: 'earliest' });
    produce('t', 0, ['a', 'b']);
    const listener = recorder();
    await c.subscribe(['t'], listener);
    await pollUntil(c, 2);
    await c.close();
    expect(group.committed.get('t-0')).toBe(2n);
    expect(listener.events).toEqual(['assigned t-0', 'revoked t-0']);
    expect(group.broker.requests(13)).toHaveLength(1);
  });
});

describe('Consumer groups: rebalances happen between polls', () => {
  it('waits for the application to come back, commits exactly what it was handed, then rebalances', async () => {
    const { c, group } = await setup({ t: 1 }, { autoOffsetReset: 'earliest', autoCommitIntervalMs: 60000 });
    produce('t', 0, ['a', 'b', 'c']);
    const listener = recorder();
    await c.subscribe(['t'], listener);
    expect(values(await pollUntil(c, 3))).toEqual(['a', 'b', 'c']);
    produce('t', 0, ['d']);
    // The application is "processing" a, b, c; the group starts rebalancing.
    const beats = group.broker.requests(12).length;
    group.heartbeat = () => ErrorCode.REBALANCE_IN_PROGRESS;
    // Heartbeats go on (the session must not expire) while the member waits for the application.
    await waitFor('three heartbeats answered REBALANCE_IN_PROGRESS', () => group.broker.requests(12).length >= beats + 4);
    expect(group.requests(11)).toHaveLength(1);
    expect(listener.events).toEqual(['assigned t-0']);
    group.heartbeat = () => 0;
    // Back in poll: the commit covers a, b, c (not d, which this poll may not hand out yet).
    const more = await pollUntil(c, 1);
    expect(values(more)).toEqual(['d']);
    expect(group.requests(11)).toHaveLength(2);
    expect(group.requests<OffsetCommitRequest>(8)[0]!.topics[0]!.partitions[0]!.committedOffset).toBe(3n);
    expect(listener.events).toEqual(['assigned t-0', 'revoked t-0', 'assigned t-0']);
  });

  it('a member dropped by the group reports its partitions lost and commits nothing', async () => {
    const { c, group } = await setup({ t: 1 }, { autoOffsetReset: 'earliest' });
    const listener = recorder();
    await c.subscribe(['t'], listener);
    await waitFor('assignment', () => listener.events.length >= 1);
    let dropped = 1;
    group.heartbeat = () => (dropped-- > 0 ? ErrorCode.UNKNOWN_MEMBER_ID : 0);
    await c.poll(0);
    await waitFor('reassigned', () => listener.events.length >= 3);
    expect(listener.events).toEqual(['assigned t-0', 'lost t-0', 'assigned t-0']);
    expect(group.requests<JoinGroupRequest>(11)[1]!.memberId).toBe('');
    expect(group.requests(8)).toHaveLength(0);
  });

  it('onPartitionsLost defaults to onPartitionsRevoked; listener errors reach poll()', async () => {
    const { c, group } = await setup({ t: 1 });
    const seen: string[] = [];
    await c.subscribe(['t'], {
      onPartitionsRevoked: (l) => void seen.push(`revoked ${fmt(l)}`),
      onPartitionsAssigned: () => {
        seen.push('assigned');
        if (seen.length >= 1) throw new Error('listener broke');
      },
    });
    await expect(pollUntil(c, 1)).rejects.toThrow(/listener broke/);
    let fenced = 1;
    group.heartbeat = () => (fenced-- > 0 ? ErrorCode.ILLEGAL_GENERATION : 0);
    await waitFor('reassigned', () => seen.length >= 3);
    expect(seen).toEqual(['assigned', 'revoked t-0', 'assigned']);
  });

  it('subscribing to other topics rebalances onto them', async () => {
    const { c } = await setup({ a: 1, b: 1 }, { autoOffsetReset: 'earliest' });
    produce('b', 0, ['from b']);
    await c.subscribe(['a']);
    await waitFor('a assigned', () => c.assignment().length === 1);
    await c.subscribe(['b']);
    expect(values(await pollUntil(c, 1))).toEqual(['from b']);
    expect(c.assignment()).toEqual([{ topic: 'b', partition: 0 }]);
  });
});
