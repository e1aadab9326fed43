// mq topics — kafka-topics.sh (AK tools/src/main/java/org/apache/kafka/tools/TopicCommand.java).
// Same flags, same checks in the same order, same messages. Piped output is Kafka's text:
//   --create   [WARNING line if the name has '.' or '_']  `Created topic <name>.`
//   --list     names, sorted, one per line (a single empty line when there are none, as Kafka)
//   --describe per topic `Topic: ..\tTopicId: ..\tPartitionCount: ..\tReplicationFactor: ..\tConfigs: k=v,..`
//              then `\tTopic: ..\tPartition: ..\tLeader: ..\tReplicas: ..\tIsr: ..\tElr: N/A\tLastKnownElr: N/A`
//              (--topics-with-overrides: only topics with a non-default config, topic line only)
//   --alter, --delete: nothing
// Argument errors print Kafka's message on stderr; failures while talking to the cluster print
// `Error while executing topic command : <msg>` on stdout. Both exit 1.

import { Command } from 'commander';
import type { ConfigEntry, TopicDescription } from '../../client/index.js';
import {
  addSharedOptions,
  adminConfig,
  bootstrapServers,
  collect,
  integer,
  loadConfigFile,
  type AdminClient,
  type CliContext,
  type SharedOptions,
} from '../context.js';
import { CliError, kafkaToolMessage, throwFirstError } from '../errors.js';
import { javaSplit } from '../java-split.js';
import { colorsFor, type Colors } from '../output/color.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';
import { renderTable } from '../output/table.js';

const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

export interface TopicsOptions extends SharedOptions {
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  config?: string[];
  deleteConfig?: string[];
  ifExists?: boolean;
  ifNotExists?: boolean;
  excludeInternal?: boolean;
  topicsWithOverrides?: boolean;
}

/** Kafka's internal topics (AK Topic.INTERNAL_TOPICS), hidden by --exclude-internal. */
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__cluster_metadata']);

/** Kafka's Uuid.ZERO_UUID in text form; --describe leaves TopicId out for it. */
const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. " +
  'To avoid issues it is best to use either, but not both.';

/** The actions each option may be combined with (AK TopicCommandOptions.checkInvalidArgs). */
const ALLOWED_ACTIONS: ReadonlyArray<{ flag: string; key: keyof TopicsOptions; actions: readonly Action[] }> = [
  { flag: 'config', key: 'config', actions: ['create'] },
  { flag: 'partitions', key: 'partitions', actions: ['create', 'alter'] },
  { flag: 'replication-factor', key: 'replicationFactor', actions: ['create'] },
  { flag: 'if-exists', key: 'ifExists', actions: ['alter', 'delete', 'describe'] },
  { flag: 'if-not-exists', key: 'ifNotExists', actions: ['create'] },
  { flag: 'exclude-internal', key: 'excludeInternal', actions: ['list', 'describe'] },
  { flag: 'topics-with-overrides', key: 'topicsWithOverrides', actions: ['describe'] },
];

/** Kafka 4.0 keeps --delete-config only to warn about it; topic configs change with `mq configs`. */
const DELETE_CONFIG_WARNING = 'delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.';

/**
 * Validates the flags the way TopicCommandOptions.checkArgs does and returns the one action;
 * `warn` gets the warnings Kafka prints on stderr along the way.
 */
export function topicsAction(o: TopicsOptions, warn: (message: string) => void = () => undefined): Action {
  const actions = ACTIONS.filter((a) => o[a] === true);
  if (actions.length !== 1) {
    throw new CliError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  }
  if (o.deleteConfig !== undefined) warn(DELETE_CONFIG_WARNING);
  const action = actions[0]!;
  if (action === 'describe' && o.ifExists && o.topic === undefined) {
    throw new CliError('--topic or --topic-id is required to describe a topic');
  }
  if (action !== 'list' && action !== 'describe' && o.topic === undefined) {
    throw new CliError('Missing required argument "[topic]"');
  }
  if (action === 'alter') {
    if (o.config !== undefined) {
      throw new CliError('Option "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)');
    }
    if (o.partitions === undefined) throw new CliError('Missing required argument "[partitions]"');
  }
  for (const { flag, key, actions: allowed } of ALLOWED_ACTIONS) {
    const value = o[key];
    if (value !== undefined && !allowed.includes(action)) throw new CliError(`Option "[${flag}]" can't be used with option "[${action}]"`);
  }
  return action;
}

