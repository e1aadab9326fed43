// mq configs — kafka-configs.sh (AK core/src/main/scala/kafka/admin/ConfigCommand.scala) for the
// entity types mq has: topics and brokers (a broker by node id, or the cluster-wide default).
// Same flags, same checks, same text when piped:
//   --describe  `Dynamic configs for topic <t> are:` (`All configs for ...` with --all,
//               `Default configs for brokers in the cluster are:`), then per entry, sorted by name,
//               `  name=value sensitive=false synonyms={SOURCE:name=value, ...}`. Without --all only
//               the entity's own dynamic entries are listed (DYNAMIC_TOPIC_CONFIG,
//               DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG); a named topic or broker that
//               does not exist prints `The topic '<t>' doesn't exist and doesn't have dynamic config.`
//   --alter     `Completed updating config for topic <t>.` / `... for broker <id>.` /
//               `Completed updating default config for brokers in the cluster.`
// --add-config 'k1=v1,k2=[a,b]' (brackets keep commas inside a value), --add-config-file <props>,
// --delete-config k1,k2 (each must be currently set: `Invalid config(s): k`). Changes go through
// IncrementalAlterConfigs. On a terminal --describe prints a table; --output json prints data.
// Argument problems print Kafka's message; broker errors print
// `Error while executing config command with args '<args>': <message>` (Kafka follows that
// line with a stack trace). All exit 1.

import { Command } from 'commander';
import type { AlterConfigOp, ConfigEntry, ConfigResource } from '../../client/index.js';
import { addSharedOptions, adminConfig, bootstrapServers, loadConfigFile, type AdminClient, type CliContext, type SharedOptions } from '../context.js';
import { CliError, kafkaToolMessage, throwFirstError } from '../errors.js';
import { javaSplit } from '../java-split.js';
import { colorsFor, type Colors } from '../output/color.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';
import { renderTable } from '../output/table.js';
import { loadProperties } from '../properties.js';

export interface ConfigsOptions extends SharedOptions {
  describe?: boolean;
  alter?: boolean;
  all?: boolean;
  entityType?: string;
  entityName?: string;
  entityDefault?: boolean;
  topic?: string;
  broker?: string;
  brokerDefaults?: boolean;
  addConfig?: string;
  addConfigFile?: string;
  deleteConfig?: string[];
  force?: boolean;
}

/** The entity types kafka-configs.sh accepts with --bootstrap-server, in its order; mq serves two. */
const KAFKA_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips', 'client-metrics', 'groups', 'broker-loggers'];
const SUPPORTED_TYPES = ['topics', 'brokers'] as const;
type EntityType = (typeof SUPPORTED_TYPES)[number];

/** What the command acts on; `name` null is the cluster-wide broker default. */
export interface Entity {
  type: EntityType;
  name: string | null;
}

export interface ConfigsPlan {
  action: 'describe' | 'alter';
  type: EntityType;
  /** undefined: every entity of the type (describe only). */
  name: string | null | undefined;
}

