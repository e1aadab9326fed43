// mq's group consumer and group Admin against mq's broker over real TCP: members splitting a
// topic, taking over from a member that leaves, resuming from committed offsets, each assignor's
// split as the group sees it (DescribeGroups), and the Admin group operations.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer, type AssignorName, type ConsumerConfig, type ConsumerRecord, type TopicPartition } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let b: TestBroker;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  b = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
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

function consumer(config: Partial<ConsumerConfig> = {}): Consumer {
  const c = new Consumer({ bootstrapServers: [b.bootstrap], groupId: 'g', autoOffsetReset: 'earliest', maxWaitMs: 100, heartbeatIntervalMs: 100, ...config });
  closers.push(() => c.close());
  return c;
}

async function createTopic(name: string, partitions: number): Promise<void> {
  const [r] = await admin().createTopics([{ name, numPartitions: partitions, replicationFactor: 1 }]);
  expect(r!.error).toBeNull();
}

/** `count` records per partition, values "<topic>-<partition>-<i>". */
async function produce(topic: string, partitions: number, count: number, from = 0): Promise<string[]> {
  const p = new Producer({ bootstrapServers: [b.bootstrap], lingerMs: 2 });
  const values: string[] = [];
  const sends: Array<Promise<unknown>> = [];
  for (let partition = 0; partition < partitions; partition++) {
    for (let i = from; i < from + count; i++) {
      const value = `${topic}-${partition}-${i}`;
      values.push(value);
      sends.push(p.send({ topic, partition, value }));
    }
  }
  await Promise.all(sends);
  await p.close();
  return values;
}

/** Polls every consumer in turn until `done` holds; fails at the deadline. */
async function pollUntil(consumers: Consumer[], seen: Map<Consumer, ConsumerRecord[]>, done: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    const batches = await Promise.all(consumers.map((c) => c.poll(50)));
    batches.forEach((records, i) => {
      const c = consumers[i]!;
      let list = seen.get(c);
      if (!list) seen.set(c, (list = []));
      list.push(...records);
    });
  }
}

const fmt = (list: TopicPartition[]): string => list.map((tp) => `${tp.topic}-${tp.partition}`).join(',');
const valuesOf = (records: readonly ConsumerRecord[]): string[] => records.map((r) => r.value!.toString());

