// Admin's group operations against the fake broker: requests reach the group's coordinator and
// are retried on coordinator errors, old and new versions of OffsetFetch and ListGroups are read
// correctly, and per-partition and group-level errors land on the right results.
import { afterEach, describe, expect, it } from 'vitest';
import { Admin } from '../../src/client/admin.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { encodeAssignment, encodeSubscription } from '../../src/protocol/messages/consumer-protocol.js';
import type { OffsetCommitRequest } from '../../src/protocol/messages/08-offset-commit.js';
import { FakeCluster, FakeGroupCoordinator } from './fake-broker.js';

let cluster: FakeCluster;
let admin: Admin | undefined;

afterEach(async () => {
  await admin?.close();
  admin = undefined;
  await cluster?.close();
});

async function setup(): Promise<{ a: Admin; group: FakeGroupCoordinator }> {
  cluster = await FakeCluster.start();
  cluster.addTopic('t', 2);
  const group = new FakeGroupCoordinator(cluster.brokers[0]!);
  admin = new Admin({ bootstrapServers: [cluster.bootstrap], retryBackoffMs: 1 });
  return { a: admin, group };
}

describe('Admin group operations', () => {
  it('describeGroups retries COORDINATOR_LOAD_IN_PROGRESS, finds the coordinator again after NOT_COORDINATOR, decodes assignments', async () => {
    const { a, group } = await setup();
    const answers = [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.NOT_COORDINATOR, 0];
    group.broker.handlers.set(15, (req) => {
      const errorCode = answers.shift()!;
      return {
        throttleTimeMs: 0,
        groups: (req.body.groups as string[]).map((groupId) => ({
          errorCode,
          groupId,
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [
            {
              memberId: 'm-1',
              groupInstanceId: 'static-1',
              clientId: 'c',
              clientHost: '/127.0.0.1',
              memberMetadata: encodeSubscription({ topics: ['t'] }),
              memberAssignment: encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [1, 0] }] }),
            },
            { memberId: 'm-2', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) },
          ],
          authorizedOperations: 0,
        })),
      };
    });
    const [g] = await a.describeGroups(['g']);
    expect(group.broker.requests(15)).toHaveLength(3);
    expect(group.broker.requests(10).length).toBeGreaterThanOrEqual(2);
    expect(g).toMatchObject({ groupId: 'g', state: 'Stable', protocolType: 'consumer', protocol: 'range', error: null });
    expect(g!.coordinator).toMatchObject({ nodeId: 0, host: '127.0.0.1', port: group.broker.port });
    expect(g!.members).toEqual([
      { memberId: 'm-1', groupInstanceId: 'static-1', clientId: 'c', clientHost: '/127.0.0.1', assignment: [{ topic: 't', partition: 1 }, { topic: 't', partition: 0 }] },
      { memberId: 'm-2', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', assignment: [] },
    ]);
  });

  it('a group-level error that is not about the coordinator is the group\'s result', async () => {
    const { a, group } = await setup();
    group.broker.handlers.set(42, (req) => ({
      throttleTimeMs: 0,
      results: (req.body.groupsNames as string[]).map((groupId) => ({ groupId, errorCode: groupId === 'busy' ? ErrorCode.NON_EMPTY_GROUP : 0 })),
    }));
    const results = await a.deleteGroups(['busy', 'idle']);
    expect(results.map((r) => [r.groupId, r.error?.errorName ?? null])).toEqual([
      ['busy', 'NON_EMPTY_GROUP'],
      ['idle', null],
    ]);
  });

  it('listGroupOffsets over OffsetFetch v1: group errors arrive in the partitions and are retried', async () => {
    const { a, group } = await setup();
    group.broker.versions.set(9, { min: 0, max: 1 });
    group.committed.set('t-0', 7n);
    let loading = 2;
    const serve = group.broker.handlers.get(9)!;
    group.broker.handlers.set(9, async (req, broker) => {
      const res = (await serve(req, broker)) as { topics: Array<{ partitions: Array<{ errorCode: number }> }> };
      if (loading-- > 0) for (const t of res.topics) for (const p of t.partitions) p.errorCode = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      return res;
    });
    const offsets = await a.listGroupOffsets('g', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    expect(group.broker.requests(9).map((r) => r.version)).toEqual([1, 1, 1]);
    expect(offsets).toEqual([
      { topic: 't', partition: 0, offset: 7n, leaderEpoch: -1, metadata: '', error: null },
      { topic: 't', partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', error: null },
    ]);
    // Listing everything a group committed needs v2+ (topics null).
    await expect(a.listGroupOffsets('g')).rejects.toMatchObject({ code: 'MQ_ERR_UNSUPPORTED_VERSION' });
  });

  it('listGroupOffsets over OffsetFetch v8+ asks in the groups[] form', async () => {
    const { a, group } = await setup();
    group.committed.set('t-1', 3n);
    const offsets = await a.listGroupOffsets('g', [{ topic: 't', partition: 1 }]);
    const req = group.broker.requests(9)[0]!;
    expect(req.version).toBe(9);
    expect(req.body.groups).toEqual([{ groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [1] }] }]);
    expect(offsets.map((o) => o.offset)).toEqual([3n]);
  });

  it('alterGroupOffsets is a simple commit; per-partition errors stay per partition', async () => {
    const { a, group } = await setup();
    const serve = group.broker.handlers.get(8)!;
    group.broker.handlers.set(8, async (req, broker) => {
      const res = (await serve(req, broker)) as { topics: Array<{ partitions: Array<{ partitionIndex: number; errorCode: number }> }> };
      for (const t of res.topics) for (const p of t.partitions) if (p.partitionIndex === 1) p.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      return res;
    });
    const results = await a.alterGroupOffsets('g', [
      { topic: 't', partition: 0, offset: 4n },
      { topic: 't', partition: 1, offset: 5n, metadata: 'x'.repeat(5000) },
    ]);
    expect(results.map((r) => r.error?.errorName ?? null)).toEqual([null, 'OFFSET_METADATA_TOO_LARGE']);
    expect(group.requests<OffsetCommitRequest>(8)[0]).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null });
  });

  it('deleteGroupOffsets: a group-level error is every partition\'s', async () => {
    const { a, group } = await setup();
    group.broker.handlers.set(47, () => ({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, throttleTimeMs: 0, topics: [] }));
    const results = await a.deleteGroupOffsets('g', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    expect(results.map((r) => r.error?.errorName)).toEqual(['GROUP_ID_NOT_FOUND', 'GROUP_ID_NOT_FOUND']);
  });

  it('listGroups asks every broker; a state filter needs ListGroups v4+', async () => {
    const { a, group } = await setup();
    group.broker.handlers.set(16, (req) => ({
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [
        { groupId: 'b', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
        { groupId: 'a', protocolType: '', groupState: 'Empty', groupType: 'classic' },
      ].filter((g) => req.body.statesFilter.length === 0 || req.body.statesFilter.includes(g.groupState)),
    }));
    expect(await a.listGroups()).toEqual([
      { groupId: 'a', protocolType: '', state: 'Empty' },
      { groupId: 'b', protocolType: 'consumer', state: 'Stable' },
    ]);
    expect(await a.listGroups({ states: ['Stable'] })).toEqual([{ groupId: 'b', protocolType: 'consumer', state: 'Stable' }]);
    group.broker.versions.set(16, { min: 0, max: 3 });
    await a.close();
    admin = new Admin({ bootstrapServers: [cluster.bootstrap] });
    expect((await admin.listGroups()).map((g) => g.state)).toEqual(['Unknown', 'Unknown']);
    await expect(admin.listGroups({ states: ['Stable'] })).rejects.toMatchObject({ code: 'MQ_ERR_UNSUPPORTED_VERSION' });
  });
});
