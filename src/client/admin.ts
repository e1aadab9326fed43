// Admin: topic management, offsets, consumer groups (group-admin.ts) and cluster description, as
// Kafka's AdminClient offers them.
// Topic changes go to the controller (a KRaft broker forwards them; a ZooKeeper-era broker that
// is not the controller answers NOT_CONTROLLER, which refreshes metadata and retries). Results
// are per item: one failed topic does not fail the call, it carries a KafkaError.

import { ErrorCode } from '../protocol/error-codes.js';
import { CreatePartitions, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../protocol/messages/37-create-partitions.js';
import { CreateTopics, type CreateTopicsRequest, type CreateTopicsResponse } from '../protocol/messages/19-create-topics.js';
import { DeleteTopics, type DeleteTopicsRequest, type DeleteTopicsResponse } from '../protocol/messages/20-delete-topics.js';
import type { ApiSpec } from '../protocol/schema.js';
import type { TopicPartition } from './assignors.js';
import { Cluster, type ClusterDescription } from './cluster.js';
import type { CommitResult, CommittedOffset } from './coordinator.js';
import { backoffMs, sleep, type ClientConfig } from './config.js';
import { KafkaError, kafkaErrorOrNull } from './errors.js';
import * as brokers from './cluster-admin.js';
import * as configs from './config-admin.js';
import * as groups from './group-admin.js';
import { isolationLevelCode, listOffsets, type IsolationLevel, type OffsetResult } from './list-offsets.js';
import { deleteRecords, type DeleteRecordsResult, type RecordsToDelete } from './delete-records.js';
import { topicIdToString } from './topic-id.js';

export interface TopicPartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  leaderEpoch: number;
  offlineReplicas: number[];
  errorCode: number;
}

export interface TopicDescription {
  name: string;
  /** Kafka's base64url text form of the topic's uuid. */
  topicId: string;
  isInternal: boolean;
  partitions: TopicPartitionInfo[];
}

export interface NewTopic {
  name: string;
  /** -1 (default): the broker's num.partitions. */
  numPartitions?: number;
  /** -1 (default): the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
  /** Explicit replicas per partition; when given, numPartitions and replicationFactor are not sent. */
  assignments?: Array<{ partition: number; brokerIds: number[] }>;
}

export interface CreateTopicResult {
  name: string;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  error: KafkaError | null;
}

export class Admin {
  private readonly cluster: Cluster;
  private connecting: Promise<void> | null = null;

  constructor(config: ClientConfig) {
    this.cluster = new Cluster(config);
  }

