// The assignors against Kafka's own test expectations (apache/kafka
// clients/src/test/java/org/apache/kafka/clients/consumer/{RangeAssignorTest,
// RoundRobinAssignorTest, CooperativeStickyAssignorTest}.java and
// internals/AbstractStickyAssignorTest.java, the 3.5+ versions): same members in the same order,
// topics and owned partitions, same expected assignment, in the same order where Kafka compares
// lists. Where Kafka checks only properties (validity, balance, stickiness), so
// do these, with Kafka's definitions.
import { describe, expect, it } from 'vitest';
import {
  cooperativeStickyAssignor,
  rangeAssignor,
  roundRobinAssignor,
  stickyAssign,
  type MemberSubscription,
  type PartitionAssignor,
  type TopicPartition,
} from '../../src/client/assignors.js';

const GEN = 1;

function member(memberId: string, topics: string[], opts: Partial<MemberSubscription> = {}): MemberSubscription {
  return { memberId, groupInstanceId: null, topics, ownedPartitions: [], generationId: -1, userData: null, ...opts };
}

function owning(memberId: string, topics: string[], owned: string, generationId = GEN): MemberSubscription {
  return member(memberId, topics, { ownedPartitions: parse(owned), generationId });
}

/** "t1-0, t2-1" → partitions. */
function parse(list: string): TopicPartition[] {
  if (list.trim() === '') return [];
  return list.split(',').map((s) => {
    const m = /^(.*)-(\d+)$/.exec(s.trim())!;
    return { topic: m[1]!, partition: Number(m[2]) };
  });
}

function fmt(list: readonly TopicPartition[] | undefined): string {
  return (list ?? []).map((tp) => `${tp.topic}-${tp.partition}`).join(', ');
}

/** Kafka's assertAssignment: order inside a member's list does not matter. */
function sortedFmt(list: readonly TopicPartition[] | undefined): string {
  return fmt([...(list ?? [])].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)));
}

function topics(spec: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(spec));
}

function run(assignor: PartitionAssignor, partitions: Record<string, number>, members: MemberSubscription[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, list] of assignor.assign(topics(partitions), members)) out[id] = sortedFmt(list);
  return out;
}

