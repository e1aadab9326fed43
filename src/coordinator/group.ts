// One classic consumer group as the coordinator holds it (AK GroupMetadata.scala and
// MemberMetadata.scala): state, generation, selected protocol, leader, members with their
// protocol metadata and assignments, static-member and pending-member bookkeeping, and the
// group's committed offsets. Plain data plus the invariants Kafka keeps on it; the rules of the
// protocol (what a JoinGroup or a session expiry does) live in group-state.ts.
//
// States and the transitions Kafka allows (GroupState.validPreviousStates):
//   Empty               <- PreparingRebalance           (no members; also offset-only groups)
//   PreparingRebalance  <- Empty, Stable, CompletingRebalance
//   CompletingRebalance <- PreparingRebalance           (joined; waiting for the leader's SyncGroup)
//   Stable              <- CompletingRebalance
//   Dead                <- any                          (deleted or expired; removed from the coordinator)

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Empty', 'Stable', 'CompletingRebalance'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** What a JoinGroup is answered with (AK JoinGroupResult). */
export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  /** Only the leader's answer lists the members with their metadata. */
  members: JoinResponseMember[];
}

/** What a SyncGroup is answered with (AK SyncGroupResult). */
export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export type JoinCallback = (result: JoinResult) => void;
export type SyncCallback = (result: SyncResult) => void;

/** Cancels a scheduled timer; calling it after the timer ran is harmless. */
export type Cancel = () => void;

export interface CommittedOffset {
  offset: bigint;
  /** -1 when the commit carried no leader epoch. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  /** Only commits that asked for a retention time (OffsetCommit v2-4) expire on their own; -1 otherwise. */
  expireTimestamp: bigint;
}

const EMPTY = Buffer.alloc(0);

export class Member {
  assignment: Buffer = EMPTY;
  awaitingJoin: JoinCallback | null = null;
  awaitingSync: SyncCallback | null = null;
  /** Joined in the current rebalance and not yet through it: its JoinGroup may time out (KAFKA-9232). */
  isNew = false;
  heartbeatTimer: Cancel | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: readonly MemberProtocol[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  /** The metadata the member sent for `protocol` (empty if it does not support it). */
  metadata(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  /** Same protocols, in the same order, with byte-identical metadata. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    return protocols.length === this.protocols.length && protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's vote: its most preferred protocol among those every member supports. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of the candidate protocols ${[...candidates].join(', ')}`);
    return choice.name;
  }
}

export class Group {
  private _state: GroupState;
  /** When the group entered its current state (GroupMetadataValue v2+ currentStateTimestamp). */
  stateTimestamp: number | null;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** Insertion order is join order: the first member becomes leader, the next one inherits it. */
  readonly members = new Map<string, Member>();
  /** group.instance.id -> current member id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet (KIP-394), with their expiry timers. */
  readonly pendingMembers = new Map<string, Cancel>();
  /** Members of this generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  private readonly supportedProtocols = new Map<string, number>();
  private awaitingJoinCount = 0;
  /** Set when a member joins during the first rebalance, which extends group.initial.rebalance.delay.ms. */
  newMemberAdded = false;
  /** Topics the members subscribe to (consumer protocol only); null when unknown. */
  subscribedTopics: ReadonlySet<string> | null = null;
  /** topic -> partition -> committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  /** The pending rebalance's timer, and whether it is the initial (delayed) one that never completes early. */
  joinTimer: { cancel: Cancel; initial: boolean } | null = null;
  syncTimer: Cancel | null = null;

  constructor(
    readonly groupId: string,
    state: GroupState,
    now: number,
  ) {
    this._state = state;
    this.stateTimestamp = now;
  }

  get state(): GroupState {
    return this._state;
  }

  is(state: GroupState): boolean {
    return this._state === state;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this._state)) {
      throw new Error(`group ${this.groupId} cannot move from ${this._state} to ${state} (allowed from ${VALID_PREVIOUS[state].join(', ')})`);
    }
    this._state = state;
    this.stateTimestamp = now;
  }

