// GroupMember's state machine against the scripted fake broker: each test scripts the
// coordinator's answers (JoinGroup, SyncGroup, Heartbeat, ...) and checks what the member sends
// and what it tells its host, in order. Other members of the group exist only as entries in the
// scripted JoinGroup responses.
import { afterEach, describe, expect, it } from 'vitest';
import { ASSIGNORS, type AssignorName, type TopicPartition } from '../../src/client/assignors.js';
import { Cluster } from '../../src/client/cluster.js';
import { CoordinatorLink } from '../../src/client/coordinator.js';
import { GroupMember, type GroupHost } from '../../src/client/group-member.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../src/protocol/messages/consumer-protocol.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../src/protocol/messages/11-join-group.js';
import type { SyncGroupRequest } from '../../src/protocol/messages/14-sync-group.js';
import { FakeCluster, FakeGroupCoordinator, joinResponse } from './fake-broker.js';

let fake: FakeCluster;
let cluster: Cluster | undefined;
let member: GroupMember | undefined;

afterEach(async () => {
  await member?.close();
  member = undefined;
  await cluster?.close();
  cluster = undefined;
  await fake?.close();
});

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A heartbeat answer of `code` once, then NONE. */
function once(code: number): () => number {
  let left = 1;
  return () => (left-- > 0 ? code : 0);
}

const fmt = (list: readonly TopicPartition[]): string => list.map((tp) => `${tp.topic}-${tp.partition}`).join(',');

interface Host extends GroupHost {
  events: string[];
  errors: Error[];
  topics: string[];
}

function fakeHost(topics: string[]): Host {
  const host: Host = {
    events: [],
    errors: [],
    topics,
    subscription: () => host.topics,
    betweenPolls: (step) => step(),
    commitConsumed: async () => void host.events.push('commit'),
    partitionsRevoked: async (l) => void host.events.push(`revoked [${fmt(l)}]`),
    partitionsLost: async (l) => void host.events.push(`lost [${fmt(l)}]`),
    partitionsAssigned: async (l) => void host.events.push(`assigned [${fmt(l)}]`),
    fail: (e) => void host.errors.push(e),
  };
  return host;
}

async function setup(topics: Record<string, number>, options: { assignors?: AssignorName[]; groupInstanceId?: string; subscribe?: string[] } = {}) {
  fake = await FakeCluster.start();
  for (const [name, n] of Object.entries(topics)) fake.addTopic(name, n);
  const script = new FakeGroupCoordinator(fake.brokers[0]!);
  cluster = new Cluster({ bootstrapServers: [fake.bootstrap], retryBackoffMs: 10 });
  await cluster.connect();
  const host = fakeHost(options.subscribe ?? Object.keys(topics));
  const link = new CoordinatorLink(cluster, 'g', true);
  member = new GroupMember(
    cluster,
    link,
    {
      groupId: 'g',
      groupInstanceId: options.groupInstanceId ?? null,
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 5000,
      heartbeatIntervalMs: 20,
      assignors: (options.assignors ?? ['range', 'cooperative-sticky']).map((n) => ASSIGNORS.get(n)!),
    },
    host,
  );
  return { script, host, member, broker: fake.brokers[0]! };
}

const joins = (): JoinGroupRequest[] => fake.brokers[0]!.requests(11).map((r) => r.body as JoinGroupRequest);
const syncs = (): SyncGroupRequest[] => fake.brokers[0]!.requests(14).map((r) => r.body as SyncGroupRequest);

