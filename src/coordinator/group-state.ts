// The classic group membership protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, session
// expiry) as a state machine over Groups, following AK 3.x GroupCoordinator.scala. Pure: no
// sockets, files or real timers. Time comes from an injected Scheduler, persistence of a new
// generation's assignment from an injected GroupPersistence, and parked JoinGroup/SyncGroup
// requests are callbacks the machine invokes when their answer is known.
//
// The delayed operations of Kafka's purgatories become one timer each:
//   member heartbeat  session timeout (5 minutes for a member's first JoinGroup, KAFKA-9232);
//                     a member parked in JoinGroup or SyncGroup is never expired by it
//   pending member    a member id handed out with MEMBER_ID_REQUIRED must rejoin within the session timeout
//   join              the rebalance completes when every known member has rejoined or after the
//                     longest rebalance timeout; the first rebalance of an Empty group instead
//                     waits group.initial.rebalance.delay.ms, extended while new members keep
//                     arriving, up to the rebalance timeout (InitialDelayedJoin, KIP-134)
//   sync              members that do not send SyncGroup within the rebalance timeout after the
//                     join completed are removed and the group rebalances (KAFKA-13400 DelayedSync)
//
// Groups are forgotten the moment they become Dead (removeGroup), so no request ever meets a Dead
// group; Kafka's COORDINATOR_NOT_AVAILABLE answers for one (a group moving to another
// coordinator) have no counterpart on a single node.
//
// One deliberate difference: a JoinGroup or SyncGroup that a newer request of the same member
// supersedes is answered (REBALANCE_IN_PROGRESS) instead of dropped. Kafka reads one request per
// connection at a time, so there the old request belongs to a connection the client abandoned;
// mq reads pipelined requests, and an unanswered one would block every later response on its
// connection.

import { ErrorCode } from '../protocol/error-codes.js';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from '../protocol/messages/consumer-protocol.js';
import { Group, Member, type Cancel, type GroupState, type JoinCallback, type JoinResult, type MemberProtocol, type SyncCallback, type SyncResult } from './group.js';