describe('range (RangeAssignorTest)', () => {
  it('one consumer, no topic / a nonexistent topic: an empty assignment', () => {
    expect(run(rangeAssignor, {}, [member('consumer1', [])])).toEqual({ consumer1: '' });
    expect(run(rangeAssignor, {}, [member('consumer1', ['topic1'])])).toEqual({ consumer1: '' });
  });

  it('one consumer gets every partition of the topics it subscribes to, and only those', () => {
    expect(run(rangeAssignor, { topic1: 3 }, [member('consumer1', ['topic1'])])).toEqual({ consumer1: 'topic1-0, topic1-1, topic1-2' });
    expect(run(rangeAssignor, { topic1: 3, other: 3 }, [member('consumer1', ['topic1'])])).toEqual({ consumer1: 'topic1-0, topic1-1, topic1-2' });
    expect(run(rangeAssignor, { topic1: 1, topic2: 2 }, [member('consumer1', ['topic1', 'topic2'])])).toEqual({
      consumer1: 'topic1-0, topic2-0, topic2-1',
    });
  });

  it('two consumers, one topic', () => {
    const two = [member('consumer1', ['topic1']), member('consumer2', ['topic1'])];
    expect(run(rangeAssignor, { topic1: 1 }, two)).toEqual({ consumer1: 'topic1-0', consumer2: '' });
    expect(run(rangeAssignor, { topic1: 2 }, two)).toEqual({ consumer1: 'topic1-0', consumer2: 'topic1-1' });
  });

  it('multiple consumers with mixed topics', () => {
    const members = [member('consumer1', ['topic1']), member('consumer2', ['topic1', 'topic2']), member('consumer3', ['topic1'])];
    expect(run(rangeAssignor, { topic1: 3, topic2: 2 }, members)).toEqual({
      consumer1: 'topic1-0',
      consumer2: 'topic1-1, topic2-0, topic2-1',
      consumer3: 'topic1-2',
    });
  });

  it('two consumers, two topics, six partitions: the first consumer gets the extra of each topic', () => {
    const members = [member('consumer1', ['topic1', 'topic2']), member('consumer2', ['topic1', 'topic2'])];
    expect(run(rangeAssignor, { topic1: 3, topic2: 3 }, members)).toEqual({
      consumer1: 'topic1-0, topic1-1, topic2-0, topic2-1',
      consumer2: 'topic1-2, topic2-2',
    });
  });

  it('static members sort by instance id, before dynamic members', () => {
    const both = { topic1: 3, topic2: 3 };
    const t = ['topic1', 'topic2'];
    expect(run(rangeAssignor, both, [member('consumer-b', t, { groupInstanceId: 'instance1' }), member('consumer-a', t, { groupInstanceId: 'instance2' })])).toEqual({
      'consumer-b': 'topic1-0, topic1-1, topic2-0, topic2-1',
      'consumer-a': 'topic1-2, topic2-2',
    });
    expect(run(rangeAssignor, both, [member('consumer-b', t, { groupInstanceId: 'instance1' }), member('consumer-a', t)])).toEqual({
      'consumer-b': 'topic1-0, topic1-1, topic2-0, topic2-1',
      'consumer-a': 'topic1-2, topic2-2',
    });
  });

  it('static assignments persist when a dynamic member is replaced (testStaticMemberRangeAssignmentPersistent)', () => {
    const t = ['topic1', 'topic2'];
    const statics = [1, 2, 3].map((i) => member(`consumer${i}`, t, { groupInstanceId: `instance${i}` }));
    const expected = {
      consumer1: 'topic1-0, topic1-1, topic2-0',
      consumer2: 'topic1-2, topic2-1',
      consumer3: 'topic1-3, topic2-2',
    };
    expect(run(rangeAssignor, { topic1: 5, topic2: 4 }, [...statics, member('consumer4', t)])).toEqual({ ...expected, consumer4: 'topic1-4, topic2-3' });
    expect(run(rangeAssignor, { topic1: 5, topic2: 4 }, [...statics, member('consumer5', t)])).toEqual({ ...expected, consumer5: 'topic1-4, topic2-3' });
  });

  it('static assignments follow the instance id when member ids change', () => {
    const t = ['topic1', 'topic2'];
    const byInstance = (members: MemberSubscription[]): Record<string, string> => {
      const result = rangeAssignor.assign(topics({ topic1: 5, topic2: 5 }), members);
      return Object.fromEntries(members.map((m) => [m.groupInstanceId!, sortedFmt(result.get(m.memberId))]));
    };
    const expected = {
      instance1: 'topic1-0, topic1-1, topic2-0, topic2-1',
      instance2: 'topic1-2, topic1-3, topic2-2, topic2-3',
      instance3: 'topic1-4, topic2-4',
    };
    expect(byInstance([1, 2, 3].map((i) => member(`consumer${i}`, t, { groupInstanceId: `instance${i}` })))).toEqual(expected);
    expect(
      byInstance([
        member('consumer1', t, { groupInstanceId: 'instance1' }),
        member('consumer5', t, { groupInstanceId: 'instance2' }),
        member('consumer4', t, { groupInstanceId: 'instance3' }),
      ]),
    ).toEqual(expected);
  });

  // The non-rack-aware expectations of Kafka's rack tests (verifyNonRackAwareAssignment).
  const three = (subs: string[][]): MemberSubscription[] => subs.map((t, i) => member(`consumer${i}`, t));
  it.each([
    [
      'uniform subscription',
      { t1: 6, t2: 7, t3: 2 },
      [['t1', 't2', 't3'], ['t1', 't2', 't3'], ['t1', 't2', 't3']],
      ['t1-0, t1-1, t2-0, t2-1, t2-2, t3-0', 't1-2, t1-3, t2-3, t2-4, t3-1', 't1-4, t1-5, t2-5, t2-6'],
    ],
    [
      'non-equal subscription',
      { t1: 6, t2: 7, t3: 2 },
      [['t1', 't2', 't3'], ['t1', 't2', 't3'], ['t1', 't3']],
      ['t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0', 't1-2, t1-3, t2-4, t2-5, t2-6, t3-1', 't1-4, t1-5'],
    ],
    [
      'uniform partitions',
      { t1: 5, t2: 5, t3: 5 },
      [['t1', 't2', 't3'], ['t1', 't2', 't3'], ['t1', 't2', 't3']],
      ['t1-0, t1-1, t2-0, t2-1, t3-0, t3-1', 't1-2, t1-3, t2-2, t2-3, t3-2, t3-3', 't1-4, t2-4, t3-4'],
    ],
    [
      'uniform partitions, non-equal subscription',
      { t1: 5, t2: 5, t3: 5 },
      [['t1', 't2', 't3'], ['t1', 't2', 't3'], ['t1', 't3']],
      ['t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1', 't1-2, t1-3, t2-3, t2-4, t3-2, t3-3', 't1-4, t3-4'],
    ],
    [
      'co-partitioned topics, partly disjoint subscriptions',
      { t1: 6, t2: 6, t3: 2, t4: 2 },
      [['t1', 't2'], ['t1', 't2'], ['t3', 't4'], ['t3', 't4']],
      ['t1-0, t1-1, t1-2, t2-0, t2-1, t2-2', 't1-3, t1-4, t1-5, t2-3, t2-4, t2-5', 't3-0, t4-0', 't3-1, t4-1'],
    ],
    [
      'co-partitioned topics, nine subscribed (three missing)',
      { t1: 6, t2: 6, t3: 2, t4: 2, t5: 4, t6: 4 },
      [
        ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'],
        ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'],
        ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'],
      ],
      ['t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1', 't1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2', 't1-4, t1-5, t2-4, t2-5, t5-3, t6-3'],
    ],
  ])('%s', (_name, partitions, subs, expected) => {
    const result = run(rangeAssignor, partitions, three(subs));
    expect(subs.map((_, i) => result[`consumer${i}`])).toEqual(expected);
  });
});

