// Kafka's classic consumer-group assignors, run by the group leader over every member's
// subscription. They use Kafka's protocol names and placement rules so a group can mix mq
// consumers with Java, librdkafka and kafka-python ones: whichever member the coordinator makes
// leader, the split is the same.
//
// - range (AK RangeAssignor): per topic, partitions in order are cut into contiguous ranges over
//   the members subscribed to it; the first `partitions % members` members get one extra.
// - roundrobin (AK RoundRobinAssignor): every subscribed topic-partition, sorted by topic then
//   partition, dealt in turn to the sorted members, skipping members not subscribed to its topic.
// - cooperative-sticky (AK AbstractStickyAssignor + CooperativeStickyAssignor, KIP-429): balanced,
//   keeps what members already own, and never hands a partition to a new owner in the rebalance
//   that takes it from the old one: the old owner revokes it, rejoins, and the follow-up rebalance
//   assigns it.
//
// Members sort as Kafka's MemberInfo does: static members (group.instance.id, KIP-345) first, by
// instance id, then dynamic members by member id; strings compare by UTF-16 code unit, as Java's
// String.compareTo. The sticky algorithm's result also depends on the order Java's HashMap and
// HashSet iterate (members, and partitions moved between a pair of members); javaHashOrder
// reproduces that order, so an mq leader assigns exactly as a Java leader would. The sticky
// assignor's rack-aware mode (KIP-881) is not implemented: mq members send no rack, and Kafka uses
// it only when members and partition replicas both name racks.

export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky';

/** KIP-429: eager members revoke everything before rejoining; cooperative ones only what moves. */
export type RebalanceProtocol = 'eager' | 'cooperative';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One member's subscription as the leader sees it (JoinGroup member + decoded consumer protocol). */
export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
  /** Subscription v1+: what the member owns now (KIP-429). */
  ownedPartitions: TopicPartition[];
  /** Subscription v2+: the generation those partitions were assigned in; -1 if absent. */
  generationId: number;
  userData: Buffer | null;
}

export interface PartitionAssignor {
  readonly name: AssignorName;
  /** Rebalance protocols the assignor supports (AK ConsumerPartitionAssignor.supportedProtocols). */
  readonly protocols: readonly RebalanceProtocol[];
  /** The user data this member puts into its subscription, given its current generation. */
  userData(generationId: number): Buffer | null;
  /** `partitionsPerTopic` holds the subscribed topics that exist; the result has every member. */
  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): Map<string, TopicPartition[]>;
}

const DEFAULT_GENERATION = -1;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** AK AbstractPartitionAssignor.MemberInfo.compareTo. */
function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return compareStrings(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/** java.lang.String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** org.apache.kafka.common.TopicPartition.hashCode. */
function topicPartitionHash(tp: TopicPartition): number {
  return (Math.imul(31, 31 + tp.partition) + javaStringHash(tp.topic)) | 0;
}

/**
 * The order in which a java.util.HashMap (or HashSet) that once held `maxSize` entries, filled in
 * the order of `items`, iterates them: by bucket (the hash with its high half folded in, masked
 * to the table size), then by insertion within a bucket. The table starts at 16 buckets and
 * doubles whenever it holds more than 3/4 of its bucket count; it never shrinks.
 */
function javaHashOrder<T>(items: readonly T[], hash: (item: T) => number, maxSize = items.length): T[] {
  let buckets = 16;
  while (maxSize > buckets * 0.75) buckets *= 2;
  const index = (item: T): number => {
    const h = hash(item);
    return (h ^ (h >>> 16)) & (buckets - 1);
  };
  return items
    .map((item, i) => ({ item, i, bucket: index(item) }))
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((x) => x.item);
}

function emptyAssignment(members: readonly MemberSubscription[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]));
}

// ------------------------------------------------------------------ range

export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  protocols: ['eager'],
  userData: () => null,
  assign(partitionsPerTopic, members) {
    const assignment = emptyAssignment(members);
    const membersByTopic = new Map<string, MemberSubscription[]>();
    for (const m of members) {
      for (const topic of new Set(m.topics)) {
        let list = membersByTopic.get(topic);
        if (!list) membersByTopic.set(topic, (list = []));
        list.push(m);
      }
    }
    for (const topic of [...membersByTopic.keys()].sort(compareStrings)) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined || count === 0) continue;
      const consumers = membersByTopic.get(topic)!.sort(compareMembers);
      const perMember = Math.floor(count / consumers.length);
      const withExtra = count % consumers.length;
      consumers.forEach((m, i) => {
        const start = perMember * i + Math.min(i, withExtra);
        const length = perMember + (i < withExtra ? 1 : 0);
        const list = assignment.get(m.memberId)!;
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
      });
    }
    return assignment;
  },
};