/**
 * --config k=v for --create. Kafka splits each on `\s*=\s*` and wants exactly two parts, so a
 * value containing '=' is rejected (unlike --property); the message is Kafka's.
 */
function parseTopicConfigs(args: readonly string[]): Record<string, string> {
  const pairs = args.map((arg) => javaSplit(arg, /\s*=\s*/));
  if (!pairs.every((p) => p.length === 2)) {
    throw new CliError('requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".');
  }
  return Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.trim()]));
}

/**
 * --topic for everything but --create is a Java regex matched against the whole name, cleaned as
 * AK's TopicFilter does: trimmed, ',' means '|', spaces and surrounding quotes removed.
 */
export function topicFilter(raw: string): (topic: string) => boolean {
  const regex = raw.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '');
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^(?:${regex})$`);
  } catch (e) {
    throw new Error(`${regex} is an invalid regex.`, { cause: e });
  }
  return (topic) => pattern.test(topic);
}

// ---- views (pure) -----------------------------------------------------------------------------

export interface PartitionView {
  partition: number;
  /** null when the partition has no leader (Kafka prints `none`). */
  leader: number | null;
  replicas: number[];
  isr: number[];
}

export interface TopicView {
  name: string;
  /** null for the zero uuid, which Kafka does not print. */
  topicId: string | null;
  partitionCount: number;
  replicationFactor: number;
  /** The topic's configs that are not at Kafka's default (any source but DEFAULT_CONFIG), as described. */
  configs: Array<{ name: string; value: string | null }>;
  partitions: PartitionView[];
}

/**
 * Topics sorted by name, partitions by number; replication factor from the first partition, as
 * Kafka. `configs` holds each topic's described configs; Kafka's Configs field keeps those whose
 * source is not DEFAULT_CONFIG (ConfigEntry.isDefault), in the broker's order.
 */
export function describeView(descriptions: readonly TopicDescription[], configs: ReadonlyMap<string, readonly ConfigEntry[]> = new Map()): TopicView[] {
  return [...descriptions]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => {
      const partitions = [...d.partitions].sort((a, b) => a.partition - b.partition);
      return {
        name: d.name,
        topicId: d.topicId === ZERO_TOPIC_ID ? null : d.topicId,
        partitionCount: partitions.length,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        configs: (configs.get(d.name) ?? []).filter((c) => c.source !== 'DEFAULT_CONFIG').map((c) => ({ name: c.name, value: c.value })),
        partitions: partitions.map((p) => ({ partition: p.partition, leader: p.leader >= 0 ? p.leader : null, replicas: p.replicas, isr: p.isr })),
      };
    });
}

export function renderList(names: readonly string[]): string {
  return `${names.join('\n')}\n`;
}

/**
 * Kafka's --describe text. `Configs:` lists the topic's non-default configs as `k=v,k=v`. Elr and
 * LastKnownElr (KIP-966) print N/A, as Kafka does when the broker does not report them.
 */
export function renderDescribe(views: readonly TopicView[]): string {
  const lines: string[] = [];
  for (const t of views) {
    lines.push(
      `Topic: ${t.name}${t.topicId === null ? '' : `\tTopicId: ${t.topicId}`}\tPartitionCount: ${t.partitionCount}` +
        `\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${t.configs.map((c) => `${c.name}=${c.value}`).join(',')}`,
    );
    for (const p of t.partitions) {
      lines.push(
        `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${p.replicas.join(',')}` +
          `\tIsr: ${p.isr.join(',')}\tElr: N/A\tLastKnownElr: N/A`,
      );
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** Terminal form of --describe: a topic table and a partition table; trouble is coloured. */
function renderDescribeTables(views: readonly TopicView[], colors: Colors): string {
  const topics = renderTable(
    colors,
    ['TOPIC', 'TOPIC ID', 'PARTITIONS', 'REPLICATION FACTOR', 'CONFIGS'],
    views.map((t) => [
      colors.cyan(t.name),
      t.topicId ?? '',
      String(t.partitionCount),
      String(t.replicationFactor),
      t.configs.map((c) => `${c.name}=${c.value}`).join(','),
    ]),
  );
  const partitions = renderTable(
    colors,
    ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR'],
    views.flatMap((t) =>
      t.partitions.map((p) => [
        colors.cyan(t.name),
        String(p.partition),
        p.leader === null ? colors.red('none') : String(p.leader),
        p.replicas.join(','),
        p.isr.length < p.replicas.length ? colors.yellow(p.isr.join(',')) : p.isr.join(','),
      ]),
    ),
  );
  return topics + partitions;
}

// ---- the command -------------------------------------------------------------------------------

class TopicsRun {
  private readonly colors: Colors;

  constructor(
    private readonly ctx: CliContext,
    private readonly admin: AdminClient,
    private readonly o: TopicsOptions,
  ) {
    this.colors = colorsFor(ctx);
  }

  private print(text: string): void {
    this.ctx.stdout.write(text);
  }

  private json(value: unknown): void {
    this.print(`${toJson(value)}\n`);
  }

  /** Names matching --topic (all when absent), honouring --exclude-internal; sorted, as listTopics returns them. */
  private async matching(): Promise<string[]> {
    const { topic, excludeInternal = false } = this.o;
    const all = await withSpinner(this.ctx, 'listing topics', () => this.admin.listTopics({ includeInternal: !excludeInternal }));
    const allowed = topic === undefined ? () => true : topicFilter(topic);
    return all.filter((t) => allowed(t) && !(excludeInternal && INTERNAL_TOPICS.has(t)));
  }

  /** Kafka's ensureTopicExists: an explicit, non-empty --topic must match unless --if-exists. */
  private ensureExists(found: readonly string[]): void {
    const { topic, ifExists } = this.o;
    if (topic !== undefined && topic !== '' && !ifExists && found.length === 0) {
      throw new CliError(`Topic '${topic}' does not exist as expected`);
    }
  }

  async create(): Promise<void> {
    const { topic: name = '', partitions, replicationFactor, output } = this.o;
    const configs = parseTopicConfigs(this.o.config ?? []);
    if (name.includes('.') || name.includes('_')) {
      // A warning is not data: it stays off stdout when stdout carries JSON.
      (output === 'json' ? this.ctx.stderr : this.ctx.stdout).write(`${this.colors.yellow(COLLISION_WARNING)}\n`);
    }
    if (replicationFactor !== undefined && (replicationFactor < 1 || replicationFactor > 32767)) {
      throw new CliError('The replication factor must be between 1 and 32767 inclusive');
    }
    if (partitions !== undefined && partitions < 1) throw new CliError('The partitions must be greater than 0');

    const [result] = await withSpinner(this.ctx, `creating topic ${name}`, () =>
      this.admin.createTopics([{ name, numPartitions: partitions ?? -1, replicationFactor: replicationFactor ?? -1, configs }]),
    );
    if (!result) throw new Error(`no result for topic ${name}`);
    if (result.error) {
      if (this.o.ifNotExists && result.error.errorName === 'TOPIC_ALREADY_EXISTS') {
        if (output === 'json') this.json({ topic: name, created: false });
        return;
      }
      throw result.error;
    }
    if (output === 'json') {
      this.json({ topic: name, created: true, topicId: result.topicId, partitions: result.numPartitions, replicationFactor: result.replicationFactor });
    } else {
      this.print(`Created topic ${name}.\n`);
    }
  }

  async list(): Promise<void> {
    const names = await this.matching();
    this.print(this.o.output === 'json' ? `${toJson(names)}\n` : renderList(names));
  }

  async describe(): Promise<void> {
    const names = await this.matching();
    this.ensureExists(names);
    if (names.length === 0) {
      if (this.o.output === 'json') this.json([]);
      return;
    }
    const descriptions = await withSpinner(this.ctx, 'describing topics', () => this.admin.describeTopics(names));
    throwFirstError(descriptions);
    const described = await withSpinner(this.ctx, 'describing configs', () => this.admin.describeConfigs(names.map((name) => ({ type: 'topic', name }))));
    let views = describeView(descriptions, new Map(described.map((d) => [d.resource.name, d.configs])));
    // --topics-with-overrides: only topics with a non-default config, topic line only (AK TopicCommand).
    if (this.o.topicsWithOverrides) views = views.filter((v) => v.configs.length > 0).map((v) => ({ ...v, partitions: [] }));
    if (this.o.output === 'json') this.json(views);
    else if (this.ctx.isTTY.stdout) this.print(renderDescribeTables(views, this.colors));
    else this.print(renderDescribe(views));
  }

  async alter(): Promise<void> {
    const count = this.o.partitions!;
    const names = await this.matching();
    this.ensureExists(names);
    if (names.length > 0) {
      const results = await withSpinner(this.ctx, 'adding partitions', () =>
        this.admin.createPartitions(names.map((topic) => ({ topic, count }))),
      );
      throwFirstError(results);
    }
    if (this.o.output === 'json') this.json({ altered: names, partitions: count });
  }

  async delete(): Promise<void> {
    const names = await this.matching();
    this.ensureExists(names);
    if (names.length > 0) {
      const results = await withSpinner(this.ctx, 'deleting topics', () => this.admin.deleteTopics(names));
      throwFirstError(results);
    }
    if (this.o.output === 'json') this.json({ deleted: names });
  }
}

const VERBS: Readonly<Record<Action, string>> = {
  create: 'create topic',
  list: 'list topics',
  describe: 'describe topics',
  alter: 'alter topics',
  delete: 'delete topics',
};

async function runTopics(ctx: CliContext, o: TopicsOptions): Promise<void> {
  const action = topicsAction(o, (message) => ctx.stderr.write(`${message}\n`));
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), props);
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    await new TopicsRun(ctx, admin, o)[action]();
  } catch (err) {
    if (err instanceof CliError) throw err;
    const message = kafkaToolMessage(err);
    throw o.output === 'json'
      ? new CliError(`unable to ${VERBS[action]}: ${message}`, { cause: err })
      : new CliError(`Error while executing topic command : ${message}`, { cause: err, stream: 'stdout' });
  } finally {
    // The outcome is already decided; a failure to close cleanly must not replace it.
    await admin?.close().catch(() => undefined);
  }
}

export function topicsCommand(ctx: CliContext): Command {
  const cmd = new Command('topics')
    .description('Create, delete, describe, or change a topic (kafka-topics.sh)')
    .option('--create', 'create a new topic')
    .option('--list', 'list all available topics')
    .option('--describe', 'list details for the given topics')
    .option('--alter', 'alter the number of partitions')
    .option('--delete', 'delete a topic')
    .option('--topic <topic>', 'the topic to create, alter, describe or delete; a regular expression except with --create')
    .option('--partitions <n>', 'the number of partitions for the topic being created or altered (default: the broker\'s num.partitions)', integer)
    .option('--replication-factor <n>', "the replication factor for each partition of a new topic (default: the broker's default.replication.factor)", integer)
    .option('--config <name=value>', 'a topic configuration override for the topic being created (repeatable)', collect)
    .option('--delete-config <name>', 'no longer supported (Kafka 4.0); use `mq configs --alter --delete-config`', collect)
    .option('--if-exists', 'when altering, deleting or describing topics, only act if the topic exists')
    .option('--if-not-exists', 'when creating a topic, do not fail if it already exists')
    .option('--exclude-internal', 'exclude internal topics when listing or describing topics')
    .option('--topics-with-overrides', 'with --describe, only show topics that have overridden configs');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: TopicsOptions) => runTopics(ctx, o));
}
