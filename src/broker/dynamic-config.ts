// Config resources as DescribeConfigs/AlterConfigs/IncrementalAlterConfigs see them: topic
// configs and broker configs, where each value comes from, and which may change at runtime.
//
// Precedence, highest first (AK DynamicBrokerConfig, ConfigHelper):
//   DYNAMIC_TOPIC_CONFIG (1)           the topic's own overrides (mq-topics.json)
//   DYNAMIC_BROKER_CONFIG (2)          set with AlterConfigs on broker "<node id>"
//   DYNAMIC_DEFAULT_BROKER_CONFIG (3)  set with AlterConfigs on broker "" (cluster-wide default)
//   STATIC_BROKER_CONFIG (4)           server.properties
//   DEFAULT_CONFIG (5)                 Kafka's default
// A topic config falls back to its broker synonym (retention.ms to log.retention.ms, then
// log.retention.minutes, log.retention.hours). The two dynamic broker levels live in
// mq-broker-configs.json in the first log dir, written temp-file-then-rename:
//   {"version":1,"brokers":{"<node id>":{k:v}},"default":{k:v}}
//
// The synonym lists follow Kafka's own quirk: synonyms before the entry's primary broker name are
// dropped (AK ConfigHelper.configSynonyms), so retention.ms over a static log.retention.hours
// reports DEFAULT_CONFIG and no synonyms, exactly as a Kafka broker does.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/checkpoint.js';
import { LogConfigError, StorageError } from '../storage/errors.js';
import { logConfigFrom, TOPIC_CONFIG_DEFAULTS, TOPIC_CONFIG_NAMES, type LogConfig } from '../storage/log-config.js';
import { DEFAULTS as STATIC_DEFAULTS } from './config.js';

/** ConfigResource.Type ids mq serves. */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

/** DescribeConfigsResponse.ConfigSource. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** DescribeConfigsResponse.ConfigType, named after ConfigDef.Type. */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;
export type ConfigTypeName = keyof typeof ConfigType;

interface TopicConfigDef {
  readonly type: ConfigTypeName;
  /** The broker config a topic without an override takes its value from (AK ServerTopicConfigSynonyms). */
  readonly broker: string | null;
  readonly doc: string;
}

/**
 * Kafka's topic configs as DescribeConfigs describes them. The set served is the one storage
 * knows (log-config.ts TOPIC_CONFIG_NAMES); a name storage adds without an entry here is
 * reported as a STRING without broker synonym.
 */
const TOPIC_CONFIGS: Readonly<Record<keyof LogConfig, TopicConfigDef> & Record<string, TopicConfigDef>> = {
  'cleanup.policy': { type: 'LIST', broker: 'log.cleanup.policy', doc: 'delete: old segments are removed by retention; compact: only the latest record of each key is kept; both may be given.' },
  'compression.type': { type: 'STRING', broker: 'compression.type', doc: 'Codec batches are stored with: producer keeps what the producer sent; uncompressed, gzip, snappy, lz4 or zstd recompress.' },
  'flush.messages': { type: 'LONG', broker: 'log.flush.interval.messages', doc: 'Number of messages appended before the log is fsynced.' },
  'flush.ms': { type: 'LONG', broker: 'log.flush.interval.ms', doc: 'Longest time in ms a message stays in the log before an fsync.' },
  'index.interval.bytes': { type: 'INT', broker: 'log.index.interval.bytes', doc: 'Bytes of log between two offset index entries.' },
  'max.message.bytes': { type: 'INT', broker: 'message.max.bytes', doc: 'Largest record batch (after compression) the topic accepts.' },
  'message.timestamp.type': { type: 'STRING', broker: 'log.message.timestamp.type', doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps batches with the broker time.' },
  'min.insync.replicas': { type: 'INT', broker: 'min.insync.replicas', doc: 'Replicas that must acknowledge a produce with acks=all.' },
  'retention.bytes': { type: 'LONG', broker: 'log.retention.bytes', doc: 'Largest size a partition may grow to before old segments are deleted; -1 for no limit.' },
  'retention.ms': { type: 'LONG', broker: 'log.retention.ms', doc: 'Longest time a segment is kept before it is deleted; -1 for no limit.' },
  'segment.bytes': { type: 'INT', broker: 'log.segment.bytes', doc: 'Size at which a new log segment is started.' },
  'segment.index.bytes': { type: 'INT', broker: 'log.index.size.max.bytes', doc: 'Size of the offset and time index files of a segment.' },
  'segment.ms': { type: 'LONG', broker: 'log.roll.ms', doc: 'Time after which a new log segment is started even if the current one is not full.' },
  'delete.retention.ms': { type: 'LONG', broker: 'log.cleaner.delete.retention.ms', doc: 'How long tombstones are kept in a compacted topic after cleaning.' },
  'min.compaction.lag.ms': { type: 'LONG', broker: 'log.cleaner.min.compaction.lag.ms', doc: 'Shortest time a record stays uncompacted.' },
  'min.cleanable.dirty.ratio': { type: 'DOUBLE', broker: 'log.cleaner.min.cleanable.ratio', doc: 'Share of the log that must be uncleaned before the cleaner compacts it.' },
  'file.delete.delay.ms': { type: 'LONG', broker: 'log.segment.delete.delay.ms', doc: 'Wait before a deleted segment file is removed from disk.' },
};

/**
 * Kafka topic configs (AK TopicConfig, 3.x) mq does not implement. They are refused like unknown
 * names, INVALID_CONFIG, but saying what they are rather than claiming Kafka has no such config.
 */
const UNSUPPORTED_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'follower.replication.throttled.replicas',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'message.downconversion.enable',
  'message.format.version',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.difference.max.ms',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'segment.jitter.ms',
  'unclean.leader.election.enable',
]);