  /** Empty, Stable and CompletingRebalance can start a rebalance; PreparingRebalance is one, Dead is final. */
  get canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this._state);
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoinCount;
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingMembers.size === 0;
  }

  /** The longest rebalance timeout of the members: how long a rebalance waits for rejoins. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  get isConsumerGroup(): boolean {
    return this.protocolType === 'consumer';
  }

  add(member: Member, callback: JoinCallback | null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) throw new Error(`static member ${member.groupInstanceId} is already in group ${this.groupId}`);
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member, 1);
    member.awaitingJoin = callback;
    if (callback) this.awaitingJoinCount++;
    this.removePending(member.memberId);
  }

  /** Forgets a pending member id and stops its expiry timer. */
  removePending(memberId: string): void {
    this.pendingMembers.get(memberId)?.();
    this.pendingMembers.delete(memberId);
  }

  /** Drops the member and its bookkeeping; its parked requests and heartbeat timer are the caller's business. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.countProtocols(member, -1);
      if (member.awaitingJoin) this.awaitingJoinCount--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.removePending(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** Replaces the member's protocols and timeouts and (un)parks its JoinGroup. */
  updateMember(member: Member, protocols: readonly MemberProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, callback: JoinCallback | null): void {
    this.countProtocols(member, -1);
    member.protocols = protocols;
    this.countProtocols(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (callback && !member.awaitingJoin) this.awaitingJoinCount++;
    else if (!callback && member.awaitingJoin) this.awaitingJoinCount--;
    member.awaitingJoin = callback;
  }

  /** Answers a parked JoinGroup, if there is one. */
  maybeInvokeJoin(member: Member, result: JoinResult): void {
    const cb = member.awaitingJoin;
    if (!cb) return;
    member.awaitingJoin = null;
    this.awaitingJoinCount--;
    cb(result);
  }

  /** Answers a parked SyncGroup; true if there was one. */
  maybeInvokeSync(member: Member, result: SyncResult): boolean {
    const cb = member.awaitingSync;
    if (!cb) return false;
    member.awaitingSync = null;
    cb(result);
    return true;
  }

  /**
   * A static member came back with a new member id: the same Member carries on under the new id.
   * Whoever still waits on the old id is fenced (FENCED_INSTANCE_ID).
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string, fenced: { join: JoinResult; sync: SyncResult }): Member {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`cannot replace unknown member ${oldMemberId} of group ${this.groupId}`);
    this.maybeInvokeJoin(member, fenced.join);
    this.maybeInvokeSync(member, fenced.sync);
    // Re-insert under the new id; Map order moves it last, which only matters for leader succession.
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /**
   * After a rebalance timeout: if the leader did not rejoin, any member that did takes over.
   * False when nobody rejoined (or the group has no leader), so the rebalance cannot complete.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.awaitingJoin) return true;
    for (const [id, m] of this.members) {
      if (m.awaitingJoin) {
        this.leaderId = id;
        return true;
      }
    }
    return false;
  }

  /** Protocol type and names a joining member offers fit the group (AK GroupMetadata.supportsProtocols). */
  supportsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => this.supportedProtocols.get(p.name) === this.members.size);
  }

  private candidateProtocols(): Set<string> {
    const n = this.members.size;
    return new Set([...this.supportedProtocols].filter(([, count]) => count === n).map(([name]) => name));
  }

  /** Every member votes for its first protocol that all members support; most votes wins, ties go to the first counted. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  private countProtocols(member: Member, delta: number): void {
    for (const p of member.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
  }

  /** The members of the current generation with their metadata for the selected protocol (the leader's JoinGroup answer). */
  currentMemberMetadata(): JoinResponseMember[] {
    if (this.protocolName === null) throw new Error(`group ${this.groupId} has no selected protocol in state ${this._state}`);
    const protocol = this.protocolName;
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol) }));
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  setOffset(topic: string, partition: number, committed: CommittedOffset): void {
    let byPartition = this.offsets.get(topic);
    if (!byPartition) this.offsets.set(topic, (byPartition = new Map()));
    byPartition.set(partition, committed);
  }

  /** Removes a committed offset; true if there was one. */
  removeOffset(topic: string, partition: number): boolean {
    const byPartition = this.offsets.get(topic);
    if (!byPartition?.delete(partition)) return false;
    if (byPartition.size === 0) this.offsets.delete(topic);
    return true;
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  *allOffsets(): IterableIterator<{ topic: string; partition: number; committed: CommittedOffset }> {
    for (const [topic, byPartition] of this.offsets) for (const [partition, committed] of byPartition) yield { topic, partition, committed };
  }
}
