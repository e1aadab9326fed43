// The coordinator over a real __consumer_offsets in a temp dir, with a fake clock: offset commit
// and fetch, restarts (a new coordinator replaying the same logs), group and offset deletion,
// offset expiry, and what storage failures turn into.
import { describe, expect, it } from 'vitest';
import type { JoinResult } from '../../src/coordinator/group.js';
import { GroupCoordinator, type CommitRequest, type CoordinatorConfig } from '../../src/coordinator/group-coordinator.js';
import type { JoinRequest } from '../../src/coordinator/group-state.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { encodeSubscription } from '../../src/protocol/messages/consumer-protocol.js';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { FakeScheduler } from './fake-scheduler.js';
import { useOffsetsTopics, type OffsetsTopicOnDisk } from './offsets-topic.js';

const SESSION = 10_000;
const RETENTION = 60 * 60_000;
const CHECK_INTERVAL = 60_000;
const TOPICS = new Map([
  ['t', 4],
  ['u', 2],
]);

const offsetsTopic = useOffsetsTopics();

class Harness {
  readonly logs: string[] = [];
  coordinator: GroupCoordinator;

  constructor(
    readonly topic: OffsetsTopicOnDisk,
    readonly sched = new FakeScheduler(),
    private readonly config: Partial<CoordinatorConfig> = {},
  ) {
    this.coordinator = this.start();
  }

  private start(): GroupCoordinator {
    return new GroupCoordinator({
      config: {
        minSessionTimeoutMs: 6000,
        maxSessionTimeoutMs: 1_800_000,
        maxSize: 100,
        initialRebalanceDelayMs: 0,
        offsetsRetentionMs: RETENTION,
        offsetsRetentionCheckIntervalMs: CHECK_INTERVAL,
        offsetMetadataMaxBytes: 10,
        offsetsLoadBufferSize: 1 << 20,
        ...this.config,
      },
      offsetsTopic: this.topic,
      partitionExists: (topic, partition) => partition >= 0 && partition < (TOPICS.get(topic) ?? 0),
      log: (level, message) => this.logs.push(`${level} ${message}`),
      scheduler: this.sched,
    });
  }

  /** A broker restart: the coordinator closes, the logs are reopened, a new coordinator loads them. */
  restart(): void {
    this.coordinator.close();
    this.topic.restart();
    this.coordinator = this.start();
  }

  commit(groupId: string, offsets: Array<[string, number, bigint]>, over: Partial<CommitRequest> = {}): number[] {
    const res = this.coordinator.commitOffsets({
      groupId,
      memberId: '',
      groupInstanceId: null,
      generationId: -1,
      retentionTimeMs: -1n,
      topics: offsets.map(([topic, partition, offset]) => ({ topic, partitions: [{ partition, offset, leaderEpoch: 3, metadata: `m${offset}`, commitTimestamp: -1n }] })),
      ...over,
    });
    return res.flatMap((t) => t.partitions.map((p) => p.errorCode));
  }

  fetch(groupId: string, partitions: Array<[string, number]> | null = null): Array<[string, number, bigint]> {
    const res = this.coordinator.fetchOffsets(groupId, partitions && partitions.map(([topic, p]) => ({ topic, partitions: [p] })));
    expect(res.errorCode).toBe(ErrorCode.NONE);
    return res.topics.flatMap((t) => t.partitions.map((p): [string, number, bigint] => [t.topic, p.partition, p.offset]));
  }

  async join(groupId: string, over: Partial<JoinRequest> = {}): Promise<JoinResult> {
    const pending = this.coordinator.join({
      groupId,
      memberId: '',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: '/127.0.0.1',
      rebalanceTimeoutMs: 30_000,
      sessionTimeoutMs: SESSION,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['t'] }) }],
      requireKnownMemberId: false,
      supportSkippingAssignment: false,
      ...over,
    });
    this.sched.advance(0);
    return pending;
  }

  /** A Stable one-member group; returns the member id and generation. */
  async stableGroup(groupId: string, over: Partial<JoinRequest> = {}): Promise<{ memberId: string; generation: number }> {
    const j = await this.join(groupId, over);
    const s = await this.coordinator.sync({
      groupId,
      generationId: j.generationId,
      memberId: j.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: new Map([[j.memberId, Buffer.from('assigned')]]),
    });
    expect(s.errorCode).toBe(ErrorCode.NONE);
    return { memberId: j.memberId, generation: j.generationId };
  }
}

