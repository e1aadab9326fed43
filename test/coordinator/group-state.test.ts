// The classic group protocol state machine, driven without sockets or real timers: a fake
// scheduler moves time, a fake persistence records what would be written to __consumer_offsets.
// Expected behaviour is AK 3.x GroupCoordinator's (protocol.md §4.1).
import { describe, expect, it } from 'vitest';
import type { Group, JoinResult, SyncResult } from '../../src/coordinator/group.js';
import { GroupStateMachine, NEW_MEMBER_JOIN_TIMEOUT_MS, type GroupConfig, type JoinRequest, type SyncRequest } from '../../src/coordinator/group-state.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { encodeSubscription } from '../../src/protocol/messages/consumer-protocol.js';
import { FakeScheduler } from './fake-scheduler.js';

const SESSION = 10_000;
const REBALANCE = 30_000;

const sub = (topics: string[]): Buffer => encodeSubscription({ topics });

class Parked<T> {
  result: T | undefined;
  answers = 0;
  readonly resolve = (r: T): void => {
    this.result = r;
    this.answers++;
  };
  get done(): boolean {
    return this.result !== undefined;
  }
  get value(): T {
    if (this.result === undefined) throw new Error('request not answered yet');
    return this.result;
  }
}

interface Stored {
  groupId: string;
  generation: number;
  state: string;
  members: string[];
  assignment: Map<string, Buffer>;
}

class Harness {
  readonly sched = new FakeScheduler();
  readonly stored: Stored[] = [];
  storeError: number = ErrorCode.NONE;
  readonly sm: GroupStateMachine;
  private uuids = 0;

  constructor(config: Partial<GroupConfig> = {}) {
    this.sm = new GroupStateMachine(
      { minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000, maxSize: 100, initialRebalanceDelayMs: 0, ...config },
      this.sched,
      {
        storeGroup: (g, a) => {
          this.stored.push({ groupId: g.groupId, generation: g.generationId, state: g.state, members: [...g.members.keys()], assignment: new Map(a) });
          return this.storeError;
        },
      },
      () => {},
      () => `uuid-${++this.uuids}`,
    );
  }

  join(over: Partial<JoinRequest> = {}): Parked<JoinResult> {
    const p = new Parked<JoinResult>();
    this.sm.join(
      {
        groupId: 'g',
        memberId: '',
        groupInstanceId: null,
        clientId: 'client',
        clientHost: '/127.0.0.1',
        rebalanceTimeoutMs: REBALANCE,
        sessionTimeoutMs: SESSION,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: sub(['t']) }],
        requireKnownMemberId: false,
        supportSkippingAssignment: false,
        ...over,
      },
      p.resolve,
    );
    return p;
  }

  sync(memberId: string, generationId: number, over: Partial<SyncRequest> = {}): Parked<SyncResult> {
    const p = new Parked<SyncResult>();
    this.sm.sync({ groupId: 'g', generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: new Map(), ...over }, p.resolve);
    return p;
  }

  heartbeat(memberId: string, generationId: number, groupInstanceId: string | null = null): number {
    return this.sm.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId });
  }

  get group(): Group {
    return this.sm.getGroup('g')!;
  }

  /** Moves time `ms` forward while `ids` heartbeat every half session: alive, but not rejoining. */
  keepAlive(ms: number, generation: number, ...ids: string[]): void {
    for (let t = 0; t < ms; t += SESSION / 2) {
      for (const id of ids) this.heartbeat(id, generation);
      this.sched.advance(Math.min(SESSION / 2, ms - t));
    }
  }

  /**
   * A Stable group of `n` dynamic members (ids in join order, the first is the leader), each
   * assigned `a-<index>`.
   */
  stable(n: number, joinOver: (i: number) => Partial<JoinRequest> = () => ({})): { ids: string[]; generation: number } {
    const joins = Array.from({ length: n }, (_, i) => this.join({ clientId: `c${i}`, ...joinOver(i) }));
    this.sched.advance(0);
    const ids = joins.map((j) => j.value.memberId);
    const generation = joins[0]!.value.generationId;
    const followers = ids.slice(1).map((id) => this.sync(id, generation));
    const leader = this.sync(ids[0]!, generation, { assignments: new Map(ids.map((id, i) => [id, Buffer.from(`a-${i}`)])) });
    for (const s of [leader, ...followers]) expect(s.value.errorCode).toBe(ErrorCode.NONE);
    expect(this.group.state).toBe('Stable');
    return { ids, generation };
  }
}

