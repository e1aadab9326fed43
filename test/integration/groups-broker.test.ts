// The group coordinator over real TCP: members on their own connections (a parked JoinGroup or
// SyncGroup holds back later responses on its connection, as in Kafka), old and flexible
// versions mixed in one group, committed offsets, and a broker restart on the same log dir.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionFor } from '../../src/coordinator/offset-store.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../src/protocol/messages/consumer-protocol.js';
import {
  CreateTopics,
  DeleteGroups,
  DeleteTopics,
  DescribeGroups,
  FindCoordinator,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  ListGroups,
  Metadata,
  OffsetCommit,
  OffsetDelete,
  OffsetFetch,
  SyncGroup,
} from '../../src/protocol/messages/index.js';
import type { CreateTopicsResponse } from '../../src/protocol/messages/19-create-topics.js';
import type { DeleteGroupsResponse } from '../../src/protocol/messages/42-delete-groups.js';
import type { DeleteTopicsResponse } from '../../src/protocol/messages/20-delete-topics.js';
import type { DescribeGroupsResponse } from '../../src/protocol/messages/15-describe-groups.js';
import type { FindCoordinatorResponse } from '../../src/protocol/messages/10-find-coordinator.js';
import type { HeartbeatResponse } from '../../src/protocol/messages/12-heartbeat.js';
import type { JoinGroupResponse } from '../../src/protocol/messages/11-join-group.js';
import type { LeaveGroupResponse } from '../../src/protocol/messages/13-leave-group.js';
import type { ListGroupsResponse } from '../../src/protocol/messages/16-list-groups.js';
import type { MetadataResponse } from '../../src/protocol/messages/03-metadata.js';
import type { OffsetCommitResponse } from '../../src/protocol/messages/08-offset-commit.js';
import type { OffsetDeleteResponse } from '../../src/protocol/messages/47-offset-delete.js';
import type { OffsetFetchResponse } from '../../src/protocol/messages/09-offset-fetch.js';
import type { SyncGroupResponse } from '../../src/protocol/messages/14-sync-group.js';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { DEFAULT_LOG_CONFIG } from '../../src/storage/log-config.js';
import { LogManager } from '../../src/storage/log-manager.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../helpers/wire.js';

const GROUP_CONFIG = { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '5' };

