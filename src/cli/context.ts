// What every command is given: the process's streams and environment (injected so tests run
// commands in-process with strings in and out), the client factory (a fake in tests), the options
// all tools share (declared once, below, as data), and the translation from Kafka's client
// property names (client.id, linger.ms, ...) to mq's client config.

import type { Readable, Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  Admin,
  Consumer,
  Producer,
  type Acks,
  type AssignorName,
  type ClientConfig,
  type CompressionName,
  type ConsumerConfig,
  type ProducerConfig,
} from '../client/index.js';
import { CliError, unableTo } from './errors.js';
import type { OutputFormat } from './output/format.js';
import { loadProperties } from './properties.js';

export type AdminClient = Pick<
  Admin,
  | 'createTopics'
  | 'deleteTopics'
  | 'listTopics'
  | 'describeTopics'
  | 'createPartitions'
  | 'listOffsets'
  | 'deleteRecords'
  | 'describeCluster'
  | 'describeLogDirs'
  | 'brokerApiVersions'
  | 'listGroups'
  | 'describeGroups'
  | 'deleteGroups'
  | 'listGroupOffsets'
  | 'alterGroupOffsets'
  | 'deleteGroupOffsets'
  | 'describeCluster'
  | 'describeConfigs'
  | 'incrementalAlterConfigs'
  | 'close'
>;
export type ProducerClient = Pick<Producer, 'connect' | 'send' | 'flush' | 'close'>;
export type ConsumerClient = Pick<Consumer, 'connect' | 'assign' | 'assignTopics' | 'subscribe' | 'seek' | 'poll' | 'close'>;

export interface ClientFactory {
  admin(config: ClientConfig): AdminClient;
  producer(config: ProducerConfig): ProducerClient;
  consumer(config: ConsumerConfig): ConsumerClient;
}

export const defaultClients: ClientFactory = {
  admin: (config) => new Admin(config),
  producer: (config) => new Producer(config),
  consumer: (config) => new Consumer(config),
};

export interface CliContext {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly isTTY: Readonly<{ stdin: boolean; stdout: boolean; stderr: boolean }>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clients: ClientFactory;
  /**
   * Calls `listener` on SIGINT/SIGTERM until the returned function is called. Only long-running
   * commands subscribe; while nobody is subscribed, Ctrl-C keeps its default effect (terminate).
   */
  onShutdown(listener: () => void): () => void;
}

// ---- options shared by the tools ---------------------------------------------------------------

const DEFAULT_BOOTSTRAP_SERVER = 'localhost:9092';

interface SharedOptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly defaultValue?: string;
}

const SHARED_OPTIONS = {
  bootstrapServer: {
    flags: '--bootstrap-server <host:port,...>',
    description: `the server(s) to connect to (default: bootstrap.servers from the config file, else $MQ_BOOTSTRAP_SERVER, else ${DEFAULT_BOOTSTRAP_SERVER})`,
  },
  commandConfig: { flags: '--command-config <file>', description: 'property file containing configs to be passed to the client' },
  output: {
    flags: '--output <format>',
    description: "'text' prints what the Kafka tool prints (colour tables on a terminal); 'json' is for machines",
    choices: ['text', 'json'],
    defaultValue: 'text',
  },
  verbose: { flags: '--verbose', description: 'print stack traces with errors' },
} as const satisfies Record<string, SharedOptionSpec>;

export type SharedOptionName = keyof typeof SHARED_OPTIONS;

export interface SharedOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  output: OutputFormat;
  verbose?: boolean;
}

export function addSharedOptions(cmd: Command, names: readonly SharedOptionName[]): Command {
  for (const name of names) {
    const spec: SharedOptionSpec = SHARED_OPTIONS[name];
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    cmd.addOption(option);
  }
  return cmd;
}

/** Option parser for repeatable flags (--config, --property, --override, ...); absent means none. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Option parser for integer flags; commander turns the throw into a one-line usage error. */
export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
}

// ---- client configuration -------------------------------------------------------------------------

/**
 * Bootstrap servers: the flag, else the config file's bootstrap.servers (both explicit on this
 * command line), else $MQ_BOOTSTRAP_SERVER, else localhost:9092. Each entry must be host:port
 * (AK ToolsUtils.validateBootstrapServer, same message).
 */
export function bootstrapServers(ctx: CliContext, flag: string | undefined, props: Readonly<Record<string, string>>): string[] {
  const raw = flag ?? props['bootstrap.servers'] ?? ctx.env.MQ_BOOTSTRAP_SERVER ?? DEFAULT_BOOTSTRAP_SERVER;
  const servers = raw.split(',').map((s) => s.trim());
  if (servers.some((s) => !/^(\[[^\]]+\]|[^\s:]+):\d+$/.test(s))) {
    throw new CliError('Please provide valid host:port like host1:9091,host2:9092');
  }
  return servers;
}

/** The client property file: --command-config or the tool's older name for it, not both (KIP-1147). */
export async function loadConfigFile(
  commandConfig: string | undefined,
  legacy?: { flag: string; path: string | undefined },
): Promise<Record<string, string>> {
  if (commandConfig !== undefined && legacy?.path !== undefined) {
    throw new CliError(`Options --${legacy.flag} and --command-config cannot be specified together.`);
  }
  const path = commandConfig ?? legacy?.path;
  if (path === undefined) return {};
  try {
    return await loadProperties(path);
  } catch (err) {
    throw unableTo('read config file', err);
  }
}

type Parse<T> = (raw: string, key: string) => T;

interface Setting<C> {
  readonly key: string;
  apply(config: C, raw: string): void;
}

