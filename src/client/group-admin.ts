// Admin's consumer-group operations (AK KafkaAdminClient: listConsumerGroups,
// describeConsumerGroups, deleteConsumerGroups, listConsumerGroupOffsets,
// alterConsumerGroupOffsets, deleteConsumerGroupOffsets). ListGroups goes to every broker (each
// lists the groups it coordinates); everything else to the group's coordinator, found with
// FindCoordinator and asked again after NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or
// COORDINATOR_LOAD_IN_PROGRESS (CoordinatorLink.request). Results are per group or partition.

import { ErrorCode } from '../protocol/error-codes.js';
import { DescribeGroups, type DescribeGroupsRequest, type DescribeGroupsResponse, type DescribedGroup } from '../protocol/messages/15-describe-groups.js';
import { ListGroups, type ListGroupsRequest, type ListGroupsResponse } from '../protocol/messages/16-list-groups.js';
import { DeleteGroups, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../protocol/messages/42-delete-groups.js';
import { OffsetDelete, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../protocol/messages/47-offset-delete.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment } from '../protocol/messages/consumer-protocol.js';
import type { TopicPartition } from './assignors.js';
import type { BrokerInfo, Cluster } from './cluster.js';
import { backoffMs, sleep } from './config.js';
import { commitOffsets, CoordinatorLink, fetchOffsets, SIMPLE_COMMIT, type CommitResult, type CommittedOffset, type OffsetToCommit } from './coordinator.js';
import { KafkaError, kafkaErrorOrNull, MqError } from './errors.js';
import { groupByTopic } from './group-member.js';

export interface GroupListing {
  groupId: string;
  /** 'consumer' for consumer groups; '' for groups that only ever had committed offsets. */
  protocolType: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead; 'Unknown' from brokers before ListGroups v4. */
  state: string;
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Decoded from the embedded consumer protocol; [] for other group types. */
  assignment: TopicPartition[];
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  /** The assignor the group uses (range, roundrobin, ...); '' while it has none. */
  protocol: string;
  members: MemberDescription[];
  coordinator: BrokerInfo;
  error: KafkaError | null;
}

const NO_BROKER: BrokerInfo = { nodeId: -1, host: '', port: -1, rack: null };

/** Groups of every broker, sorted by id; `states` filters by state (ListGroups v4+, KIP-518). */
export async function listGroups(cluster: Cluster, states: readonly string[] = []): Promise<GroupListing[]> {
  await cluster.fetchMetadata([]);
  const perBroker = await Promise.all(
    [...cluster.brokers.keys()].map(async (nodeId) => {
      for (let attempt = 0; ; attempt++) {
        const conn = await cluster.connectionTo(nodeId);
        const version = conn.versionFor(ListGroups);
        if (states.length > 0 && version < 4) {
          throw new MqError('MQ_ERR_UNSUPPORTED_VERSION', `filtering groups by state needs ListGroups v4+; broker ${nodeId} speaks v${version}`);
        }
        const res = await conn.send<ListGroupsRequest, ListGroupsResponse>(ListGroups, { statesFilter: [...states], typesFilter: [] }, { version });
        if (res.errorCode === 0) {
          return res.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: version >= 4 ? g.groupState : 'Unknown' }));
        }
        const error = new KafkaError(res.errorCode, null, { context: `(ListGroups at broker ${nodeId})` });
        if (!error.retriable || attempt >= cluster.config.retries) throw error;
        await sleep(backoffMs(cluster.config, attempt + 1));
      }
    }),
  );
  const byId = new Map<string, GroupListing>();
  for (const list of perBroker) for (const g of list) byId.set(g.groupId, g);
  return [...byId.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/** Results in the order asked. A group that does not exist is reported by the broker (Dead, or GROUP_ID_NOT_FOUND). */
export function describeGroups(cluster: Cluster, groupIds: readonly string[]): Promise<GroupDescription[]> {
  return Promise.all(
    groupIds.map(async (groupId) => {
      const link = new CoordinatorLink(cluster, groupId, false);
      let group: DescribedGroup | undefined;
      try {
        const res = await link.request<DescribeGroupsResponse>(
          DescribeGroups,
          (): DescribeGroupsRequest => ({ groups: [groupId], includeAuthorizedOperations: false }),
          (r) => r.groups.find((g) => g.groupId === groupId)?.errorCode ?? 0,
        );
        group = res.groups.find((g) => g.groupId === groupId);
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { groupId, state: '', protocolType: '', protocol: '', members: [], coordinator: link.coordinator ?? NO_BROKER, error: err };
      }
      if (!group) {
        const error = new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, null, { context: `(the DescribeGroups response did not mention ${groupId})` });
        return { groupId, state: '', protocolType: '', protocol: '', members: [], coordinator: link.coordinator ?? NO_BROKER, error };
      }
      const consumerGroup = group.protocolType === CONSUMER_PROTOCOL_TYPE;
      return {
        groupId,
        state: group.groupState,
        protocolType: group.protocolType,
        protocol: group.protocolData,
        members: group.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: consumerGroup ? memberAssignment(m.memberAssignment) : [],
        })),
        coordinator: link.coordinator ?? NO_BROKER,
        error: kafkaErrorOrNull(group.errorCode),
      };
    }),
  );
}