/** Validates the flags as ConfigCommandOptions.checkArgs does, with its messages. */
export function configsPlan(o: ConfigsOptions): ConfigsPlan {
  const actions = (['alter', 'describe'] as const).filter((a) => o[a] === true);
  if (actions.length !== 1) throw new CliError('Command must include exactly one action: --describe, --alter');
  const action = actions[0]!;
  if (action === 'describe') {
    for (const [flag, set] of [['add-config', o.addConfig], ['delete-config', o.deleteConfig]] as const) {
      if (set !== undefined) throw new CliError(`Option "[describe]" can't be used with option "[${flag}]"`);
    }
  }

  const shortcut = o.topic !== undefined || o.broker !== undefined || o.brokerDefaults === true;
  const types = [o.entityType, o.topic !== undefined ? 'topics' : undefined, o.broker !== undefined ? 'brokers' : undefined, o.brokerDefaults ? 'brokers' : undefined].filter(
    (t): t is string => t !== undefined,
  );
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i);
  if (duplicates.length > 0) throw new CliError(`Duplicate entity type(s) specified: ${[...new Set(duplicates)].join(',')}`);
  for (const t of types) {
    if (!KAFKA_TYPES.includes(t)) {
      throw new CliError(`Invalid entity type ${t}, the entity type must be one of ${KAFKA_TYPES.join(', ')} with a --bootstrap-server or --bootstrap-controller argument`);
    }
  }
  if (types.length === 0) throw new CliError('At least one entity type must be specified');
  if (types.length > 1) throw new CliError("Only 'users' and 'clients' entity types may be specified together");
  if ((o.entityName !== undefined || o.entityType !== undefined || o.entityDefault) && shortcut) {
    throw new CliError('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  }
  const type = types[0]!;
  if (!(SUPPORTED_TYPES as readonly string[]).includes(type)) throw new CliError(`mq configs: entity type ${type} is not supported; mq has topics and brokers`);

  const name = o.entityName ?? o.topic ?? o.broker;
  const isDefault = o.entityDefault === true || o.brokerDefaults === true;
  if (type === 'brokers' && name !== undefined && !/^-?\d+$/.test(name)) {
    throw new CliError(`The entity name for brokers must be a valid integer broker id, but it is: ${name}`);
  }
  if (action === 'describe' && isDefault && type === 'topics') throw new CliError('--entity-default must not be specified with --describe of topics');
  if (action === 'alter') {
    if (type === 'brokers' && name === undefined && !isDefault) {
      throw new CliError('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    }
    if (type === 'topics' && name === undefined) throw new CliError('An entity name must be specified with --alter of topics');
    if (o.addConfig !== undefined && o.addConfigFile !== undefined) throw new CliError('Only one of --add-config or --add-config-file must be specified');
    if (o.addConfig === undefined && o.addConfigFile === undefined && o.deleteConfig === undefined) {
      throw new CliError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    }
    // After checkArgs, in processCommand, and for --alter only: a name and the default are two
    // names for one entity type.
    if (name !== undefined && isDefault) throw new CliError('An entity name must be specified for every entity type');
  }
  // --describe with both: Kafka describes the first given; mq, without the order, the named one.
  return { action, type: type as EntityType, name: isDefault && name === undefined ? null : name };
}

/** Commas outside [...] (AK ConfigCommand.parseConfigsToBeAdded). */
const OUTSIDE_BRACKETS = '(?=[^\\]]*(?:\\[|$))';

/**
 * --add-config 'k1=v1,k2=[a,b]': pairs split on commas outside brackets, each on its first '='
 * outside brackets; the brackets are removed from values and both sides trimmed.
 */
export function parseAddConfig(arg: string): Record<string, string> {
  const pairs = javaSplit(arg, new RegExp(`,${OUTSIDE_BRACKETS}`)).map((p) => p.split(new RegExp(`\\s*=\\s*${OUTSIDE_BRACKETS}`)));
  if (!pairs.every((p) => p.length === 2)) {
    throw new CliError(
      'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val" or  "key=[val1,val2]" to group values which contain commas.',
    );
  }
  return validKeys(Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.replace(/\[?\]?/g, '').trim()])));
}

/** AK ConfigCommand.validatePropsKey, for --add-config and --add-config-file alike. */
export function validKeys(props: Record<string, string>): Record<string, string> {
  const bad = Object.keys(props).find((k) => !/^[$a-zA-Z0-9._-]*$/.test(k));
  if (bad !== undefined) throw new CliError(`Invalid character found for config key: ${bad}`);
  return props;
}

// ---- views (pure) -----------------------------------------------------------------------------

/** The source each entity's non---all describe keeps (AK ConfigCommand.getResourceConfig). */
function ownSource(entity: Entity): ConfigEntry['source'] {
  if (entity.type === 'topics') return 'DYNAMIC_TOPIC_CONFIG';
  return entity.name === null ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
}

