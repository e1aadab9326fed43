// The group coordinator the broker's group APIs talk to (AK GroupCoordinator + GroupMetadataManager):
// the membership state machine (group-state.ts) over groups whose metadata and committed offsets
// are persisted in __consumer_offsets (offset-store.ts). It also owns offset commit and fetch,
// group deletion, offset deletion and offset expiry (offsets.retention.minutes).
//
// Startup loads every existing __consumer_offsets partition synchronously, before the broker
// accepts connections, so no request ever sees COORDINATOR_LOAD_IN_PROGRESS. A partition that
// cannot be read (disk error, a record that does not parse) is logged and left unowned, as Kafka
// does: its groups are answered NOT_COORDINATOR while every other group works. Groups come back
// as their last metadata record left them, members included (Kafka's choice too): a consumer that
// outlives a broker restart keeps its generation and assignment, and members that do not return
// are removed when their session timeout runs out, which rebalances the group.
//
// This module never imports broker/: the broker hands in access to the offsets topic's logs and
// a check for whether a topic partition exists.

import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';
import type { GroupMetadataValue } from '../protocol/messages/group-records.js';
import type { Cancel, CommittedOffset, Group, JoinResult, SyncResult } from './group.js';
import {
  GroupStateMachine,
  joinError,
  syncError,
  type CoordinatorLog,
  type GroupConfig,
  type GroupOverview,
  type GroupPersistence,
  type GroupSummary,
  type HeartbeatRequest,
  type JoinRequest,
  type LeaveResult,
  type LeavingMember,
  type Scheduler,
  type SyncRequest,
} from './group-state.js';
import { OffsetStore, type OffsetsTopicAccess, type StoredGroup } from './offset-store.js';

export interface CoordinatorConfig extends GroupConfig {
  /** offsets.retention.minutes, in milliseconds. */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes (counted in UTF-16 code units, like Java's String.length). */
  offsetMetadataMaxBytes: number;
  /** offsets.load.buffer.size */
  offsetsLoadBufferSize: number;
}

export interface CoordinatorOptions {
  config: CoordinatorConfig;
  offsetsTopic: OffsetsTopicAccess;
  /** OffsetCommit and OffsetDelete answer UNKNOWN_TOPIC_OR_PARTITION for partitions that do not exist. */
  partitionExists(topic: string, partition: number): boolean;
  log: CoordinatorLog;
  scheduler?: Scheduler;
  newUuid?: () => string;
}

export interface CommitPartition {
  partition: number;
  offset: bigint;
  /** -1: none. */
  leaderEpoch: number;
  metadata: string | null;
  /** OffsetCommit v1's explicit commit time; -1 means now. */
  commitTimestamp: bigint;
}

export interface CommitRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
  /** OffsetCommit v2-4; -1 means the broker's offsets.retention.minutes. */
  retentionTimeMs: bigint;
  topics: ReadonlyArray<{ topic: string; partitions: readonly CommitPartition[] }>;
}

export interface TopicErrors {
  topic: string;
  partitions: Array<{ partition: number; errorCode: number }>;
}

export interface FetchedOffset {
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchedOffsets {
  /** A group-level error; `topics` is empty when it is set. */
  errorCode: number;
  topics: Array<{ topic: string; partitions: FetchedOffset[] }>;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** Node's setTimeout takes at most a signed 32-bit delay. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Real time and timers, for the broker; tests inject their own. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, task) {
    const timer = setTimeout(task, Math.min(Math.max(delayMs, 0), MAX_TIMER_DELAY_MS));
    return () => clearTimeout(timer);
  },
};

const EMPTY = Buffer.alloc(0);

function missingOffset(partition: number, errorCode: number = ErrorCode.NONE): FetchedOffset {
  return { partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode };
}

/** Storage errors of an offset commit as OffsetCommit reports them (AK GroupMetadataManager.storeOffsets). */
function commitStoreError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return code;
  }
}