describe('GroupMember: joining', () => {
  it('rejoins with the member id of MEMBER_ID_REQUIRED, then leads: assigns with the selected protocol', async () => {
    const { script, host, member } = await setup({ t: 4 });
    const other = encodeSubscription({ topics: ['t'] });
    script.join = (req) => {
      const body = req.body as JoinGroupRequest;
      if (body.memberId === '') return joinResponse({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: 'mq-abc', generationId: -1 });
      // The group voted roundrobin (say, for a kafka-python member), though we prefer range.
      return joinResponse({
        memberId: body.memberId,
        generationId: 7,
        protocolName: 'cooperative-sticky',
        leader: body.memberId,
        members: [
          { memberId: body.memberId, groupInstanceId: null, metadata: body.protocols[1]!.metadata },
          { memberId: 'other', groupInstanceId: null, metadata: other },
        ],
      });
    };
    member.start();
    await waitFor('assignment', () => host.events.some((e) => e.startsWith('assigned')));
    expect(joins().map((j) => j.memberId)).toEqual(['', 'mq-abc']);
    const j = joins()[1]!;
    expect(j).toMatchObject({ groupId: 'g', protocolType: 'consumer', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 5000 });
    expect(j.protocols.map((p) => p.name)).toEqual(['range', 'cooperative-sticky']);
    expect(decodeSubscription(j.protocols[0]!.metadata)).toMatchObject({ version: 3, topics: ['t'], ownedPartitions: [], generationId: -1, userData: null });
    // cooperative-sticky's user data: the generation, for leaders reading v1 subscriptions.
    expect(decodeSubscription(j.protocols[1]!.metadata).userData).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));

    const sync = syncs()[0]!;
    expect(sync).toMatchObject({ generationId: 7, memberId: 'mq-abc', protocolName: 'cooperative-sticky', protocolType: 'consumer' });
    const byMember = Object.fromEntries(sync.assignments.map((a) => [a.memberId, decodeAssignment(a.assignment).assignedPartitions]));
    expect(byMember).toEqual({ 'mq-abc': [{ topic: 't', partitions: [0, 2] }], other: [{ topic: 't', partitions: [1, 3] }] });
    expect(host.events).toEqual(['assigned [t-0,t-2]']);
    expect(member.generationId).toBe(7);
  });

  it('as a follower sends no assignments and applies the one it is given', async () => {
    const { script, host, member } = await setup({ t: 4 });
    script.join = (req) => joinResponse({ memberId: (req.body as JoinGroupRequest).memberId || 'me', generationId: 3, leader: 'someone-else' });
    script.sync = () => ({ throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [3, 1] }] }) });
    member.start();
    await waitFor('assignment', () => host.events.length > 0);
    expect(syncs()[0]!.assignments).toEqual([]);
    expect(host.events).toEqual(['assigned [t-3,t-1]']);
  });

  it('heartbeats while stable; REBALANCE_IN_PROGRESS (eager): commit, revoke everything, rejoin with the old generation', async () => {
    const { script, host, member } = await setup({ t: 2 });
    member.start();
    await waitFor('first assignment', () => host.events.length >= 1);
    await waitFor('heartbeats', () => fake.brokers[0]!.requests(12).length >= 2);
    expect(fake.brokers[0]!.requests(12)[0]!.body).toMatchObject({ groupId: 'g', generationId: 1, memberId: 'member-1' });
    script.heartbeat = once(ErrorCode.REBALANCE_IN_PROGRESS);
    await waitFor('second assignment', () => host.events.length >= 4);
    expect(host.events).toEqual(['assigned [t-0,t-1]', 'commit', 'revoked [t-0,t-1]', 'assigned [t-0,t-1]']);
    const second = joins()[1]!;
    expect(second.memberId).toBe('member-1');
    // Eager: nothing owned while rejoining; the generation names the last one.
    expect(decodeSubscription(second.protocols[0]!.metadata)).toMatchObject({ ownedPartitions: [], generationId: 1 });
    expect(second.reason).toBe('the group is rebalancing');
  });

  it.each([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION])('heartbeat error %i: partitions lost, no commit, rejoin without a member id', async (code) => {
    const { script, host, member } = await setup({ t: 2 });
    member.start();
    await waitFor('first assignment', () => host.events.length >= 1);
    script.heartbeat = once(code);
    await waitFor('second assignment', () => host.events.length >= 3);
    expect(host.events).toEqual(['assigned [t-0,t-1]', 'lost [t-0,t-1]', 'assigned [t-0,t-1]']);
    expect(joins()[1]!.memberId).toBe('');
    expect(decodeSubscription(joins()[1]!.protocols[0]!.metadata).generationId).toBe(-1);
  });

  it('NOT_COORDINATOR on heartbeat: finds the coordinator again and stays in the group', async () => {
    const { script, host, member } = await setup({ t: 1 });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    script.heartbeat = once(ErrorCode.NOT_COORDINATOR);
    const finds = fake.brokers[0]!.requests(10).length;
    await waitFor('FindCoordinator again', () => fake.brokers[0]!.requests(10).length > finds);
    const beats = fake.brokers[0]!.requests(12).length;
    await waitFor('heartbeats again', () => fake.brokers[0]!.requests(12).length > beats + 1);
    expect(joins()).toHaveLength(1);
    expect(host.errors).toEqual([]);
  });

  it('SyncGroup REBALANCE_IN_PROGRESS: rejoins at once with the same member id, without preparing again', async () => {
    const { script, host, member } = await setup({ t: 1 });
    let first = true;
    const sync = script.sync;
    script.sync = (req) => {
      if (!first) return sync(req);
      first = false;
      return { throttleTimeMs: 0, errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    };
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    expect(joins().map((j) => j.memberId)).toEqual(['', 'member-1']);
    expect(host.events).toEqual(['assigned [t-0]']);
  });

  it('errors that are not about membership reach the application and the join is retried', async () => {
    const { script, host, member } = await setup({ t: 1 });
    let inconsistent = 2;
    const join = script.join;
    script.join = (req) => (inconsistent-- > 0 ? joinResponse({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId: '' }) : join(req));
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    expect(host.errors.map((e) => (e as { errorName?: string }).errorName)).toEqual(['INCONSISTENT_GROUP_PROTOCOL', 'INCONSISTENT_GROUP_PROTOCOL']);
    expect(joins()).toHaveLength(3);
  });

  it('a subscription change while joining: the assignment for the old topics is not applied', async () => {
    const { script, host, member } = await setup({ a: 1, b: 1 }, { subscribe: ['a'] });
    const sync = script.sync;
    let first = true;
    script.sync = (req) => {
      if (first) host.topics = ['b'];
      first = false;
      return sync(req);
    };
    member.start();
    await waitFor('assignment of b', () => host.events.includes('assigned [b-0]'));
    // Eager members report the revocation at every rebalance, even of nothing.
    expect(host.events).toEqual(['commit', 'revoked []', 'assigned [b-0]']);
    expect(joins().map((j) => decodeSubscription(j.protocols[0]!.metadata).topics)).toEqual([['a'], ['b']]);
  });
});