let b: TestBroker;
const clients: WireClient[] = [];
beforeEach(async () => {
  b = await startTestBroker(GROUP_CONFIG);
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

async function createTopic(c: WireClient, name: string, partitions: number): Promise<void> {
  const res = await c.request<CreateTopicsResponse>(CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  expect(res.topics[0]!.errorCode).toBe(ErrorCode.NONE);
}

const protocols = (topics: string[]) => [{ name: 'range', metadata: encodeSubscription({ topics }) }];

function joinBody(memberId: string, over: object = {}) {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: protocols(['t']),
    reason: null,
    ...over,
  };
}

function syncBody(memberId: string, generationId: number, assignments: Array<[string, number[]]> = [], over: object = {}) {
  return {
    groupId: 'g',
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: assignments.map(([id, partitions]) => ({ memberId: id, assignment: encodeAssignment({ assignedPartitions: [{ topic: 't', partitions }] }) })),
    ...over,
  };
}

/** JoinGroup as a client does it: on v4+, rejoin with the member id MEMBER_ID_REQUIRED handed out. */
async function join(c: WireClient, version: number): Promise<JoinGroupResponse> {
  const first = await c.request<JoinGroupResponse>(JoinGroup, version, joinBody(''));
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) return first;
  return c.request<JoinGroupResponse>(JoinGroup, version, joinBody(first.memberId));
}

const heartbeat = (c: WireClient, version: number, memberId: string, generationId: number) =>
  c.request<HeartbeatResponse>(Heartbeat, version, { groupId: 'g', generationId, memberId, groupInstanceId: null }).then((r) => r.errorCode);

describe('group membership over the wire', () => {
  it('two members join, sync and heartbeat; one leaves and the other rebalances alone', async () => {
    const [admin, a, bb] = [await open(), await open(), await open()];
    await createTopic(admin, 't', 4);

    const found = await admin.request<FindCoordinatorResponse>(FindCoordinator, 0, { key: 'g', keyType: 0, coordinatorKeys: [] });
    expect(found).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: 1, host: '127.0.0.1', port: b.port });
    const meta = await admin.request<MetadataResponse>(Metadata, 1, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    expect(meta.topics.find((t) => t.name === '__consumer_offsets')).toMatchObject({ isInternal: true, partitions: expect.any(Array) });
    expect(meta.topics.find((t) => t.name === '__consumer_offsets')!.partitions).toHaveLength(5);
    expect(meta.topics.find((t) => t.name === 't')!.isInternal).toBe(false);

    // A joins with the versions librdkafka 2.0.2 relies on (JoinGroup/SyncGroup/Heartbeat v0).
    const a1 = await a.request<JoinGroupResponse>(JoinGroup, 0, joinBody(''));
    expect(a1).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range', leader: a1.memberId });
    const idA = a1.memberId;
    expect(idA).toMatch(/^wire-test-[0-9a-f-]{36}$/);
    expect((await a.request<SyncGroupResponse>(SyncGroup, 0, syncBody(idA, 1, [[idA, [0, 1, 2, 3]]]))).errorCode).toBe(ErrorCode.NONE);

    // B joins with the flexible versions: first MEMBER_ID_REQUIRED (KIP-394), then parked.
    const b1 = await bb.request<JoinGroupResponse>(JoinGroup, 9, joinBody(''));
    expect(b1.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const idB = b1.memberId;
    bb.send(JoinGroup, 9, joinBody(idB, { protocols: protocols(['t', 'other']) }));
    expect(await heartbeat(a, 0, idA, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const a2 = await a.request<JoinGroupResponse>(JoinGroup, 0, joinBody(idA));
    const b2 = (await bb.next<JoinGroupResponse>(JoinGroup, 9)).body;
    expect(a2).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: idA, memberId: idA });
    expect(a2.members.map((m) => [m.memberId, decodeSubscription(m.metadata).topics])).toEqual([
      [idA, ['t']],
      [idB, ['t', 'other']],
    ]);
    expect(b2).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leader: idA, memberId: idB, protocolType: 'consumer', protocolName: 'range', members: [] });

    // B's SyncGroup waits for the leader's.
    bb.send(SyncGroup, 5, syncBody(idB, 2));
    const aSync = await a.request<SyncGroupResponse>(SyncGroup, 0, syncBody(idA, 2, [[idA, [0, 1]], [idB, [2, 3]]]));
    const bSync = (await bb.next<SyncGroupResponse>(SyncGroup, 5)).body;
    expect(decodeAssignment(aSync.assignment).assignedPartitions).toEqual([{ topic: 't', partitions: [0, 1] }]);
    expect(bSync).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range' });
    expect(decodeAssignment(bSync.assignment).assignedPartitions).toEqual([{ topic: 't', partitions: [2, 3] }]);
    expect(await heartbeat(a, 0, idA, 2)).toBe(ErrorCode.NONE);
    expect(await heartbeat(bb, 4, idB, 2)).toBe(ErrorCode.NONE);
    expect(await heartbeat(bb, 4, idB, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);

    const described = await admin.request<DescribeGroupsResponse>(DescribeGroups, 5, { groups: ['g', 'nope'], includeAuthorizedOperations: true });
    const [g, nope] = described.groups as [DescribeGroupsResponse['groups'][0], DescribeGroupsResponse['groups'][0]];
    expect(g).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: 328 });
    expect(g.members.map((m) => [m.memberId, m.clientId, m.clientHost, decodeAssignment(m.memberAssignment).assignedPartitions[0]!.partitions])).toEqual([
      [idA, 'wire-test', '/127.0.0.1', [0, 1]],
      [idB, 'wire-test', '/127.0.0.1', [2, 3]],
    ]);
    expect(nope).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead', members: [] });
    const listed = await admin.request<ListGroupsResponse>(ListGroups, 5, { statesFilter: ['stable'], typesFilter: [] });
    expect(listed.groups).toEqual([{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]);
    const none = await admin.request<ListGroupsResponse>(ListGroups, 4, { statesFilter: ['Empty'], typesFilter: [] });
    expect(none.groups).toEqual([]);

    // B leaves (v5 batch); A is told to rejoin and carries on alone.
    const left = await bb.request<LeaveGroupResponse>(LeaveGroup, 5, { groupId: 'g', memberId: '', members: [{ memberId: idB, groupInstanceId: null, reason: 'done' }] });
    expect(left).toEqual({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, members: [{ memberId: idB, groupInstanceId: null, errorCode: ErrorCode.NONE }] });
    expect(await heartbeat(a, 0, idA, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const a3 = await a.request<JoinGroupResponse>(JoinGroup, 0, joinBody(idA));
    expect(a3).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3 });
    expect(a3.members.map((m) => m.memberId)).toEqual([idA]);
    expect((await a.request<SyncGroupResponse>(SyncGroup, 0, syncBody(idA, 3, [[idA, [0, 1, 2, 3]]]))).errorCode).toBe(ErrorCode.NONE);

    // A leaves with v0, whose single member's error is the top-level error.
    expect((await a.request<LeaveGroupResponse>(LeaveGroup, 0, { groupId: 'g', memberId: idA, members: [] })).errorCode).toBe(ErrorCode.NONE);
    expect((await a.request<LeaveGroupResponse>(LeaveGroup, 1, { groupId: 'g', memberId: idA, members: [] })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const empty = await admin.request<DescribeGroupsResponse>(DescribeGroups, 0, { groups: ['g'], includeAuthorizedOperations: false });
    expect(empty.groups[0]).toMatchObject({ groupState: 'Empty', protocolType: 'consumer', protocolData: '', members: [] });
  });

  it('answers batched FindCoordinator (v4) per key, and transactional keys with COORDINATOR_NOT_AVAILABLE', async () => {
    const c = await open();
    const res = await c.request<FindCoordinatorResponse>(FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(res.coordinators).toEqual([
      { key: 'a', nodeId: 1, host: '127.0.0.1', port: b.port, errorCode: ErrorCode.NONE, errorMessage: null },
      { key: 'b', nodeId: 1, host: '127.0.0.1', port: b.port, errorCode: ErrorCode.NONE, errorMessage: null },
    ]);
    const txn = await c.request<FindCoordinatorResponse>(FindCoordinator, 3, { key: 'tx', keyType: 1, coordinatorKeys: [] });
    expect(txn).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 });
  });

  it('shuts down cleanly while a JoinGroup is parked', async () => {
    const [admin, a, bb] = [await open(), await open(), await open()];
    await createTopic(admin, 't', 1);
    const a1 = await join(a, 5);
    await a.request<SyncGroupResponse>(SyncGroup, 3, syncBody(a1.memberId, 1, [], { protocolType: null, protocolName: null }));
    bb.send(JoinGroup, 3, joinBody(''));
    for (const deadline = Date.now() + 5000; ; ) {
      const d = await admin.request<DescribeGroupsResponse>(DescribeGroups, 0, { groups: ['g'], includeAuthorizedOperations: false });
      if (d.groups[0]!.groupState === 'PreparingRebalance') break;
      if (Date.now() > deadline) throw new Error(`group never started rebalancing: ${d.groups[0]!.groupState}`);
    }
    await b.stop();
    await bb.closed;
  });
});