describe('offset commit and fetch', () => {
  it('commits and fetches offsets, -1 for partitions without a commit, everything for a null topic list', () => {
    const h = new Harness(offsetsTopic());
    expect(h.commit('g', [['t', 0, 5n], ['t', 1, 7n], ['u', 1, 9n]])).toEqual([0, 0, 0]);
    expect(h.fetch('g', [['t', 1], ['t', 2], ['nope', 0]])).toEqual([['t', 1, 7n], ['t', 2, -1n], ['nope', 0, -1n]]);
    expect(h.fetch('g')).toEqual([['t', 0, 5n], ['t', 1, 7n], ['u', 1, 9n]]);
    expect(h.fetch('unknown', [['t', 0]])).toEqual([['t', 0, -1n]]);
    expect(h.fetch('unknown')).toEqual([]);
    const fetched = h.coordinator.fetchOffsets('g', [{ topic: 't', partitions: [0, 3] }]).topics[0]!.partitions;
    expect(fetched).toEqual([
      { partition: 0, offset: 5n, leaderEpoch: 3, metadata: 'm5', errorCode: ErrorCode.NONE },
      { partition: 3, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION and OFFSET_METADATA_TOO_LARGE per partition and stores the rest', () => {
    const h = new Harness(offsetsTopic());
    const res = h.coordinator.commitOffsets({
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      generationId: -1,
      retentionTimeMs: -1n,
      topics: [
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: 1n, leaderEpoch: -1, metadata: 'x'.repeat(11), commitTimestamp: -1n },
            { partition: 1, offset: 2n, leaderEpoch: -1, metadata: 'x'.repeat(10), commitTimestamp: -1n },
            { partition: 4, offset: 3n, leaderEpoch: -1, metadata: null, commitTimestamp: -1n },
          ],
        },
        { topic: 'missing', partitions: [{ partition: 0, offset: 4n, leaderEpoch: -1, metadata: null, commitTimestamp: -1n }] },
      ],
    });
    expect(res).toEqual([
      { topic: 't', partitions: [{ partition: 0, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE }, { partition: 1, errorCode: ErrorCode.NONE }, { partition: 4, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { topic: 'missing', partitions: [{ partition: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
    ]);
    expect(h.fetch('g')).toEqual([['t', 1, 2n]]);
  });

  it('does not create a group for a commit whose partitions all do not exist', () => {
    const h = new Harness(offsetsTopic());
    expect(h.commit('g', [['missing', 0, 1n]])).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(h.coordinator.listGroups()).toEqual([]);
  });

  it('applies the member checks to commits of a group with members', async () => {
    const h = new Harness(offsetsTopic());
    const { memberId, generation } = await h.stableGroup('g');
    expect(h.commit('g', [['t', 0, 1n]])).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(h.commit('g', [['t', 0, 1n]], { memberId, generationId: generation + 1 })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(h.commit('g', [['t', 0, 1n]], { memberId, generationId: generation })).toEqual([ErrorCode.NONE]);
    expect(h.commit('other', [['t', 0, 1n]], { memberId, generationId: generation })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  });

  it('keeps every committed offset across a restart', () => {
    const h = new Harness(offsetsTopic());
    for (let i = 0; i < 20; i++) h.commit(`group-${i}`, [['t', i % 4, BigInt(i)], ['u', i % 2, BigInt(100 + i)]]);
    h.commit('group-3', [['t', 3, 333n]]);
    h.restart();
    for (let i = 0; i < 20; i++) {
      expect(h.fetch(`group-${i}`)).toEqual([['t', i % 4, i === 3 ? 333n : BigInt(i)], ['u', i % 2, BigInt(100 + i)]]);
    }
    expect(h.coordinator.listGroups()).toHaveLength(20);
  });

  it('maps a failed write to the OffsetCommit error Kafka reports (INVALID_COMMIT_OFFSET_SIZE)', () => {
    const h = new Harness(offsetsTopic(1, { 'max.message.bytes': '200' }));
    expect(h.commit('g', [['t', 0, 1n], ['t', 1, 1n], ['t', 2, 1n], ['t', 3, 1n], ['u', 0, 1n], ['u', 1, 1n]])).toEqual(Array(6).fill(ErrorCode.INVALID_COMMIT_OFFSET_SIZE));
    expect(h.fetch('g')).toEqual([]);
  });
});

describe('group metadata persistence', () => {
  it('brings a group back Stable with its members, assignment and generation after a restart', async () => {
    const h = new Harness(offsetsTopic());
    const { memberId, generation } = await h.stableGroup('g');
    h.commit('g', [['t', 0, 11n]], { memberId, generationId: generation });
    h.restart();
    const d = h.coordinator.describeGroup('g').summary!;
    expect(d).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(d.members).toEqual([expect.objectContaining({ memberId, clientId: 'c', clientHost: '/127.0.0.1', assignment: Buffer.from('assigned') })]);
    // The member carries on without rejoining...
    expect(h.coordinator.heartbeat({ groupId: 'g', generationId: generation, memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
    expect(h.commit('g', [['t', 0, 12n]], { memberId, generationId: generation })).toEqual([ErrorCode.NONE]);
    // ...or, silent, is removed after its session timeout.
    h.sched.advance(SESSION);
    expect(h.coordinator.describeGroup('g').summary!.state).toBe('Empty');
    h.restart();
    expect(h.coordinator.describeGroup('g').summary).toMatchObject({ state: 'Empty', members: [] });
    expect(h.coordinator.groups.getGroup('g')!.generationId).toBe(generation + 1);
    expect(h.fetch('g')).toEqual([['t', 0, 12n]]);
  });

  it('answers a SyncGroup whose assignment cannot be stored with the error Kafka maps it to', async () => {
    const h = new Harness(offsetsTopic(1, { 'max.message.bytes': '300' }));
    const j = await h.join('g');
    const s = await h.coordinator.sync({
      groupId: 'g',
      generationId: j.generationId,
      memberId: j.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: new Map([[j.memberId, Buffer.alloc(400)]]),
    });
    expect(s.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
  });

  it("answers NOT_COORDINATOR for groups of a partition that cannot be loaded, and serves the others", () => {
    const topic = offsetsTopic(2);
    const h = new Harness(topic);
    const broken = ['a', 'b', 'c', 'd'].find((g) => h.coordinator.partitionFor(g) === 1)!;
    const fine = ['a', 'b', 'c', 'd'].find((g) => h.coordinator.partitionFor(g) === 0)!;
    h.commit(fine, [['t', 0, 1n]]);
    // A record whose key claims to be an offset commit but is cut short.
    topic.log(1).append(encodeRecordBatch([{ key: Buffer.from([0, 1, 0, 9]), value: Buffer.alloc(3), timestamp: 0n }]));
    h.restart();
    expect(h.logs.some((l) => l.startsWith('error Error loading offsets from __consumer_offsets-1'))).toBe(true);
    expect(h.coordinator.fetchOffsets(broken, null)).toEqual({ errorCode: ErrorCode.NOT_COORDINATOR, topics: [] });
    expect(h.commit(broken, [['t', 0, 1n]])).toEqual([ErrorCode.NOT_COORDINATOR]);
    expect(h.coordinator.heartbeat({ groupId: broken, generationId: 0, memberId: 'm', groupInstanceId: null })).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.fetch(fine)).toEqual([['t', 0, 1n]]);
  });
});

describe('DeleteGroups and OffsetDelete', () => {
  it('deletes empty groups with their offsets, refusing groups with members and unknown ids', async () => {
    const h = new Harness(offsetsTopic());
    h.commit('empty', [['t', 0, 1n], ['u', 0, 2n]]);
    await h.stableGroup('busy');
    expect(h.coordinator.deleteGroups(['empty', 'busy', 'nope', 'empty'])).toEqual([
      { groupId: 'empty', errorCode: ErrorCode.NONE },
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(h.coordinator.describeGroup('empty').summary!.state).toBe('Dead');
    expect(h.fetch('empty')).toEqual([]);
    h.restart();
    expect(h.fetch('empty')).toEqual([]);
    expect(h.coordinator.listGroups().map((g) => g.groupId)).toEqual(['busy']);
  });

  it('deletes a group that once had members, tombstoning its metadata too', async () => {
    const h = new Harness(offsetsTopic());
    const { memberId } = await h.stableGroup('g');
    h.coordinator.leave('g', [{ memberId, groupInstanceId: null }]);
    expect(h.coordinator.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: ErrorCode.NONE }]);
    h.restart();
    expect(h.coordinator.listGroups()).toEqual([]);
  });

  it('deletes offsets of an Empty group; the group dies with its last offset', () => {
    const h = new Harness(offsetsTopic());
    h.commit('g', [['t', 0, 1n], ['t', 1, 2n]]);
    expect(h.coordinator.deleteOffsets('g', [{ topic: 't', partition: 0 }, { topic: 'missing', partition: 0 }])).toEqual({
      errorCode: ErrorCode.NONE,
      partitions: [
        { topic: 't', partition: 0, errorCode: ErrorCode.NONE },
        { topic: 'missing', partition: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
      ],
    });
    expect(h.fetch('g')).toEqual([['t', 1, 2n]]);
    h.coordinator.deleteOffsets('g', [{ topic: 't', partition: 1 }]);
    expect(h.coordinator.listGroups()).toEqual([]);
    h.restart();
    expect(h.fetch('g')).toEqual([]);
  });

  it('refuses offsets of topics a consumer group subscribes to, and whole requests for other groups with members', async () => {
    const h = new Harness(offsetsTopic());
    const { memberId, generation } = await h.stableGroup('g');
    h.commit('g', [['t', 0, 1n], ['u', 0, 2n]], { memberId, generationId: generation });
    expect(h.coordinator.deleteOffsets('g', [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }])).toEqual({
      errorCode: ErrorCode.NONE,
      partitions: [
        { topic: 't', partition: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC },
        { topic: 'u', partition: 0, errorCode: ErrorCode.NONE },
      ],
    });
    expect(h.fetch('g')).toEqual([['t', 0, 1n]]);
    await h.stableGroup('connect', { protocolType: 'connect', protocols: [{ name: 'default', metadata: Buffer.alloc(0) }] });
    expect(h.coordinator.deleteOffsets('connect', [{ topic: 't', partition: 0 }])).toEqual({ errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] });
    expect(h.coordinator.deleteOffsets('nope', [{ topic: 't', partition: 0 }])).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] });
    expect(h.coordinator.deleteOffsets('', [])).toEqual({ errorCode: ErrorCode.INVALID_GROUP_ID, partitions: [] });
  });
});

describe('offset expiry (offsets.retention.minutes)', () => {
  it('expires the offsets of an Empty group once it has been empty for the retention time, then the group', async () => {
    const h = new Harness(offsetsTopic());
    const { memberId, generation } = await h.stableGroup('g');
    h.commit('g', [['t', 0, 1n]], { memberId, generationId: generation });
    h.coordinator.leave('g', [{ memberId, groupInstanceId: null }]);
    // Being a member for a long time does not count: the clock starts when the group becomes Empty.
    h.sched.advance(RETENTION - 1);
    h.coordinator.expireOffsets();
    expect(h.fetch('g')).toEqual([['t', 0, 1n]]);
    h.sched.advance(CHECK_INTERVAL);
    expect(h.fetch('g')).toEqual([]);
    expect(h.coordinator.describeGroup('g').summary!.state).toBe('Dead');
    h.restart();
    expect(h.coordinator.listGroups()).toEqual([]);
  });

  it('expires offsets-only groups by commit time, one offset at a time', () => {
    const h = new Harness(offsetsTopic());
    h.commit('simple', [['t', 0, 1n]]);
    h.sched.advance(RETENTION / 2);
    h.commit('simple', [['t', 1, 2n]]);
    h.sched.advance(RETENTION / 2);
    h.coordinator.expireOffsets();
    expect(h.fetch('simple')).toEqual([['t', 1, 2n]]);
    h.restart();
    expect(h.fetch('simple')).toEqual([['t', 1, 2n]]);
  });

  it('expires a Stable consumer group\'s offsets only for topics it does not subscribe to', async () => {
    const h = new Harness(offsetsTopic());
    const { memberId, generation } = await h.stableGroup('g');
    h.commit('g', [['t', 0, 1n], ['u', 0, 2n]], { memberId, generationId: generation });
    for (let t = 0; t < RETENTION; t += SESSION / 2) {
      h.coordinator.heartbeat({ groupId: 'g', generationId: generation, memberId, groupInstanceId: null });
      h.sched.advance(SESSION / 2);
    }
    expect(h.fetch('g')).toEqual([['t', 0, 1n]]);
  });

  it('honours the expiry a v2-4 commit asked for', () => {
    const h = new Harness(offsetsTopic());
    h.commit('g', [['t', 0, 1n]], { retentionTimeMs: 1000n });
    h.commit('g', [['t', 1, 2n]]);
    h.sched.advance(CHECK_INTERVAL);
    expect(h.fetch('g')).toEqual([['t', 1, 2n]]);
  });

  it('forgets an Empty group without offsets at the next check', async () => {
    const h = new Harness(offsetsTopic());
    await h.join('g', { requireKnownMemberId: true });
    expect(h.coordinator.listGroups()).toEqual([{ groupId: 'g', protocolType: '', state: 'Empty' }]);
    h.sched.advance(CHECK_INTERVAL);
    expect(h.coordinator.listGroups()).toEqual([]);
  });
});
