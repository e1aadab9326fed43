// The broker's state shared by every handler: configuration, topic metadata, the producer id
// allocator, the partition logs and the fetches waiting for data. Topic lifecycle (create, add partitions, delete) lives here
// because three APIs trigger it (CreateTopics, and auto-creation from Metadata and Produce) and
// it must keep the metadata file and the log directories in step. The group coordinator hangs off
// the broker: it is built once the logs are loaded (it replays __consumer_offsets) and creates
// that internal topic here on first use.

import { GroupCoordinator } from '../coordinator/group-coordinator.js';
import { OFFSETS_TOPIC } from '../coordinator/offset-store.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { LogCleaner } from '../storage/cleaner/log-cleaner.js';
import { StorageError } from '../storage/errors.js';
import { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/log.js';
import { logConfigFrom } from '../storage/log-config.js';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS } from '../storage/producer-state.js';
import { describeDeletion } from '../storage/retention.js';
import { BrokerConfig } from './config.js';
import type { BrokerConnection } from './connection.js';
import { DelayedFetches } from './delayed-fetch.js';
import { DynamicBrokerConfigStore, effectiveBrokerProps, topicConfigNameProblem, type BrokerLayers } from './dynamic-config.js';
import { LogTasks } from './log-tasks.js';
import { invalidTopicName, ProducerIdManager, randomTopicId, TopicRegistry, type TopicMetadata } from './metadata.js';

/** producer.id.expiration.check.interval.ms default (AK TransactionLogConfig). */
const PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600_000;