// ------------------------------------------------------------------ roundrobin

export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  protocols: ['eager'],
  userData: () => null,
  assign(partitionsPerTopic, members) {
    const assignment = emptyAssignment(members);
    const sorted = [...members].sort(compareMembers);
    const subscribed = sorted.map((m) => new Set(m.topics));
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort(compareStrings);
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) ?? 0;
      for (let p = 0; p < count; p++) {
        // Some member subscribes to every topic in the union, so this ends.
        while (!subscribed[next]!.has(topic)) next = (next + 1) % sorted.length;
        assignment.get(sorted[next]!.memberId)!.push({ topic, partition: p });
        next = (next + 1) % sorted.length;
      }
    }
    return assignment;
  },
};

// ------------------------------------------------------------------ cooperative-sticky

/**
 * The generation as CooperativeStickyAssignor reads it (memberData): the subscription's own field
 * (v2+), else the 4-byte generation the assignor puts into its user data for v1 readers;
 * unreadable user data counts as the default generation, no user data as no generation (null).
 */
function memberGeneration(m: MemberSubscription): number | null {
  if (m.generationId !== DEFAULT_GENERATION) return m.generationId;
  if (m.userData === null) return null;
  return m.userData.length >= 4 ? m.userData.readInt32BE(0) : DEFAULT_GENERATION;
}

/** "topic\0partition": partitions as Map/Set keys. */
function key(tp: TopicPartition): string {
  return `${tp.topic}\0${tp.partition}`;
}

interface StickyResult {
  assignment: Map<string, TopicPartition[]>;
  /**
   * Partitions the assignment moves from one member to another, with their new owner (AK
   * partitionsTransferringOwnership); the cooperative assignor leaves them out until the
   * follow-up rebalance.
   */
  transferring: Map<string, { partition: TopicPartition; consumer: string }>;
}

/**
 * AK AbstractStickyAssignor.assignPartitions without racks: the constrained algorithm when every
 * member subscribes to the same topics, the general one otherwise. Exported for the assignor
 * tests, which check it against Kafka's own expectations for the sticky assignors.
 */
export function stickyAssign(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): StickyResult {
  // Java's leader puts members into a HashMap in JoinGroup order and iterates that.
  const ordered = javaHashOrder(members, (m) => javaStringHash(m.memberId));
  const owned = collectOwnedPartitions(partitionsPerTopic, ordered);
  if (owned.allSubscriptionsEqual) return constrainedAssign(partitionsPerTopic, owned.byMember, owned.multiplyClaimed);
  const assignment = new GeneralAssignmentBuilder(partitionsPerTopic, ordered, owned.byMember, owned.maxGeneration).build();
  return { assignment, transferring: computeTransferring(ordered, assignment) };
}

export const cooperativeStickyAssignor: PartitionAssignor = {
  name: 'cooperative-sticky',
  protocols: ['cooperative', 'eager'],
  userData(generationId) {
    // COOPERATIVE_STICKY_ASSIGNOR_USER_DATA_V0: one INT32, the generation, for leaders that read
    // v1 subscriptions (no generation field).
    const buf = Buffer.alloc(4);
    buf.writeInt32BE(generationId, 0);
    return buf;
  },
  assign(partitionsPerTopic, members) {
    const { assignment, transferring } = stickyAssign(partitionsPerTopic, members);
    for (const [k, { consumer }] of transferring) {
      const list = assignment.get(consumer)!;
      const i = list.findIndex((tp) => key(tp) === k);
      if (i >= 0) list.splice(i, 1);
    }
    return assignment;
  },
};

interface OwnedPartitions {
  allSubscriptionsEqual: boolean;
  /** Every member (in iteration order), with the owned partitions the assignment may keep. */
  byMember: Map<string, TopicPartition[]>;
  /** Partitions two members claimed in the same generation: neither keeps them. */
  multiplyClaimed: Set<string>;
  maxGeneration: number;
}