describe('GroupMember: cooperative rebalancing (KIP-429)', () => {
  it('keeps what stays, revokes only what moves, then rejoins so it can be assigned elsewhere', async () => {
    const { script, host, member } = await setup({ t: 4 }, { assignors: ['cooperative-sticky'] });
    expect(member.protocol).toBe('cooperative');
    member.start();
    await waitFor('first assignment', () => host.events.length >= 1);
    expect(host.events).toEqual(['assigned [t-0,t-1,t-2,t-3]']);

    // A second member arrives: this leader keeps two partitions and gives up the others.
    script.join = (req) => {
      const body = req.body as JoinGroupRequest;
      return joinResponse({
        memberId: body.memberId,
        generationId: 2 + joins().length,
        protocolName: 'cooperative-sticky',
        leader: body.memberId,
        members: [
          { memberId: body.memberId, groupInstanceId: null, metadata: body.protocols[0]!.metadata },
          { memberId: 'newcomer', groupInstanceId: null, metadata: encodeSubscription({ topics: ['t'], generationId: -1 }) },
        ],
      });
    };
    script.heartbeat = once(ErrorCode.REBALANCE_IN_PROGRESS);
    await waitFor('second join', () => joins().length >= 2);
    await waitFor('follow-up join', () => joins().length >= 3);
    await waitFor('follow-up sync', () => syncs().length >= 3);

    // The second join carried what it owned and its generation.
    expect(decodeSubscription(joins()[1]!.protocols[0]!.metadata)).toMatchObject({ ownedPartitions: [{ topic: 't', partitions: [0, 1, 2, 3] }], generationId: 1 });
    const second = Object.fromEntries(syncs()[1]!.assignments.map((a) => [a.memberId, decodeAssignment(a.assignment).assignedPartitions]));
    // Moving partitions are in nobody's assignment this round.
    expect(second).toEqual({ 'member-1': [{ topic: 't', partitions: [0, 1] }], newcomer: [] });
    const third = Object.fromEntries(syncs()[2]!.assignments.map((a) => [a.memberId, decodeAssignment(a.assignment).assignedPartitions]));
    expect(third).toEqual({ 'member-1': [{ topic: 't', partitions: [0, 1] }], newcomer: [{ topic: 't', partitions: [2, 3] }] });
    await waitFor('events', () => host.events.length >= 7);
    // Each prepare commits but revokes nothing (nothing left the subscription); after the second
    // sync the moving partitions are committed and revoked; the follow-up adds nothing here.
    expect(host.events).toEqual(['assigned [t-0,t-1,t-2,t-3]', 'commit', 'commit', 'revoked [t-2,t-3]', 'assigned []', 'commit', 'assigned []']);
    expect(joins()[2]!.reason).toBe('partitions were revoked and must be reassigned');
  });

  it('the Java default [range, cooperative-sticky] rebalances eagerly', async () => {
    const { member } = await setup({ t: 1 });
    expect(member.protocol).toBe('eager');
  });
});