export interface Scheduler {
  now(): number;
  /** Runs `task` once after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, task: () => void): Cancel;
}

export type CoordinatorLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type CoordinatorLog = (level: CoordinatorLogLevel, message: string) => void;

/** Broker configs of the classic group protocol (AK GroupCoordinatorConfig), in milliseconds. */
export interface GroupConfig {
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** group.max.size */
  maxSize: number;
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
}

export interface GroupPersistence {
  /**
   * Writes the group's metadata (generation, protocol, leader, members) with `assignment` as the
   * members' assignments; returns a Kafka error code, NONE when it is stored.
   */
  storeGroup(group: Group, assignment: ReadonlyMap<string, Buffer>): number;
}

export interface JoinRequest {
  groupId: string;
  /** '' for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: readonly MemberProtocol[];
  /** JoinGroup v4+ without a group instance id: a new member gets MEMBER_ID_REQUIRED first (KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a returning static leader may be told to skip the assignment (KIP-814). */
  supportSkippingAssignment: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+; null means "not checked". */
  protocolType: string | null;
  protocolName: string | null;
  assignments: ReadonlyMap<string, Buffer>;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: Array<LeavingMember & { errorCode: number }>;
}

export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupSummary {
  state: GroupState;
  protocolType: string;
  /** The selected protocol; '' unless the group is Stable. */
  protocol: string;
  members: MemberSummary[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

/** A group as its last metadata record describes it (group-coordinator.ts reads it at startup). */
export interface LoadedGroup {
  groupId: string;
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  stateTimestamp: number | null;
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    subscription: Buffer;
    assignment: Buffer;
  }>;
}

/** A new member's JoinGroup may wait this long for the rebalance before the member is dropped (AK NewMemberJoinTimeoutMs). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

const EMPTY = Buffer.alloc(0);

/** A JoinGroup answer carrying only an error (AK JoinGroupResult(memberId, error)). */
export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

/**
 * Topics the members of a consumer group subscribe to, or null when unknown (not a consumer
 * group, no protocol selected, or a subscription that does not parse). AK
 * GroupMetadata.computeSubscribedTopics.
 */
function computeSubscribedTopics(group: Group): ReadonlySet<string> | null {
  if (group.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
  if (group.size === 0) return new Set();
  if (group.protocolName === null) return null;
  const topics = new Set<string>();
  try {
    for (const m of group.members.values()) for (const t of decodeSubscription(m.metadata(group.protocolName)).topics) topics.add(t);
  } catch {
    return null;
  }
  return topics;
}

export class GroupStateMachine {
  readonly groups = new Map<string, Group>();

  constructor(
    private readonly config: GroupConfig,
    private readonly scheduler: Scheduler,
    private readonly persistence: GroupPersistence,
    private readonly log: CoordinatorLog,
    private readonly newUuid: () => string,
  ) {}

  private get now(): number {
    return this.scheduler.now();
  }

  getGroup(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  createGroup(groupId: string): Group {
    const group = new Group(groupId, 'Empty', this.now);
    this.groups.set(groupId, group);
    return group;
  }

  // ---- JoinGroup ------------------------------------------------------------------------------

  join(req: JoinRequest, respond: JoinCallback): void {
    if (req.groupId === '') return respond(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return respond(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isUnknownMember = req.memberId === '';
    // The group is created by a new member only; a member id naming a group we do not have is stale.
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (!isUnknownMember) return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.createGroup(req.groupId);
    }
    if (!this.acceptJoiningMember(group, req.memberId)) {
      const member = group.members.get(req.memberId);
      if (member) this.dropMember(group, member);
      respond(joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    } else if (isUnknownMember) {
      this.newMemberJoin(group, req, respond);
    } else {
      this.currentMemberJoin(group, req, respond);
    }
    if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
  }

  /**
   * group.max.size (AK acceptJoiningMember): while preparing, members already rejoined are kept and
   * others count against those awaiting (so the last to rejoin are turned away); otherwise
   * existing members are always accepted.
   */
  private acceptJoiningMember(group: Group, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return group.members.get(memberId)?.awaitingJoin != null || group.numAwaitingJoin < this.config.maxSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.size < this.config.maxSize;
    }
  }

  private newMemberJoin(group: Group, req: JoinRequest, respond: JoinCallback): void {
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return respond(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    // Kafka's member id: client id (or, for a static member, its instance id) + '-' + a UUID.
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${this.newUuid()}`;
    if (req.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(req.groupInstanceId);
      if (oldMemberId !== undefined) this.updateStaticMemberAndRebalance(group, req.groupInstanceId, oldMemberId, newMemberId, req, respond);
      else this.addMemberAndRebalance(group, newMemberId, req, respond);
    } else if (req.requireKnownMemberId) {
      group.pendingMembers.set(
        newMemberId,
        this.scheduler.schedule(req.sessionTimeoutMs, () => {
          if (!group.isPendingMember(newMemberId)) return;
          this.log('info', `Pending member ${newMemberId} in group ${group.groupId} has been removed after session timeout expiration.`);
          this.removePendingMemberAndUpdateGroup(group, newMemberId);
        }),
      );
      respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, newMemberId, req, respond);
    }
  }

  private currentMemberJoin(group: Group, req: JoinRequest, respond: JoinCallback): void {
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return respond(joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    if (group.isPendingMember(req.memberId)) {
      // Pending ids are only handed to dynamic members; Kafka treats an instance id here as an
      // internal error (IllegalStateException), which its request handler answers this way.
      if (req.groupInstanceId !== null) return respond(joinError(req.memberId, ErrorCode.UNKNOWN_SERVER_ERROR));
      return this.addMemberAndRebalance(group, req.memberId, req, respond);
    }
    const error = this.validateCurrentMember(group, req.memberId, req.groupInstanceId);
    if (error !== null) return respond(joinError(req.memberId, error));
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, respond, `member ${member.memberId} joining group during PreparingRebalance`);
      case 'CompletingRebalance':
        // Same metadata: the member probably missed its JoinGroup answer; give it the current generation again.
        if (member.matches(req.protocols)) return respond(this.currentGeneration(group, member.memberId, group.isLeader(member.memberId)));
        return this.updateMemberAndRebalance(group, member, req, respond, `updating metadata for member ${member.memberId} during CompletingRebalance`);
      case 'Stable':
        // A leader's JoinGroup always rebalances: it is how the leader asks for a new assignment
        // after changes the member metadata does not show (new partitions of a subscribed topic).
        if (group.isLeader(member.memberId)) return this.updateMemberAndRebalance(group, member, req, respond, `leader ${member.memberId} re-joining group during Stable`);
        if (!member.matches(req.protocols)) return this.updateMemberAndRebalance(group, member, req, respond, `updating metadata for member ${member.memberId} during Stable`);
        return respond(this.currentGeneration(group, member.memberId, false));
      case 'Empty':
        return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      case 'Dead':
        throw new Error(`group ${group.groupId} is Dead but still registered`);
    }
  }

  private currentGeneration(group: Group, memberId: string, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: false,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  /** A static member present in the group sends JoinGroup with an empty member id (a restart): KIP-345. */
  private updateStaticMemberAndRebalance(group: Group, instanceId: string, oldMemberId: string, newMemberId: string, req: JoinRequest, respond: JoinCallback): void {
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId, {
      join: joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID),
      sync: syncError(ErrorCode.FENCED_INSTANCE_ID),
    });
    this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    const oldProtocols = member.protocols;
    const oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
    const oldSessionTimeoutMs = member.sessionTimeoutMs;
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
    switch (group.state) {
      case 'Stable': {
        // Without a change of the selected protocol the current assignment stays valid: persist the
        // new member id and hand the member its generation without a rebalance.
        if (group.protocolName !== group.selectProtocol()) {
          return this.maybePrepareRebalance(group, `static member ${instanceId} rejoined with a change of protocol`);
        }
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
        const error = this.persistence.storeGroup(group, assignment);
        if (error !== ErrorCode.NONE) {
          this.log('warn', `Failed to persist metadata for group ${group.groupId}: error ${error}`);
          group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
          const old = group.replaceStaticMember(instanceId, newMemberId, oldMemberId, { join: joinError(newMemberId, error), sync: syncError(error) });
          this.scheduleHeartbeat(group, old, old.sessionTimeoutMs);
          return respond({ ...this.currentGeneration(group, '', false), errorCode: error, leaderId: currentLeader ?? '' });
        }
        if (req.supportSkippingAssignment) {
          // v9: the returning leader learns it leads but must not run the assignor, whose new
          // result a Stable group would ignore (KIP-814).
          const isLeader = group.isLeader(newMemberId);
          return group.maybeInvokeJoin(member, { ...this.currentGeneration(group, newMemberId, isLeader), skipAssignment: isLeader });
        }
        // Before v9, answering with the old leader id keeps a returning leader from assigning.
        return group.maybeInvokeJoin(member, { ...this.currentGeneration(group, newMemberId, false), leaderId: currentLeader ?? '' });
      }
      case 'CompletingRebalance':
        // The leader may already be assigning with the old member id; only a new rebalance gives this member an assignment.
        return this.prepareRebalance(group, `updating metadata for static member ${instanceId} during CompletingRebalance`);
      case 'PreparingRebalance':
        return;
      case 'Empty':
      case 'Dead':
        throw new Error(`group ${group.groupId} is ${group.state} although static member ${instanceId} is in it`);
    }
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinRequest, respond: JoinCallback): void {
    const member = new Member(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols);
    member.isNew = true;
    // A member arriving during the first rebalance extends the initial delay (KIP-134).
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, respond);
    // Its socket is parked in JoinGroup, so a dead client is only noticed by this timeout.
    this.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding new member ${memberId} with group instance id ${req.groupInstanceId}`);
  }

  private updateMemberAndRebalance(group: Group, member: Member, req: JoinRequest, respond: JoinCallback, reason: string): void {
    const superseded = member.awaitingJoin;
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
    superseded?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    this.maybePrepareRebalance(group, reason);
  }

  private maybePrepareRebalance(group: Group, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: Group, reason: string): void {
    // Members waiting for the leader's assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now);
    this.log('info', `Preparing to rebalance group ${group.groupId} with old generation ${group.generationId} (reason: ${reason})`);
    if (wasEmpty) {
      const delay = this.config.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      this.scheduleJoin(group);
    }
  }

  private scheduleInitialJoin(group: Group, delayMs: number, remainingMs: number): void {
    group.joinTimer?.cancel();
    const cancel = this.scheduler.schedule(delayMs, () => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        this.scheduleInitialJoin(group, Math.min(this.config.initialRebalanceDelayMs, remainingMs), Math.max(remainingMs - delayMs, 0));
      } else {
        this.onCompleteJoin(group);
      }
    });
    group.joinTimer = { cancel, initial: true };
  }

  private scheduleJoin(group: Group): void {
    group.joinTimer?.cancel();
    const cancel = this.scheduler.schedule(group.rebalanceTimeoutMs, () => {
      group.joinTimer = null;
      this.onCompleteJoin(group);
    });
    group.joinTimer = { cancel, initial: false };
    this.maybeCompleteJoin(group);
  }

  /** Completes the join phase early once every member has rejoined (never during the initial delay). */
  private maybeCompleteJoin(group: Group): void {
    if (!group.is('PreparingRebalance') || !group.joinTimer || group.joinTimer.initial || !group.hasAllMembersJoined) return;
    group.joinTimer.cancel();
    group.joinTimer = null;
    this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: Group): void {
    // Dynamic members that did not rejoin are gone; static ones keep their place (KIP-345).
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin || m.isStatic) continue;
      this.log('info', `Group ${group.groupId} removed dynamic member ${m.memberId} who did not rejoin`);
      this.dropMember(group, m);
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Nobody rejoined: wait another rebalance timeout, until session expiry removes the silent members.
      this.log('error', `Group ${group.groupId} could not complete rebalance because no members rejoined`);
      return this.scheduleJoin(group);
    }
    this.initNextGeneration(group);
    if (group.is('Empty')) {
      this.log('info', `Group ${group.groupId} with generation ${group.generationId} is now empty`);
      const error = this.persistence.storeGroup(group, new Map());
      // The previous generation's record stays in force; it has no live members, so nothing depends on it.
      if (error !== ErrorCode.NONE) this.log('warn', `Failed to write empty metadata for group ${group.groupId}: error ${error}`);
      return;
    }
    this.log('info', `Stabilized group ${group.groupId} generation ${group.generationId} with ${group.size} members`);
    const leaderView = group.currentMemberMetadata();
    for (const m of group.members.values()) {
      group.maybeInvokeJoin(m, { ...this.currentGeneration(group, m.memberId, false), members: group.isLeader(m.memberId) ? leaderView : [] });
      this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    this.schedulePendingSync(group);
  }

  private initNextGeneration(group: Group): void {
    group.generationId++;
    if (group.size > 0) {
      group.protocolName = group.selectProtocol();
      group.subscribedTopics = computeSubscribedTopics(group);
      group.transitionTo('CompletingRebalance', this.now);
    } else {
      group.protocolName = null;
      group.subscribedTopics = computeSubscribedTopics(group);
      group.transitionTo('Empty', this.now);
    }
    group.pendingSyncMembers.clear();
  }

  // ---- SyncGroup ------------------------------------------------------------------------------

  sync(req: SyncRequest, respond: SyncCallback): void {
    if (req.groupId === '') return respond(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(req.groupId);
    if (!group) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const error =
      this.validateCurrentMember(group, req.memberId, req.groupInstanceId) ??
      (req.generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : null) ??
      // v5 (KIP-559): the member checks it was given the protocol it joined with.
      ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)
        ? ErrorCode.INCONSISTENT_GROUP_PROTOCOL
        : null);
    if (error !== null) return respond(syncError(error));
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'Empty':
        return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        const superseded = member.awaitingSync;
        member.awaitingSync = respond;
        superseded?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        this.removePendingSyncMember(group, member.memberId);
        if (!group.isLeader(member.memberId)) return;
        this.log('info', `Assignment received from leader ${member.memberId} for group ${group.groupId} for generation ${group.generationId}`);
        // Members the leader left out get an empty assignment; ids not in the group are ignored.
        const assignment = new Map([...group.members.keys()].map((id) => [id, req.assignments.get(id) ?? EMPTY]));
        const stored = this.persistence.storeGroup(group, assignment);
        if (stored !== ErrorCode.NONE) {
          this.resetAndPropagateAssignmentError(group, stored);
          return this.maybePrepareRebalance(group, `error ${stored} when storing group assignment during SyncGroup (member: ${member.memberId})`);
        }
        for (const m of group.members.values()) m.assignment = assignment.get(m.memberId)!;
        this.propagateAssignment(group, ErrorCode.NONE);
        return group.transitionTo('Stable', this.now);
      }
      case 'Stable':
        this.removePendingSyncMember(group, member.memberId);
        respond({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
        return this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
      case 'Dead':
        throw new Error(`group ${group.groupId} is Dead but still registered`);
    }
  }

  private resetAndPropagateAssignmentError(group: Group, errorCode: number): void {
    for (const m of group.members.values()) m.assignment = EMPTY;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: Group, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.members.values()) {
      const answered = group.maybeInvokeSync(m, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      });
      // A session that expired while the member waited for the leader was not acted on; it restarts now.
      if (answered) this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
    }
  }

  private schedulePendingSync(group: Group): void {
    group.syncTimer?.();
    const generation = group.generationId;
    group.syncTimer = this.scheduler.schedule(group.rebalanceTimeoutMs, () => {
      group.syncTimer = null;
      this.onExpirePendingSync(group, generation);
    });
  }

  private onExpirePendingSync(group: Group, generation: number): void {
    if (generation !== group.generationId || !(group.is('CompletingRebalance') || group.is('Stable'))) return;
    if (group.pendingSyncMembers.size === 0) return;
    const missing = [...group.pendingSyncMembers];
    for (const id of missing) {
      const m = group.members.get(id);
      if (m) this.dropMember(group, m);
    }
    this.prepareRebalance(group, `removing ${missing.join(', ')} on pending sync request expiration`);
  }

  private removePendingSyncMember(group: Group, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) {
      group.syncTimer?.();
      group.syncTimer = null;
    }
  }

  private removeSyncExpiration(group: Group): void {
    group.pendingSyncMembers.clear();
    group.syncTimer?.();
    group.syncTimer = null;
  }

  // ---- Heartbeat, session expiry --------------------------------------------------------------

  heartbeat(req: HeartbeatRequest): number {
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    const error = this.validateCurrentMember(group, req.memberId, req.groupInstanceId) ?? (req.generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : null);
    if (error !== null) return error;
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'CompletingRebalance':
      case 'Stable':
        // Members may heartbeat between their JoinGroup answer and SyncGroup: a normal heartbeat.
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return ErrorCode.NONE;
      case 'PreparingRebalance':
        // The signal to rejoin.
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'Dead':
        throw new Error(`group ${group.groupId} is Dead but still registered`);
    }
  }

  private scheduleHeartbeat(group: Group, member: Member, timeoutMs: number): void {
    member.heartbeatTimer?.();
    member.heartbeatTimer = this.scheduler.schedule(timeoutMs, () => {
      member.heartbeatTimer = null;
      this.onExpireHeartbeat(group, member);
    });
  }

  private onExpireHeartbeat(group: Group, member: Member): void {
    if (group.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup is alive by definition, unless its first JoinGroup has waited too long.
    if (!member.isNew && (member.awaitingJoin || member.awaitingSync)) return;
    this.log('info', `Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`);
    this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on heartbeat expiration`);
  }

  // ---- LeaveGroup -----------------------------------------------------------------------------

  leave(groupId: string, leaving: readonly LeavingMember[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    const members = leaving.map((m) => ({ ...m, errorCode: this.leaveOne(group, m) }));
    return { errorCode: ErrorCode.NONE, members };
  }

  private leaveOne(group: Group, leaving: LeavingMember): number {
    // An empty member id with an instance id is an admin removing a static member (KIP-345).
    if (leaving.memberId === '') {
      const current = leaving.groupInstanceId === null ? undefined : group.staticMembers.get(leaving.groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.removeCurrentMember(group, group.members.get(current)!);
      return ErrorCode.NONE;
    }
    if (group.isPendingMember(leaving.memberId)) {
      this.removePendingMemberAndUpdateGroup(group, leaving.memberId);
      return ErrorCode.NONE;
    }
    const error = this.validateCurrentMember(group, leaving.memberId, leaving.groupInstanceId);
    if (error !== null) return error;
    this.removeCurrentMember(group, group.members.get(leaving.memberId)!);
    return ErrorCode.NONE;
  }

  private removeCurrentMember(group: Group, member: Member): void {
    this.log('info', `Member ${member.memberId} has left group ${group.groupId} through explicit LeaveGroup`);
    this.removeMemberAndUpdateGroup(group, member, `removing member ${member.memberId} on LeaveGroup`);
  }

  private removeMemberAndUpdateGroup(group: Group, member: Member, reason: string): void {
    // A new member can time out while its JoinGroup is parked: answer it so the client retries.
    group.maybeInvokeJoin(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    this.dropMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        return this.maybePrepareRebalance(group, reason);
      case 'PreparingRebalance':
        return this.maybeCompleteJoin(group);
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  private removePendingMemberAndUpdateGroup(group: Group, memberId: string): void {
    group.remove(memberId);
    if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
  }

  /**
   * Takes a member out of the group and stops its timer. A SyncGroup it still has parked is
   * answered UNKNOWN_MEMBER_ID rather than left without an answer.
   */
  private dropMember(group: Group, member: Member): void {
    member.heartbeatTimer?.();
    member.heartbeatTimer = null;
    group.maybeInvokeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
  }

  // ---- Shared checks --------------------------------------------------------------------------

  /**
   * The member is in the group; with an instance id, it is the instance's current member
   * (FENCED_INSTANCE_ID when another member id now holds it). AK validateCurrentMember.
   */
  private validateCurrentMember(group: Group, memberId: string, groupInstanceId: string | null): number | null {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
      return null;
    }
    return group.has(memberId) ? null : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /**
   * OffsetCommit's group checks (AK handleCommitOffsets, validateOffsetCommit). Generation -1
   * with an empty member id is a simple commit (admin tools, consumers without group
   * management), allowed only while the group has no members; it creates a missing group.
   * Otherwise the member and generation must be current. A commit that passes counts as a
   * heartbeat. Returns the group to store into, or the error for every partition.
   */
  checkCommit(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): { group: Group | null; errorCode: number } {
    let group = this.groups.get(groupId);
    if (!group) {
      // A generation from a group we do not have is stale (or from another coordinator's group).
      if (generationId >= 0) return { group: null, errorCode: ErrorCode.ILLEGAL_GENERATION };
      group = this.createGroup(groupId);
    }
    let error: number | null = null;
    if (generationId < 0 && group.is('Empty')) error = null;
    else if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      error = this.validateCurrentMember(group, memberId, groupInstanceId) ?? (generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : null);
    } else if (!group.is('Empty')) error = ErrorCode.UNKNOWN_MEMBER_ID;
    if (error !== null) return { group: null, errorCode: error };
    switch (group.state) {
      case 'Stable':
      case 'PreparingRebalance': {
        // Allowed while preparing: the heartbeat answer tells the member to rejoin.
        const member = group.members.get(memberId)!;
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return { group, errorCode: ErrorCode.NONE };
      }
      case 'CompletingRebalance':
        // The member knows the new generation but has no assignment yet.
        return { group: null, errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
      case 'Empty':
        return { group, errorCode: ErrorCode.NONE };
      case 'Dead':
        throw new Error(`group ${groupId} is Dead but still registered`);
    }
  }

  // ---- DescribeGroups, ListGroups, lifecycle --------------------------------------------------

  describe(groupId: string): GroupSummary {
    const group = this.groups.get(groupId);
    if (!group) return { state: 'Dead', protocolType: '', protocol: '', members: [] };
    const stable = group.is('Stable') ? group.protocolName : null;
    return {
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: stable ?? '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        // Metadata and assignment are only meaningful once the group is Stable.
        metadata: stable === null ? EMPTY : m.metadata(stable),
        assignment: stable === null ? EMPTY : m.assignment,
      })),
    };
  }

  list(): GroupOverview[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  /** Moves a group without members to Dead and forgets it (DeleteGroups, offset expiry). */
  removeGroup(group: Group): void {
    if (group.size > 0) throw new Error(`group ${group.groupId} still has ${group.size} members`);
    this.cancelTimers(group);
    group.transitionTo('Dead', this.now);
    this.groups.delete(group.groupId);
  }

  /**
   * Restores a group from its last metadata record. Members come back as in Kafka: the group is
   * Stable with the stored generation and assignments, and each member must heartbeat within its
   * session timeout or is removed (which rebalances the group). So consumers that outlive a
   * broker restart carry on without a rebalance.
   */
  load(loaded: LoadedGroup): Group {
    const group = new Group(loaded.groupId, loaded.members.length > 0 ? 'Stable' : 'Empty', this.now);
    this.groups.set(group.groupId, group);
    group.generationId = loaded.generationId;
    group.protocolType = loaded.protocolType === '' ? null : loaded.protocolType;
    group.protocolName = loaded.protocolName;
    group.stateTimestamp = loaded.stateTimestamp;
    for (const m of loaded.members) {
      const protocols = group.protocolName === null ? [] : [{ name: group.protocolName, metadata: m.subscription }];
      const member = new Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, m.sessionTimeoutMs, loaded.protocolType, protocols);
      member.assignment = m.assignment;
      group.add(member, null);
    }
    if (loaded.leaderId !== null && group.has(loaded.leaderId)) group.leaderId = loaded.leaderId;
    group.subscribedTopics = computeSubscribedTopics(group);
    for (const m of group.members.values()) this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
    if (group.size > this.config.maxSize) this.prepareRebalance(group, `freshly-loaded group is over capacity (${this.config.maxSize})`);
    return group;
  }

  /**
   * Shutdown: stops every timer and answers parked requests with NOT_COORDINATOR, so clients look
   * for the coordinator again (AK onGroupUnloaded).
   */
  close(): void {
    for (const group of this.groups.values()) {
      this.cancelTimers(group);
      for (const m of group.members.values()) {
        group.maybeInvokeJoin(m, joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        group.maybeInvokeSync(m, syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

  private cancelTimers(group: Group): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.syncTimer?.();
    group.syncTimer = null;
    for (const id of [...group.pendingMembers.keys()]) group.removePending(id);
    for (const m of group.members.values()) {
      m.heartbeatTimer?.();
      m.heartbeatTimer = null;
    }
  }
}