describe('roundrobin (RoundRobinAssignorTest)', () => {
  it('one consumer', () => {
    expect(run(roundRobinAssignor, {}, [member('consumer', [])])).toEqual({ consumer: '' });
    expect(run(roundRobinAssignor, {}, [member('consumer', ['topic'])])).toEqual({ consumer: '' });
    expect(run(roundRobinAssignor, { topic: 3 }, [member('consumer', ['topic'])])).toEqual({ consumer: 'topic-0, topic-1, topic-2' });
    expect(run(roundRobinAssignor, { topic: 3, other: 3 }, [member('consumer', ['topic'])])).toEqual({ consumer: 'topic-0, topic-1, topic-2' });
    expect(run(roundRobinAssignor, { topic1: 1, topic2: 2 }, [member('consumer', ['topic1', 'topic2'])])).toEqual({
      consumer: 'topic1-0, topic2-0, topic2-1',
    });
  });

  it('two consumers, one topic', () => {
    const two = [member('consumer1', ['topic']), member('consumer2', ['topic'])];
    expect(run(roundRobinAssignor, { topic: 1 }, two)).toEqual({ consumer1: 'topic-0', consumer2: '' });
    expect(run(roundRobinAssignor, { topic: 2 }, two)).toEqual({ consumer1: 'topic-0', consumer2: 'topic-1' });
  });

  it('multiple consumers, mixed topics: members not subscribed are skipped', () => {
    const members = [member('consumer1', ['topic1']), member('consumer2', ['topic1', 'topic2']), member('consumer3', ['topic1'])];
    expect(run(roundRobinAssignor, { topic1: 3, topic2: 2 }, members)).toEqual({
      consumer1: 'topic1-0',
      consumer2: 'topic1-1, topic2-0, topic2-1',
      consumer3: 'topic1-2',
    });
  });

  it('the javadoc example: C0 [t0], C1 [t0, t1], C2 [t0, t1, t2]', () => {
    const members = [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])];
    expect(run(roundRobinAssignor, { t0: 1, t1: 2, t2: 3 }, members)).toEqual({ C0: 't0-0', C1: 't1-0', C2: 't1-1, t2-0, t2-1, t2-2' });
  });

  it('two consumers, two topics, six partitions (dynamic and static)', () => {
    const t = ['topic1', 'topic2'];
    const expected = { a: 'topic1-0, topic1-2, topic2-1', b: 'topic1-1, topic2-0, topic2-2' };
    expect(run(roundRobinAssignor, { topic1: 3, topic2: 3 }, [member('consumer1', t), member('consumer2', t)])).toEqual({
      consumer1: expected.a,
      consumer2: expected.b,
    });
    expect(
      run(roundRobinAssignor, { topic1: 3, topic2: 3 }, [member('consumer-b', t, { groupInstanceId: 'instance1' }), member('consumer-a', t, { groupInstanceId: 'instance2' })]),
    ).toEqual({ 'consumer-b': expected.a, 'consumer-a': expected.b });
    expect(run(roundRobinAssignor, { topic1: 3, topic2: 3 }, [member('consumer-b', t, { groupInstanceId: 'instance1' }), member('consumer-a', t)])).toEqual({
      'consumer-b': expected.a,
      'consumer-a': expected.b,
    });
  });

  it('static assignments persist when a dynamic member is replaced (testStaticMemberAssignmentPersistent)', () => {
    const t = ['topic1', 'topic2'];
    const statics = [1, 2, 3].map((i) => member(`consumer${i}`, t, { groupInstanceId: `instance${i}` }));
    const expected = { consumer1: 'topic1-0, topic2-1', consumer2: 'topic1-1, topic2-2', consumer3: 'topic1-2' };
    expect(run(roundRobinAssignor, { topic1: 3, topic2: 3 }, [...statics, member('consumer4', t)])).toEqual({ ...expected, consumer4: 'topic2-0' });
    expect(run(roundRobinAssignor, { topic1: 3, topic2: 3 }, [...statics, member('consumer5', t)])).toEqual({ ...expected, consumer5: 'topic2-0' });
  });

  it('static assignments follow the instance id when member ids change', () => {
    const t = ['topic1', 'topic2'];
    const assignByInstance = (ids: Record<string, string>): Record<string, string> => {
      const members = Object.entries(ids).map(([memberId, instance]) => member(memberId, t, { groupInstanceId: instance }));
      const result = roundRobinAssignor.assign(topics({ topic1: 3, topic2: 3 }), members);
      return Object.fromEntries(members.map((m) => [m.groupInstanceId!, sortedFmt(result.get(m.memberId))]));
    };
    const expected = { instance1: 'topic1-0, topic2-0', instance2: 'topic1-1, topic2-1', instance3: 'topic1-2, topic2-2' };
    expect(assignByInstance({ consumer1: 'instance1', consumer2: 'instance2', consumer3: 'instance3' })).toEqual(expected);
    expect(assignByInstance({ consumer4: 'instance1', consumer5: 'instance2', consumer1: 'instance3' })).toEqual(expected);
  });
});