/** Why a topic config name cannot be set, or null for a name mq implements. */
export function topicConfigNameProblem(name: string): string | null {
  if (TOPIC_CONFIG_NAMES.has(name)) return null;
  return UNSUPPORTED_TOPIC_CONFIGS.has(name) ? `Topic config ${name} is not supported by mq` : `Unknown topic config name: ${name}`;
}

/** Which broker configs AlterConfigs may change, and at which level. */
type Dynamic = 'no' | 'cluster';

interface BrokerConfigDef {
  readonly type: ConfigTypeName;
  readonly dynamic: Dynamic;
  readonly doc: string;
}

const b = (type: ConfigTypeName, dynamic: Dynamic, doc: string): BrokerConfigDef => ({ type, dynamic, doc });

/**
 * The broker configs mq knows. `cluster` marks Kafka's dynamically updatable ones (AK
 * DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS: DynamicLogConfig, DynamicProducerStateManagerConfig,
 * LogCleaner.ReconfigurableConfigs) that mq also applies live; all of them may be set per broker
 * or as the cluster default. Settings mq never reads (one cleaner, no I/O throttle, no roll
 * jitter, no maximum compaction lag) are `no`: refused ("Cannot update these configs
 * dynamically") and described read-only, rather than accepted and ignored.
 */