/**
 * The partitions in a member's assignment bytes. Empty while a rebalance has not assigned it
 * yet; bytes that do not decode (a client bug elsewhere) show as no assignment rather than
 * failing the description of the whole group.
 */
function memberAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return [];
  try {
    return decodeAssignment(bytes).assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  } catch {
    return [];
  }
}

/** Only groups without members can be deleted (NON_EMPTY_GROUP otherwise). */
export function deleteGroups(cluster: Cluster, groupIds: readonly string[]): Promise<Array<{ groupId: string; error: KafkaError | null }>> {
  return Promise.all(
    groupIds.map(async (groupId) => {
      const link = new CoordinatorLink(cluster, groupId, false);
      const errorOf = (r: DeleteGroupsResponse): number => r.results.find((x) => x.groupId === groupId)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      try {
        const res = await link.request<DeleteGroupsResponse>(DeleteGroups, (): DeleteGroupsRequest => ({ groupsNames: [groupId] }), errorOf);
        return { groupId, error: kafkaErrorOrNull(errorOf(res)) };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { groupId, error: err };
      }
    }),
  );
}

/** Committed offsets of `partitions`, or (undefined) of every partition the group committed, sorted. */
export async function listGroupOffsets(cluster: Cluster, groupId: string, partitions?: readonly TopicPartition[]): Promise<CommittedOffset[]> {
  const offsets = await fetchOffsets(new CoordinatorLink(cluster, groupId, false), partitions ?? null, false);
  if (partitions !== undefined) return offsets;
  return offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** A "simple" commit (generation -1, no member id): Kafka takes it only while the group has no members. */
export function alterGroupOffsets(cluster: Cluster, groupId: string, offsets: readonly OffsetToCommit[]): Promise<CommitResult[]> {
  return commitOffsets(new CoordinatorLink(cluster, groupId, false), SIMPLE_COMMIT, offsets);
}

/** OffsetDelete (KIP-496): refused per partition (GROUP_SUBSCRIBED_TO_TOPIC) while members read its topic. */
export async function deleteGroupOffsets(cluster: Cluster, groupId: string, partitions: readonly TopicPartition[]): Promise<CommitResult[]> {
  const link = new CoordinatorLink(cluster, groupId, false);
  const res = await link.request<OffsetDeleteResponse>(
    OffsetDelete,
    (): OffsetDeleteRequest => ({
      groupId,
      topics: groupByTopic(partitions).map((t) => ({ name: t.topic, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })) })),
    }),
    (r) => r.errorCode,
  );
  const codes = new Map<string, number>();
  for (const t of res.topics) for (const p of t.partitions) codes.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
  return partitions.map(({ topic, partition }) => {
    const code = res.errorCode !== 0 ? res.errorCode : (codes.get(`${topic}\0${partition}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    return { topic, partition, error: code === 0 ? null : new KafkaError(code, null, { context: `(${topic}-${partition}, group ${groupId})` }) };
  });
}