describe('JoinGroup', () => {
  it('rejects an empty group id and session timeouts outside the broker bounds', () => {
    const h = new Harness();
    expect(h.join({ groupId: '' }).value.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(h.join({ sessionTimeoutMs: 5999 }).value.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(h.join({ sessionTimeoutMs: 1_800_001 }).value.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect(h.sm.getGroup('g')).toBeUndefined();
  });

  it('answers UNKNOWN_MEMBER_ID to a member id naming a group that does not exist', () => {
    const h = new Harness();
    const r = h.join({ memberId: 'ghost' }).value;
    expect(r).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: 'ghost', generationId: -1, leaderId: '' });
    expect(h.sm.getGroup('g')).toBeUndefined();
  });

  it('makes a new v4+ member rejoin with the id it is given (MEMBER_ID_REQUIRED, KIP-394)', () => {
    const h = new Harness();
    const first = h.join({ requireKnownMemberId: true, clientId: 'rdkafka' }).value;
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toBe('rdkafka-uuid-1');
    expect(h.group.state).toBe('Empty');
    expect(h.group.isPendingMember('rdkafka-uuid-1')).toBe(true);

    const second = h.join({ memberId: 'rdkafka-uuid-1', requireKnownMemberId: true, clientId: 'rdkafka' });
    expect(h.group.state).toBe('PreparingRebalance');
    h.sched.advance(0);
    expect(second.value).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'rdkafka-uuid-1', generationId: 1, leaderId: 'rdkafka-uuid-1', protocolName: 'range', protocolType: 'consumer' });
    expect(h.group.isPendingMember('rdkafka-uuid-1')).toBe(false);
  });

  it('forgets a pending member that does not rejoin within its session timeout', () => {
    const h = new Harness();
    const id = h.join({ requireKnownMemberId: true }).value.memberId;
    h.sched.advance(SESSION);
    expect(h.group.isPendingMember(id)).toBe(false);
    expect(h.join({ memberId: id }).value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('holds the first rebalance of an Empty group for group.initial.rebalance.delay.ms', () => {
    const h = new Harness({ initialRebalanceDelayMs: 3000 });
    const a = h.join();
    h.sched.advance(2999);
    expect(a.done).toBe(false);
    h.sched.advance(1);
    expect(a.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
  });

  it('extends the initial delay while new members keep arriving, up to the rebalance timeout (KIP-134)', () => {
    const h = new Harness({ initialRebalanceDelayMs: 3000 });
    const joins = [h.join({ rebalanceTimeoutMs: 7000 })];
    // Each delay that saw a new member is followed by another, while rebalance time remains.
    h.sched.advance(1000);
    joins.push(h.join({ rebalanceTimeoutMs: 7000 }));
    h.sched.advance(2000); // t=3000: newMemberAdded -> wait 3000 more (remaining 4000 -> 1000)
    joins.push(h.join({ rebalanceTimeoutMs: 7000 }));
    h.sched.advance(3000); // t=6000: newMemberAdded -> wait min(3000, 1000) more
    expect(joins.some((j) => j.done)).toBe(false);
    h.sched.advance(1000); // t=7000: remaining 0 -> complete
    expect(joins.map((j) => j.value.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
    expect(h.group.generationId).toBe(1);
  });

  it('elects the first member to join as leader and gives only the leader the member list', () => {
    const h = new Harness();
    const a = h.join({ clientId: 'a', protocols: [{ name: 'range', metadata: sub(['x']) }] });
    const b = h.join({ clientId: 'b', protocols: [{ name: 'range', metadata: sub(['y']) }] });
    h.sched.advance(0);
    expect(a.value.leaderId).toBe(a.value.memberId);
    expect(b.value.leaderId).toBe(a.value.memberId);
    expect(a.value.members).toEqual([
      { memberId: a.value.memberId, groupInstanceId: null, metadata: sub(['x']) },
      { memberId: b.value.memberId, groupInstanceId: null, metadata: sub(['y']) },
    ]);
    expect(b.value.members).toEqual([]);
    expect(h.group.state).toBe('CompletingRebalance');
  });

  it('selects the protocol by vote among the protocols every member supports', () => {
    const h = new Harness();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    h.join({ protocols: p('roundrobin', 'range', 'sticky') });
    h.join({ protocols: p('range', 'roundrobin') });
    const c = h.join({ protocols: p('range', 'roundrobin', 'cooperative-sticky') });
    h.sched.advance(0);
    // Candidates: range and roundrobin; votes: roundrobin 1, range 2.
    expect(c.value.protocolName).toBe('range');
    expect(h.group.protocolName).toBe('range');
  });

  it('refuses members whose protocol type or protocols do not fit the group (INCONSISTENT_GROUP_PROTOCOL)', () => {
    const h = new Harness();
    expect(h.join({ protocols: [] }).value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.join({ protocolType: '' }).value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    h.join();
    expect(h.join({ protocolType: 'connect' }).value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const other = h.join({ protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] }).value;
    expect(other).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId: '' });
    expect(h.group.size).toBe(1);
  });

  it('turns new members away at group.max.size (GROUP_MAX_SIZE_REACHED)', () => {
    const h = new Harness({ maxSize: 2 });
    const { ids, generation } = h.stable(2);
    const third = h.join({ clientId: 'c2' }).value;
    expect(third).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' });
    expect(h.group.size).toBe(2);
    expect(h.heartbeat(ids[0]!, generation)).toBe(ErrorCode.NONE);
  });

  it('completes a rebalance as soon as every known member has rejoined', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2);
    const a = h.join({ memberId: ids[0]! }); // the leader's JoinGroup always rebalances
    expect(h.group.state).toBe('PreparingRebalance');
    expect(h.heartbeat(ids[1]!, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(a.done).toBe(false);
    const b = h.join({ memberId: ids[1]! });
    expect(a.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1 });
    expect(b.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1, leaderId: ids[0] });
  });

  it('removes dynamic members that do not rejoin within the rebalance timeout', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(3);
    const b = h.join({ memberId: ids[1]!, protocols: [{ name: 'range', metadata: sub(['t', 'u']) }] });
    h.keepAlive(REBALANCE - 1, generation, ids[0]!, ids[2]!);
    expect(b.done).toBe(false);
    h.sched.advance(1);
    // The leader did not rejoin either: the member that did takes over.
    expect(b.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1, leaderId: ids[1], memberId: ids[1] });
    expect(b.value.members.map((m) => m.memberId)).toEqual([ids[1]]);
    expect([...h.group.members.keys()]).toEqual([ids[1]]);
    expect(h.heartbeat(ids[0]!, generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('keeps static members that do not rejoin within the rebalance timeout', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2, (i) => ({ groupInstanceId: `instance-${i}` }));
    const a = h.join({ memberId: ids[0]!, groupInstanceId: 'instance-0' });
    h.keepAlive(REBALANCE, generation, ids[1]!);
    expect(a.value.errorCode).toBe(ErrorCode.NONE);
    expect([...h.group.members.keys()]).toEqual(ids);
    expect(a.value.members.map((m) => m.groupInstanceId)).toEqual(['instance-0', 'instance-1']);
  });

  it('answers a member that resends JoinGroup with unchanged metadata during CompletingRebalance with the current generation', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    const again = h.join({ memberId: b.value.memberId }).value;
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leaderId: a.value.memberId, members: [] });
    const leaderAgain = h.join({ memberId: a.value.memberId }).value;
    expect(leaderAgain.members).toHaveLength(2);
    expect(h.group.state).toBe('CompletingRebalance');
  });

  it('rebalances when a member changes its metadata, but not for a follower rejoining unchanged in Stable', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2);
    expect(h.join({ memberId: ids[1]! }).value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation, members: [] });
    expect(h.group.state).toBe('Stable');
    h.join({ memberId: ids[1]!, protocols: [{ name: 'range', metadata: sub(['other']) }] });
    expect(h.group.state).toBe('PreparingRebalance');
  });

  it('answers a JoinGroup superseded by a newer one from the same member', () => {
    const h = new Harness();
    const { ids } = h.stable(2);
    const first = h.join({ memberId: ids[1]!, protocols: [{ name: 'range', metadata: sub(['x']) }] });
    const second = h.join({ memberId: ids[1]!, protocols: [{ name: 'range', metadata: sub(['x']) }] });
    expect(first.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(second.done).toBe(false);
  });

  it('drops a new member whose JoinGroup waits longer than the new-member timeout', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(1);
    // The leader stays alive but never rejoins, and the newcomer's rebalance timeout outlasts its JoinGroup's patience.
    const late = h.join({ clientId: 'late', rebalanceTimeoutMs: NEW_MEMBER_JOIN_TIMEOUT_MS * 2, sessionTimeoutMs: 1_800_000 });
    expect(h.group.state).toBe('PreparingRebalance');
    h.keepAlive(NEW_MEMBER_JOIN_TIMEOUT_MS - 1, generation, ids[0]!);
    expect(late.done).toBe(false);
    h.keepAlive(1, generation, ids[0]!);
    expect(late.value).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' });
    expect([...h.group.members.keys()]).toEqual([ids[0]]);
  });
});