const BROKER_CONFIGS: Readonly<Record<string, BrokerConfigDef>> = {
  'advertised.listeners': b('STRING', 'no', 'Listeners clients are told to connect to.'),
  'auto.create.topics.enable': b('BOOLEAN', 'no', 'Create a topic on first use by Metadata or Produce.'),
  'broker.id': b('INT', 'no', 'ZooKeeper-mode name of node.id.'),
  'compression.type': b('STRING', 'cluster', 'Default compression.type of topics.'),
  'default.replication.factor': b('INT', 'no', 'Replication factor of topics created without one.'),
  'delete.topic.enable': b('BOOLEAN', 'no', 'Whether DeleteTopics is allowed.'),
  'group.initial.rebalance.delay.ms': b('INT', 'no', 'Wait before the first rebalance of a new group.'),
  'group.max.session.timeout.ms': b('INT', 'no', 'Largest session timeout a member may ask for.'),
  'group.max.size': b('INT', 'no', 'Most members a group may have.'),
  'group.min.session.timeout.ms': b('INT', 'no', 'Smallest session timeout a member may ask for.'),
  listeners: b('STRING', 'no', 'Addresses the broker listens on.'),
  'log.cleaner.backoff.ms': b('LONG', 'cluster', 'Sleep of the cleaner when there is nothing to clean.'),
  'log.cleaner.dedupe.buffer.size': b('LONG', 'cluster', 'Memory the cleaner uses to index keys.'),
  'log.cleaner.delete.retention.ms': b('LONG', 'cluster', 'Default delete.retention.ms of topics.'),
  'log.cleaner.enable': b('BOOLEAN', 'no', 'Whether the cleaner runs.'),
  'log.cleaner.io.buffer.load.factor': b('DOUBLE', 'no', 'How full the cleaner\'s key index may get (not read: mq uses Kafka\'s default).'),
  'log.cleaner.io.buffer.size': b('INT', 'no', 'I/O buffer size of the cleaner (not read by mq).'),
  'log.cleaner.io.max.bytes.per.second': b('DOUBLE', 'no', 'I/O throttle of the cleaner (not read: mq does not throttle).'),
  'log.cleaner.max.compaction.lag.ms': b('LONG', 'no', 'Default max.compaction.lag.ms of topics (not read: mq does not implement it).'),
  'log.cleaner.min.cleanable.ratio': b('DOUBLE', 'cluster', 'Default min.cleanable.dirty.ratio of topics.'),
  'log.cleaner.min.compaction.lag.ms': b('LONG', 'cluster', 'Default min.compaction.lag.ms of topics.'),
  'log.cleaner.threads': b('INT', 'no', 'Number of cleaner threads (not read: mq runs one cleaner).'),
  'log.cleanup.policy': b('LIST', 'cluster', 'Default cleanup.policy of topics.'),
  'log.dir': b('STRING', 'no', 'Log directory, used when log.dirs is not set.'),
  'log.dirs': b('STRING', 'no', 'Log directories.'),
  'log.flush.interval.messages': b('LONG', 'cluster', 'Default flush.messages of topics.'),
  'log.flush.interval.ms': b('LONG', 'cluster', 'Default flush.ms of topics.'),
  'log.index.interval.bytes': b('INT', 'cluster', 'Default index.interval.bytes of topics.'),
  'log.index.size.max.bytes': b('INT', 'cluster', 'Default segment.index.bytes of topics.'),
  'log.message.timestamp.type': b('STRING', 'cluster', 'Default message.timestamp.type of topics.'),
  'log.retention.bytes': b('LONG', 'cluster', 'Default retention.bytes of topics.'),
  'log.retention.check.interval.ms': b('LONG', 'no', 'How often segments are checked for deletion.'),
  'log.retention.hours': b('INT', 'no', 'Default retention of topics in hours, below log.retention.minutes.'),
  'log.retention.minutes': b('INT', 'no', 'Default retention of topics in minutes, below log.retention.ms.'),
  'log.retention.ms': b('LONG', 'cluster', 'Default retention.ms of topics.'),
  'log.roll.hours': b('INT', 'no', 'Default segment.ms of topics in hours, below log.roll.ms.'),
  'log.roll.jitter.hours': b('INT', 'no', 'Default segment.jitter.ms of topics in hours, below log.roll.jitter.ms.'),
  'log.roll.jitter.ms': b('LONG', 'no', 'Default segment.jitter.ms of topics (not read: mq does not implement it).'),
  'log.roll.ms': b('LONG', 'cluster', 'Default segment.ms of topics.'),
  'log.segment.bytes': b('INT', 'cluster', 'Default segment.bytes of topics.'),
  'log.segment.delete.delay.ms': b('LONG', 'cluster', 'Default file.delete.delay.ms of topics.'),
  'message.max.bytes': b('INT', 'cluster', 'Default max.message.bytes of topics.'),
  'min.insync.replicas': b('INT', 'cluster', 'Default min.insync.replicas of topics.'),
  'node.id': b('INT', 'no', 'Id of this node.'),
  'num.partitions': b('INT', 'no', 'Partition count of topics created without one.'),
  'offset.metadata.max.bytes': b('INT', 'no', 'Largest metadata string of a committed offset.'),
  'offsets.load.buffer.size': b('INT', 'no', 'Read size when loading __consumer_offsets.'),
  'offsets.retention.check.interval.ms': b('LONG', 'no', 'How often expired offsets are removed.'),
  'offsets.retention.minutes': b('INT', 'no', 'How long offsets of an empty group are kept.'),
  'offsets.topic.num.partitions': b('INT', 'no', 'Partition count of __consumer_offsets.'),
  'offsets.topic.segment.bytes': b('INT', 'no', 'segment.bytes of __consumer_offsets.'),
  'producer.id.expiration.ms': b('INT', 'no', 'How long an idle producer id is remembered.'),
  'socket.request.max.bytes': b('INT', 'no', 'Largest request the broker reads.'),
};