/**
 * AK allSubscriptionsEqual: whether all members subscribe to the same topics, and what each may
 * keep. A partition claimed by two members goes to the one of the higher generation; claimed twice
 * in one generation, it is invalid for both.
 */
function collectOwnedPartitions(partitionsPerTopic: ReadonlyMap<string, number>, members: readonly MemberSubscription[]): OwnedPartitions {
  const byMember = new Map<string, TopicPartition[]>();
  const multiplyClaimed = new Set<string>();
  const ownerOf = new Map<string, string>();
  const generations = new Map<string, number>();
  let subscribed: Set<string> | null = null;
  let allSubscriptionsEqual = true;
  let maxGeneration = DEFAULT_GENERATION;
  for (const m of members) {
    generations.set(m.memberId, m.generationId);
    const topics = new Set(m.topics);
    if (subscribed === null || subscribed.size === 0) subscribed = topics;
    else if (allSubscriptionsEqual && (topics.size !== subscribed.size || [...topics].some((t) => !subscribed!.has(t)))) allSubscriptionsEqual = false;
    const generation = memberGeneration(m) ?? DEFAULT_GENERATION;
    maxGeneration = Math.max(maxGeneration, generation);
    const mine: TopicPartition[] = [];
    byMember.set(m.memberId, mine);
    for (const tp of m.ownedPartitions) {
      // Partitions of topics that no longer exist (or never did) are dropped here.
      const count = partitionsPerTopic.get(tp.topic);
      if (count === undefined || tp.partition < 0 || tp.partition >= count) continue;
      const k = key(tp);
      const other = ownerOf.get(k);
      if (other === undefined) {
        mine.push(tp);
        ownerOf.set(k, m.memberId);
        continue;
      }
      const otherGeneration = generations.get(other)!;
      if (generation === otherGeneration) {
        multiplyClaimed.add(k);
        removePartition(byMember.get(other)!, k);
        ownerOf.set(k, m.memberId);
      } else if (generation > otherGeneration) {
        mine.push(tp);
        removePartition(byMember.get(other)!, k);
        ownerOf.set(k, m.memberId);
      }
    }
  }
  return { allSubscriptionsEqual, byMember, multiplyClaimed, maxGeneration };
}

function removePartition(list: TopicPartition[], k: string): void {
  const i = list.findIndex((tp) => key(tp) === k);
  if (i >= 0) list.splice(i, 1);
}

function allPartitionsSorted(partitionsPerTopic: ReadonlyMap<string, number>, topics: readonly string[]): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topic of topics) {
    const count = partitionsPerTopic.get(topic)!;
    for (let p = 0; p < count; p++) out.push({ topic, partition: p });
  }
  return out;
}

/**
 * AK ConstrainedAssignmentBuilder. Quotas: every member gets minQuota or maxQuota partitions, and
 * exactly `total % members` of them get maxQuota. Members keep owned partitions up to their quota
 * (those sorted by partition, then topic, come first); the rest is dealt round robin to members
 * under minQuota, then one each to members at minQuota until enough have maxQuota.
 */