describe('GroupMember: static membership and leaving', () => {
  it('close(): commits, revokes, and leaves with LeaveGroup v3+ members[]', async () => {
    const { host, member, broker } = await setup({ t: 1 });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    await member.close();
    expect(host.events).toEqual(['assigned [t-0]', 'commit', 'revoked [t-0]']);
    const leave = broker.requests(13)[0]!;
    expect(leave.version).toBe(5);
    expect(leave.body.members).toEqual([{ memberId: 'member-1', groupInstanceId: null, reason: 'the consumer is being closed' }]);
  });

  it('close() against a broker with LeaveGroup v0-2 names the member directly', async () => {
    const { host, member, broker } = await setup({ t: 1 });
    broker.versions.set(13, { min: 0, max: 2 });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    await member.close();
    const leave = broker.requests(13)[0]!;
    expect(leave.version).toBe(2);
    expect(leave.body.memberId).toBe('member-1');
  });

  it('close() while a JoinGroup is parked at the coordinator: drops it and still leaves', async () => {
    const { script, host, member, broker } = await setup({ t: 1 });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    script.heartbeat = () => ErrorCode.REBALANCE_IN_PROGRESS;
    script.join = () => new Promise<JoinGroupResponse>(() => {});
    await waitFor('parked join', () => joins().length >= 2);
    await member.close();
    expect(broker.requests(13)).toHaveLength(1);
    expect(host.events).toEqual(['assigned [t-0]', 'commit', 'revoked [t-0]']);
  });

  it('a static member sends its group.instance.id and does not leave on close (KIP-345)', async () => {
    const { host, member, broker } = await setup({ t: 1 }, { groupInstanceId: 'instance-1' });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    expect(joins()[0]!.groupInstanceId).toBe('instance-1');
    expect(syncs()[0]!.groupInstanceId).toBe('instance-1');
    await waitFor('heartbeat', () => broker.requests(12).length > 0);
    expect(broker.requests(12)[0]!.body.groupInstanceId).toBe('instance-1');
    await member.close();
    expect(broker.requests(13)).toHaveLength(0);
  });

  it('static membership against a broker below JoinGroup v5 fails for good', async () => {
    const { host, member, broker } = await setup({ t: 1 }, { groupInstanceId: 'instance-1' });
    broker.versions.set(11, { min: 0, max: 4 });
    member.start();
    await waitFor('error', () => host.errors.length >= 1);
    expect((host.errors[0] as { code?: string }).code).toBe('MQ_ERR_UNSUPPORTED_VERSION');
    expect(joins()).toHaveLength(0);
  });

  it('FENCED_INSTANCE_ID is fatal: reported once, never rejoined', async () => {
    const { script, host, member } = await setup({ t: 1 }, { groupInstanceId: 'instance-1' });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    script.heartbeat = () => ErrorCode.FENCED_INSTANCE_ID;
    await waitFor('error', () => host.errors.length >= 1);
    expect((host.errors[0] as { errorName?: string }).errorName).toBe('FENCED_INSTANCE_ID');
    // The member stopped when the answer arrived: closing it sends nothing more.
    const sent = fake.brokers[0]!.log.length;
    await member.close();
    expect(fake.brokers[0]!.log.slice(sent).map((r) => r.apiKey)).toEqual([]);
    expect(joins()).toHaveLength(1);
    expect(host.errors).toHaveLength(1);
    expect(host.events).toEqual(['assigned [t-0]', 'lost [t-0]']);
  });

  it('commit() is refused outside a stable generation and works inside one', async () => {
    const { host, member, broker } = await setup({ t: 1 });
    await expect(member.commit([{ topic: 't', partition: 0, offset: 5n }])).rejects.toMatchObject({ errorName: 'REBALANCE_IN_PROGRESS' });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    await member.commit([{ topic: 't', partition: 0, offset: 5n, metadata: 'm' }]);
    const commit = broker.requests(8)[0]!;
    expect(commit.body).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: 'member-1' });
    expect(commit.body.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 5n, committedMetadata: 'm' });
  });

  it('a commit answered ILLEGAL_GENERATION resets the member and rejoins', async () => {
    const { host, member, broker } = await setup({ t: 1 });
    member.start();
    await waitFor('assignment', () => host.events.length >= 1);
    broker.handlers.set(8, (req) => ({
      throttleTimeMs: 0,
      topics: req.body.topics.map((t: any) => ({ name: t.name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.ILLEGAL_GENERATION })) })),
    }));
    await expect(member.commit([{ topic: 't', partition: 0, offset: 1n }])).rejects.toMatchObject({ errorName: 'ILLEGAL_GENERATION' });
    await waitFor('rejoin', () => joins().length >= 2);
    await waitFor('reassigned', () => host.events.length >= 3);
    expect(host.events).toEqual(['assigned [t-0]', 'lost [t-0]', 'assigned [t-0]']);
  });
});
