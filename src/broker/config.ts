// Broker configuration in server.properties form. Keys are Kafka's own names, verbatim, with
// Kafka's defaults (AK ServerLogConfigs, SocketServerConfigs, ServerConfigs), so an existing
// server.properties works unchanged. Keys mq does not act on are kept (and reported by
// startBroker's caller) rather than rejected, as Kafka does with unknown keys.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CoordinatorConfig } from '../coordinator/group-coordinator.js';
import type { LogCleanerConfig } from '../storage/cleaner/log-cleaner.js';

export class ConfigError extends Error {
  readonly code = 'MQ_ERR_CONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Where data goes when neither log.dirs nor log.dir is set. */
export const DEFAULT_LOG_DIR = join(homedir(), '.mq', 'data');

export const DEFAULTS: Readonly<Record<string, string>> = {
  'node.id': '1',
  listeners: 'PLAINTEXT://:9092',
  'num.partitions': '1',
  'default.replication.factor': '1',
  'auto.create.topics.enable': 'true',
  'delete.topic.enable': 'true',
  'message.max.bytes': '1048588',
  'socket.request.max.bytes': '104857600',
  'log.segment.bytes': '1073741824',
  'log.roll.hours': '168',
  'log.retention.hours': '168',
  'log.retention.bytes': '-1',
  'log.index.interval.bytes': '4096',
  'log.index.size.max.bytes': '10485760',
  'log.cleanup.policy': 'delete',
  'log.message.timestamp.type': 'CreateTime',
  'log.flush.interval.messages': '9223372036854775807',
  'log.flush.scheduler.interval.ms': '9223372036854775807',
  'log.flush.offset.checkpoint.interval.ms': '60000',
  'min.insync.replicas': '1',
  'compression.type': 'producer',
  'log.retention.check.interval.ms': '300000',
  'log.segment.delete.delay.ms': '60000',
  // Log cleaner (AK CleanerConfig). One cleaner per broker: log.cleaner.threads is not read.
  'log.cleaner.enable': 'true',
  'log.cleaner.backoff.ms': '15000',
  'log.cleaner.min.cleanable.ratio': '0.5',
  'log.cleaner.delete.retention.ms': '86400000',
  'log.cleaner.min.compaction.lag.ms': '0',
  'log.cleaner.dedupe.buffer.size': '134217728',
  // Group coordinator (AK GroupCoordinatorConfig). offsets.topic.replication.factor is not
  // listed: a single node creates __consumer_offsets with one replica.
  'group.initial.rebalance.delay.ms': '3000',
  'group.min.session.timeout.ms': '6000',
  'group.max.session.timeout.ms': '1800000',
  'group.max.size': '2147483647',
  'offsets.topic.num.partitions': '50',
  'offsets.topic.segment.bytes': '104857600',
  'offsets.retention.minutes': '10080',
  'offsets.retention.check.interval.ms': '600000',
  'offset.metadata.max.bytes': '4096',
  'offsets.load.buffer.size': '5242880',
};

export interface Listener {
  name: string;
  host: string;
  port: number;
}

/** `PLAINTEXT://host:port,...`; an empty host means all interfaces. */
export function parseListeners(value: string, key: string): Listener[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(s);
      if (!m) throw new ConfigError(`${key}: "${s}" is not of the form NAME://host:port`);
      return { name: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) };
    });
}

/** A resolved view of the properties, typed for the code that needs them. */
export class BrokerConfig {
  readonly props: Readonly<Record<string, string>>;
  /** Only what was set explicitly (DescribeConfigs reports these as STATIC_BROKER_CONFIG). */
  readonly explicit: Readonly<Record<string, string>>;

  constructor(props: Record<string, string> = {}) {
    this.explicit = { ...props };
    this.props = { ...DEFAULTS, ...props };
    // Validate everything up front so a bad value fails the start, not a later request.
    this.nodeId;
    this.listeners;
    this.advertisedListeners;
    this.numPartitions;
    this.messageMaxBytes;
    this.socketRequestMaxBytes;
    this.groupCoordinatorConfig();
    this.offsetsTopicNumPartitions;
    this.offsetsTopicConfigs();
    this.retentionCheckIntervalMs;
    this.cleanerConfig();
  }

  get(key: string): string | undefined {
    return this.props[key];
  }