describe('static membership (KIP-345)', () => {
  it('gives a returning static member a new id and its old assignment without a rebalance, fencing the old id', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2, (i) => ({ groupInstanceId: `instance-${i}` }));
    const before = h.stored.length;
    const back = h.join({ groupInstanceId: 'instance-1', clientId: 'c1' }).value;
    expect(back).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation, leaderId: ids[0], members: [] });
    expect(back.memberId).not.toBe(ids[1]);
    expect(back.memberId.startsWith('instance-1-')).toBe(true);
    expect(h.group.state).toBe('Stable');
    // The new member id is persisted with the unchanged assignment.
    expect(h.stored.length).toBe(before + 1);
    expect(h.stored.at(-1)!.assignment.get(back.memberId)).toEqual(Buffer.from('a-1'));
    expect(h.heartbeat(ids[1]!, generation, 'instance-1')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.heartbeat(back.memberId, generation, 'instance-1')).toBe(ErrorCode.NONE);
    expect(h.sync(back.memberId, generation, { groupInstanceId: 'instance-1' }).value.assignment).toEqual(Buffer.from('a-1'));
  });

  it('tells a returning static leader on v9 that it leads but must skip the assignment; before v9 it learns the old leader id', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2, (i) => ({ groupInstanceId: `instance-${i}` }));
    const v9 = h.join({ groupInstanceId: 'instance-0', supportSkippingAssignment: true }).value;
    expect(v9).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation, leaderId: v9.memberId, skipAssignment: true });
    expect(v9.members).toHaveLength(2);
    const old = h.join({ groupInstanceId: 'instance-0' }).value;
    expect(old).toMatchObject({ errorCode: ErrorCode.NONE, leaderId: v9.memberId, skipAssignment: false, members: [] });
    expect(old.memberId).not.toBe(ids[0]);
  });

  it('reverts the replacement when the new member id cannot be persisted', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2, (i) => ({ groupInstanceId: `instance-${i}` }));
    h.storeError = ErrorCode.NOT_COORDINATOR;
    const back = h.join({ groupInstanceId: 'instance-1' }).value;
    expect(back).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR, memberId: '' });
    expect(h.group.staticMembers.get('instance-1')).toBe(ids[1]);
    expect(h.heartbeat(ids[1]!, generation, 'instance-1')).toBe(ErrorCode.NONE);
  });

  it('rebalances when a static member returns during CompletingRebalance, fencing its parked SyncGroup', () => {
    const h = new Harness();
    const a = h.join({ groupInstanceId: 'i-a' });
    const b = h.join({ groupInstanceId: 'i-b' });
    h.sched.advance(0);
    const parked = h.sync(b.value.memberId, 1, { groupInstanceId: 'i-b' });
    const back = h.join({ groupInstanceId: 'i-b' });
    expect(parked.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.group.state).toBe('PreparingRebalance');
    h.join({ memberId: a.value.memberId, groupInstanceId: 'i-a' });
    expect(back.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
  });

  it('answers UNKNOWN_MEMBER_ID for an unknown instance and FENCED_INSTANCE_ID for a stale member id', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(1, () => ({ groupInstanceId: 'i' }));
    expect(h.join({ memberId: ids[0]!, groupInstanceId: 'other' }).value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.join({ memberId: 'stale', groupInstanceId: 'i' }).value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.sync('stale', generation, { groupInstanceId: 'i' }).value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('lets an admin remove a static member by instance id alone', () => {
    const h = new Harness();
    h.stable(2, (i) => ({ groupInstanceId: `instance-${i}` }));
    const r = h.sm.leave('g', [
      { memberId: '', groupInstanceId: 'instance-1' },
      { memberId: '', groupInstanceId: 'nobody' },
    ]);
    expect(r.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(h.group.staticMembers.has('instance-1')).toBe(false);
    expect(h.group.state).toBe('PreparingRebalance');
  });
});

describe('SyncGroup', () => {
  it('answers UNKNOWN_MEMBER_ID for unknown groups and members, INVALID_GROUP_ID for an empty id', () => {
    const h = new Harness();
    expect(h.sync('m', 0).value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.sync('m', 0, { groupId: '' }).value.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    h.stable(1);
    expect(h.sync('nobody', 1).value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers REBALANCE_IN_PROGRESS while preparing and ILLEGAL_GENERATION for another generation', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2);
    expect(h.sync(ids[1]!, generation + 1).value.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    h.join({ memberId: ids[0]! });
    expect(h.sync(ids[1]!, generation).value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('parks followers until the leader syncs, then hands everyone its assignment and stores the group', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    const c = h.join();
    h.sched.advance(0);
    const [ia, ib, ic] = [a, b, c].map((j) => j.value.memberId) as [string, string, string];
    const sb = h.sync(ib, 1);
    expect(sb.done).toBe(false);
    expect(h.heartbeat(ib, 1)).toBe(ErrorCode.NONE);
    // The leader leaves c out and names a member the group does not have.
    const sa = h.sync(ia, 1, { assignments: new Map([[ia, Buffer.from('A')], [ib, Buffer.from('B')], ['stranger', Buffer.from('X')]]) });
    expect(sa.value).toEqual({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('A') });
    expect(sb.value.assignment).toEqual(Buffer.from('B'));
    expect(h.group.state).toBe('Stable');
    expect(h.sync(ic, 1).value).toMatchObject({ errorCode: ErrorCode.NONE, assignment: Buffer.alloc(0) });
    const stored = h.stored.at(-1)!;
    expect(stored.generation).toBe(1);
    expect([...stored.assignment]).toEqual([
      [ia, Buffer.from('A')],
      [ib, Buffer.from('B')],
      [ic, Buffer.alloc(0)],
    ]);
  });

  it('checks the v5 protocol type and name (INCONSISTENT_GROUP_PROTOCOL)', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(1);
    expect(h.sync(ids[0]!, generation, { protocolType: 'connect', protocolName: 'range' }).value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.sync(ids[0]!, generation, { protocolType: 'consumer', protocolName: 'roundrobin' }).value.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(h.sync(ids[0]!, generation, { protocolType: 'consumer', protocolName: 'range' }).value.errorCode).toBe(ErrorCode.NONE);
  });

  it('propagates a failure to store the assignment and rebalances', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    const sb = h.sync(b.value.memberId, 1);
    h.storeError = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const sa = h.sync(a.value.memberId, 1, { assignments: new Map([[a.value.memberId, Buffer.from('A')]]) });
    expect(sa.value).toEqual({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    expect(sb.value.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.group.state).toBe('PreparingRebalance');
  });

  it('answers parked SyncGroups with REBALANCE_IN_PROGRESS when a rebalance starts before the leader syncs', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    const sb = h.sync(b.value.memberId, 1);
    h.join({ clientId: 'newcomer' });
    expect(sb.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(a.value.errorCode).toBe(ErrorCode.NONE);
  });

  it('removes members that never send SyncGroup within the rebalance timeout', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    h.sync(a.value.memberId, 1, { assignments: new Map() });
    expect(h.group.state).toBe('Stable');
    h.keepAlive(REBALANCE - 1, 1, a.value.memberId, b.value.memberId);
    expect(h.group.has(b.value.memberId)).toBe(true);
    h.sched.advance(1);
    expect(h.group.has(b.value.memberId)).toBe(false);
    expect(h.group.state).toBe('PreparingRebalance');
  });
});

describe('Heartbeat and session expiry', () => {
  it('answers by state: NONE when Stable or CompletingRebalance, REBALANCE_IN_PROGRESS when preparing', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    expect(h.group.state).toBe('CompletingRebalance');
    expect(h.heartbeat(a.value.memberId, 1)).toBe(ErrorCode.NONE);
    h.sync(a.value.memberId, 1);
    expect(h.heartbeat(b.value.memberId, 1)).toBe(ErrorCode.NONE);
    h.join({ memberId: a.value.memberId });
    expect(h.heartbeat(b.value.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('answers UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION and INVALID_GROUP_ID', () => {
    const h = new Harness();
    expect(h.heartbeat('m', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.sm.heartbeat({ groupId: '', generationId: 1, memberId: 'm', groupInstanceId: null })).toBe(ErrorCode.INVALID_GROUP_ID);
    const { ids, generation } = h.stable(1);
    expect(h.heartbeat('other', generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.heartbeat(ids[0]!, generation - 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('keeps a heartbeating member and removes a silent one after its session timeout, rebalancing the group', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2);
    h.sched.advance(SESSION - 1);
    expect(h.heartbeat(ids[0]!, generation)).toBe(ErrorCode.NONE);
    expect(h.heartbeat(ids[1]!, generation)).toBe(ErrorCode.NONE);
    h.sched.advance(SESSION - 1);
    expect(h.heartbeat(ids[0]!, generation)).toBe(ErrorCode.NONE);
    expect(h.group.has(ids[1]!)).toBe(true);
    h.sched.advance(1);
    expect(h.group.has(ids[1]!)).toBe(false);
    expect(h.group.state).toBe('PreparingRebalance');
    expect(h.heartbeat(ids[0]!, generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const again = h.join({ memberId: ids[0]! });
    expect(again.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1 });
    expect(again.value.members).toHaveLength(1);
  });

  it('does not expire a member while its JoinGroup is parked', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2);
    const a = h.join({ memberId: ids[0]! });
    h.sched.advance(SESSION + 1);
    expect(h.group.has(ids[0]!)).toBe(true);
    expect(h.group.has(ids[1]!)).toBe(false);
    expect(a.value.generationId).toBe(generation + 1);
  });

  it('empties the group when its last member expires, storing the empty generation', () => {
    const h = new Harness();
    h.stable(1);
    h.sched.advance(SESSION);
    expect(h.group.state).toBe('Empty');
    expect(h.group.generationId).toBe(2);
    expect(h.group.protocolName).toBeNull();
    expect(h.group.protocolType).toBe('consumer');
    expect(h.stored.at(-1)).toMatchObject({ generation: 2, state: 'Empty', members: [] });
  });
});

describe('LeaveGroup', () => {
  it('removes a member and rebalances the rest', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(2);
    expect(h.sm.leave('g', [{ memberId: ids[1]!, groupInstanceId: null }])).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: ids[1], groupInstanceId: null, errorCode: ErrorCode.NONE }],
    });
    expect(h.group.state).toBe('PreparingRebalance');
    const again = h.join({ memberId: ids[0]! }).value;
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generation + 1 });
  });

  it('answers each member of a batch (v3+) on its own', () => {
    const h = new Harness();
    const { ids } = h.stable(3);
    const r = h.sm.leave('g', [
      { memberId: ids[1]!, groupInstanceId: null },
      { memberId: 'nobody', groupInstanceId: null },
      { memberId: ids[2]!, groupInstanceId: null },
    ]);
    expect(r.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE]);
    expect([...h.group.members.keys()]).toEqual([ids[0]]);
  });

  it('answers UNKNOWN_MEMBER_ID per member for an unknown group and INVALID_GROUP_ID for an empty id', () => {
    const h = new Harness();
    expect(h.sm.leave('nope', [{ memberId: 'm', groupInstanceId: null }])).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: 'm', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    });
    expect(h.sm.leave('', []).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('empties the group when the last member leaves', () => {
    const h = new Harness();
    const { ids } = h.stable(1);
    h.sm.leave('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    expect(h.group.state).toBe('Empty');
    expect(h.group.generationId).toBe(2);
    expect(h.sched.pending).toBe(0);
  });

  it('completes a rebalance that only waited for the member that left', () => {
    const h = new Harness();
    const { ids } = h.stable(2);
    const a = h.join({ memberId: ids[0]! });
    h.sm.leave('g', [{ memberId: ids[1]!, groupInstanceId: null }]);
    expect(a.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
  });

  it('lets a pending member leave', () => {
    const h = new Harness();
    const id = h.join({ requireKnownMemberId: true }).value.memberId;
    expect(h.sm.leave('g', [{ memberId: id, groupInstanceId: null }]).members[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(h.group.isPendingMember(id)).toBe(false);
  });
});

describe('OffsetCommit checks', () => {
  it('accepts simple commits for groups without members, creating a missing group', () => {
    const h = new Harness();
    const r = h.sm.checkCommit('simple', '', null, -1);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.group?.state).toBe('Empty');
    expect(h.sm.checkCommit('nogroup', 'm', null, 3)).toEqual({ group: null, errorCode: ErrorCode.ILLEGAL_GENERATION });
  });

  it('refuses simple commits while the group has members, and checks member and generation otherwise', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(1, () => ({ groupInstanceId: 'i' }));
    expect(h.sm.checkCommit('g', '', null, -1).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.sm.checkCommit('g', 'nobody', null, generation).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.sm.checkCommit('g', ids[0]!, null, generation + 1).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(h.sm.checkCommit('g', 'stale', 'i', generation).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(h.sm.checkCommit('g', ids[0]!, 'i', generation).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers REBALANCE_IN_PROGRESS during CompletingRebalance and accepts commits while preparing', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    expect(h.sm.checkCommit('g', a.value.memberId, null, 1).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    h.sync(a.value.memberId, 1);
    h.join({ memberId: a.value.memberId });
    expect(h.group.state).toBe('PreparingRebalance');
    expect(h.sm.checkCommit('g', b.value.memberId, null, 1).errorCode).toBe(ErrorCode.NONE);
  });

  it('counts a commit as a heartbeat', () => {
    const h = new Harness();
    const { ids, generation } = h.stable(1);
    h.sched.advance(SESSION - 1);
    h.sm.checkCommit('g', ids[0]!, null, generation);
    h.sched.advance(SESSION - 1);
    expect(h.group.has(ids[0]!)).toBe(true);
  });
});

describe('DescribeGroups, ListGroups, removal and restore', () => {
  it('describes members with metadata and assignment only when Stable; an unknown group is Dead', () => {
    const h = new Harness();
    expect(h.sm.describe('nope')).toEqual({ state: 'Dead', protocolType: '', protocol: '', members: [] });
    const a = h.join({ clientId: 'client-a' });
    h.sched.advance(0);
    expect(h.sm.describe('g')).toMatchObject({ state: 'CompletingRebalance', protocol: '', members: [{ clientId: 'client-a', metadata: Buffer.alloc(0), assignment: Buffer.alloc(0) }] });
    h.sync(a.value.memberId, 1, { assignments: new Map([[a.value.memberId, Buffer.from('A')]]) });
    expect(h.sm.describe('g')).toEqual({
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [{ memberId: a.value.memberId, groupInstanceId: null, clientId: 'client-a', clientHost: '/127.0.0.1', metadata: sub(['t']), assignment: Buffer.from('A') }],
    });
    expect(h.sm.list()).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Stable' }]);
  });

  it('tracks the topics a consumer group subscribes to', () => {
    const h = new Harness();
    h.stable(2, (i) => ({ protocols: [{ name: 'range', metadata: sub(i === 0 ? ['a', 'b'] : ['c']) }] }));
    expect([...h.group.subscribedTopics!].sort()).toEqual(['a', 'b', 'c']);
  });

  it('removes an Empty group and stops its timers; refuses one with members', () => {
    const h = new Harness();
    const { ids } = h.stable(1);
    expect(() => h.sm.removeGroup(h.group)).toThrow();
    h.sm.leave('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    h.join({ memberId: '', requireKnownMemberId: true });
    h.sm.removeGroup(h.group);
    expect(h.sm.getGroup('g')).toBeUndefined();
    expect(h.sched.pending).toBe(0);
  });

  it('restores a stored group as Stable with its members, who must heartbeat within their session', () => {
    const h = new Harness();
    const g = h.sm.load({
      groupId: 'g',
      protocolType: 'consumer',
      generationId: 7,
      protocolName: 'range',
      leaderId: 'm2',
      stateTimestamp: 1,
      members: ['m1', 'm2'].map((memberId) => ({
        memberId,
        groupInstanceId: null,
        clientId: 'c',
        clientHost: '/h',
        rebalanceTimeoutMs: REBALANCE,
        sessionTimeoutMs: SESSION,
        subscription: sub(['t']),
        assignment: Buffer.from(memberId),
      })),
    });
    expect(g.state).toBe('Stable');
    expect(g.leaderId).toBe('m2');
    expect(h.heartbeat('m1', 7)).toBe(ErrorCode.NONE);
    expect(h.sync('m1', 7).value.assignment).toEqual(Buffer.from('m1'));
    h.sched.advance(SESSION - 1);
    expect(h.heartbeat('m1', 7)).toBe(ErrorCode.NONE);
    h.sched.advance(1);
    expect(g.has('m2')).toBe(false);
    expect(g.state).toBe('PreparingRebalance');
  });

  it('answers parked requests with NOT_COORDINATOR and stops every timer on close', () => {
    const h = new Harness();
    const a = h.join();
    const b = h.join();
    h.sched.advance(0);
    const sb = h.sync(b.value.memberId, 1);
    const c = h.join({ clientId: 'c' });
    expect(sb.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    h.sm.close();
    expect(c.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(a.answers).toBe(1);
    expect(h.sched.pending).toBe(0);
  });
});
