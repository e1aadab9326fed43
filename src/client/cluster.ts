// The client's view of a cluster: bootstrap, the metadata cache, one Connection per broker node
// id, and leader lookup. Producer, Consumer and Admin each own one Cluster.
//
// Metadata is fetched on demand: callers ask for the topics they need (refreshTopics) and
// concurrent asks are merged into one Metadata request. Callers refresh after an error whose
// Kafka code is marked refreshMetadata (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, ...)
// or after a connection failure, then retry.

import { Metadata, type MetadataRequest, type MetadataResponse } from '../protocol/messages/03-metadata.js';
import type { ApiSpec } from '../protocol/schema.js';
import { backoffMs, resolveClientConfig, sleep, type ClientConfig, type HostPort, type ResolvedClientConfig } from './config.js';
import { Connection, type SendOptions } from './connection.js';
import { ClosedError, ConnectionError, isRetriable } from './errors.js';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerInfo[];
}

export interface PartitionMetadata {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  errorCode: number;
}

export interface TopicMetadata {
  name: string;
  topicId: Buffer;
  isInternal: boolean;
  /** Topic-level error of the last Metadata response that named this topic. */
  errorCode: number;
  /** Indexed by partition id. */
  partitions: PartitionMetadata[];
}

/** metadata.max.age.ms (Java default): topics in use are refreshed at least this often. */
const METADATA_MAX_AGE_MS = 300000;

export interface ClusterOptions {
  /** Metadata requests ask the broker to create unknown topics (the Java producer does). */
  allowAutoTopicCreation?: boolean;
}

export class Cluster {
  readonly config: ResolvedClientConfig;
  clusterId: string | null = null;
  controllerId = -1;
  readonly brokers = new Map<number, BrokerInfo>();
  readonly topics = new Map<string, TopicMetadata>();

  private readonly allowAutoTopicCreation: boolean;
  private readonly connections = new Map<number, Connection>();
  /** Connections to bootstrap addresses that are not (yet) known as a broker node. */
  private readonly bootstrapConnections = new Map<string, Connection>();
  private closed = false;
  private lastMetadataAt = 0;

  /** Topics asked for since the last Metadata request went out, and the promise covering them. */
  private wanted = new Set<string>();
  private nextRefresh: Promise<void> | null = null;
  private runningRefresh: Promise<void> = Promise.resolve();

  constructor(config: ClientConfig, options: ClusterOptions = {}) {
    this.config = resolveClientConfig(config);
    this.allowAutoTopicCreation = options.allowAutoTopicCreation ?? false;
  }

  /** Fetches the broker list (no topics); brokers are connected as they are needed. */
  async connect(): Promise<void> {
    if (this.brokers.size === 0) await this.fetchMetadata([]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values(), ...this.bootstrapConnections.values()];
    this.connections.clear();
    this.bootstrapConnections.clear();
    await Promise.all(all.map((c) => c.close()));
  }