/** AK DynamicBrokerConfig.brokerConfigSynonyms: the names that feed one broker setting, highest first. */
export function brokerSynonyms(name: string): string[] {
  if (name === 'log.roll.ms' || name === 'log.roll.hours') return ['log.roll.ms', 'log.roll.hours'];
  if (name === 'log.roll.jitter.ms' || name === 'log.roll.jitter.hours') return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
  if (name === 'log.flush.interval.ms') return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
  if (name === 'log.retention.ms' || name === 'log.retention.minutes' || name === 'log.retention.hours') {
    return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
  }
  return [name];
}

export interface ConfigSynonymView {
  name: string;
  value: string;
  source: number;
}

export interface ConfigEntryView {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  sensitive: boolean;
  type: number;
  doc: string;
  /** Every synonym, highest precedence first; the handler sends them only when asked. */
  synonyms: ConfigSynonymView[];
}

/** Kafka's ConfigDef.convertToString of a parsed value, from the raw text. */
function normalise(type: ConfigTypeName, raw: string): string {
  if (type === 'LIST') return raw.split(',').map((s) => s.trim()).filter(Boolean).join(',');
  return type === 'STRING' || type === 'PASSWORD' ? raw : raw.trim();
}

export type Props = Readonly<Record<string, string>>;

/** The configured broker-level layers a value may come from; Kafka's defaults (config.ts DEFAULTS) are the last. */
export interface BrokerLayers {
  dynamicBroker: Props;
  dynamicDefault: Props;
  staticProps: Props;
}