describe('group consumers', () => {
  it('two members split a 4-partition topic; when one closes the other takes all 4; a third resumes from the commits', async () => {
    await createTopic('orders', 4);
    const first = await produce('orders', 4, 25);
    const c1 = consumer();
    const c2 = consumer();
    await c1.subscribe(['orders']);
    await c2.subscribe(['orders']);
    const seen = new Map<Consumer, ConsumerRecord[]>();
    await pollUntil(
      [c1, c2],
      seen,
      () => c1.assignment().length === 2 && c2.assignment().length === 2 && (seen.get(c1)?.length ?? 0) + (seen.get(c2)?.length ?? 0) >= 100,
      'a 2/2 split and all 100 records',
    );
    expect(fmt([...c1.assignment(), ...c2.assignment()].sort((a, b) => a.partition - b.partition))).toBe('orders-0,orders-1,orders-2,orders-3');
    // c1 may have read all four partitions before c2 arrived; what it committed when it gave two
    // up is where c2 started, so together they read everything exactly once.
    expect([...valuesOf(seen.get(c1)!), ...valuesOf(seen.get(c2)!)].sort()).toEqual([...first].sort());

    await c1.close();
    const second = await produce('orders', 4, 10, 25);
    const after = new Map<Consumer, ConsumerRecord[]>();
    await pollUntil([c2], after, () => c2.assignment().length === 4 && (after.get(c2)?.length ?? 0) >= 40, 'c2 to own all 4 partitions');
    expect(valuesOf(after.get(c2)!).sort()).toEqual([...second].sort());
    await c2.close();

    const a = admin();
    const committed = await a.listGroupOffsets('g');
    expect(committed.map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:35', '1:35', '2:35', '3:35']);
    const third = await produce('orders', 4, 5, 35);
    const c3 = consumer();
    await c3.subscribe(['orders']);
    const resumed = new Map<Consumer, ConsumerRecord[]>();
    await pollUntil([c3], resumed, () => (resumed.get(c3)?.length ?? 0) >= 20, 'the third consumer');
    expect(valuesOf(resumed.get(c3)!).sort()).toEqual([...third].sort());
  });

  it('different groups each read everything', async () => {
    await createTopic('events', 2);
    const values = await produce('events', 2, 10);
    const x = consumer({ groupId: 'x' });
    const y = consumer({ groupId: 'y' });
    await x.subscribe(['events']);
    await y.subscribe(['events']);
    const seen = new Map<Consumer, ConsumerRecord[]>();
    await pollUntil([x, y], seen, () => (seen.get(x)?.length ?? 0) >= 20 && (seen.get(y)?.length ?? 0) >= 20, 'both groups');
    expect(valuesOf(seen.get(x)!).sort()).toEqual([...values].sort());
    expect(valuesOf(seen.get(y)!).sort()).toEqual([...values].sort());
  });

  it('a static member restarting within the session timeout gets its partitions back, and nobody else rebalances', async () => {
    await createTopic('static', 4);
    const events: string[] = [];
    const c1 = consumer({ groupInstanceId: 'instance-1', sessionTimeoutMs: 30000 });
    const c2 = consumer({ groupInstanceId: 'instance-2', sessionTimeoutMs: 30000 });
    await c1.subscribe(['static']);
    await c2.subscribe(['static'], { onPartitionsAssigned: (l) => void events.push(`assigned ${fmt(l)}`), onPartitionsRevoked: (l) => void events.push(`revoked ${fmt(l)}`) });
    await pollUntil([c1, c2], new Map(), () => c1.assignment().length === 2 && c2.assignment().length === 2, 'a split');
    const before = fmt(c1.assignment());
    const seenByC2 = events.length;

    // Static members do not leave on close: the group keeps the place for instance-1.
    await c1.close();
    const [during] = await admin().describeGroups(['g']);
    expect(during!.members.map((m) => m.groupInstanceId).sort()).toEqual(['instance-1', 'instance-2']);

    const again = consumer({ groupInstanceId: 'instance-1', sessionTimeoutMs: 30000 });
    await again.subscribe(['static']);
    await pollUntil([again, c2], new Map(), () => again.assignment().length === 2, 'the restarted member');
    expect(fmt(again.assignment())).toBe(before);
    // Had the group rebalanced, c2 would have had to rejoin (and, eager, revoke) first.
    expect(events.slice(seenByC2)).toEqual([]);
  });

  it('mixed assignor lists agree on the one all members offer', async () => {
    await createTopic('mixed', 4);
    const c1 = consumer({ partitionAssignors: ['roundrobin', 'range'] });
    const c2 = consumer({ partitionAssignors: ['range'] });
    await c1.subscribe(['mixed']);
    await c2.subscribe(['mixed']);
    await pollUntil([c1, c2], new Map(), () => c1.assignment().length === 2 && c2.assignment().length === 2, 'a split');
    const [g] = await admin().describeGroups(['g']);
    expect(g!.protocol).toBe('range');
  });
});

describe('assignors through the broker', () => {
  /** Members sorted by member id (dynamic members: the order range and roundrobin deal in). */
  async function splitBy(assignor: AssignorName, members: number): Promise<Array<{ memberId: string; assignment: string }>> {
    await createTopic('a', 4);
    await createTopic('b', 3);
    const consumers = Array.from({ length: members }, () => consumer({ partitionAssignors: [assignor] }));
    for (const c of consumers) await c.subscribe(['a', 'b']);
    const total = (): number => consumers.reduce((n, c) => n + c.assignment().length, 0);
    await pollUntil(consumers, new Map(), () => total() === 7 && consumers.every((c) => c.assignment().length > 0), `a ${assignor} split`);
    const deadline = Date.now() + 10000;
    for (;;) {
      const [g] = await admin().describeGroups(['g']);
      if (g!.state === 'Stable' && g!.members.length === members && g!.members.reduce((n, m) => n + m.assignment.length, 0) === 7) {
        expect(g!.protocol).toBe(assignor);
        return g!.members
          .map((m) => ({ memberId: m.memberId, assignment: fmt([...m.assignment].sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition))) }))
          .sort((x, y) => (x.memberId < y.memberId ? -1 : 1));
      }
      if (Date.now() > deadline) throw new Error('the group did not settle');
      await Promise.all(consumers.map((c) => c.poll(50)));
    }
  }

  it('range: per topic, contiguous ranges by member id, the first members take the extra', async () => {
    const split = await splitBy('range', 2);
    expect(split.map((m) => m.assignment)).toEqual(['a-0,a-1,b-0,b-1', 'a-2,a-3,b-2']);
  });

  it('roundrobin: all partitions dealt in turn over the sorted members', async () => {
    const split = await splitBy('roundrobin', 2);
    expect(split.map((m) => m.assignment)).toEqual(['a-0,a-2,b-0,b-2', 'a-1,a-3,b-1']);
  });

  it('cooperative-sticky: balanced, and members keep what they had when a third joins', async () => {
    const before = await splitBy('cooperative-sticky', 2);
    expect(before.map((m) => m.assignment.split(',').length).sort()).toEqual([3, 4]);
    const joiner = consumer({ partitionAssignors: ['cooperative-sticky'] });
    await joiner.subscribe(['a', 'b']);
    const deadline = Date.now() + 20000;
    for (;;) {
      const [g] = await admin().describeGroups(['g']);
      const sizes = g!.members.map((m) => m.assignment.length).sort();
      if (g!.state === 'Stable' && sizes.join() === '2,2,3') {
        for (const old of before) {
          const now = g!.members.find((m) => m.memberId === old.memberId)!;
          for (const tp of now.assignment) expect(old.assignment.split(',')).toContain(`${tp.topic}-${tp.partition}`);
        }
        break;
      }
      if (Date.now() > deadline) throw new Error(`the group did not settle: ${JSON.stringify(g)}`);
      await joiner.poll(50);
    }
  });
});