function constrainedAssign(
  partitionsPerTopic: ReadonlyMap<string, number>,
  ownedByMember: ReadonlyMap<string, TopicPartition[]>,
  multiplyClaimed: ReadonlySet<string>,
): StickyResult {
  let total = 0;
  for (const n of partitionsPerTopic.values()) total += n;
  const memberCount = ownedByMember.size;
  const minQuota = Math.floor(total / memberCount);
  const maxQuota = Math.ceil(total / memberCount);
  const expectedOverMin = total % memberCount;
  let currentOverMin = 0;

  const assignment = new Map<string, TopicPartition[]>();
  const assigned = new Set<string>();
  const revoked = new Set<string>();
  const transferring = new Map<string, { partition: TopicPartition; consumer: string }>();
  let underMin: string[] = [];
  let exactlyMin: string[] = [];

  for (const [consumer, ownedRaw] of ownedByMember) {
    const owned = ownedRaw
      .filter((tp) => !multiplyClaimed.has(key(tp)))
      .sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic));
    const mine: TopicPartition[] = [];
    assignment.set(consumer, mine);
    let keep: number;
    if (owned.length < minQuota) {
      keep = owned.length;
      underMin.push(consumer);
    } else if (owned.length >= maxQuota && currentOverMin < expectedOverMin) {
      keep = maxQuota;
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
    } else {
      keep = minQuota;
      if (currentOverMin < expectedOverMin) exactlyMin.push(consumer);
    }
    owned.forEach((tp, i) => {
      if (i < keep) {
        mine.push(tp);
        assigned.add(key(tp));
      } else {
        revoked.add(key(tp));
      }
    });
  }

  const topics = [...partitionsPerTopic.keys()].sort(compareStrings);
  const unassigned = allPartitionsSorted(partitionsPerTopic, topics).filter((tp) => !assigned.has(key(tp)));
  underMin = underMin.sort(compareStrings);
  exactlyMin = exactlyMin.sort(compareStrings);

  // Java walks underMin with an iterator that removes members as they reach minQuota and starts
  // over at the end; `cursor` is that iterator's position.
  let cursor = 0;
  for (const tp of unassigned) {
    let consumer: string;
    let fromUnderMin = true;
    if (cursor < underMin.length) {
      consumer = underMin[cursor++]!;
    } else if (underMin.length > 0) {
      cursor = 0;
      consumer = underMin[cursor++]!;
    } else {
      const next = exactlyMin.shift();
      // The quotas add up to the partition count, so someone is always below maxQuota here.
      if (next === undefined) throw new Error(`sticky assignment invariant broken: no member can take ${tp.topic}-${tp.partition}`);
      consumer = next;
      fromUnderMin = false;
    }
    const list = assignment.get(consumer)!;
    list.push(tp);
    const k = key(tp);
    if (revoked.has(k) || multiplyClaimed.has(k)) transferring.set(k, { partition: tp, consumer });
    if (list.length === minQuota && fromUnderMin) {
      underMin.splice(--cursor, 1);
      exactlyMin.push(consumer);
    } else if (list.length === maxQuota) {
      currentOverMin++;
    }
  }
  return { assignment, transferring };
}

/** AK CooperativeStickyAssignor.computePartitionsTransferringOwnership, for the general case. */
function computeTransferring(members: readonly MemberSubscription[], assignment: ReadonlyMap<string, TopicPartition[]>): StickyResult['transferring'] {
  const added = new Map<string, { partition: TopicPartition; consumer: string }>();
  const revoked = new Set<string>();
  for (const m of members) {
    const assigned = assignment.get(m.memberId) ?? [];
    const owned = new Set(m.ownedPartitions.map(key));
    const assignedKeys = new Set(assigned.map(key));
    for (const tp of assigned) if (!owned.has(key(tp))) added.set(key(tp), { partition: tp, consumer: m.memberId });
    for (const k of owned) if (!assignedKeys.has(k)) revoked.add(k);
  }
  for (const k of [...added.keys()]) if (!revoked.has(k)) added.delete(k);
  return added;
}

/**
 * AK AbstractStickyAssignor.PartitionMovements: the moves made while balancing, by topic and
 * (source, destination) pair, so that moving a partition of a topic from B back to A moves the
 * one that went A to B instead, keeping partitions where they were (stickiness).
 */
class PartitionMovements {
  /** Per topic and (src, dst) pair: the partitions moved, and the most the set ever held. */
  private readonly byTopic = new Map<string, Map<string, { keys: Set<string>; maxSize: number }>>();
  private readonly moves = new Map<string, { src: string; dst: string; partition: TopicPartition }>();
  private readonly partitions = new Map<string, TopicPartition>();

  private static pair(src: string, dst: string): string {
    return JSON.stringify([src, dst]);
  }

  private removeRecord(k: string, topic: string): { src: string; dst: string } {
    const move = this.moves.get(k)!;
    this.moves.delete(k);
    const forTopic = this.byTopic.get(topic)!;
    const p = PartitionMovements.pair(move.src, move.dst);
    const set = forTopic.get(p)!;
    set.keys.delete(k);
    if (set.keys.size === 0) forTopic.delete(p);
    if (forTopic.size === 0) this.byTopic.delete(topic);
    return move;
  }

  private addRecord(tp: TopicPartition, src: string, dst: string): void {
    const k = key(tp);
    this.moves.set(k, { src, dst, partition: tp });
    this.partitions.set(k, tp);
    let forTopic = this.byTopic.get(tp.topic);
    if (!forTopic) this.byTopic.set(tp.topic, (forTopic = new Map()));
    const p = PartitionMovements.pair(src, dst);
    let set = forTopic.get(p);
    if (!set) forTopic.set(p, (set = { keys: new Set(), maxSize: 0 }));
    set.keys.add(k);
    set.maxSize = Math.max(set.maxSize, set.keys.size);
  }