  /** Optional: every call connects on first use. */
  connect(): Promise<void> {
    this.connecting ??= this.cluster.connect().catch((err: unknown) => {
      this.connecting = null;
      throw err;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }

  async createTopics(topics: NewTopic[], options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<CreateTopicResult[]> {
    await this.connect();
    const byName = new Map<string, CreateTopicResult>();
    await this.perItem(topics, async (pending) => {
      const request: CreateTopicsRequest = {
        topics: pending.map((t) => ({
          name: t.name,
          // Kafka requires -1 for both when replicas are assigned explicitly.
          numPartitions: t.assignments ? -1 : (t.numPartitions ?? -1),
          replicationFactor: t.assignments ? -1 : (t.replicationFactor ?? -1),
          assignments: (t.assignments ?? []).map((a) => ({ partitionIndex: a.partition, brokerIds: a.brokerIds })),
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
        timeoutMs: options.timeoutMs ?? this.cluster.config.requestTimeoutMs,
        validateOnly: options.validateOnly ?? false,
      };
      const res = await this.toController<CreateTopicsResponse>(CreateTopics, request);
      return pending.map((t) => {
        const r = res.topics.find((x) => x.name === t.name);
        const error = r ? kafkaErrorOrNull(r.errorCode, r.errorMessage) : missing(t.name);
        byName.set(t.name, {
          name: t.name,
          topicId: topicIdToString(r?.topicId ?? ZERO_ID),
          // v5+ report what was created; older versions echo what was asked.
          numPartitions: r && r.numPartitions >= 0 ? r.numPartitions : (t.numPartitions ?? t.assignments?.length ?? -1),
          replicationFactor: r && r.replicationFactor >= 0 ? r.replicationFactor : (t.replicationFactor ?? t.assignments?.[0]?.brokerIds.length ?? -1),
          error,
        });
        return error;
      });
    });
    return topics.map((t) => byName.get(t.name)!);
  }

  async deleteTopics(names: string[], options: { timeoutMs?: number } = {}): Promise<Array<{ name: string; error: KafkaError | null }>> {
    await this.connect();
    const errors = new Map<string, KafkaError | null>();
    await this.perItem(names, async (pending) => {
      const request: DeleteTopicsRequest = {
        // v6 names topics in Topics[]; v1-5 in TopicNames. The codec sends the one the version has.
        topics: pending.map((name) => ({ name, topicId: ZERO_ID })),
        topicNames: pending,
        timeoutMs: options.timeoutMs ?? this.cluster.config.requestTimeoutMs,
      };
      const res = await this.toController<DeleteTopicsResponse>(DeleteTopics, request);
      return pending.map((name) => {
        const r = res.responses.find((x) => x.name === name);
        const error = r ? kafkaErrorOrNull(r.errorCode, r.errorMessage) : missing(name);
        errors.set(name, error);
        return error;
      });
    });
    return names.map((name) => ({ name, error: errors.get(name) ?? null }));
  }

  /** Topic names, sorted; internal topics only when asked for. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    await this.connect();
    const res = await this.cluster.fetchMetadata(null);
    const names: string[] = [];
    for (const t of res.topics) {
      if (t.name !== null && (options.includeInternal || !t.isInternal)) names.push(t.name);
    }
    return names.sort();
  }

  /** `names` undefined: every topic, sorted by name; otherwise in the order asked. */
  async describeTopics(names?: string[]): Promise<Array<TopicDescription & { error: KafkaError | null }>> {
    await this.connect();
    const res = await this.cluster.fetchMetadata(names ?? null);
    const describe = (t: (typeof res.topics)[number], name: string): TopicDescription & { error: KafkaError | null } => ({
      name,
      topicId: topicIdToString(t.topicId),
      isInternal: t.isInternal,
      partitions: t.partitions
        .map(
          (p): TopicPartitionInfo => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
            errorCode: p.errorCode,
          }),
        )
        .sort((a, b) => a.partition - b.partition),
      error: kafkaErrorOrNull(t.errorCode),
    });
    if (names === undefined) {
      return res.topics
        .filter((t) => t.name !== null)
        .map((t) => describe(t, t.name!))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return names.map((name) => {
      const t = res.topics.find((x) => x.name === name);
      if (t) return describe(t, name);
      return { name, topicId: topicIdToString(ZERO_ID), isInternal: false, partitions: [], error: new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) };
    });
  }

  /** `count` is the new total number of partitions. */
  async createPartitions(
    requests: Array<{ topic: string; count: number }>,
    options: { validateOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<Array<{ topic: string; error: KafkaError | null }>> {
    await this.connect();
    const errors = new Map<string, KafkaError | null>();
    await this.perItem(requests, async (pending) => {
      const request: CreatePartitionsRequest = {
        topics: pending.map((r) => ({ name: r.topic, count: r.count, assignments: null })),
        timeoutMs: options.timeoutMs ?? this.cluster.config.requestTimeoutMs,
        validateOnly: options.validateOnly ?? false,
      };
      const res = await this.toController<CreatePartitionsResponse>(CreatePartitions, request);
      return pending.map((r) => {
        const x = res.results.find((y) => y.name === r.topic);
        const error = x ? kafkaErrorOrNull(x.errorCode, x.errorMessage) : missing(r.topic);
        errors.set(r.topic, error);
        return error;
      });
    });
    return requests.map((r) => ({ topic: r.topic, error: errors.get(r.topic) ?? null }));
  }

  async listOffsets(
    requests: Array<{ topic: string; partition: number; timestamp: bigint }>,
    options: { isolationLevel?: IsolationLevel } = {},
  ): Promise<OffsetResult[]> {
    await this.connect();
    return listOffsets(this.cluster, requests, isolationLevelCode(options.isolationLevel));
  }

  /**
   * Moves each partition's log start offset up to `offset` (-1n: the high watermark), one entry
   * per partition as Java's Map<TopicPartition, RecordsToDelete>; results in request order.
   */
  async deleteRecords(requests: RecordsToDelete[], options: { timeoutMs?: number } = {}): Promise<DeleteRecordsResult[]> {
    await this.connect();
    return deleteRecords(this.cluster, requests, options.timeoutMs ?? this.cluster.config.requestTimeoutMs);
  }

  /** DescribeCluster, or Metadata when the broker predates it. */
  async describeCluster(): Promise<ClusterDescription> {
    await this.connect();
    return brokers.describeCluster(this.cluster);
  }

  /** Every log dir of each of `brokerIds`, with every partition it holds. */
  async describeLogDirs(brokerIds: number[]): Promise<Map<number, brokers.LogDirDescription[]>> {
    await this.connect();
    return brokers.describeLogDirs(this.cluster, brokerIds);
  }

  /** The API versions each broker advertised. */
  async brokerApiVersions(): Promise<brokers.BrokerApiVersions[]> {
    await this.connect();
    return brokers.brokerApiVersions(this.cluster);
  }

  /** Every group of every broker, sorted by id; `states` keeps only groups in those states. */
  async listGroups(options: { states?: string[] } = {}): Promise<groups.GroupListing[]> {
    await this.connect();
    return groups.listGroups(this.cluster, options.states);
  }

  async describeGroups(groupIds: string[]): Promise<groups.GroupDescription[]> {
    await this.connect();
    return groups.describeGroups(this.cluster, groupIds);
  }

  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; error: KafkaError | null }>> {
    await this.connect();
    return groups.deleteGroups(this.cluster, groupIds);
  }

  /** Committed offsets (offset -1n: none) of `partitions`, or of everything the group committed. */
  async listGroupOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
    await this.connect();
    return groups.listGroupOffsets(this.cluster, groupId, partitions);
  }

  /** Sets committed offsets of a group that has no active members. */
  async alterGroupOffsets(groupId: string, offsets: Array<{ topic: string; partition: number; offset: bigint; metadata?: string }>): Promise<CommitResult[]> {
    await this.connect();
    return groups.alterGroupOffsets(this.cluster, groupId, offsets);
  }

  async deleteGroupOffsets(groupId: string, partitions: TopicPartition[]): Promise<CommitResult[]> {
    await this.connect();
    return groups.deleteGroupOffsets(this.cluster, groupId, partitions);
  }

  /** Configs of topics and brokers; synonyms and documentation only when asked for. */
  async describeConfigs(
    resources: configs.ConfigResource[],
    options: { includeSynonyms?: boolean; includeDocumentation?: boolean; configNames?: string[] } = {},
  ): Promise<configs.ConfigDescription[]> {
    await this.connect();
    return configs.describeConfigs(this.cluster, resources, options);
  }

  /** Replaces all dynamic configs of each resource (legacy AlterConfigs). */
  async alterConfigs(
    changes: Array<{ resource: configs.ConfigResource; configs: Record<string, string> }>,
    options: { validateOnly?: boolean } = {},
  ): Promise<Array<{ resource: configs.ConfigResource; error: KafkaError | null }>> {
    await this.connect();
    return configs.alterConfigs(this.cluster, changes, options);
  }

  /** Sets, deletes, appends to or subtracts from named configs of each resource. */
  async incrementalAlterConfigs(
    changes: Array<{ resource: configs.ConfigResource; ops: configs.AlterConfigOp[] }>,
    options: { validateOnly?: boolean } = {},
  ): Promise<Array<{ resource: configs.ConfigResource; error: KafkaError | null }>> {
    await this.connect();
    return configs.incrementalAlterConfigs(this.cluster, changes, options);
  }

  /** Sends to the controller, or to any broker when none is known (-1 in metadata). */
  private toController<Res>(api: ApiSpec, request: object): Promise<Res> {
    return this.cluster.sendTo<Res>(() => (this.cluster.brokers.has(this.cluster.controllerId) ? this.cluster.controllerId : -1), api, request);
  }

  /**
   * Runs `attempt` over the items and again over those that failed with NOT_CONTROLLER (the
   * controller moved) or THROTTLING_QUOTA_EXCEEDED, refreshing metadata in between, up to
   * `retries` times. Other errors are final, as in Java's KafkaAdminClient: after
   * REQUEST_TIMED_OUT a topic may well have been created, so a retry would misreport it.
   * `attempt` returns one error (or null) per item, in order.
   */
  private async perItem<T>(items: readonly T[], attempt: (pending: T[]) => Promise<Array<KafkaError | null>>): Promise<void> {
    let pending = [...items];
    for (let n = 0; pending.length > 0; n++) {
      const errors = await attempt(pending);
      const again = pending.filter((_, i) => {
        const code = errors[i]?.errorCode;
        return code === ErrorCode.NOT_CONTROLLER || code === ErrorCode.THROTTLING_QUOTA_EXCEEDED;
      });
      if (again.length === 0 || n >= this.cluster.config.retries) return;
      await sleep(backoffMs(this.cluster.config, n + 1));
      await this.cluster.fetchMetadata([]);
      pending = again;
    }
  }
}

const ZERO_ID = Buffer.alloc(16);

function missing(name: string): KafkaError {
  return new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, null, { context: `(the response did not mention ${name})` });
}