// ------------------------------------------------------------------ sticky

/** Kafka's isFullyBalanced: member sizes differ by at most one. */
function isFullyBalanced(assignment: Map<string, TopicPartition[]>): boolean {
  const sizes = [...assignment.values()].map((l) => l.length);
  return Math.max(...sizes) - Math.min(...sizes) <= 1;
}

/**
 * Kafka's verifyValidityAndBalance: each member gets only partitions of topics it subscribes
 * to, no partition twice, and any two members whose sizes differ by more than one cannot trade
 * (the smaller subscribes to none of the larger's topics).
 */
function verifyValidityAndBalance(members: MemberSubscription[], assignment: Map<string, TopicPartition[]>, partitions: Map<string, number>): void {
  const seen = new Map<string, string>();
  for (const m of members) {
    for (const tp of assignment.get(m.memberId)!) {
      expect(m.topics, `${m.memberId} got ${tp.topic}-${tp.partition} without subscribing`).toContain(tp.topic);
      const k = `${tp.topic}-${tp.partition}`;
      expect(seen.get(k), `${k} assigned twice`).toBeUndefined();
      seen.set(k, m.memberId);
    }
  }
  for (const m of members) {
    for (const topic of m.topics) {
      for (let p = 0; p < (partitions.get(topic) ?? 0); p++) expect(seen.has(`${topic}-${p}`), `${topic}-${p} unassigned`).toBe(true);
    }
  }
  for (const a of members) {
    for (const b of members) {
      const la = assignment.get(a.memberId)!;
      const lb = assignment.get(b.memberId)!;
      if (la.length - lb.length <= 1) continue;
      for (const tp of la) expect(b.topics, `${tp.topic}-${tp.partition} could move from ${a.memberId} to ${b.memberId}`).not.toContain(tp.topic);
    }
  }
}