  move(tp: TopicPartition, oldConsumer: string, newConsumer: string): void {
    const k = key(tp);
    if (this.moves.has(k)) {
      const existing = this.removeRecord(k, tp.topic);
      // Moving back to where it came from cancels the earlier move.
      if (existing.src !== newConsumer) this.addRecord(tp, existing.src, newConsumer);
    } else {
      this.addRecord(tp, oldConsumer, newConsumer);
    }
  }

  actualPartitionToMove(tp: TopicPartition, oldConsumer: string, newConsumer: string): TopicPartition {
    const forTopic = this.byTopic.get(tp.topic);
    if (!forTopic) return tp;
    const k = key(tp);
    const src = this.moves.get(k)?.src ?? oldConsumer;
    const reverse = forTopic.get(PartitionMovements.pair(newConsumer, src));
    if (!reverse) return tp;
    // Kafka takes the first partition its HashSet iterates.
    const moved = [...reverse.keys].map((x) => this.partitions.get(x)!);
    return javaHashOrder(moved, topicPartitionHash, reverse.maxSize)[0]!;
  }
}

/** Members ordered by (assignment size, member id): AK's TreeSet with SubscriptionComparator. */
class ConsumersBySize {
  private readonly list: string[] = [];

  constructor(private readonly sizeOf: (consumer: string) => number) {}

  private compare(a: string, b: string): number {
    return this.sizeOf(a) - this.sizeOf(b) || compareStrings(a, b);
  }

  add(consumer: string): void {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(this.list[mid]!, consumer) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.list.splice(lo, 0, consumer);
  }

  /** Call before the consumer's size changes: the list is ordered by the sizes it was added with. */
  remove(consumer: string): void {
    const i = this.list.indexOf(consumer);
    if (i >= 0) this.list.splice(i, 1);
  }

  first(): string {
    return this.list[0]!;
  }

  last(): string {
    return this.list[this.list.length - 1]!;
  }

  values(): readonly string[] {
    return this.list;
  }
}

/**
 * AK GeneralAssignmentBuilder (members subscribe to different topics): keep valid owned
 * partitions, give each unassigned partition to the least loaded member that can take it, then
 * move partitions from loaded members to lighter ones until no move improves balance, preferring
 * a partition's previous owner. The result is kept only if it scores better than before the moves.
 */
class GeneralAssignmentBuilder {
  private readonly topicConsumers = new Map<string, string[]>();
  private readonly consumerTopics = new Map<string, string[]>();
  private readonly currentPartitionConsumer = new Map<string, string>();
  private readonly sortedAllPartitions: TopicPartition[];
  private readonly sorted: ConsumersBySize;
  private readonly movements = new PartitionMovements();
  private readonly totalPartitions: number;
  private revocationRequired = false;

  constructor(
    private readonly partitionsPerTopic: ReadonlyMap<string, number>,
    private readonly members: readonly MemberSubscription[],
    private readonly currentAssignment: Map<string, TopicPartition[]>,
    private readonly maxGeneration: number,
  ) {
    this.totalPartitions = [...partitionsPerTopic.values()].reduce((a, b) => a + b, 0);
    for (const topic of partitionsPerTopic.keys()) this.topicConsumers.set(topic, []);
    for (const m of members) {
      const topics: string[] = [];
      this.consumerTopics.set(m.memberId, topics);
      for (const topic of new Set(m.topics)) {
        if (!partitionsPerTopic.has(topic)) continue;
        topics.push(topic);
        this.topicConsumers.get(topic)!.push(m.memberId);
      }
      if (!currentAssignment.has(m.memberId)) currentAssignment.set(m.memberId, []);
    }
    for (const [consumer, list] of currentAssignment) for (const tp of list) this.currentPartitionConsumer.set(key(tp), consumer);
    const topicOrder = [...this.topicConsumers.keys()].sort(
      (a, b) => this.topicConsumers.get(a)!.length - this.topicConsumers.get(b)!.length || compareStrings(a, b),
    );
    this.sortedAllPartitions = allPartitionsSorted(partitionsPerTopic, topicOrder);
    this.sorted = new ConsumersBySize((c) => this.currentAssignment.get(c)!.length);
  }