/** Storage errors of a group metadata write as JoinGroup/SyncGroup report them (AK GroupMetadataManager.storeGroup). */
function groupStoreError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}

export class GroupCoordinator implements GroupPersistence {
  readonly groups: GroupStateMachine;
  private readonly store: OffsetStore;
  private readonly scheduler: Scheduler;
  private readonly config: CoordinatorConfig;
  private readonly log: CoordinatorLog;
  private readonly partitionExists: (topic: string, partition: number) => boolean;
  /** __consumer_offsets partitions that failed to load: their groups get NOT_COORDINATOR. */
  private readonly unowned = new Set<number>();
  private retentionTimer: Cancel | null = null;

  constructor(options: CoordinatorOptions) {
    this.config = options.config;
    this.log = options.log;
    this.partitionExists = options.partitionExists;
    const base = options.scheduler ?? systemScheduler;
    // A bug in a timer task must not take the broker down: it is logged instead.
    this.scheduler = {
      now: () => base.now(),
      schedule: (delayMs, task) =>
        base.schedule(delayMs, () => {
          try {
            task();
          } catch (e) {
            this.log('error', `Group coordinator timer task failed: ${(e as Error).stack ?? e}`);
          }
        }),
    };
    this.store = new OffsetStore(options.offsetsTopic, this.scheduler.now, options.config.offsetsLoadBufferSize);
    this.groups = new GroupStateMachine(options.config, this.scheduler, this, options.log, options.newUuid ?? randomUUID);
    this.loadAll(options.offsetsTopic);
    this.scheduleRetention();
  }

  partitionFor(groupId: string): number {
    return this.store.partitionFor(groupId);
  }

  private loadAll(topic: OffsetsTopicAccess): void {
    for (const log of topic.existingLogs()) {
      let stored: Map<string, StoredGroup>;
      try {
        stored = this.store.loadPartition(log);
      } catch (e) {
        this.unowned.add(log.partition);
        this.log('error', `Error loading offsets from ${log.topic}-${log.partition}; its groups are unavailable: ${(e as Error).message}`);
        continue;
      }
      for (const [groupId, g] of stored) this.restore(groupId, g);
      if (stored.size > 0) this.log('info', `Loaded ${stored.size} group(s) from ${log.topic}-${log.partition}`);
    }
  }

  private restore(groupId: string, stored: StoredGroup): void {
    const m = stored.metadata;
    const group = m
      ? this.groups.load({
          groupId,
          protocolType: m.protocolType,
          generationId: m.generation,
          protocolName: m.protocol,
          leaderId: m.leader,
          stateTimestamp: m.currentStateTimestamp >= 0n ? Number(m.currentStateTimestamp) : null,
          members: m.members.map((mm) => ({
            memberId: mm.memberId,
            groupInstanceId: mm.groupInstanceId,
            clientId: mm.clientId,
            clientHost: mm.clientHost,
            // GroupMetadataValue v0 has no rebalance timeout: it was the session timeout then.
            rebalanceTimeoutMs: mm.rebalanceTimeout > 0 ? mm.rebalanceTimeout : mm.sessionTimeout,
            sessionTimeoutMs: mm.sessionTimeout,
            subscription: mm.subscription,
            assignment: mm.assignment,
          })),
        })
      : this.groups.createGroup(groupId);
    for (const [topic, byPartition] of stored.offsets) for (const [partition, committed] of byPartition) group.setOffset(topic, partition, committed);
  }

  /** NOT_COORDINATOR when the group's offsets partition could not be loaded, else null. */
  private unavailable(groupId: string): number | null {
    return this.unowned.size > 0 && this.unowned.has(this.partitionFor(groupId)) ? ErrorCode.NOT_COORDINATOR : null;
  }

  // ---- GroupPersistence -----------------------------------------------------------------------