describe('Admin group operations', () => {
  it('lists, describes, reads, alters and deletes offsets, deletes groups', async () => {
    await createTopic('t', 2);
    await produce('t', 2, 5);
    const a = admin();
    const c = consumer({ clientId: 'reader' });
    await c.subscribe(['t']);
    await pollUntil([c], new Map(), () => c.assignment().length === 2, 'an assignment');

    expect(await a.listGroups()).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Stable' }]);
    expect(await a.listGroups({ states: ['Empty'] })).toEqual([]);
    const [described] = await a.describeGroups(['g']);
    expect(described).toMatchObject({ groupId: 'g', state: 'Stable', protocolType: 'consumer', protocol: 'range', error: null });
    expect(described!.coordinator.port).toBe(b.port);
    expect(described!.members).toHaveLength(1);
    expect(described!.members[0]).toMatchObject({ clientId: 'reader', groupInstanceId: null, assignment: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }] });
    expect(described!.members[0]!.memberId).toMatch(/^reader-/);

    // A group with members refuses simple commits and deletion.
    const refused = await a.alterGroupOffsets('g', [{ topic: 't', partition: 0, offset: 1n }]);
    expect(refused[0]!.error?.errorName).toBe('UNKNOWN_MEMBER_ID');
    expect((await a.deleteGroups(['g']))[0]!.error?.errorName).toBe('NON_EMPTY_GROUP');
    expect((await a.deleteGroupOffsets('g', [{ topic: 't', partition: 0 }]))[0]!.error?.errorName).toBe('GROUP_SUBSCRIBED_TO_TOPIC');
    await c.close();

    expect(await a.listGroups({ states: ['Empty'] })).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Empty' }]);
    expect(await a.alterGroupOffsets('g', [{ topic: 't', partition: 0, offset: 1n, metadata: 'reset' }, { topic: 't', partition: 1, offset: 2n }])).toEqual([
      { topic: 't', partition: 0, error: null },
      { topic: 't', partition: 1, error: null },
    ]);
    expect(await a.listGroupOffsets('g', [{ topic: 't', partition: 1 }, { topic: 't', partition: 0 }])).toEqual([
      { topic: 't', partition: 1, offset: 2n, leaderEpoch: -1, metadata: '', error: null },
      { topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: 'reset', error: null },
    ]);
    expect(await a.deleteGroupOffsets('g', [{ topic: 't', partition: 0 }])).toEqual([{ topic: 't', partition: 0, error: null }]);
    expect((await a.listGroupOffsets('g')).map((o) => o.partition)).toEqual([1]);

    expect(await a.deleteGroups(['g', 'nobody'])).toMatchObject([{ groupId: 'g', error: null }, { groupId: 'nobody', error: { errorName: 'GROUP_ID_NOT_FOUND' } }]);
    expect(await a.listGroups()).toEqual([]);
  });
});