  describe(): ClusterDescription {
    return {
      clusterId: this.clusterId,
      controllerId: this.controllerId,
      brokers: [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  /**
   * The cached metadata of a topic that can be used: known, without a topic-level error (a
   * topic being created reports LEADER_NOT_AVAILABLE) and with at least one partition.
   */
  topic(name: string): TopicMetadata | undefined {
    const t = this.topics.get(name);
    return t && t.errorCode === 0 && t.partitions.length > 0 ? t : undefined;
  }

  /** The topic-level error code of the last Metadata response naming the topic (0 if none). */
  topicError(name: string): number {
    return this.topics.get(name)?.errorCode ?? 0;
  }

  /** Leader node id of a partition from the cache; -1 when unknown. */
  leaderFor(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  /** The connection to broker `nodeId`, opened (and version-negotiated) if need be. */
  async connectionTo(nodeId: number): Promise<Connection> {
    const conn = this.connectionFor(nodeId);
    await conn.connect();
    return conn;
  }

  /** The current connection object for a node, created (not yet connected) if there is none. */
  connectionFor(nodeId: number): Connection {
    if (this.closed) throw new ClosedError('client is closed');
    let conn = this.connections.get(nodeId);
    if (conn && !conn.closed) return conn;
    const broker = this.brokers.get(nodeId);
    if (!broker) throw new ConnectionError(`broker ${nodeId} is not in the cluster metadata`);
    conn = this.newConnection(broker);
    this.connections.set(nodeId, conn);
    return conn;
  }

  /**
   * Sends to broker `nodeId`; on a retriable failure (transport or Kafka error) the metadata is
   * refreshed and the request retried, up to `retries` times. `pickNode` re-resolves the target
   * after a refresh (the controller or leader may have moved).
   */
  async sendTo<Res>(pickNode: () => number, api: ApiSpec, body: object, options: SendOptions = {}): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      try {
        const nodeId = pickNode();
        const conn = nodeId < 0 ? await this.anyConnection() : await this.connectionTo(nodeId);
        return await conn.send<object, Res>(api, body, options);
      } catch (err) {
        if (!isRetriable(err) || attempt >= this.config.retries || this.closed) throw err;
        await sleep(backoffMs(this.config, attempt + 1));
        await this.fetchMetadata(this.trackedTopics());
      }
    }
  }

  /** A connection to some broker: an open one if any, else a known broker, else a bootstrap address. */
  async anyConnection(): Promise<Connection> {
    if (this.closed) throw new ClosedError('client is closed');
    const candidates: Array<() => Connection> = [];
    for (const conn of this.connections.values()) if (!conn.closed) candidates.push(() => conn);
    for (const b of this.brokers.values()) candidates.push(() => this.connectionFor(b.nodeId));
    for (const addr of this.config.bootstrap) candidates.push(() => this.bootstrapConnection(addr));
    let lastError: unknown;
    for (const make of candidates) {
      const conn = make();
      try {
        await conn.connect();
        return conn;
      } catch (err) {
        lastError = err;
      }
    }
    throw new ConnectionError(`no broker is reachable (tried ${candidates.length} addresses)`, { cause: lastError });
  }

  /**
   * Metadata for `topics` (null: all topics), retried on transport failures over the other
   * known brokers. Updates the cache and returns the raw response; topic-level errors are left
   * in the response for the caller to judge.
   */
  async fetchMetadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const conn = await this.anyConnection();
        const version = conn.versionFor(Metadata);
        const request: MetadataRequest = {
          // v0 has no "all topics" null: its empty list means all, so null becomes [] there.
          topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name, topicId: ZERO_ID })),
          allowAutoTopicCreation: this.allowAutoTopicCreation,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        };
        const res = await conn.send<MetadataRequest, MetadataResponse>(Metadata, request, { version });
        this.applyMetadata(res, topics === null);
        return res;
      } catch (err) {
        if (!isRetriable(err) || attempt >= this.config.retries || this.closed) throw err;
        await sleep(backoffMs(this.config, attempt + 1));
      }
    }
  }

  /**
   * Refreshes metadata for `topics`. Calls made while a Metadata request is running are merged
   * into the next one, so an error storm across many partitions costs one request.
   */
  refreshTopics(topics: Iterable<string>): Promise<void> {
    for (const t of topics) this.wanted.add(t);
    this.nextRefresh ??= this.runningRefresh.then(
      () => this.startRefresh(),
      () => this.startRefresh(),
    );
    return this.nextRefresh;
  }

  private startRefresh(): Promise<void> {
    const topics = [...this.wanted];
    this.wanted = new Set();
    this.nextRefresh = null;
    this.runningRefresh = this.fetchMetadata(topics).then(() => undefined);
    return this.runningRefresh;
  }

  /**
   * Refreshes the cached topics in the background when they are older than metadata.max.age.ms,
   * so partitions added to a topic are picked up without an error to trigger it. A failure is
   * left for the next error-driven refresh to retry.
   */
  refreshIfStale(now: number): void {
    if (this.closed || this.topics.size === 0 || now - this.lastMetadataAt < METADATA_MAX_AGE_MS) return;
    this.lastMetadataAt = now;
    this.refreshTopics(this.trackedTopics()).catch(() => undefined);
  }

  /** Every topic in the cache: what a refresh after a failure should cover. */
  trackedTopics(): string[] {
    return [...this.topics.keys()];
  }

  /**
   * A connection of the caller's own, with this client's settings, that the cluster neither
   * tracks nor closes: for traffic that must not queue behind other requests on a shared socket
   * (a consumer's group coordinator connection).
   */
  openConnection(addr: HostPort): Connection {
    if (this.closed) throw new ClosedError('client is closed');
    return this.newConnection(addr);
  }

  private newConnection(addr: HostPort): Connection {
    return new Connection({
      host: addr.host,
      port: addr.port,
      clientId: this.config.clientId,
      requestTimeoutMs: this.config.requestTimeoutMs,
      connectionTimeoutMs: this.config.connectionTimeoutMs,
    });
  }

  private bootstrapConnection(addr: HostPort): Connection {
    const key = `${addr.host}:${addr.port}`;
    let conn = this.bootstrapConnections.get(key);
    if (!conn || conn.closed) {
      conn = this.newConnection(addr);
      this.bootstrapConnections.set(key, conn);
    }
    return conn;
  }

  private applyMetadata(res: MetadataResponse, allTopics: boolean): void {
    this.lastMetadataAt = Date.now();
    this.clusterId = res.clusterId;
    this.controllerId = res.controllerId;
    const seen = new Set<number>();
    for (const b of res.brokers) {
      seen.add(b.nodeId);
      const prev = this.brokers.get(b.nodeId);
      if (prev && (prev.host !== b.host || prev.port !== b.port)) {
        void this.connections.get(b.nodeId)?.close();
        this.connections.delete(b.nodeId);
      }
      this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
      // A bootstrap address that turns out to be this broker becomes its connection.
      const key = `${b.host}:${b.port}`;
      const boot = this.bootstrapConnections.get(key);
      if (boot && !this.connections.get(b.nodeId)) {
        this.bootstrapConnections.delete(key);
        if (!boot.closed) this.connections.set(b.nodeId, boot);
      }
    }
    for (const id of [...this.brokers.keys()]) {
      if (seen.has(id)) continue;
      this.brokers.delete(id);
      void this.connections.get(id)?.close();
      this.connections.delete(id);
    }
    if (allTopics) this.topics.clear();
    for (const t of res.topics) {
      if (t.name === null) continue;
      const partitions: PartitionMetadata[] = [];
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = {
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
          errorCode: p.errorCode,
        };
      }
      this.topics.set(t.name, { name: t.name, topicId: Buffer.from(t.topicId), isInternal: t.isInternal, errorCode: t.errorCode, partitions });
    }
  }
}

const ZERO_ID = Buffer.alloc(16);
