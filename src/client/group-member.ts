// One consumer's membership in a classic consumer group (AK AbstractCoordinator and
// ConsumerCoordinator; protocol.md §4.1). Everything runs in the background:
//
//   rejoin needed ─▶ prepare ─▶ JoinGroup ─▶ (leader: assign) ─▶ SyncGroup ─▶ stable ─▶ heartbeats
//        ▲                                                                      │
//        └──── REBALANCE_IN_PROGRESS, subscription or partition count changed ──┘
//
// - prepare: runs once per rebalance, between the application's polls (GroupHost.betweenPolls):
//   auto-commit, then give partitions up — all of them for the eager protocol, only those of
//   topics no longer subscribed for the cooperative one, everything as "lost" when the member's
//   generation is gone (the group has moved on, so nothing may be committed).
// - JoinGroup: v4+ brokers answer a new member with MEMBER_ID_REQUIRED and a member id to rejoin
//   with (KIP-394). A static member (group.instance.id, KIP-345, JoinGroup v5+) keeps its identity
//   across restarts and does not leave on close, so a restart within the session timeout causes
//   no rebalance. Protocol type 'consumer'; one protocol per configured assignor, in preference
//   order, each with the member's subscription (embedded consumer protocol v3).
// - The leader runs the assignor the coordinator selected (JoinGroup protocolName, chosen by vote
//   among all members, which is how mixed clients agree) over every member's subscription.
// - After SyncGroup: with the cooperative protocol (KIP-429) only the difference is applied, and
//   a member that had to revoke partitions rejoins at once so they can be assigned elsewhere.
// - Heartbeats every heartbeatIntervalMs while stable: REBALANCE_IN_PROGRESS → rejoin;
//   UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION → forget member id and generation, partitions lost,
//   rejoin; NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE or a broken connection → find the
//   coordinator again.
//
// The rebalance protocol is cooperative only if every configured assignor supports it (AK
// ConsumerCoordinator picks the highest protocol common to all), so the Java 3.x default
// ['range', 'cooperative-sticky'] rebalances eagerly: the safe upgrade path of KIP-429.

import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { JoinGroup, type JoinGroupRequest, type JoinGroupResponse } from '../protocol/messages/11-join-group.js';
import { Heartbeat, type HeartbeatRequest, type HeartbeatResponse } from '../protocol/messages/12-heartbeat.js';
import { LeaveGroup, type LeaveGroupRequest, type LeaveGroupResponse } from '../protocol/messages/13-leave-group.js';
import { SyncGroup, type SyncGroupRequest, type SyncGroupRequestAssignment, type SyncGroupResponse } from '../protocol/messages/14-sync-group.js';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type TopicPartitions,
} from '../protocol/messages/consumer-protocol.js';
import type { MemberSubscription, PartitionAssignor, RebalanceProtocol, TopicPartition } from './assignors.js';
import type { Cluster } from './cluster.js';
import { backoffMs } from './config.js';
import { commitOffsets, coordinatorMoved, type CoordinatorLink, type OffsetToCommit } from './coordinator.js';
import { isRetriable, KafkaError, MqError } from './errors.js';

/** AK AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE: JoinGroup may take the whole rebalance timeout. */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5000;

export interface GroupMemberConfig {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** In preference order; the coordinator picks one that every member offers. */
  assignors: readonly PartitionAssignor[];
}

/**
 * What the consumer does for its member. Rebalance steps run inside betweenPolls, as Java runs
 * them inside poll(): never while the application still works on records poll() handed it.
 */
export interface GroupHost {
  /** The topics subscribed to. */
  subscription(): readonly string[];
  /**
   * Runs `step` once the application holds no records from poll() (it has called poll again, or
   * close), handing out no records until `step` is done.
   */
  betweenPolls(step: () => Promise<void>): Promise<void>;
  /** Auto-commit of the consumed positions, if enabled; failures are not thrown. */
  commitConsumed(): Promise<void>;
  /** The rebalance listener's calls; partitions stop being fetched. */
  partitionsRevoked(partitions: TopicPartition[]): Promise<void>;
  partitionsLost(partitions: TopicPartition[]): Promise<void>;
  /** Newly assigned partitions (for the cooperative protocol: only the added ones). */
  partitionsAssigned(partitions: TopicPartition[]): Promise<void>;
  /** An error for the application's next poll(). */
  fail(err: Error): void;
}

type MemberState = 'unjoined' | 'rebalancing' | 'stable';