export function entriesToShow(entity: Entity, entries: readonly ConfigEntry[], all: boolean): ConfigEntry[] {
  return entries.filter((e) => all || e.source === ownSource(entity)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function heading(entity: Entity, all: boolean): string {
  if (entity.name === null) return 'Default configs for brokers in the cluster are:';
  return `${all ? 'All' : 'Dynamic'} configs for ${entity.type === 'topics' ? 'topic' : 'broker'} ${entity.name} are:`;
}

/** Kafka's describe text for one entity. */
export function renderDescribe(entity: Entity, entries: readonly ConfigEntry[], all: boolean): string {
  const lines = [heading(entity, all)];
  for (const e of entries) {
    const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ');
    lines.push(`  ${e.name}=${e.value} sensitive=${e.isSensitive} synonyms={${synonyms}}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function renderDescribeTable(entity: Entity, entries: readonly ConfigEntry[], all: boolean, colors: Colors): string {
  const rows = entries.map((e) => [
    colors.cyan(e.name),
    e.value ?? colors.dim('null'),
    e.source === 'DEFAULT_CONFIG' ? colors.dim(e.source) : e.source.startsWith('DYNAMIC_') ? colors.yellow(e.source) : e.source,
    e.isReadOnly ? 'yes' : 'no',
  ]);
  return `${colors.bold(heading(entity, all))}\n${renderTable(colors, ['NAME', 'VALUE', 'SOURCE', 'READ-ONLY'], rows)}`;
}

function jsonEntity(entity: Entity, entries: readonly ConfigEntry[]) {
  return {
    entityType: entity.type,
    entityName: entity.name,
    configs: entries.map((e) => ({ name: e.name, value: e.value, source: e.source, sensitive: e.isSensitive, readOnly: e.isReadOnly, synonyms: e.synonyms })),
  };
}

export function completedMessage(entity: Entity): string {
  if (entity.name === null) return 'Completed updating default config for brokers in the cluster.';
  return `Completed updating config for ${entity.type === 'topics' ? 'topic' : 'broker'} ${entity.name}.`;
}

// ---- the command -------------------------------------------------------------------------------

function resourceOf(entity: Entity): ConfigResource {
  return { type: entity.type === 'topics' ? 'topic' : 'broker', name: entity.name ?? '' };
}

class ConfigsRun {
  private readonly colors: Colors;

  constructor(
    private readonly ctx: CliContext,
    private readonly admin: AdminClient,
    private readonly o: ConfigsOptions,
    private readonly plan: ConfigsPlan,
  ) {
    this.colors = colorsFor(ctx);
  }

  private async entries(entity: Entity, synonyms: boolean): Promise<ConfigEntry[]> {
    const [d] = await this.admin.describeConfigs([resourceOf(entity)], { includeSynonyms: synonyms });
    if (!d) throw new Error('no result from describeConfigs');
    if (d.error) throw d.error;
    return d.configs;
  }

  /** The entities to describe: the one named, or every topic / every broker then the broker default. */
  private async entities(): Promise<Entity[]> {
    const { type, name } = this.plan;
    if (name !== undefined) return [{ type, name }];
    if (type === 'topics') {
      const topics = await withSpinner(this.ctx, 'listing topics', () => this.admin.listTopics({ includeInternal: true }));
      return topics.map((t) => ({ type, name: t }));
    }
    const cluster = await withSpinner(this.ctx, 'describing cluster', () => this.admin.describeCluster());
    return [...cluster.brokers.map((b) => ({ type, name: String(b.nodeId) })), { type, name: null }];
  }

  /**
   * Without --all Kafka first checks that a named topic or broker exists and, when it does not,
   * says so on stdout and succeeds (AK ConfigCommand.describeResourceConfig).
   */
  private async missing(): Promise<boolean> {
    const { type, name } = this.plan;
    if (this.o.all || name === undefined || name === null) return false;
    const known =
      type === 'topics'
        ? (await this.admin.listTopics({ includeInternal: true })).includes(name)
        : (await this.admin.describeCluster()).brokers.some((b) => String(b.nodeId) === name);
    if (known) return false;
    if (this.o.output === 'json') this.ctx.stdout.write('[]\n');
    else this.ctx.stdout.write(`The ${type === 'topics' ? 'topic' : 'broker'} '${name}' doesn't exist and doesn't have dynamic config.\n`);
    return true;
  }

  async describe(): Promise<void> {
    if (await withSpinner(this.ctx, 'looking up the entity', () => this.missing())) return;
    const all = this.o.all === true;
    const out: Array<ReturnType<typeof jsonEntity>> = [];
    for (const entity of await this.entities()) {
      const entries = entriesToShow(entity, await withSpinner(this.ctx, 'describing configs', () => this.entries(entity, true)), all);
      if (this.o.output === 'json') out.push(jsonEntity(entity, entries));
      else this.ctx.stdout.write(this.ctx.isTTY.stdout ? renderDescribeTable(entity, entries, all, this.colors) : renderDescribe(entity, entries, all));
    }
    if (this.o.output === 'json') this.ctx.stdout.write(`${toJson(out)}\n`);
  }

  async alter(): Promise<void> {
    const entity: Entity = { type: this.plan.type, name: this.plan.name! };
    const added = this.o.addConfigFile !== undefined ? validKeys(await loadProperties(this.o.addConfigFile)) : this.o.addConfig !== undefined ? parseAddConfig(this.o.addConfig) : {};
    const deleted = (this.o.deleteConfig ?? []).flatMap((d) => d.split(',')).map((d) => d.trim());
    // Kafka reads the entity's dynamic configs first (so a missing topic fails here), and refuses
    // to delete one that is not set.
    const current = new Set(entriesToShow(entity, await this.entries(entity, false), false).map((e) => e.name));
    const missing = deleted.filter((d) => !current.has(d));
    if (missing.length > 0) throw new CliError(`Invalid config(s): ${missing.join(',')}`);
    const ops: AlterConfigOp[] = [
      ...deleted.map((name): AlterConfigOp => ({ name, op: 'delete' })),
      ...Object.entries(added).map(([name, value]): AlterConfigOp => ({ name, op: 'set', value })),
    ];
    const results = await withSpinner(this.ctx, 'altering configs', () => this.admin.incrementalAlterConfigs([{ resource: resourceOf(entity), ops }]));
    throwFirstError(results);
    if (this.o.output === 'json') this.ctx.stdout.write(`${toJson({ ...jsonEntity(entity, []), altered: true, set: added, deleted })}\n`);
    else this.ctx.stdout.write(`${completedMessage(entity)}\n`);
  }
}

async function runConfigs(ctx: CliContext, o: ConfigsOptions, args: readonly string[]): Promise<void> {
  const plan = configsPlan(o);
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), props);
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    await new ConfigsRun(ctx, admin, o, plan)[plan.action]();
  } catch (err) {
    if (err instanceof CliError) throw err;
    const message = kafkaToolMessage(err);
    throw o.output === 'json'
      ? new CliError(`unable to ${plan.action} configs: ${message}`, { cause: err })
      : new CliError(`Error while executing config command with args '${args.join(' ')}': ${message}`, { cause: err });
  } finally {
    await admin?.close().catch(() => undefined);
  }
}

export function configsCommand(ctx: CliContext): Command {
  const cmd = new Command('configs')
    .description('Describe or change topic and broker configs (kafka-configs.sh)')
    .option('--describe', 'list configs for the given entity')
    .option('--alter', 'alter the configuration of the entity')
    .option('--all', 'with --describe, list all configs, not only the dynamic ones')
    .option('--entity-type <type>', 'type of entity (topics/brokers)')
    .option('--entity-name <name>', 'name of the entity (a topic name or a broker id)')
    .option('--entity-default', 'the cluster-wide default of the entity type (brokers)')
    .option('--topic <topic>', 'the topic\'s configs: same as --entity-type topics --entity-name <topic>')
    .option('--broker <id>', 'the broker\'s configs: same as --entity-type brokers --entity-name <id>')
    .option('--broker-defaults', 'the cluster-wide broker defaults: same as --entity-type brokers --entity-default')
    .option('--add-config <k=v,...>', "configs to add or change: 'k1=v1,k2=[v1,v2,v2],k3=v3'")
    .option('--add-config-file <file>', 'a properties file of configs to add or change')
    .option('--delete-config <k,...>', 'configs to remove, comma separated', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--force', 'accepted for compatibility; has no effect');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: ConfigsOptions, self: Command) => runConfigs(ctx, o, self.parent?.args.slice(1) ?? []));
}