/** AK ConfigHelper.configSynonyms. */
function configSynonyms(name: string, names: readonly string[], layers: BrokerLayers): ConfigSynonymView[] {
  const all: ConfigSynonymView[] = [];
  const add = (map: Props, source: number) => {
    for (const n of names) if (map[n] !== undefined) all.push({ name: n, value: map[n]!, source });
  };
  add(layers.dynamicBroker, ConfigSource.DYNAMIC_BROKER_CONFIG);
  add(layers.dynamicDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  add(layers.staticProps, ConfigSource.STATIC_BROKER_CONFIG);
  add(STATIC_DEFAULTS, ConfigSource.DEFAULT_CONFIG);
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

/** The merged broker properties in force: dynamic broker over dynamic default over static. */
export function effectiveBrokerProps(layers: BrokerLayers): Record<string, string> {
  return { ...layers.staticProps, ...layers.dynamicDefault, ...layers.dynamicBroker };
}

/**
 * Every topic config with its effective value. `topicDefaults` is the effective broker config's
 * topic defaults (BrokerConfig.topicDefaults of the merged properties).
 */
export function describeTopicConfigs(overrides: Props, topicDefaults: Props, layers: BrokerLayers): ConfigEntryView[] {
  return [...TOPIC_CONFIG_NAMES].sort().map((name) => {
    const def = TOPIC_CONFIGS[name] ?? { type: 'STRING', broker: null, doc: '' };
    const raw = overrides[name] ?? topicDefaults[name] ?? (TOPIC_CONFIG_DEFAULTS as Record<string, string>)[name]!;
    const value = normalise(def.type, raw);
    const synonyms = def.broker === null ? [] : configSynonyms(def.broker, brokerSynonyms(def.broker), layers);
    if (overrides[name] !== undefined) synonyms.unshift({ name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    return {
      name,
      value,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: false,
      sensitive: false,
      type: ConfigType[def.type],
      doc: def.doc,
      synonyms,
    };
  });
}

/**
 * Broker configs: for a node (`perBroker`) every known config with its value in force (null
 * when unset and without a default, as Kafka reports log.retention.ms); for the cluster default
 * only the configs set at that level (AK ConfigHelper.createBrokerConfigEntry).
 */
export function describeBrokerConfigs(perBroker: boolean, layers: BrokerLayers): ConfigEntryView[] {
  const effective = { ...STATIC_DEFAULTS, ...effectiveBrokerProps(layers) };
  const names = perBroker ? Object.keys(BROKER_CONFIGS) : Object.keys(layers.dynamicDefault);
  return names.sort().map((name) => {
    const def = BROKER_CONFIGS[name] ?? b('STRING', 'no', '');
    const all = configSynonyms(name, brokerSynonyms(name), layers);
    const synonyms = perBroker ? all : all.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    const raw = perBroker ? effective[name] : layers.dynamicDefault[name];
    return {
      name,
      value: raw === undefined ? null : normalise(def.type, raw),
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: def.dynamic === 'no',
      sensitive: false,
      type: ConfigType[def.type],
      doc: def.doc,
      synonyms,
    };
  });
}

/**
 * Type and Kafka default of a config, for IncrementalAlterConfigs: APPEND and SUBTRACT work on
 * list configs only, starting from the default when the resource has no value of its own.
 */
export function configInfo(resourceType: number, name: string): { type: ConfigTypeName | undefined; default: string | undefined } {
  if (resourceType === ResourceType.TOPIC) {
    return { type: TOPIC_CONFIGS[name]?.type, default: (TOPIC_CONFIG_DEFAULTS as Record<string, string>)[name] };
  }
  return { type: BROKER_CONFIGS[name]?.type, default: STATIC_DEFAULTS[name] };
}

export type ConfigInfo = ReturnType<typeof configInfo>;

/** Names AlterConfigs may not set on a broker (AK "Cannot update these configs dynamically"), or []. */
export function nonDynamicBrokerConfigs(names: Iterable<string>): string[] {
  return [...names].filter((n) => BROKER_CONFIGS[n]?.dynamic !== 'cluster');
}

/**
 * Checks a broker config's value against its type, and a topic default (log.retention.ms,
 * message.max.bytes, ...) with its topic config's own rules; returns the problem, in terms of
 * the broker config, or null.
 */
export function invalidBrokerValue(name: string, value: string): string | null {
  const topic = Object.keys(TOPIC_CONFIGS).find((t) => TOPIC_CONFIGS[t]!.broker === name && TOPIC_CONFIG_NAMES.has(t));
  if (topic !== undefined) {
    try {
      logConfigFrom({ [topic]: value });
    } catch (e) {
      if (e instanceof LogConfigError) return e.message.replace(`for configuration ${topic}:`, `for configuration ${name}:`);
      throw e;
    }
  }
  const type = BROKER_CONFIGS[name]?.type;
  const text = value.trim();
  if (type === 'INT' || type === 'LONG') {
    const max = type === 'INT' ? 2n ** 31n - 1n : 2n ** 63n - 1n;
    if (!/^-?\d+$/.test(text) || BigInt(text) > max || BigInt(text) < -max - 1n) return `Invalid value ${value} for configuration ${name}: Not a number of type ${type}`;
  }
  if (type === 'DOUBLE' && (text === '' || !Number.isFinite(Number(text)))) return `Invalid value ${value} for configuration ${name}: Not a number of type DOUBLE`;
  if (type === 'BOOLEAN' && !/^(true|false)$/i.test(text)) return `Invalid value ${value} for configuration ${name}: Expected value to be either true or false`;
  return null;
}

const FILE = 'mq-broker-configs.json';

/** The dynamic broker configs of this node and of the cluster default, persisted in the first log dir. */
export class DynamicBrokerConfigStore {
  private readonly path: string;
  private broker: Record<string, string> = {};
  private clusterDefault: Record<string, string> = {};
  /** Other nodes' entries, kept as found so a shared file loses nothing. */
  private all: Record<string, Record<string, string>> = {};

  constructor(
    dir: string,
    private readonly nodeId: number,
  ) {
    this.path = join(dir, FILE);
    if (!existsSync(this.path)) return;
    let doc: { version: number; brokers?: Record<string, Record<string, string>>; default?: Record<string, string> };
    try {
      doc = JSON.parse(readFileSync(this.path, 'utf8')) as typeof doc;
    } catch (e) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `cannot read ${this.path}: ${(e as Error).message}`, { cause: e });
    }
    if (doc.version !== 1) throw new StorageError('KAFKA_STORAGE_ERROR', `unsupported version ${doc.version} in ${this.path}`);
    this.all = doc.brokers ?? {};
    this.broker = { ...(this.all[String(nodeId)] ?? {}) };
    this.clusterDefault = { ...(doc.default ?? {}) };
  }

  get dynamicBroker(): Props {
    return this.broker;
  }

  get dynamicDefault(): Props {
    return this.clusterDefault;
  }

  /** Replaces one level's configs; the file is written first, so a failed write changes nothing. */
  set(level: 'broker' | 'default', configs: Record<string, string>): void {
    const broker = level === 'broker' ? { ...configs } : this.broker;
    const clusterDefault = level === 'default' ? { ...configs } : this.clusterDefault;
    const brokers = { ...this.all, [String(this.nodeId)]: broker };
    writeFileAtomic(this.path, JSON.stringify({ version: 1, brokers, default: clusterDefault }, null, 2) + '\n');
    this.broker = broker;
    this.clusterDefault = clusterDefault;
  }
}