/** Errors after which this member can never join again (AK: fatal, the consumer must be closed). */
class FatalGroupError extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

export function groupByTopic(partitions: readonly TopicPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) {
    let list = byTopic.get(tp.topic);
    if (!list) byTopic.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list.sort((a, b) => a - b) }));
}

function flatten(list: readonly TopicPartitions[]): TopicPartition[] {
  return list.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\0${tp.partition}`;
}

export class GroupMember {
  readonly protocol: RebalanceProtocol;
  /** Empty until the coordinator gives one (JoinGroup, or MEMBER_ID_REQUIRED). */
  memberId = '';
  /** -1 outside a generation. */
  generationId = -1;

  private protocolName: string | null = null;
  private state: MemberState = 'unjoined';
  private owned: TopicPartition[] = [];
  private rejoinNeeded = true;
  private rejoinReason: string | null = null;
  private needsJoinPrepare = true;
  private isLeader = false;
  /** Leader: partition counts of the group's topics at assignment; a change means rebalance. */
  private metadataSnapshot: Map<string, number> | null = null;
  private wakeLoop: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly link: CoordinatorLink,
    private readonly config: GroupMemberConfig,
    private readonly host: GroupHost,
  ) {
    this.protocol = config.assignors.every((a) => a.protocols.includes('cooperative')) ? 'cooperative' : 'eager';
  }

  /** Starts joining in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Asks for a rebalance (the subscription changed, partitions were revoked, ...). */
  requestRejoin(reason: string): void {
    this.rejoinNeeded = true;
    this.rejoinReason = reason;
    const wake = this.wakeLoop;
    this.wakeLoop = null;
    wake?.();
  }

  /**
   * OffsetCommit as this member. Only in a stable generation: during a rebalance the offsets
   * could be committed for partitions about to move (AK: RebalanceInProgressException).
   */
  async commit(offsets: readonly OffsetToCommit[]): Promise<void> {
    if (this.state !== 'stable' || this.generationId < 0 || this.memberId === '') {
      throw new KafkaError(this.state === 'rebalancing' || this.rejoinNeeded ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.UNKNOWN_MEMBER_ID, null, {
        context: `(group ${this.config.groupId}: commit after the rebalance completes)`,
      });
    }
    const generationId = this.generationId;
    const results = await commitOffsets(this.link, { generationId, memberId: this.memberId, groupInstanceId: this.config.groupInstanceId }, offsets);
    const failed = results.find((r) => r.error !== null)?.error;
    if (!failed) return;
    const code = failed.errorCode;
    if ((code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) && this.generationId === generationId) {
      this.resetGeneration(`OffsetCommit failed with ${failed.errorName}`);
    } else if (code === ErrorCode.REBALANCE_IN_PROGRESS) {
      this.requestRejoin('OffsetCommit found the group rebalancing');
    } else if (code === ErrorCode.FENCED_INSTANCE_ID) {
      this.fatal(failed);
    }
    throw failed;
  }

  /**
   * Commits (auto-commit), gives the partitions up through the listener, and leaves the group
   * (dynamic members only: a static member's absence is noticed by session timeout, KIP-345).
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.stopHeartbeat();
    const wake = this.wakeLoop;
    this.wakeLoop = null;
    wake?.();
    // A JoinGroup can be parked at the broker for the rebalance timeout: drop its connection.
    if (this.state === 'rebalancing') this.link.dropConnection();
    await this.loop;
    await this.host.betweenPolls(async () => {
      const valid = this.state === 'stable' && this.generationValid();
      if (valid) await this.host.commitConsumed();
      const dropped = this.owned;
      this.owned = [];
      if (dropped.length === 0) return;
      if (valid) await this.host.partitionsRevoked(dropped);
      else await this.host.partitionsLost(dropped);
    });
    if (this.config.groupInstanceId === null && this.memberId !== '') await this.leave();
    this.memberId = '';
    this.generationId = -1;
    this.state = 'unjoined';
    await this.link.close();
  }

  private async leave(): Promise<void> {
    try {
      const conn = await this.link.connection();
      const version = conn.versionFor(LeaveGroup);
      const request: LeaveGroupRequest = {
        groupId: this.config.groupId,
        memberId: this.memberId,
        // v3+ (KIP-345) names members in a batch; v5 carries a reason (KIP-800).
        members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is being closed' }],
      };
      await conn.send<LeaveGroupRequest, LeaveGroupResponse>(LeaveGroup, request, { version });
    } catch {
      // Leaving is a courtesy that saves the group a session timeout; the consumer closes anyway.
    }
  }

  // ------------------------------------------------------------------ the join loop

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (!this.rejoinNeeded) {
        await new Promise<void>((resolve) => {
          this.wakeLoop = resolve;
        });
        continue;
      }
      try {
        await this.joinRound();
        failures = 0;
      } catch (err) {
        this.rejoinNeeded = true;
        if (this.state === 'rebalancing') this.state = 'unjoined';
        if (this.closed) return;
        if (err instanceof FatalGroupError) {
          this.fatal(err.error);
          return;
        }
        if (!isRetriable(err)) this.host.fail(err as Error);
        await this.pause(backoffMs(this.cluster.config, ++failures));
      }
    }
  }

  /** Sleeps, waking early on close. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeLoop = done;
    });
  }

  private generationValid(): boolean {
    return this.generationId >= 0 && this.memberId !== '';
  }

  /** One attempt: prepare if needed, JoinGroup, assign (leader), SyncGroup, apply. */
  private async joinRound(): Promise<void> {
    await this.link.connection();
    while (this.needsJoinPrepare && !this.closed) await this.prepareJoin();
    if (this.closed) return;
    this.state = 'rebalancing';
    this.stopHeartbeat();
    this.rejoinNeeded = false;
    const reason = this.rejoinReason;
    this.rejoinReason = null;
    const join = await this.joinGroup(reason);
    if (!join) return;
    const assignments = this.isLeader ? await this.assignAsLeader(join) : [];
    const assignment = await this.syncGroup(assignments);
    if (!assignment) return;
    await this.completeJoin(assignment);
  }

  /** AK ConsumerCoordinator.onJoinPrepare. */
  private async prepareJoin(): Promise<void> {
    this.needsJoinPrepare = false;
    await this.host.betweenPolls(async () => {
      if (this.closed) return;
      if (this.generationValid()) await this.host.commitConsumed();
      if (!this.generationValid()) {
        const lost = this.owned;
        this.owned = [];
        if (lost.length > 0) await this.host.partitionsLost(lost);
      } else if (this.protocol === 'eager') {
        // Eager members give everything up before every rebalance, and always say so.
        const revoked = this.owned;
        this.owned = [];
        await this.host.partitionsRevoked(revoked);
      } else {
        const topics = new Set(this.host.subscription());
        const revoked = this.owned.filter((tp) => !topics.has(tp.topic));
        if (revoked.length > 0) {
          this.owned = this.owned.filter((tp) => topics.has(tp.topic));
          await this.host.partitionsRevoked(revoked);
        }
      }
    });
  }

  /** JoinGroup; null when it must be sent again at once (new member id, generation reset). */
  private async joinGroup(reason: string | null): Promise<JoinGroupResponse | null> {
    const conn = await this.link.connection();
    const version = conn.versionFor(JoinGroup);
    const { groupId, groupInstanceId, sessionTimeoutMs, rebalanceTimeoutMs } = this.config;
    if (groupInstanceId !== null && version < 5) {
      throw new FatalGroupError(
        new MqError('MQ_ERR_UNSUPPORTED_VERSION', `static membership (groupInstanceId) needs JoinGroup v5+; the broker speaks v${version}`),
      );
    }
    const topics = [...new Set(this.host.subscription())].sort();
    const ownedPartitions = groupByTopic(this.owned);
    const request: JoinGroupRequest = {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId: this.memberId,
      groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocols: this.config.assignors.map((a) => ({
        name: a.name,
        metadata: encodeSubscription({ topics, userData: a.userData(this.generationId), ownedPartitions, generationId: this.generationId, rackId: null }),
      })),
      reason,
    };
    const timeoutMs = Math.max(this.cluster.config.requestTimeoutMs, rebalanceTimeoutMs + JOIN_GROUP_TIMEOUT_LAPSE_MS);
    const res = await this.send<JoinGroupResponse>(() => conn.send(JoinGroup, request, { version, timeoutMs }));
    switch (res.errorCode) {
      case ErrorCode.NONE:
        break;
      case ErrorCode.MEMBER_ID_REQUIRED:
        this.memberId = res.memberId;
        this.requestRejoin('need to re-join with the given member id');
        return null;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.resetGeneration(`JoinGroup failed with ${errorInfo(res.errorCode).name}`);
        return null;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        // A static member's previous incarnation is still being fenced: try again shortly.
        throw new KafkaError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, null, { context: '(JoinGroup: the group is still rebalancing)' });
      default:
        this.failOn(res.errorCode, 'JoinGroup');
    }
    // v7+ echo the group's protocol type; another type means this is not a consumer group.
    if (version >= 7 && res.protocolType !== null && res.protocolType !== CONSUMER_PROTOCOL_TYPE) {
      throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, null, { context: `(group ${groupId} has protocol type ${res.protocolType})` });
    }
    this.memberId = res.memberId;
    this.generationId = res.generationId;
    this.protocolName = res.protocolName;
    this.isLeader = res.leader === res.memberId;
    return res;
  }

  /** The leader's part: decode every subscription, run the selected assignor. */
  private async assignAsLeader(join: JoinGroupResponse): Promise<SyncGroupRequestAssignment[]> {
    const members: MemberSubscription[] = join.members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        topics: s.topics,
        ownedPartitions: flatten(s.ownedPartitions),
        generationId: s.generationId,
        userData: s.userData,
      };
    });
    const topics = [...new Set(members.flatMap((m) => m.topics))];
    await this.cluster.refreshTopics(topics);
    const counts = new Map<string, number>();
    for (const t of topics) {
      const meta = this.cluster.topic(t);
      if (meta) counts.set(t, meta.partitions.length);
    }
    this.metadataSnapshot = new Map(topics.map((t) => [t, counts.get(t) ?? 0]));
    // KIP-814: a static leader rejoining a stable group keeps the current assignment.
    if (join.skipAssignment) return [];
    const assignor = this.config.assignors.find((a) => a.name === join.protocolName);
    if (!assignor) {
      throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, null, { context: `(the coordinator selected ${join.protocolName}, which this member did not offer)` });
    }
    const result = assignor.assign(counts, members);
    return members.map((m) => ({
      memberId: m.memberId,
      assignment: encodeAssignment({ assignedPartitions: groupByTopic(result.get(m.memberId) ?? []), userData: null }),
    }));
  }

  /** SyncGroup; the member's assignment bytes, or null when it must rejoin at once. */
  private async syncGroup(assignments: SyncGroupRequestAssignment[]): Promise<Buffer | null> {
    const conn = await this.link.connection();
    const version = conn.versionFor(SyncGroup);
    const request: SyncGroupRequest = {
      groupId: this.config.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.config.groupInstanceId,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      protocolName: this.protocolName,
      assignments,
    };
    const res = await this.send<SyncGroupResponse>(() => conn.send(SyncGroup, request, { version }));
    switch (res.errorCode) {
      case ErrorCode.NONE:
        break;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.requestRejoin('the group began another rebalance');
        return null;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.resetGeneration(`SyncGroup failed with ${errorInfo(res.errorCode).name}`);
        return null;
      default:
        this.failOn(res.errorCode, 'SyncGroup');
    }
    // v5+ (KIP-559): the protocol must be the one this member joined with.
    if (version >= 5 && ((res.protocolType !== null && res.protocolType !== CONSUMER_PROTOCOL_TYPE) || (res.protocolName !== null && res.protocolName !== this.protocolName))) {
      throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, null, { context: `(SyncGroup answered ${res.protocolType}/${res.protocolName}, joined with ${this.protocolName})` });
    }
    return res.assignment;
  }

  /** AK ConsumerCoordinator.onJoinComplete. */
  private async completeJoin(bytes: Buffer): Promise<void> {
    const assigned = flatten(decodeAssignment(bytes).assignedPartitions);
    this.state = 'stable';
    this.needsJoinPrepare = true;
    this.scheduleHeartbeat(this.config.heartbeatIntervalMs);
    const subscribed = new Set(this.host.subscription());
    if (assigned.some((tp) => !subscribed.has(tp.topic))) {
      // The subscription changed while joining: this assignment was made for the old one.
      this.requestRejoin('the assignment does not match the subscription');
      return;
    }
    const owned = new Set(this.owned.map(tpKey));
    const assignedKeys = new Set(assigned.map(tpKey));
    const added = assigned.filter((tp) => !owned.has(tpKey(tp)));
    const revoked = this.owned.filter((tp) => !assignedKeys.has(tpKey(tp)));
    await this.host.betweenPolls(async () => {
      if (revoked.length > 0) {
        await this.host.commitConsumed();
        await this.host.partitionsRevoked(revoked);
        this.owned = this.owned.filter((tp) => assignedKeys.has(tpKey(tp)));
      }
      // Closing meanwhile: close() gives up what is owned; nothing new is taken on.
      if (this.closed) return;
      this.owned = assigned;
      await this.host.partitionsAssigned(added);
    });
    // KIP-429: revoked partitions are assigned to their new owner in a follow-up rebalance.
    if (revoked.length > 0) this.requestRejoin('partitions were revoked and must be reassigned');
  }

  /** A request to the coordinator; a transport failure means finding it again. */
  private async send<Res>(request: () => Promise<Res>): Promise<Res> {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof KafkaError)) this.link.markUnknown();
      throw err;
    }
  }

  /** Join/sync errors other than those that just mean "rejoin". Never returns. */
  private failOn(code: number, api: string): never {
    if (coordinatorMoved(code)) this.link.markUnknown();
    const error = new KafkaError(code, null, { context: `(${api}, group ${this.config.groupId})` });
    if (code === ErrorCode.FENCED_INSTANCE_ID) throw new FatalGroupError(error);
    throw error;
  }

  /** Generation and member id are gone (AK resetStateAndRejoin): the next prepare reports losses. */
  private resetGeneration(reason: string): void {
    this.generationId = -1;
    this.memberId = '';
    this.protocolName = null;
    this.isLeader = false;
    this.metadataSnapshot = null;
    this.state = 'unjoined';
    this.needsJoinPrepare = true;
    this.stopHeartbeat();
    this.requestRejoin(reason);
  }

  /** The member can never join again (another instance took its group.instance.id, ...). */
  private fatal(err: Error): void {
    this.host.fail(err);
    this.closed = true;
    this.stopHeartbeat();
    this.state = 'unjoined';
    const wake = this.wakeLoop;
    this.wakeLoop = null;
    wake?.();
  }

  // ------------------------------------------------------------------ heartbeats

  private scheduleHeartbeat(delayMs: number): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), delayMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    this.heartbeatTimer = null;
    if (this.closed || this.state !== 'stable') return;
    const generationId = this.generationId;
    let code: number;
    try {
      const conn = await this.link.connection();
      const version = conn.versionFor(Heartbeat);
      const request: HeartbeatRequest = { groupId: this.config.groupId, generationId, memberId: this.memberId, groupInstanceId: this.config.groupInstanceId };
      code = (await conn.send<HeartbeatRequest, HeartbeatResponse>(Heartbeat, request, { version })).errorCode;
    } catch (err) {
      if (err instanceof KafkaError) {
        code = err.errorCode;
      } else {
        if (!isRetriable(err)) this.host.fail(err as Error);
        code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
    }
    // A rebalance that started meanwhile makes this answer stale.
    if (this.closed || this.state !== 'stable' || this.generationId !== generationId) return;
    let next = this.config.heartbeatIntervalMs;
    switch (code) {
      case ErrorCode.NONE:
        this.checkMetadata();
        break;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.requestRejoin('the group is rebalancing');
        break;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.resetGeneration(`Heartbeat failed with ${errorInfo(code).name}`);
        return;
      case ErrorCode.FENCED_INSTANCE_ID:
        this.fatal(new KafkaError(code, null, { context: `(group ${this.config.groupId})` }));
        return;
      default:
        if (coordinatorMoved(code)) this.link.markUnknown();
        else if (!errorInfo(code).retriable) this.host.fail(new KafkaError(code, null, { context: `(Heartbeat, group ${this.config.groupId})` }));
        next = this.cluster.config.retryBackoffMs;
    }
    this.scheduleHeartbeat(next);
  }

  /**
   * Leader only (AK: assignmentSnapshot vs metadataSnapshot): when a topic of the group gains
   * partitions or comes into existence, the assignment is out of date. Metadata is refreshed at
   * metadata.max.age.ms, so that is how soon this notices.
   */
  private checkMetadata(): void {
    const snapshot = this.metadataSnapshot;
    if (!this.isLeader || !snapshot) return;
    this.cluster.refreshIfStale(Date.now());
    for (const [topic, count] of snapshot) {
      const meta = this.cluster.topic(topic);
      // A topic whose metadata is in error (say, a leader election) tells nothing.
      const now = meta ? meta.partitions.length : this.cluster.topicError(topic) === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 0 : count;
      if (now !== count) {
        this.requestRejoin(`the partition count of ${topic} changed from ${count} to ${now}`);
        return;
      }
    }
  }
}