  build(): Map<string, TopicPartition[]> {
    const prevAssignment = this.previousOwners();
    const assigned = this.keepOwnedPartitions();
    const unassigned = this.sortedAllPartitions.filter((tp) => !assigned.has(key(tp)));
    for (const consumer of this.currentAssignment.keys()) this.sorted.add(consumer);
    this.balance(prevAssignment, unassigned);
    return this.currentAssignment;
  }

  /**
   * AK prepopulateCurrentAssignments: for partitions claimed by members of an older generation,
   * the most recent such claim, which the balancing prefers when it moves a partition.
   */
  private previousOwners(): Map<string, { consumer: string; generation: number }> {
    const prev = new Map<string, { consumer: string; generation: number }>();
    for (const m of this.members) {
      const generation = memberGeneration(m);
      let claimed: number | null = null;
      if (generation !== null && generation < this.maxGeneration) claimed = generation;
      else if (generation === null && this.maxGeneration > DEFAULT_GENERATION) claimed = DEFAULT_GENERATION;
      if (claimed === null) continue;
      for (const tp of m.ownedPartitions) {
        const k = key(tp);
        const existing = prev.get(k);
        if (!existing || claimed > existing.generation) prev.set(k, { consumer: m.memberId, generation: claimed });
      }
    }
    return prev;
  }

  /** Drops owned partitions the member no longer subscribes to; returns the keys that stay. */
  private keepOwnedPartitions(): Set<string> {
    const assigned = new Set<string>();
    for (const [consumer, list] of this.currentAssignment) {
      const topics = new Set(this.consumerTopics.get(consumer));
      for (let i = 0; i < list.length; ) {
        const tp = list[i]!;
        if (!topics.has(tp.topic)) {
          list.splice(i, 1);
          this.revocationRequired = true;
          continue;
        }
        assigned.add(key(tp));
        i++;
      }
    }
    return assigned;
  }

  private size(consumer: string): number {
    return this.currentAssignment.get(consumer)!.length;
  }

  private maxAssignmentSize(consumer: string): number {
    const topics = this.consumerTopics.get(consumer)!;
    if (topics.length === this.partitionsPerTopic.size) return this.totalPartitions;
    return topics.reduce((n, t) => n + this.partitionsPerTopic.get(t)!, 0);
  }

  /**
   * Balanced when sizes differ by at most one, or when no member could take a partition of a
   * topic it subscribes to from a member holding at least two more.
   */
  private isBalanced(): boolean {
    const min = this.size(this.sorted.first());
    const max = this.size(this.sorted.last());
    if (min >= max - 1) return true;
    const owner = new Map<string, string>();
    for (const [consumer, list] of this.currentAssignment) for (const tp of list) owner.set(key(tp), consumer);
    for (const consumer of this.sorted.values()) {
      const count = this.size(consumer);
      if (count === this.maxAssignmentSize(consumer)) continue;
      for (const topic of this.consumerTopics.get(consumer)!) {
        const partitions = this.partitionsPerTopic.get(topic)!;
        for (let p = 0; p < partitions; p++) {
          const other = owner.get(key({ topic, partition: p }));
          if (other !== undefined && other !== consumer && count + 1 < this.size(other)) return false;
        }
      }
    }
    return true;
  }

  /** Sum over all member pairs of the difference of their sizes; 0 is perfectly balanced. */
  private static balanceScore(assignment: ReadonlyMap<string, TopicPartition[]>): number {
    const sizes = [...assignment.values()].map((l) => l.length);
    let score = 0;
    for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
    return score;
  }

  private assignToLeastLoaded(tp: TopicPartition): void {
    for (const consumer of this.sorted.values()) {
      if (!this.consumerTopics.get(consumer)!.includes(tp.topic)) continue;
      this.sorted.remove(consumer);
      this.currentAssignment.get(consumer)!.push(tp);
      this.currentPartitionConsumer.set(key(tp), consumer);
      this.sorted.add(consumer);
      return;
    }
  }

  private canTopicMove(topic: string): boolean {
    return this.topicConsumers.get(topic)!.length >= 2;
  }

  private canConsumerMove(consumer: string): boolean {
    if (this.size(consumer) < this.maxAssignmentSize(consumer)) return true;
    return this.currentAssignment.get(consumer)!.some((tp) => this.canTopicMove(tp.topic));
  }