function optionalInt(config: BrokerConfig, key: string): number | undefined {
  return config.get(key) === undefined ? undefined : config.int(key);
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

/** A topic operation refused with a Kafka error code and message, as the admin APIs report it. */
export class TopicError extends Error {
  readonly code = 'MQ_ERR_TOPIC';
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

export class Broker {
  readonly connections = new Set<BrokerConnection>();
  readonly topics: TopicRegistry;
  readonly producerIds: ProducerIdManager;
  readonly logs: LogManager;
  readonly fetches = new DelayedFetches();
  readonly coordinator: GroupCoordinator;
  /** Compacts logs whose cleanup.policy includes compact (one per broker, as Kafka's LogCleaner). */
  readonly cleaner: LogCleaner;
  readonly nodeId: number;
  /** Dynamic broker configs (AlterConfigs on a broker resource), this node's and the cluster default. */
  readonly dynamicConfigs: DynamicBrokerConfigStore;
  private _config: BrokerConfig;
  private readonly producerExpiration: NodeJS.Timeout;
  private readonly retentionCheck: NodeJS.Timeout;
  private readonly logTasks: LogTasks;
  /** Host and port clients are told to connect to (advertised.listeners, port resolved at bind). */
  advertised = { host: 'localhost', port: 9092 };

  constructor(
    /** server.properties as given at start. */
    readonly staticConfig: BrokerConfig,
    readonly log: Logger,
  ) {
    this.nodeId = staticConfig.nodeId;
    const dirs = staticConfig.logDirs;
    this.topics = new TopicRegistry(dirs[0]!, this.nodeId);
    this.dynamicConfigs = new DynamicBrokerConfigStore(dirs[0]!, this.nodeId);
    this._config = new BrokerConfig(effectiveBrokerProps(this.configLayers()));
    const config = this._config;
    this.producerIds = new ProducerIdManager(dirs[0]!, this.nodeId);
    this.logs = LogManager.open({
      logDirs: dirs,
      defaults: logConfigFrom(config.topicDefaults()),
      producerIdExpirationMs: optionalInt(config, 'producer.id.expiration.ms') ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS,
      configFor: (name) => {
        const t = this.topics.get(name);
        return t && this.logConfig(t);
      },
      onLogFailure: (log, error) =>
        this.log('error', `[UnifiedLog partition=${log.topic}-${log.partition}, dir=${log.dir}] Error while flushing log; the log is offline until the broker restarts: ${error.message}`),
    });
    this.reconcileLogs();
    this.cleaner = new LogCleaner({
      config: config.cleanerConfig(),
      logDirs: dirs,
      logs: () => this.logs.logs(),
      log: (level, message) => this.log(level, `[LogCleaner]: ${message}`),
    });
    this.cleaner.start();
    this.producerExpiration = setInterval(
      () => this.logs.removeExpiredProducers(),
      optionalInt(config, 'producer.id.expiration.check.interval.ms') ?? PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
    ).unref();
    // One task over every log (AK LogManager's kafka-log-retention), not a timer per log.
    this.retentionCheck = setInterval(() => {
      try {
        this.cleanupLogs();
      } catch (e) {
        this.log('error', `Retention check failed: ${(e as Error).message}`);
      }
    }, config.retentionCheckIntervalMs).unref();
    this.logTasks = new LogTasks(
      this.logs,
      { flushCheckMs: config.int('log.flush.scheduler.interval.ms'), recoveryPointCheckpointMs: config.int('log.flush.offset.checkpoint.interval.ms') },
      log,
    );
    this.coordinator = new GroupCoordinator({
      config: config.groupCoordinatorConfig(),
      offsetsTopic: {
        partitionCount: () => this.topics.get(OFFSETS_TOPIC)?.partitions ?? config.offsetsTopicNumPartitions,
        log: (partition) => {
          this.ensureOffsetsTopic();
          const log = this.logs.getLog(OFFSETS_TOPIC, partition);
          if (!log) throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `${OFFSETS_TOPIC}-${partition} does not exist`);
          return log;
        },
        existingLogs: () => {
          const t = this.topics.get(OFFSETS_TOPIC);
          if (!t) return [];
          return Array.from({ length: t.partitions }, (_, p) => this.logs.getLog(OFFSETS_TOPIC, p)).filter((l): l is PartitionLog => l !== undefined);
        },
      },
      partitionExists: (topic, partition) => {
        const t = this.topics.get(topic);
        return t !== undefined && partition >= 0 && partition < t.partitions;
      },
      log: (level, message) => this.log(level, `[GroupCoordinator ${this.nodeId}]: ${message}`),
    });
  }

  /** The configuration in force: server.properties with the dynamic broker configs on top. */
  get config(): BrokerConfig {
    return this._config;
  }

  configLayers(): BrokerLayers {
    return { dynamicBroker: this.dynamicConfigs.dynamicBroker, dynamicDefault: this.dynamicConfigs.dynamicDefault, staticProps: this.staticConfig.explicit };
  }

  /**
   * Persists one level of dynamic broker configs and applies them at once: the cleaner takes
   * its log.cleaner.* settings again, and every log's config is derived again, so topics
   * without their own override follow the new broker default.
   */
  setDynamicBrokerConfigs(level: 'broker' | 'default', configs: Record<string, string>): void {
    this.dynamicConfigs.set(level, configs);
    this._config = new BrokerConfig(effectiveBrokerProps(this.configLayers()));
    this.cleaner.updateConfig(this._config.cleanerConfig());
    for (const t of this.topics.all()) this.refreshLogConfigs(t);
  }

  /** Persists a topic's config overrides and applies them to its partitions' logs. */
  setTopicConfigs(name: string, configs: Record<string, string>): void {
    this.topics.setConfigs(name, configs);
    this.refreshLogConfigs(this.topics.get(name)!);
  }

  private refreshLogConfigs(t: TopicMetadata): void {
    const config = this.logConfig(t);
    for (let p = 0; p < t.partitions; p++) this.logs.getLog(t.name, p)?.updateConfig(config);
  }

  /** Topics Metadata reports as internal (isInternal): the coordinator's own. */
  isInternalTopic(name: string): boolean {
    return name === OFFSETS_TOPIC;
  }

  /**
   * Creates __consumer_offsets (offsets.topic.num.partitions, compacted, offsets.topic.segment.bytes)
   * unless it exists. Kafka does this on the first FindCoordinator; here FindCoordinator and the
   * coordinator's first write both call it.
   */
  ensureOffsetsTopic(): TopicMetadata {
    return this.topics.get(OFFSETS_TOPIC) ?? this.createTopic(OFFSETS_TOPIC, this.config.offsetsTopicNumPartitions, 1, this.config.offsetsTopicConfigs());
  }

  get clusterId(): string {
    return this.topics.clusterId;
  }

  /**
   * Makes the log directories match the metadata after a restart: a partition the metadata
   * lists gets an (empty) log if its directory is missing, and a directory of a topic that is
   * no longer known (deleted while the broker was down mid-delete) is removed.
   */
  private reconcileLogs(): void {
    for (const t of this.topics.all()) {
      for (let p = 0; p < t.partitions; p++) this.ensureLog(t, p);
    }
    for (const log of [...this.logs.logs()]) {
      const t = this.topics.get(log.topic);
      if (!t || log.partition >= t.partitions) {
        this.log('warn', `Removing log ${log.topic}-${log.partition}: its topic is not in the metadata`);
        this.logs.deleteLog(log.topic, log.partition);
      }
    }
  }

  private ensureLog(t: TopicMetadata, partition: number): PartitionLog {
    return this.logs.getLog(t.name, partition) ?? this.logs.createLog(t.name, partition, t.id, this.logConfig(t));
  }

  private logConfig(t: TopicMetadata) {
    return logConfigFrom({ ...this.config.topicDefaults(), ...t.configs });
  }

  partitionLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.getLog(topic, partition);
  }

  /** Checks a create request without acting on it; throws TopicError. */
  validateNewTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string>): void {
    const bad = invalidTopicName(name);
    if (bad) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
    if (this.topics.get(name)) throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    if (partitions <= 0) throw new TopicError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (replicationFactor <= 0) throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (replicationFactor > 1) {
      throw new TopicError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered.`,
      );
    }
    for (const key of Object.keys(configs)) {
      const problem = topicConfigNameProblem(key);
      if (problem) throw new TopicError(ErrorCode.INVALID_CONFIG, problem);
    }
    try {
      logConfigFrom({ ...this.config.topicDefaults(), ...configs });
    } catch (e) {
      throw new TopicError(ErrorCode.INVALID_CONFIG, (e as Error).message);
    }
  }

  createTopic(name: string, partitions: number, replicationFactor: number, configs: Record<string, string>): TopicMetadata {
    this.validateNewTopic(name, partitions, replicationFactor, configs);
    const t: TopicMetadata = { name, id: randomTopicId(), partitions, configs };
    // Metadata first: if we crash between the two steps, startup creates the missing logs.
    this.topics.add(t);
    for (let p = 0; p < partitions; p++) this.ensureLog(t, p);
    this.log('info', `Created topic ${name} with ${partitions} partition(s) and topic id ${t.id.toString('base64url')}`);
    return t;
  }

  /** Auto-creation from Metadata/Produce (auto.create.topics.enable) with the broker defaults. */
  autoCreateTopic(name: string): TopicMetadata | undefined {
    if (!this.config.autoCreateTopics || invalidTopicName(name)) return undefined;
    return this.createTopic(name, this.config.numPartitions, this.config.defaultReplicationFactor, {});
  }

  addPartitions(name: string, total: number, validateOnly: boolean): void {
    const t = this.topics.get(name);
    if (!t) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    if (total === t.partitions) throw new TopicError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${t.partitions} partitions.`);
    if (total < t.partitions) {
      throw new TopicError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${t.partitions} partitions, which is higher than the requested ${total}.`);
    }
    if (validateOnly) return;
    const before = t.partitions;
    this.topics.setPartitionCount(name, total);
    for (let p = before; p < total; p++) this.ensureLog(t, p);
  }

  deleteTopic(name: string): void {
    const t = this.topics.get(name);
    if (!t) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    if (this.isInternalTopic(name)) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic ${name} is an internal topic and cannot be deleted.`);
    if (!this.config.deleteTopicEnable) throw new TopicError(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    // Metadata first: a crash between the steps leaves stray directories that startup removes.
    this.topics.remove(name);
    for (let p = 0; p < t.partitions; p++) {
      this.fetches.partitionGone(name, p);
      this.logs.deleteLog(name, p);
    }
    this.coordinator.partitionsDeleted(Array.from({ length: t.partitions }, (_, partition) => ({ topic: name, partition })));
    this.log('info', `Deleted topic ${name}`);
  }

  /** A retention pass (log-manager.ts cleanupLogs), logged in Kafka's words. */
  cleanupLogs(): void {
    // The log being compacted waits for the next pass: the cleaner reads its segments by path.
    for (const { log, deleted, error } of this.logs.cleanupLogs(this.cleaner.cleaning)) {
      const prefix = `[UnifiedLog partition=${log.topic}-${log.partition}, dir=${log.dir}]`;
      if (error) this.log('error', `${prefix} Error while deleting old segments: ${error.message}`);
      for (const s of deleted) {
        this.log('info', `${prefix} Deleting segment with base offset ${s.baseOffset} (${s.size} bytes) due to ${describeDeletion(s.reason, log.config, log.logStartOffset)}`);
      }
    }
  }

  /**
   * Stops the background tasks; resolves once a log cleaner pass in flight has given up and
   * removed its files, so that after close() nothing of this broker touches the log dirs (a new
   * broker may be started on them). The server awaits it before close().
   */
  stopBackgroundTasks(): Promise<void> {
    clearInterval(this.retentionCheck);
    clearInterval(this.producerExpiration);
    this.logTasks.close();
    return this.cleaner.stop();
  }

  /** Closes everything at once; a cleaner pass still in flight abandons its work when it next looks (see stopBackgroundTasks). */
  close(): void {
    void this.stopBackgroundTasks();
    this.coordinator.close();
    this.fetches.closeAll();
    this.logs.close();
  }
}