/**
 * The cooperative assignor's verifyValidityAndBalance: no partition is revoked and assigned in the
 * same rebalance; while anything is revoked, the members rejoin owning their new assignment and
 * the assignor runs again (at most 4 times), then the final result must be valid and balanced.
 */
function cooperativeRounds(members: MemberSubscription[], partitions: Map<string, number>, first: Map<string, TopicPartition[]>): Map<string, TopicPartition[]> {
  let assignment = first;
  let current = members;
  for (let round = 0; ; round++) {
    const added = new Set<string>();
    const revoked = new Set<string>();
    for (const m of current) {
      const owned = new Set(m.ownedPartitions.map((tp) => `${tp.topic}-${tp.partition}`));
      const now = new Set(assignment.get(m.memberId)!.map((tp) => `${tp.topic}-${tp.partition}`));
      for (const k of now) if (!owned.has(k)) added.add(k);
      for (const k of owned) if (!now.has(k)) revoked.add(k);
    }
    for (const k of added) expect(revoked.has(k), `${k} is revoked and assigned in one rebalance`).toBe(false);
    if (revoked.size === 0) break;
    expect(round).toBeLessThan(4);
    current = current.map((m) => ({ ...m, ownedPartitions: assignment.get(m.memberId)!, generationId: GEN }));
    assignment = cooperativeStickyAssignor.assign(partitions, current);
  }
  verifyValidityAndBalance(current, assignment, partitions);
  return assignment;
}

function transferring(result: ReturnType<typeof stickyAssign>): Record<string, string> {
  return Object.fromEntries([...result.transferring.values()].map((t) => [`${t.partition.topic}-${t.partition.partition}`, t.consumer]));
}