describe('committed offsets over the wire', () => {
  async function commit(c: WireClient, version: number, groupId: string, offsets: Array<[string, number, bigint]>, over: object = {}) {
    const res = await c.request<OffsetCommitResponse>(OffsetCommit, version, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: offsets.map(([name, partitionIndex, committedOffset]) => ({
        name,
        partitions: [{ partitionIndex, committedOffset, committedLeaderEpoch: 0, commitTimestamp: -1n, committedMetadata: `at ${committedOffset}` }],
      })),
      ...over,
    });
    return res.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
  }

  async function fetchV1(c: WireClient, groupId: string, partitions: Array<[string, number]>) {
    const res = await c.request<OffsetFetchResponse>(OffsetFetch, 1, {
      groupId,
      topics: partitions.map(([name, p]) => ({ name, partitionIndexes: [p] })),
      groups: [],
      requireStable: false,
    });
    return res.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]));
  }

  it('commits with old and flexible versions and fetches them back, single and batched', async () => {
    const c = await open();
    await createTopic(c, 't', 3);
    // kafka-python's versions: OffsetCommit v2, OffsetFetch v1.
    expect(await commit(c, 2, 'kp', [['t', 0, 10n], ['t', 1, 11n], ['missing', 0, 1n]])).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await commit(c, 8, 'flex', [['t', 2, 22n]])).toEqual([ErrorCode.NONE]);
    expect(await fetchV1(c, 'kp', [['t', 0], ['t', 2]])).toEqual([
      ['t', 0, 10n, 'at 10', ErrorCode.NONE],
      ['t', 2, -1n, '', ErrorCode.NONE],
    ]);
    const all = await c.request<OffsetFetchResponse>(OffsetFetch, 5, { groupId: 'kp', topics: null, groups: [], requireStable: false });
    expect(all.errorCode).toBe(ErrorCode.NONE);
    // OffsetCommit v2 carries no leader epoch.
    expect(all.topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: 10n, committedLeaderEpoch: -1, metadata: 'at 10', errorCode: ErrorCode.NONE },
          { partitionIndex: 1, committedOffset: 11n, committedLeaderEpoch: -1, metadata: 'at 11', errorCode: ErrorCode.NONE },
        ],
      },
    ]);
    const batched = await c.request<OffsetFetchResponse>(OffsetFetch, 8, {
      groupId: '',
      topics: null,
      groups: [
        { groupId: 'flex', memberId: null, memberEpoch: -1, topics: null },
        { groupId: 'nobody', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] },
      ],
      requireStable: true,
    });
    expect(batched.groups.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset]))])).toEqual([
      ['flex', ErrorCode.NONE, [['t', 2, 22n]]],
      ['nobody', ErrorCode.NONE, [['t', 0, -1n]]],
    ]);
  });

  it('refuses a simple commit to a group with members, and accepts the member commit', async () => {
    const [c, m] = [await open(), await open()];
    await createTopic(c, 't', 1);
    const j = await join(m, 2);
    expect(await commit(c, 7, 'g', [['t', 0, 1n]])).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(c, 7, 'g', [['t', 0, 1n]], { generationIdOrMemberEpoch: 1, memberId: j.memberId })).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    await m.request<SyncGroupResponse>(SyncGroup, 1, syncBody(j.memberId, 1, [], { protocolType: null, protocolName: null }));
    expect(await commit(c, 7, 'g', [['t', 0, 5n]], { generationIdOrMemberEpoch: 1, memberId: j.memberId })).toEqual([ErrorCode.NONE]);
    expect(await fetchV1(c, 'g', [['t', 0]])).toEqual([['t', 0, 5n, 'at 5', ErrorCode.NONE]]);
  });

  it('deletes offsets and groups', async () => {
    const c = await open();
    await createTopic(c, 't', 2);
    await commit(c, 2, 'g', [['t', 0, 1n], ['t', 1, 2n]]);
    const del = await c.request<OffsetDeleteResponse>(OffsetDelete, 0, { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] });
    expect(del).toEqual({ errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] }] });
    expect(await fetchV1(c, 'g', [['t', 0], ['t', 1]])).toEqual([
      ['t', 0, -1n, '', ErrorCode.NONE],
      ['t', 1, 2n, 'at 2', ErrorCode.NONE],
    ]);
    const deleted = await c.request<DeleteGroupsResponse>(DeleteGroups, 2, { groupsNames: ['g', 'unknown'] });
    expect(deleted.results).toEqual([
      { groupId: 'g', errorCode: ErrorCode.NONE },
      { groupId: 'unknown', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(await fetchV1(c, 'g', [['t', 1]])).toEqual([['t', 1, -1n, '', ErrorCode.NONE]]);
  });

  it("drops a deleted topic's offsets from every group, for good (AK onPartitionsDeleted)", async () => {
    const c = await open();
    await createTopic(c, 'gone', 2);
    await createTopic(c, 'kept', 1);
    await commit(c, 2, 'both', [['gone', 0, 5n], ['gone', 1, 6n], ['kept', 0, 7n]]);
    await commit(c, 2, 'only-gone', [['gone', 1, 8n]]);
    const deleted = await c.request<DeleteTopicsResponse>(DeleteTopics, 4, { topicNames: ['gone'], timeoutMs: 1000 });
    expect(deleted.responses.map((r) => r.errorCode)).toEqual([ErrorCode.NONE]);
    await createTopic(c, 'gone', 2);
    const expectNone = async () => {
      expect(await fetchV1(c, 'both', [['gone', 0], ['gone', 1], ['kept', 0]])).toEqual([
        ['gone', 0, -1n, '', ErrorCode.NONE],
        ['gone', 1, -1n, '', ErrorCode.NONE],
        ['kept', 0, 7n, 'at 7', ErrorCode.NONE],
      ]);
      // A group left with no offsets is Dead: gone from the group list.
      const listed = await c.request<ListGroupsResponse>(ListGroups, 4, { statesFilter: [], typesFilter: [] });
      expect(listed.groups.map((g) => g.groupId).sort()).toEqual(['both']);
    };
    await expectNone();
    // The tombstones are in __consumer_offsets: a restart replays them.
    for (const x of clients.splice(0)) x.close();
    await b.stop();
    b = await startTestBroker(GROUP_CONFIG, b.dir);
    const after = await open();
    expect(await fetchV1(after, 'both', [['gone', 0], ['kept', 0]])).toEqual([
      ['gone', 0, -1n, '', ErrorCode.NONE],
      ['kept', 0, 7n, 'at 7', ErrorCode.NONE],
    ]);
    expect(await fetchV1(after, 'only-gone', [['gone', 1]])).toEqual([['gone', 1, -1n, '', ErrorCode.NONE]]);
  });

  it('keeps committed offsets and the group across a broker restart', async () => {
    const [c, m] = [await open(), await open()];
    await createTopic(c, 't', 4);
    const j = await join(m, 5);
    expect(j.errorCode).toBe(ErrorCode.NONE);
    await m.request<SyncGroupResponse>(SyncGroup, 3, syncBody(j.memberId, 1, [[j.memberId, [0, 1, 2, 3]]], { protocolType: null, protocolName: null }));
    for (let p = 0; p < 4; p++) {
      expect(await commit(c, 6, 'g', [['t', p, BigInt(100 + p)]], { generationIdOrMemberEpoch: 1, memberId: j.memberId })).toEqual([ErrorCode.NONE]);
    }
    await commit(c, 2, 'simple', [['t', 3, 7n]]);
    for (const x of clients.splice(0)) x.close();
    await b.stop();

    b = await startTestBroker(GROUP_CONFIG, b.dir);
    const after = await open();
    expect(await fetchV1(after, 'g', [['t', 0], ['t', 1], ['t', 2], ['t', 3]])).toEqual([0, 1, 2, 3].map((p) => ['t', p, BigInt(100 + p), `at ${100 + p}`, ErrorCode.NONE]));
    expect(await fetchV1(after, 'simple', [['t', 3]])).toEqual([['t', 3, 7n, 'at 7', ErrorCode.NONE]]);
    // The member outlived the restart: it is still in generation 1 and heartbeats on.
    expect(await heartbeat(after, 1, j.memberId, 1)).toBe(ErrorCode.NONE);
    const described = await after.request<DescribeGroupsResponse>(DescribeGroups, 4, { groups: ['g'], includeAuthorizedOperations: false });
    expect(described.groups[0]).toMatchObject({ groupState: 'Stable', members: [expect.objectContaining({ memberId: j.memberId })], authorizedOperations: -2147483648 });
  });

  it('reports a group whose offsets partition cannot be loaded in every partition on v1, at the top level on v2+ (KAFKA-19246)', async () => {
    const c = await open();
    await createTopic(c, 't', 2);
    await commit(c, 2, 'g', [['t', 0, 1n]]);
    c.close();
    await b.stop();
    // A record in g's __consumer_offsets partition whose key is cut short: the partition cannot be replayed.
    const logs = LogManager.open({ logDirs: [b.dir], defaults: DEFAULT_LOG_CONFIG });
    logs.getLog('__consumer_offsets', partitionFor('g', 5))!.append(encodeRecordBatch([{ key: Buffer.from([0, 1, 0, 9]), value: Buffer.alloc(3), timestamp: 0n }]));
    logs.close();

    b = await startTestBroker(GROUP_CONFIG, b.dir);
    const after = await open();
    expect(await fetchV1(after, 'g', [['t', 0], ['t', 1]])).toEqual([
      ['t', 0, -1n, '', ErrorCode.NOT_COORDINATOR],
      ['t', 1, -1n, '', ErrorCode.NOT_COORDINATOR],
    ]);
    const v2 = await after.request<OffsetFetchResponse>(OffsetFetch, 2, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], groups: [], requireStable: false });
    expect(v2).toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR, topics: [] });
  });
});