  storeGroup(group: Group, assignment: ReadonlyMap<string, Buffer>): number {
    const protocol = group.protocolName;
    const value: GroupMetadataValue = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.stateTimestamp ?? -1),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? EMPTY : m.metadata(protocol),
        assignment: assignment.get(m.memberId) ?? EMPTY,
      })),
    };
    return groupStoreError(this.store.storeGroup(group.groupId, value));
  }

  // ---- Membership -----------------------------------------------------------------------------

  join(req: JoinRequest): Promise<JoinResult> {
    const error = this.unavailable(req.groupId);
    if (error !== null) return Promise.resolve(joinError(req.memberId, error));
    return new Promise((resolve) => this.groups.join(req, resolve));
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const error = this.unavailable(req.groupId);
    if (error !== null) return Promise.resolve(syncError(error));
    return new Promise((resolve) => this.groups.sync(req, resolve));
  }

  heartbeat(req: HeartbeatRequest): number {
    return this.unavailable(req.groupId) ?? this.groups.heartbeat(req);
  }

  leave(groupId: string, members: readonly LeavingMember[]): LeaveResult {
    const error = this.unavailable(groupId);
    return error !== null ? { errorCode: error, members: [] } : this.groups.leave(groupId, members);
  }

  // ---- Offsets --------------------------------------------------------------------------------

  /** OffsetCommit: one error code per partition, in request order. */
  commitOffsets(req: CommitRequest): TopicErrors[] {
    const results = req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: ErrorCode.NONE })) }));
    const valid: Array<{ topic: string; input: CommitPartition; result: { errorCode: number } }> = [];
    req.topics.forEach((t, ti) =>
      t.partitions.forEach((p, pi) => {
        const result = results[ti]!.partitions[pi]!;
        if (this.partitionExists(t.topic, p.partition)) valid.push({ topic: t.topic, input: p, result });
        else result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      }),
    );
    if (valid.length === 0) return results;
    const failAll = (code: number): TopicErrors[] => {
      for (const v of valid) v.result.errorCode = code;
      return results;
    };
    const unavailable = this.unavailable(req.groupId);
    if (unavailable !== null) return failAll(unavailable);
    const { group, errorCode } = this.groups.checkCommit(req.groupId, req.memberId, req.groupInstanceId, req.generationId);
    if (!group) return failAll(errorCode);

    const now = BigInt(this.scheduler.now());
    const entries: Array<{ topic: string; partition: number; committed: CommittedOffset; result: { errorCode: number } }> = [];
    for (const v of valid) {
      const metadata = v.input.metadata ?? '';
      if (metadata.length > this.config.offsetMetadataMaxBytes) {
        v.result.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        continue;
      }
      entries.push({
        topic: v.topic,
        partition: v.input.partition,
        result: v.result,
        committed: {
          offset: v.input.offset,
          leaderEpoch: v.input.leaderEpoch,
          metadata,
          commitTimestamp: v.input.commitTimestamp === -1n ? now : v.input.commitTimestamp,
          expireTimestamp: req.retentionTimeMs === -1n ? -1n : now + req.retentionTimeMs,
        },
      });
    }
    if (entries.length === 0) return results;
    const stored = commitStoreError(this.store.storeOffsets(req.groupId, entries));
    for (const e of entries) {
      if (stored === ErrorCode.NONE) group.setOffset(e.topic, e.partition, e.committed);
      else e.result.errorCode = stored;
    }
    return results;
  }

  /**
   * OffsetFetch for one group: `topics` null means every partition the group has committed.
   * A partition without a commit is offset -1 with NONE. Commits are written synchronously and
   * there are no transactional offset commits, so nothing is ever pending and RequireStable
   * (KIP-447) never has to answer UNSTABLE_OFFSET_COMMIT.
   */
  fetchOffsets(groupId: string, topics: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | null): FetchedOffsets {
    const error = this.unavailable(groupId);
    if (error !== null) return { errorCode: error, topics: [] };
    const group = this.groups.getGroup(groupId);
    if (topics === null) {
      const all = new Map<string, FetchedOffset[]>();
      for (const { topic, partition, committed } of group?.allOffsets() ?? []) {
        let list = all.get(topic);
        if (!list) all.set(topic, (list = []));
        list.push({ partition, offset: committed.offset, leaderEpoch: committed.leaderEpoch, metadata: committed.metadata, errorCode: ErrorCode.NONE });
      }
      return { errorCode: ErrorCode.NONE, topics: [...all].map(([topic, partitions]) => ({ topic, partitions })) };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const c = group?.offset(t.topic, p);
          return c ? { partition: p, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE } : missingOffset(p);
        }),
      })),
    };
  }

  /**
   * OffsetDelete (KIP-496): an Empty group loses the offsets; a consumer group with members
   * only those of topics no member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise); any
   * other group with members refuses (NON_EMPTY_GROUP). A group-level error comes with no
   * partition results.
   */
  deleteOffsets(groupId: string, partitions: readonly TopicPartitionRef[]): { errorCode: number; partitions: Array<TopicPartitionRef & { errorCode: number }> } {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, partitions: [] };
    const unavailable = this.unavailable(groupId);
    if (unavailable !== null) return { errorCode: unavailable, partitions: [] };
    const group = this.groups.getGroup(groupId);
    if (!group) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    const results = partitions.map((p) => ({ ...p, errorCode: this.partitionExists(p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }));
    const known = results.filter((r) => r.errorCode === ErrorCode.NONE);
    let eligible: TopicPartitionRef[];
    if (group.is('Empty')) {
      eligible = known;
    } else if (group.isConsumerGroup) {
      eligible = [];
      for (const r of known) {
        // Unknown subscriptions (a metadata that does not parse) count as subscribed to everything.
        if (group.subscribedTopics === null || group.subscribedTopics.has(r.topic)) r.errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else eligible.push(r);
      }
    } else {
      return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
    }
    if (eligible.length > 0) this.cleanupGroup(group, eligible.filter((p) => group.removeOffset(p.topic, p.partition)));
    return { errorCode: ErrorCode.NONE, partitions: results };
  }

  /**
   * Partitions that were deleted with their topic (AK GroupCoordinator.onPartitionsDeleted):
   * every group's offsets for them get tombstones, so they neither wait for offset retention nor
   * come back for a topic created again under the same name. A group left Empty without offsets
   * is Dead, as after expiry.
   */
  partitionsDeleted(partitions: readonly TopicPartitionRef[]): void {
    const gone = new Set(partitions.map((p) => `${p.topic}\0${p.partition}`));
    for (const group of [...this.groups.groups.values()]) {
      const removed: TopicPartitionRef[] = [];
      for (const { topic, partition } of group.allOffsets()) if (gone.has(`${topic}\0${partition}`)) removed.push({ topic, partition });
      if (removed.length === 0) continue;
      for (const r of removed) group.removeOffset(r.topic, r.partition);
      this.log('info', `Removed ${removed.length} offset(s) of group ${group.groupId} for deleted partitions`);
      this.cleanupGroup(group, removed);
    }
  }

  /**
   * Writes tombstones for offsets already removed from `group`; a group left Empty without
   * offsets is Dead: it is forgotten, and its metadata gets a tombstone unless it never had a
   * generation (an offsets-only group never wrote metadata). A failed write is logged only: the
   * next expiry pass writes the tombstones again. AK cleanupGroupMetadata.
   */
  private cleanupGroup(group: Group, removed: readonly TopicPartitionRef[]): void {
    const dead = group.is('Empty') && !group.hasOffsets;
    if (dead) {
      this.log('info', `Group ${group.groupId} transitioned to Dead in generation ${group.generationId}`);
      this.groups.removeGroup(group);
    }
    const error = this.store.storeTombstones(group.groupId, removed, dead && group.generationId > 0);
    if (error !== ErrorCode.NONE) this.log('error', `Failed to write tombstones for group ${group.groupId}: error ${error}`);
  }

  // ---- Groups ---------------------------------------------------------------------------------

  describeGroup(groupId: string): { errorCode: number; summary: GroupSummary | null } {
    const error = this.unavailable(groupId);
    return error !== null ? { errorCode: error, summary: null } : { errorCode: ErrorCode.NONE, summary: this.groups.describe(groupId) };
  }

  listGroups(): GroupOverview[] {
    return this.groups.list();
  }

  /** DeleteGroups: only groups without members; their offsets and metadata get tombstones. One result per distinct id. */
  deleteGroups(groupIds: readonly string[]): Array<{ groupId: string; errorCode: number }> {
    return [...new Set(groupIds)].map((groupId) => {
      const unavailable = this.unavailable(groupId);
      if (unavailable !== null) return { groupId, errorCode: unavailable };
      const group = this.groups.getGroup(groupId);
      if (!group) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      if (!group.is('Empty')) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      const removed = [...group.allOffsets()].map(({ topic, partition }) => ({ topic, partition }));
      for (const r of removed) group.removeOffset(r.topic, r.partition);
      this.cleanupGroup(group, removed);
      this.log('info', `Group ${groupId} was deleted; ${removed.length} offset(s) removed`);
      return { groupId, errorCode: ErrorCode.NONE };
    });
  }

  // ---- Offset expiry --------------------------------------------------------------------------

  private scheduleRetention(): void {
    this.retentionTimer = this.scheduler.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      this.expireOffsets();
      this.scheduleRetention();
    });
  }

  /**
   * One pass of offset expiry (AK GroupMetadata.removeExpiredOffsets). An offset expires when
   * its own expiry (OffsetCommit v2-4 retention time) has passed, or else when
   * offsets.retention.minutes have passed since:
   *   - the group became Empty (a group that used group management),
   *   - its commit, for a consumer group that is Stable, and only for topics no member subscribes to,
   *   - its commit, for an offsets-only group (no protocol type).
   * Groups left Empty without offsets become Dead.
   */
  expireOffsets(): void {
    const now = BigInt(this.scheduler.now());
    const retention = BigInt(this.config.offsetsRetentionMs);
    for (const group of [...this.groups.groups.values()]) {
      let base: ((c: CommittedOffset) => bigint) | null = null;
      let subscribed: ReadonlySet<string> = new Set();
      if (group.protocolType === null) {
        base = (c) => c.commitTimestamp;
      } else if (group.is('Empty')) {
        const since = group.stateTimestamp;
        base = (c) => (since === null ? c.commitTimestamp : BigInt(since));
      } else if (group.isConsumerGroup && group.subscribedTopics !== null && group.is('Stable')) {
        base = (c) => c.commitTimestamp;
        subscribed = group.subscribedTopics;
      }
      const expired: TopicPartitionRef[] = [];
      if (base !== null) {
        for (const { topic, partition, committed } of group.allOffsets()) {
          if (subscribed.has(topic)) continue;
          const due = committed.expireTimestamp >= 0n ? now >= committed.expireTimestamp : now - base(committed) >= retention;
          if (due) expired.push({ topic, partition });
        }
      }
      for (const e of expired) group.removeOffset(e.topic, e.partition);
      if (expired.length > 0 || (group.is('Empty') && !group.hasOffsets)) {
        this.log('info', `Expired ${expired.length} offset(s) of group ${group.groupId}`);
        this.cleanupGroup(group, expired);
      }
    }
  }

  /** Stops every timer and answers parked JoinGroup/SyncGroup requests (NOT_COORDINATOR). */
  close(): void {
    this.retentionTimer?.();
    this.retentionTimer = null;
    this.groups.close();
  }
}