function setting<C, F extends keyof C>(key: string, field: F, parse: Parse<C[F]>): Setting<C> {
  return { key, apply: (config, raw) => void (config[field] = parse(raw, key)) };
}

// Messages are those of Kafka's ConfigDef, so a bad value reads the same as with the Java client.
const text: Parse<string> = (raw) => raw;
const int: Parse<number> = (raw, key) => {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isSafeInteger(n)) throw new CliError(`Invalid value ${raw} for configuration ${key}: Not a number of type INT`);
  return n;
};
function oneOf<const T extends string>(values: readonly T[]): Parse<T> {
  return (raw, key) => {
    const v = raw.trim().toLowerCase();
    if (!(values as readonly string[]).includes(v)) {
      throw new CliError(`Invalid value ${raw} for configuration ${key}: String must be one of: ${values.join(', ')}`);
    }
    return v as T;
  };
}
const acksValue = oneOf(['all', '-1', '0', '1']);
const acks: Parse<Acks> = (raw, key) => {
  const v = acksValue(raw, key);
  return v === 'all' ? -1 : (Number(v) as Acks);
};
const bool: Parse<boolean> = (raw, key) => {
  const v = raw.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw new CliError(`Invalid value ${raw} for configuration ${key}: Expected value to be either true or false`);
  return v === 'true';
};
const COMPRESSION_TYPES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly CompressionName[];

/** The Java client's assignor classes, by the protocol names mq's consumer uses (the same on the wire). */
const ASSIGNOR_CLASSES: Readonly<Record<string, AssignorName>> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
};
/** partition.assignment.strategy: a list of Java class names (or mq's protocol names). */
const assignors: Parse<AssignorName[]> = (raw, key) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((name) => {
      const assignor = ASSIGNOR_CLASSES[name] ?? Object.values(ASSIGNOR_CLASSES).find((a) => a === name);
      if (!assignor) {
        throw new CliError(`Invalid value ${raw} for configuration ${key}: mq's consumer offers ${Object.keys(ASSIGNOR_CLASSES).join(', ')}`);
      }
      return assignor;
    });

const CLIENT_SETTINGS: readonly Setting<ClientConfig>[] = [
  setting('client.id', 'clientId', text),
  setting('request.timeout.ms', 'requestTimeoutMs', int),
  setting('socket.connection.setup.timeout.ms', 'connectionTimeoutMs', int),
  setting('retries', 'retries', int),
  setting('retry.backoff.ms', 'retryBackoffMs', int),
];

const PRODUCER_SETTINGS: readonly Setting<ProducerConfig>[] = [
  ...CLIENT_SETTINGS,
  setting('acks', 'acks', acks),
  setting('linger.ms', 'lingerMs', int),
  setting('batch.size', 'batchSize', int),
  setting('compression.type', 'compression', oneOf(COMPRESSION_TYPES)),
  setting('max.in.flight.requests.per.connection', 'maxInFlightRequests', int),
  setting('delivery.timeout.ms', 'deliveryTimeoutMs', int),
  setting('enable.idempotence', 'idempotence', bool),
];

const CONSUMER_SETTINGS: readonly Setting<ConsumerConfig>[] = [
  ...CLIENT_SETTINGS,
  setting('fetch.max.wait.ms', 'maxWaitMs', int),
  setting('fetch.min.bytes', 'minBytes', int),
  setting('fetch.max.bytes', 'maxBytes', int),
  setting('max.partition.fetch.bytes', 'maxPartitionBytes', int),
  setting('isolation.level', 'isolationLevel', oneOf(['read_committed', 'read_uncommitted'])),
  setting('auto.offset.reset', 'autoOffsetReset', oneOf(['earliest', 'latest', 'none'])),
  setting('group.instance.id', 'groupInstanceId', text),
  setting('session.timeout.ms', 'sessionTimeoutMs', int),
  setting('heartbeat.interval.ms', 'heartbeatIntervalMs', int),
  setting('max.poll.interval.ms', 'rebalanceTimeoutMs', int),
  setting('partition.assignment.strategy', 'partitionAssignors', assignors),
  setting('enable.auto.commit', 'enableAutoCommit', bool),
  setting('auto.commit.interval.ms', 'autoCommitIntervalMs', int),
];

/**
 * Applies Kafka-named properties to a config. Keys the tool itself consumed (bootstrap.servers,
 * group.id) are skipped; any other key mq's client does not use gets a WARN line on stderr, as the
 * Java client logs for unknown configs, rather than being dropped silently.
 */
function applySettings<C>(ctx: CliContext, config: C, props: Readonly<Record<string, string>>, settings: readonly Setting<C>[]): C {
  const byKey = new Map(settings.map((s) => [s.key, s]));
  for (const [key, raw] of Object.entries(props)) {
    const s = byKey.get(key);
    if (s) s.apply(config, raw);
    else if (key !== 'bootstrap.servers' && key !== 'group.id') {
      ctx.stderr.write(`WARN The configuration '${key}' was supplied but isn't used by mq.\n`);
    }
  }
  return config;
}

export function adminConfig(ctx: CliContext, servers: string[], props: Readonly<Record<string, string>>): ClientConfig {
  return applySettings<ClientConfig>(ctx, { bootstrapServers: servers }, props, CLIENT_SETTINGS);
}

export function producerConfig(ctx: CliContext, servers: string[], props: Readonly<Record<string, string>>): ProducerConfig {
  return applySettings<ProducerConfig>(ctx, { bootstrapServers: servers }, props, PRODUCER_SETTINGS);
}

export function consumerConfig(ctx: CliContext, servers: string[], props: Readonly<Record<string, string>>): ConsumerConfig {
  return applySettings<ConsumerConfig>(ctx, { bootstrapServers: servers }, props, CONSUMER_SETTINGS);
}