  int(key: string): number {
    const raw = this.props[key];
    const n = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isInteger(n)) throw new ConfigError(`${key}: "${raw}" is not an integer`);
    return n;
  }

  bool(key: string): boolean {
    const raw = (this.props[key] ?? '').trim().toLowerCase();
    if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${key}: "${this.props[key]}" is not true or false`);
    return raw === 'true';
  }

  /** node.id (KRaft's name) or broker.id (ZooKeeper mode's), whichever the file sets. */
  get nodeId(): number {
    return this.int(this.props['broker.id'] !== undefined && this.props['node.id'] === DEFAULTS['node.id'] ? 'broker.id' : 'node.id');
  }
  get listeners(): Listener[] {
    const listeners = parseListeners(this.props.listeners!, 'listeners');
    if (listeners.length === 0) throw new ConfigError('listeners: at least one listener is required');
    return listeners;
  }
  get advertisedListeners(): Listener[] {
    const raw = this.props['advertised.listeners'];
    return raw ? parseListeners(raw, 'advertised.listeners') : this.listeners;
  }
  get logDirs(): string[] {
    const raw = this.props['log.dirs'] ?? this.props['log.dir'];
    if (!raw) return [DEFAULT_LOG_DIR];
    return raw.split(',').map((s) => s.trim()).filter(Boolean);
  }
  get numPartitions(): number {
    return this.int('num.partitions');
  }
  get defaultReplicationFactor(): number {
    return this.int('default.replication.factor');
  }
  get autoCreateTopics(): boolean {
    return this.bool('auto.create.topics.enable');
  }
  get deleteTopicEnable(): boolean {
    return this.bool('delete.topic.enable');
  }
  get messageMaxBytes(): number {
    return this.int('message.max.bytes');
  }
  get socketRequestMaxBytes(): number {
    return this.int('socket.request.max.bytes');
  }
  /** How often retention runs over every log (AK ServerLogConfigs, at least 1). */
  get retentionCheckIntervalMs(): number {
    const n = this.int('log.retention.check.interval.ms');
    if (n < 1) throw new ConfigError(`log.retention.check.interval.ms: ${n} is below the minimum of 1`);
    return n;
  }

  /** The group coordinator's settings, checked against Kafka's lower bounds. */
  groupCoordinatorConfig(): CoordinatorConfig {
    const atLeast = (key: string, min: number): number => {
      const n = this.int(key);
      if (n < min) throw new ConfigError(`${key}: ${n} is below the minimum of ${min}`);
      return n;
    };
    const minSession = this.int('group.min.session.timeout.ms');
    const maxSession = this.int('group.max.session.timeout.ms');
    if (maxSession < minSession) throw new ConfigError(`group.max.session.timeout.ms (${maxSession}) is below group.min.session.timeout.ms (${minSession})`);
    return {
      minSessionTimeoutMs: minSession,
      maxSessionTimeoutMs: maxSession,
      maxSize: atLeast('group.max.size', 1),
      initialRebalanceDelayMs: atLeast('group.initial.rebalance.delay.ms', 0),
      offsetsRetentionMs: atLeast('offsets.retention.minutes', 1) * 60_000,
      offsetsRetentionCheckIntervalMs: atLeast('offsets.retention.check.interval.ms', 1),
      offsetMetadataMaxBytes: this.int('offset.metadata.max.bytes'),
      offsetsLoadBufferSize: atLeast('offsets.load.buffer.size', 1),
    };
  }

  /** The log cleaner's settings (log.cleaner.*); its topic-level defaults are in topicDefaults(). */
  cleanerConfig(): LogCleanerConfig {
    const atLeast = (key: string, min: number): number => {
      const n = this.int(key);
      if (n < min) throw new ConfigError(`${key}: ${n} is below the minimum of ${min}`);
      return n;
    };
    return { enable: this.bool('log.cleaner.enable'), backoffMs: atLeast('log.cleaner.backoff.ms', 0), dedupeBufferSize: atLeast('log.cleaner.dedupe.buffer.size', 1) };
  }

  get offsetsTopicNumPartitions(): number {
    const n = this.int('offsets.topic.num.partitions');
    if (n < 1) throw new ConfigError(`offsets.topic.num.partitions: ${n} is below the minimum of 1`);
    return n;
  }

  /** __consumer_offsets' own topic configs (AK GroupCoordinator.offsetsTopicConfigs). */
  offsetsTopicConfigs(): Record<string, string> {
    return { 'cleanup.policy': 'compact', 'segment.bytes': String(this.int('offsets.topic.segment.bytes')), 'compression.type': 'producer' };
  }

  /**
   * Topic-level defaults derived from the broker's log.* keys, under the topic config names
   * (segment.bytes, retention.ms, ...). A topic's own overrides are applied on top.
   */
  topicDefaults(): Record<string, string> {
    const p = this.props;
    const ms = (msKey: string, minutesKey: string | null, hoursKey: string): string => {
      if (p[msKey] !== undefined) return p[msKey]!;
      if (minutesKey && p[minutesKey] !== undefined) return String(Number(p[minutesKey]) * 60_000);
      return String(Number(p[hoursKey]) * 3_600_000);
    };
    return {
      'cleanup.policy': p['log.cleanup.policy']!,
      'delete.retention.ms': p['log.cleaner.delete.retention.ms']!,
      'min.cleanable.dirty.ratio': p['log.cleaner.min.cleanable.ratio']!,
      'min.compaction.lag.ms': p['log.cleaner.min.compaction.lag.ms']!,
      'compression.type': p['compression.type']!,
      'max.message.bytes': p['message.max.bytes']!,
      'message.timestamp.type': p['log.message.timestamp.type']!,
      'min.insync.replicas': p['min.insync.replicas']!,
      'retention.bytes': p['log.retention.bytes']!,
      'retention.ms': ms('log.retention.ms', 'log.retention.minutes', 'log.retention.hours'),
      'segment.bytes': p['log.segment.bytes']!,
      'file.delete.delay.ms': p['log.segment.delete.delay.ms']!,
      'segment.ms': ms('log.roll.ms', null, 'log.roll.hours'),
      'segment.index.bytes': p['log.index.size.max.bytes']!,
      'index.interval.bytes': p['log.index.interval.bytes']!,
      'flush.messages': p['log.flush.interval.messages']!,
      // Unset, log.flush.interval.ms is the scheduler's interval (AK KafkaConfig.logFlushIntervalMs).
      'flush.ms': p['log.flush.interval.ms'] ?? p['log.flush.scheduler.interval.ms']!,
    };
  }
}
