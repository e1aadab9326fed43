// Topic-level log configuration under Kafka's own names and defaults (AK LogConfig.java,
// TopicConfig.java, ServerLogConfigs.java). Values arrive as strings (server.properties,
// CreateTopics/AlterConfigs) and are parsed and range-checked here, once, into LogConfig.
// Longs are held as numbers: every long here is a size or a duration, and values above 2^53
// (Kafka's Long.MAX_VALUE defaults mean "never") are clamped to Number.MAX_SAFE_INTEGER,
// which means the same thing.

import { LogConfigError } from './errors.js';

export type CleanupPolicy = 'delete' | 'compact';
export type TimestampTypeConfig = 'CreateTime' | 'LogAppendTime';
export type CompressionTypeConfig = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface LogConfig {
  readonly 'cleanup.policy': readonly CleanupPolicy[];
  readonly 'compression.type': CompressionTypeConfig;
  /** How long tombstones stay readable after the cleaner first sees them (KIP-534 delete horizon). */
  readonly 'delete.retention.ms': number;
  /** How long segments deleted by retention stay on disk under their `.deleted` names. */
  readonly 'file.delete.delay.ms': number;
  /** Messages appended before the log is fsynced (default never: the OS flushes). */
  readonly 'flush.messages': number;
  /** Carried for the broker's flush scheduler; storage itself has no timers. */
  readonly 'flush.ms': number;
  /** Bytes of log between two offset/time index entries. */
  readonly 'index.interval.bytes': number;
  /** Largest batch accepted, header included. */
  readonly 'max.message.bytes': number;
  readonly 'message.timestamp.type': TimestampTypeConfig;
  /** The cleaner picks a compacted log once dirty bytes / cleanable bytes reach this. */
  readonly 'min.cleanable.dirty.ratio': number;
  /** Records younger than this (by segment max timestamp) are not compacted yet. */
  readonly 'min.compaction.lag.ms': number;
  readonly 'min.insync.replicas': number;
  readonly 'retention.bytes': number;
  readonly 'retention.ms': number;
  readonly 'segment.bytes': number;
  readonly 'segment.index.bytes': number;
  readonly 'segment.ms': number;
}

type Parser<T> = (name: string, value: string) => T;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function integer(type: 'INT' | 'LONG', min: number): Parser<number> {
  const max = type === 'INT' ? 2n ** 31n - 1n : 2n ** 63n - 1n;
  return (name, value) => {
    const text = value.trim();
    const n = /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    if (n === undefined || n > max || n < -max - 1n) throw new LogConfigError(`Invalid value ${value} for configuration ${name}: Not a number of type ${type}`);
    if (n < BigInt(min)) throw new LogConfigError(`Invalid value ${value} for configuration ${name}: Value must be at least ${min}`);
    return n > MAX_SAFE ? Number.MAX_SAFE_INTEGER : Number(n);
  };
}
/** A DOUBLE in [min, max] (Java's Double.parseDouble accepts what Number does here, give or take hex). */
function double(min: number, max: number): Parser<number> {
  return (name, value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (Number.isNaN(n)) throw new LogConfigError(`Invalid value ${value} for configuration ${name}: Not a number of type DOUBLE`);
    if (n < min) throw new LogConfigError(`Invalid value ${value} for configuration ${name}: Value must be at least ${min}`);
    if (n > max) throw new LogConfigError(`Invalid value ${value} for configuration ${name}: Value must be no more than ${max}`);
    return n;
  };
}
const int = (min: number): Parser<number> => integer('INT', min);
const long = (min: number): Parser<number> => integer('LONG', min);

function oneOf<T extends string>(...allowed: T[]): Parser<T> {
  return (name, value) => {
    if (!(allowed as string[]).includes(value)) throw new LogConfigError(`Invalid value ${value} for configuration ${name}: String must be one of: ${allowed.join(', ')}`);
    return value as T;
  };
}

function listOf<T extends string>(...allowed: T[]): Parser<T[]> {
  const one = oneOf(...allowed);
  return (name, value) => value.split(',').map((v) => one(name, v.trim()));
}

const LONG_MAX = '9223372036854775807';

const DEFINITIONS: { readonly [K in keyof LogConfig]: { readonly default: string; readonly parse: Parser<LogConfig[K]> } } = {
  'cleanup.policy': { default: 'delete', parse: listOf<CleanupPolicy>('delete', 'compact') },
  'compression.type': { default: 'producer', parse: oneOf<CompressionTypeConfig>('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd') },
  'delete.retention.ms': { default: '86400000', parse: long(0) },
  'file.delete.delay.ms': { default: '60000', parse: long(0) },
  'flush.messages': { default: LONG_MAX, parse: long(1) },
  'flush.ms': { default: LONG_MAX, parse: long(0) },
  'index.interval.bytes': { default: '4096', parse: int(0) },
  'max.message.bytes': { default: '1048588', parse: int(0) },
  'message.timestamp.type': { default: 'CreateTime', parse: oneOf<TimestampTypeConfig>('CreateTime', 'LogAppendTime') },
  'min.cleanable.dirty.ratio': { default: '0.5', parse: double(0, 1) },
  'min.compaction.lag.ms': { default: '0', parse: long(0) },
  'min.insync.replicas': { default: '1', parse: int(1) },
  'retention.bytes': { default: '-1', parse: long(-1) },
  'retention.ms': { default: '604800000', parse: long(-1) },
  // 14 = the smallest legacy message (AK LegacyRecord.RECORD_OVERHEAD_V0).
  'segment.bytes': { default: '1073741824', parse: int(14) },
  'segment.index.bytes': { default: '10485760', parse: int(4) },
  'segment.ms': { default: '604800000', parse: long(1) },
};

/** Kafka's default of each topic config, as the string DescribeConfigs reports. */
export const TOPIC_CONFIG_DEFAULTS: Readonly<Record<keyof LogConfig, string>> = Object.fromEntries(
  Object.entries(DEFINITIONS).map(([name, def]) => [name, def.default]),
) as Record<keyof LogConfig, string>;

/** The topic config names mq knows; any other name is refused with INVALID_CONFIG. */
export const TOPIC_CONFIG_NAMES: ReadonlySet<string> = new Set(Object.keys(DEFINITIONS));

/** Parses string properties over Kafka's defaults; throws LogConfigError for unknown names or bad values. */
export function logConfigFrom(props: Readonly<Record<string, string>>): LogConfig {
  for (const name of Object.keys(props)) {
    if (!TOPIC_CONFIG_NAMES.has(name)) throw new LogConfigError(`Unknown topic config name: ${name}`);
  }
  const config: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(DEFINITIONS) as Array<[keyof LogConfig, { default: string; parse: Parser<unknown> }]>) {
    config[name] = def.parse(name, props[name] ?? def.default);
  }
  return config as unknown as LogConfig;
}

export const DEFAULT_LOG_CONFIG: LogConfig = logConfigFrom({});