describe('cooperative-sticky (AbstractStickyAssignorTest, CooperativeStickyAssignorTest)', () => {
  it('one consumer', () => {
    for (const [partitions, subs, expected] of [
      [{}, [], ''],
      [{ topic: 0 }, ['topic'], ''],
      [{ topic: 3 }, ['topic'], 'topic-0, topic-1, topic-2'],
      [{ topic1: 1, topic2: 2 }, ['topic1', 'topic2'], 'topic1-0, topic2-0, topic2-1'],
    ] as const) {
      const r = stickyAssign(topics(partitions), [member('consumer', [...subs])]);
      expect(fmt(r.assignment.get('consumer'))).toBe(expected);
      expect(r.transferring.size).toBe(0);
    }
  });

  it('keeps only subscribed topics of what a member owned', () => {
    const r = stickyAssign(topics({ topic: 2 }), [owning('consumer', ['topic'], 'topic-0, topic-1, other-0, other-1')]);
    expect(fmt(r.assignment.get('consumer'))).toBe('topic-0, topic-1');
    expect(r.transferring.size).toBe(0);
  });

  it('two consumers, one or two topics', () => {
    let r = stickyAssign(topics({ topic: 2 }), [member('consumer1', ['topic']), member('consumer2', ['topic'])]);
    expect([fmt(r.assignment.get('consumer1')), fmt(r.assignment.get('consumer2'))]).toEqual(['topic-0', 'topic-1']);
    r = stickyAssign(topics({ topic1: 3, topic2: 3 }), [member('consumer1', ['topic1', 'topic2']), member('consumer2', ['topic1', 'topic2'])]);
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0, topic1-2, topic2-1');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic1-1, topic2-0, topic2-2');
    expect(r.transferring.size).toBe(0);
  });

  it('mixed subscriptions use the general algorithm (testMultipleConsumersMixedTopicSubscriptions)', () => {
    const members = [member('consumer1', ['topic1']), member('consumer2', ['topic1', 'topic2']), member('consumer3', ['topic1'])];
    const r = stickyAssign(topics({ topic1: 3, topic2: 2 }), members);
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0, topic1-2');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic2-0, topic2-1');
    expect(fmt(r.assignment.get('consumer3'))).toBe('topic1-1');
    verifyValidityAndBalance(members, r.assignment, topics({ topic1: 3, topic2: 2 }));
  });

  it('a member owning minQuota keeps it and takes one more (testConsumerOwningMinQuotaExpectedMaxQuota)', () => {
    const t = ['topic1', 'topic2'];
    const r = stickyAssign(topics({ topic1: 2, topic2: 3 }), [owning('consumer1', t, 'topic1-0, topic2-1'), owning('consumer2', t, 'topic1-1, topic2-2')]);
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0, topic2-1, topic2-0');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic1-1, topic2-2');
    expect(r.transferring.size).toBe(0);
  });

  it('more maxQuota owners than needed: one gives a partition up (testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers)', () => {
    const t = ['topic1', 'topic2'];
    const members = [owning('consumer1', t, 'topic1-0, topic2-0'), owning('consumer2', t, 'topic1-1, topic2-1'), owning('consumer3', t, '')];
    const r = stickyAssign(topics({ topic1: 2, topic2: 2 }), members);
    expect(transferring(r)).toEqual({ 'topic2-0': 'consumer3' });
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic1-1, topic2-1');
    expect(fmt(r.assignment.get('consumer3'))).toBe('topic2-0');
    // Cooperatively, topic2-0 waits for the follow-up rebalance.
    const coop = cooperativeStickyAssignor.assign(topics({ topic1: 2, topic2: 2 }), members);
    expect(fmt(coop.get('consumer3'))).toBe('');
    expect(isFullyBalanced(cooperativeRounds(members, topics({ topic1: 2, topic2: 2 }), coop))).toBe(true);
  });

  it('all members under minQuota (testAllConsumersAreUnderMinQuota)', () => {
    const t = ['topic1', 'topic2'];
    const r = stickyAssign(topics({ topic1: 2, topic2: 3 }), [owning('consumer1', t, 'topic1-0'), owning('consumer2', t, 'topic1-1'), owning('consumer3', t, '')]);
    expect(r.transferring.size).toBe(0);
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0, topic2-1');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic1-1, topic2-2');
    expect(fmt(r.assignment.get('consumer3'))).toBe('topic2-0');
  });

  it('add and remove a consumer, one topic (testAddRemoveConsumerOneTopic)', () => {
    const p = topics({ topic: 3 });
    let r = stickyAssign(p, [member('consumer1', ['topic'])]);
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic-0, topic-1, topic-2');
    r = stickyAssign(p, [owning('consumer1', ['topic'], fmt(r.assignment.get('consumer1'))), owning('consumer2', ['topic'], '')]);
    expect(transferring(r)).toEqual({ 'topic-2': 'consumer2' });
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic-0, topic-1');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic-2');
    r = stickyAssign(p, [owning('consumer2', ['topic'], fmt(r.assignment.get('consumer2')))]);
    expect(sortedFmt(r.assignment.get('consumer2'))).toBe('topic-0, topic-1, topic-2');
    expect(r.transferring.size).toBe(0);
  });

  it('add and remove two consumers, two topics (testAddRemoveTwoConsumersTwoTopics)', () => {
    const t = ['topic1', 'topic2'];
    const p = topics({ topic1: 3, topic2: 4 });
    let r = stickyAssign(p, [member('consumer1', t), member('consumer2', t)]);
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0, topic1-2, topic2-1, topic2-3');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic1-1, topic2-0, topic2-2');

    r = stickyAssign(p, [
      owning('consumer1', t, fmt(r.assignment.get('consumer1'))),
      owning('consumer2', t, fmt(r.assignment.get('consumer2'))),
      owning('consumer3', t, ''),
      owning('consumer4', t, ''),
    ]);
    expect(transferring(r)).toEqual({ 'topic1-2': 'consumer3', 'topic2-3': 'consumer3', 'topic2-2': 'consumer4' });
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic1-0, topic2-1');
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic2-0, topic1-1');
    expect(fmt(r.assignment.get('consumer3'))).toBe('topic1-2, topic2-3');
    expect(fmt(r.assignment.get('consumer4'))).toBe('topic2-2');

    r = stickyAssign(p, [owning('consumer3', t, fmt(r.assignment.get('consumer3'))), owning('consumer4', t, fmt(r.assignment.get('consumer4')))]);
    expect(fmt(r.assignment.get('consumer3'))).toBe('topic1-2, topic2-3, topic1-0, topic2-1');
    expect(fmt(r.assignment.get('consumer4'))).toBe('topic2-2, topic1-1, topic2-0');
    expect(r.transferring.size).toBe(0);
  });

  it('a partition claimed twice in one generation goes to neither claimant (CooperativeStickyAssignorTest)', () => {
    let members = [owning('consumer1', ['topic'], 'topic-0, topic-1'), owning('consumer2', ['topic'], 'topic-0, topic-2'), owning('consumer3', ['topic'], '')];
    let a = cooperativeStickyAssignor.assign(topics({ topic: 3 }), members);
    expect([fmt(a.get('consumer1')), fmt(a.get('consumer2')), fmt(a.get('consumer3'))]).toEqual(['topic-1', 'topic-2', '']);
    expect(isFullyBalanced(cooperativeRounds(members, topics({ topic: 3 }), a))).toBe(true);

    members = [owning('consumer1', ['topic'], 'topic-0, topic-1'), owning('consumer2', ['topic'], 'topic-0, topic-2'), owning('consumer3', ['topic'], '')];
    a = cooperativeStickyAssignor.assign(topics({ topic: 4 }), members);
    expect([fmt(a.get('consumer1')), fmt(a.get('consumer2')), fmt(a.get('consumer3'))]).toEqual(['topic-1, topic-3', 'topic-2', '']);
    expect(isFullyBalanced(cooperativeRounds(members, topics({ topic: 4 }), a))).toBe(true);
  });

  it('a claim of a newer generation wins over an older one', () => {
    const members = [owning('consumer1', ['topic'], 'topic-0, topic-1', 1), owning('consumer2', ['topic'], 'topic-0', 2)];
    const r = stickyAssign(topics({ topic: 2 }), members);
    expect(fmt(r.assignment.get('consumer2'))).toBe('topic-0');
    expect(fmt(r.assignment.get('consumer1'))).toBe('topic-1');
  });

  it('reads the generation from v1 user data (testAssignorWithOldVersionSubscriptions)', () => {
    const v1 = (id: string, owned: string): MemberSubscription =>
      member(id, ['topic1'], { ownedPartitions: parse(owned), userData: cooperativeStickyAssignor.userData(GEN) });
    const members = [v1('consumer1', 'topic1-0'), v1('consumer2', 'topic1-1'), owning('consumer3', ['topic1'], '')];
    const a = cooperativeStickyAssignor.assign(topics({ topic1: 3 }), members);
    expect([fmt(a.get('consumer1')), fmt(a.get('consumer2')), fmt(a.get('consumer3'))]).toEqual(['topic1-0', 'topic1-1', 'topic1-2']);
  });

  it('topic added and removed with two consumers stays sticky (testAddRemoveTopicTwoConsumers)', () => {
    const p = topics({ topic: 3 });
    let r = stickyAssign(p, [member('consumer1', ['topic']), member('consumer2', ['topic'])]);
    const first1 = r.assignment.get('consumer1')!;
    const first2 = r.assignment.get('consumer2')!;
    p.set('topic2', 3);
    const t = ['topic', 'topic2'];
    r = stickyAssign(p, [owning('consumer1', t, fmt(first1)), owning('consumer2', t, fmt(first2))]);
    const second1 = r.assignment.get('consumer1')!;
    const second2 = r.assignment.get('consumer2')!;
    expect([second1.length, second2.length]).toEqual([3, 3]);
    expect(fmt(second1)).toContain(fmt(first1));
    expect(second2.map((x) => `${x.topic}-${x.partition}`)).toEqual(expect.arrayContaining(first2.map((x) => `${x.topic}-${x.partition}`)));
    p.delete('topic');
    r = stickyAssign(p, [owning('consumer1', ['topic2'], fmt(second1)), owning('consumer2', ['topic2'], fmt(second2))]);
    expect(isFullyBalanced(r.assignment)).toBe(true);
    for (const tp of r.assignment.get('consumer1')!) expect(second1).toContainEqual(tp);
    for (const tp of r.assignment.get('consumer2')!) expect(second2).toContainEqual(tp);
  });

  it('the poor round-robin scenario is valid and balanced (testPoorRoundRobinAssignmentScenario)', () => {
    const p = topics({ topic1: 2, topic2: 1, topic3: 2, topic4: 1, topic5: 2 });
    const all = ['topic1', 'topic2', 'topic3', 'topic4', 'topic5'];
    const odd = ['topic1', 'topic3', 'topic5'];
    const members = [member('consumer1', all), member('consumer2', odd), member('consumer3', odd), member('consumer4', all)];
    verifyValidityAndBalance(members, stickyAssign(p, members).assignment, p);
  });

  it('reassignment after one consumer leaves keeps everything it can (testReassignmentAfterOneConsumerLeaves)', () => {
    const name = (prefix: string, i: number): string => `${prefix}${String(i).padStart(2, '0')}`;
    const p = new Map<string, number>();
    for (let i = 1; i < 20; i++) p.set(name('t', i), i);
    let members: MemberSubscription[] = [];
    for (let i = 1; i < 20; i++) members.push(member(name('consumer', i), Array.from({ length: i }, (_, j) => name('t', j + 1))));
    let a = cooperativeStickyAssignor.assign(p, members);
    a = cooperativeRounds(members, p, a);
    members = members.map((m) => ({ ...m, ownedPartitions: a.get(m.memberId)!, generationId: GEN })).filter((m) => m.memberId !== name('consumer', 10));
    const next = cooperativeStickyAssignor.assign(p, members);
    // Stickiness: nobody loses a partition it owned because another member left.
    for (const m of members) for (const tp of m.ownedPartitions) expect(next.get(m.memberId)).toContainEqual(tp);
    cooperativeRounds(members, p, next);
  });

  it('random groups: valid, balanced and never revoke-and-assign in one rebalance', () => {
    // A deterministic pseudo-random walk over joins, leaves and subscription changes.
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const p = new Map<string, number>();
    for (let t = 0; t < 6; t++) p.set(`t${t}`, 1 + rand(8));
    const names = [...p.keys()];
    let members: MemberSubscription[] = [];
    for (let step = 0; step < 40; step++) {
      const action = rand(3);
      if (action === 0 || members.length < 2) {
        const uniform = rand(2) === 0;
        members.push(member(`m${step}`, uniform ? names : names.filter(() => rand(2) === 0)));
      } else if (action === 1 && members.length > 2) {
        members.splice(rand(members.length), 1);
      } else {
        const i = rand(members.length);
        members[i] = { ...members[i]!, topics: names.filter(() => rand(2) === 0) };
      }
      const a = cooperativeRounds(members, p, cooperativeStickyAssignor.assign(p, members));
      members = members.map((m) => ({ ...m, ownedPartitions: a.get(m.memberId)!, generationId: GEN + step }));
    }
  });
});