  private balance(prevAssignment: Map<string, { consumer: string; generation: number }>, unassigned: TopicPartition[]): void {
    const initializing = this.size(this.sorted.last()) === 0;
    for (const tp of unassigned) {
      if (this.topicConsumers.get(tp.topic)!.length > 0) this.assignToLeastLoaded(tp);
    }

    // Only partitions of topics with two or more subscribers, and members that could gain or
    // lose one, take part in the moves.
    const movable = (tp: TopicPartition): boolean => this.canTopicMove(tp.topic);
    const allMovable = this.sortedAllPartitions.filter(movable);
    const unassignedMovable = unassigned.filter(movable);
    const fixed = new Map<string, TopicPartition[]>();
    for (const consumer of this.consumerTopics.keys()) {
      if (this.canConsumerMove(consumer)) continue;
      this.sorted.remove(consumer);
      fixed.set(consumer, this.currentAssignment.get(consumer)!);
      this.currentAssignment.delete(consumer);
    }

    const before = new Map([...this.currentAssignment].map(([c, l]) => [c, [...l]]));
    const beforeOwners = new Map(this.currentPartitionConsumer);
    // Without revocations forced by subscription changes, first try moving only new partitions.
    if (!this.revocationRequired) this.performReassignments(unassignedMovable, prevAssignment);
    const moved = this.performReassignments(allMovable, prevAssignment);
    if (!initializing && moved && GeneralAssignmentBuilder.balanceScore(this.currentAssignment) >= GeneralAssignmentBuilder.balanceScore(before)) {
      for (const consumer of [...this.currentAssignment.keys()]) this.sorted.remove(consumer);
      this.currentAssignment.clear();
      for (const [c, l] of before) this.currentAssignment.set(c, l);
      for (const c of before.keys()) this.sorted.add(c);
      this.currentPartitionConsumer.clear();
      for (const [k, c] of beforeOwners) this.currentPartitionConsumer.set(k, c);
    }
    for (const [consumer, list] of fixed) {
      this.currentAssignment.set(consumer, list);
      this.sorted.add(consumer);
    }
  }

  private performReassignments(partitions: readonly TopicPartition[], prevAssignment: Map<string, { consumer: string; generation: number }>): boolean {
    let performed = false;
    let modified: boolean;
    do {
      modified = false;
      for (const tp of partitions) {
        if (this.isBalanced()) break;
        const consumer = this.currentPartitionConsumer.get(key(tp))!;
        const prev = prevAssignment.get(key(tp));
        // Kafka assumes the previous owner still subscribes to the topic; it may not, and then
        // it cannot take the partition back.
        if (
          prev &&
          this.currentAssignment.has(prev.consumer) &&
          this.consumerTopics.get(prev.consumer)!.includes(tp.topic) &&
          this.size(consumer) > this.size(prev.consumer) + 1
        ) {
          this.reassign(tp, prev.consumer);
          performed = modified = true;
          continue;
        }
        for (const other of this.topicConsumers.get(tp.topic)!) {
          if (this.size(consumer) > this.size(other) + 1) {
            this.reassign(tp, this.sorted.values().find((c) => this.consumerTopics.get(c)!.includes(tp.topic))!);
            performed = modified = true;
            break;
          }
        }
      }
    } while (modified);
    return performed;
  }

  private reassign(tp: TopicPartition, newConsumer: string): void {
    const consumer = this.currentPartitionConsumer.get(key(tp))!;
    const toMove = this.movements.actualPartitionToMove(tp, consumer, newConsumer);
    const oldConsumer = this.currentPartitionConsumer.get(key(toMove))!;
    this.sorted.remove(oldConsumer);
    this.sorted.remove(newConsumer);
    this.movements.move(toMove, oldConsumer, newConsumer);
    removePartition(this.currentAssignment.get(oldConsumer)!, key(toMove));
    this.currentAssignment.get(newConsumer)!.push(toMove);
    this.currentPartitionConsumer.set(key(toMove), newConsumer);
    this.sorted.add(newConsumer);
    this.sorted.add(oldConsumer);
  }
}

export const ASSIGNORS: ReadonlyMap<AssignorName, PartitionAssignor> = new Map(
  [rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor].map((a) => [a.name, a]),
);
