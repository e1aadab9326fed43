// mq consumer-groups — kafka-consumer-groups.sh (AK tools/.../consumer/group/ConsumerGroupCommand.java
// and ConsumerGroupCommandOptions.java, 4.0). Same flags, checks and messages; piped output is
// Kafka's text (group-views.ts renders it), a terminal gets colour tables plus the total lag per
// group and topic, and `--output json` one document.
//
//   --list [--state [s,..]]                         group ids, or a GROUP/STATE table
//   --describe [--offsets|--members [--verbose]|--state]  (--group g.. | --all-groups) [--watch [s]]
//   --reset-offsets <spec> (--topic t[:p,..].. | --all-topics | --from-file) [--dry-run|--execute] [--export]
//   --delete (--group g.. | --all-groups)
//   --delete-offsets --group g --topic t[:p,..]..
//
// Kafka prints `Error: ...` lines for a group it cannot act on and carries on with the others; mq
// prints the same lines and then exits 1 (Kafka exits 0). A failure that stops the command prints
// Kafka's `Error: Executing consumer group command failed due to <cause>` on stdout, exit 1.

import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { KafkaError, type GroupDescription, type GroupListing, type TopicPartition } from '../../client/index.js';
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
import { CliError, kafkaToolMessage, messageOf, ReportedFailure, throwFirstError, unableTo } from '../errors.js';
import {
  describedPartitions,
  listView,
  membersView,
  offsetsView,
  parseStates,
  renderDeleteGroups,
  renderDeleteOffsets,
  renderDeleteOffsetsTable,
  renderList,
  renderListTable,
  renderMembers,
  renderMembersTable,
  renderOffsets,
  renderOffsetsTable,
  renderReset,
  renderResetTable,
  renderState,
  renderStateTable,
  sortDeletedOffsets,
  stateCheck,
  stateView,
  type DeleteGroupsView,
  type DeletedOffsetRow,
  type Note,
  type OffsetsView,
  type StateView,
} from '../groups/group-views.js';
import {
  byTopicPartition,
  clampOffset,
  parseDateTime,
  parseDuration,
  parseResetPlan,
  parseTopicArg,
  UsageError,
  timestampBefore,
  toCsv,
  tpString,
  type GroupOffset,
  type PartitionOffset,
} from '../groups/reset-specs.js';
import { colorsFor, type Colors } from '../output/color.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';

const ACTIONS = ['list', 'describe', 'delete', 'resetOffsets', 'deleteOffsets'] as const;
type Action = (typeof ACTIONS)[number];

export interface ConsumerGroupsOptions extends SharedOptions {
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  resetOffsets?: boolean;
  deleteOffsets?: boolean;
  group?: string[];
  allGroups?: boolean;
  topic?: string[];
  allTopics?: boolean;
  timeout?: number;
  offsets?: boolean;
  members?: boolean;
  /** `--state` alone is true; with --list it may carry a list of states. */
  state?: string | true;
  dryRun?: boolean;
  execute?: boolean;
  export?: boolean;
  toOffset?: bigint;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  shiftBy?: bigint;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
  /** `--watch` alone is true: the default interval. */
  watch?: string | true;
}

/** kafka-consumer-groups' --timeout default, in ms; also the admin client's request timeout here. */
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_WATCH_SECONDS = 2;

/** Kafka's Command must include exactly one action message, flags in its order. */
const ACTION_FLAGS: Readonly<Record<Action, string>> = {
  list: 'list',
  describe: 'describe',
  delete: 'delete',
  resetOffsets: 'reset-offsets',
  deleteOffsets: 'delete-offsets',
};

/** The reset specifications, in the order of Kafka's allResetOffsetScenarioOpts. */
const RESET_SCENARIOS = [
  ['to-offset', 'toOffset'],
  ['shift-by', 'shiftBy'],
  ['to-datetime', 'toDatetime'],
  ['by-duration', 'byDuration'],
  ['to-earliest', 'toEarliest'],
  ['to-latest', 'toLatest'],
  ['to-current', 'toCurrent'],
  ['from-file', 'fromFile'],
] as const satisfies ReadonlyArray<readonly [string, keyof ConsumerGroupsOptions]>;

const RESET_WARNING =
  'WARN: No action will be performed as the --execute option is missing.' +
  'In a future major release, the default behavior of this command will be to prompt the user before ' +
  'executing the reset rather than doing a dry run. You should add the --dry-run option explicitly ' +
  'if you are scripting this command and want to keep the current default behavior without prompting.';

const has = (o: ConsumerGroupsOptions, key: keyof ConsumerGroupsOptions): boolean => o[key] !== undefined && o[key] !== false;

/** joptsimple's CommandLineUtils.checkInvalidArgs message. */
const cannotCombine = (a: string, b: string): CliError => new CliError(`Option "[${a}]" can't be used with option "[${b}]"`);

/**
 * The checks of ConsumerGroupCommandOptions (availableIf, then checkArgs in its order), then
 * main's exactly-one-action check. Returns the action and whether Kafka's dry-run warning applies.
 */
export function consumerGroupsAction(o: ConsumerGroupsOptions): { action: Action; dryRunWarning: boolean } {
  for (const [flag, key] of [['members', 'members'], ['offsets', 'offsets']] as const) {
    if (has(o, key) && !o.describe) throw new CliError(`Option(s) [${flag}] are unavailable given other options on the command line`);
  }
  if (has(o, 'state') && !o.describe && !o.list) throw new CliError('Option(s) [state] are unavailable given other options on the command line');

  const groupScope = has(o, 'group') || has(o, 'allGroups');
  if (o.describe) {
    if (!groupScope) throw new CliError('Option [describe] takes one of these options: [all-groups], [group]');
    if ([o.members, o.offsets, o.state].filter((v) => v !== undefined).length > 1) {
      throw new CliError('Option [describe] takes at most one of these options: [members], [offsets], [state]');
    }
    if (typeof o.state === 'string') throw new CliError('Option [describe] does not take a value for [state]');
  }
  if (o.delete) {
    if (!groupScope) throw new CliError('Option [delete] takes one of these options: [all-groups], [group]');
    if (has(o, 'topic')) throw new CliError('The consumer does not support topic-specific offset deletion from a consumer group.');
  }
  if (o.deleteOffsets && (!has(o, 'group') || !has(o, 'topic'))) {
    throw new CliError('Option [delete-offsets] takes the following options: [group], [topic]');
  }
  let dryRunWarning = false;
  if (o.resetOffsets) {
    if (o.dryRun && o.execute) throw new CliError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
    dryRunWarning = !o.dryRun && !o.execute;
    if (!groupScope) throw new CliError('Option [reset-offsets] takes one of these options: [all-groups], [group]');
    const given = RESET_SCENARIOS.filter(([, key]) => has(o, key));
    if (given.length > 1) throw cannotCombine(given[0]![0], given[1]![0]);
  }
  if (has(o, 'group') && o.allGroups) throw cannotCombine('group', 'all-groups');
  if (has(o, 'group') && o.list) throw cannotCombine('group', 'list');
  if (has(o, 'topic') && (o.list || o.describe)) throw cannotCombine('topic', o.list ? 'list' : 'describe');

  const actions = ACTIONS.filter((a) => o[a] === true);
  if (actions.length !== 1) {
    throw new CliError(`Command must include exactly one action: ${ACTIONS.map((a) => `--${ACTION_FLAGS[a]}`).join(', ')}`);
  }
  const action = actions[0]!;
  if (action === 'resetOffsets') {
    // Kafka finds these out per group, after contacting the cluster; the messages are the same.
    if (!RESET_SCENARIOS.some(([, key]) => has(o, key))) {
      throw new CliError(
        `Option '[reset-offsets]' requires one of the following scenarios: [${RESET_SCENARIOS.map(([flag]) => `[${flag}]`).join(', ')}]`,
      );
    }
    if (!o.allTopics && !has(o, 'topic') && !has(o, 'fromFile')) {
      throw new CliError('One of the reset scopes should be defined: --all-topics, --topic.');
    }
  }
  // mq's additions.
  if (o.watch !== undefined && action !== 'describe') throw new CliError('Option [watch] can only be used with [describe]');
  if (o.export && o.output === 'json') throw new CliError('Option [export] prints CSV and cannot be combined with --output json');
  return { action, dryRunWarning };
}

/** --watch [seconds]: the refresh interval in ms. */
function watchIntervalMs(value: string | true): number {
  const seconds = value === true ? DEFAULT_WATCH_SECONDS : Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`Option [watch] takes a number of seconds greater than 0, not '${String(value)}'`);
  return seconds * 1000;
}

/** Option parser for Kafka's Long flags (--to-offset, --shift-by). */
function long(value: string): bigint {
  if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError('not an integer');
  const n = BigInt(value.trim());
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw new InvalidArgumentError('out of range for a 64-bit integer');
  return n;
}

// ---- the command ---------------------------------------------------------------------------------

/** ListGroups answers every group; the tool shows consumer groups (protocol type `consumer`, or none yet). */
const isConsumerGroup = (protocolType: string): boolean => protocolType === 'consumer' || protocolType === '';

const KAFKA_DELETE_OFFSETS_MESSAGES: Readonly<Record<string, (group: string) => string>> = {
  INVALID_GROUP_ID: (g) => `Error: '${g}' is not valid.`,
  GROUP_ID_NOT_FOUND: (g) => `Error: '${g}' does not exist.`,
  GROUP_AUTHORIZATION_FAILED: (g) => `Error: Access to '${g}' is not authorized.`,
  NON_EMPTY_GROUP: (g) => `Error: Deleting offsets of a consumer group '${g}' is forbidden if the group is not empty.`,
  GROUP_SUBSCRIBED_TO_TOPIC: () => 'Error: Encounter some partition level error, see the follow-up details:',
  TOPIC_AUTHORIZATION_FAILED: () => 'Error: Encounter some partition level error, see the follow-up details:',
  UNKNOWN_TOPIC_OR_PARTITION: () => 'Error: Encounter some partition level error, see the follow-up details:',
};

/** Text for stdout, and the notes for stderr, of one describe pass; written at once so --watch redraws without flicker. */
interface Snapshot {
  out: string;
  err: string;
}

class ConsumerGroupsRun {
  private readonly colors: Colors;
  private readonly json: boolean;
  private readonly table: boolean;
  /** Some group could not be acted on; its `Error:` line is printed and the exit status will be 1. */
  failed = false;

  constructor(
    private readonly ctx: CliContext,
    private readonly admin: AdminClient,
    private readonly o: ConsumerGroupsOptions,
  ) {
    this.colors = colorsFor(ctx);
    this.json = o.output === 'json';
    this.table = !this.json && ctx.isTTY.stdout;
  }

  /** A note in Kafka's place (after an empty line), or on stderr when stdout carries JSON. */
  private note(snap: Snapshot, n: Note | null): void {
    if (n === null) return;
    if (n.failed) this.failed = true;
    if (this.json || n.stream === 'stderr') snap.err += this.json ? `${n.text}\n` : `\n${n.text}\n`;
    else snap.out += `\n${n.failed ? this.colors.red(n.text) : n.text}\n`;
  }

  private flush(snap: Snapshot): void {
    if (snap.out !== '') this.ctx.stdout.write(snap.out);
    if (snap.err !== '') this.ctx.stderr.write(snap.err);
  }

  /** The cluster's consumer groups, in the admin client's order (by id). */
  private async consumerGroups(states?: string[]): Promise<GroupListing[]> {
    const listings = await withSpinner(this.ctx, 'listing consumer groups', () => this.admin.listGroups(states ? { states } : {}));
    return listings.filter((l) => isConsumerGroup(l.protocolType));
  }

  private async groupIds(): Promise<string[]> {
    if (this.o.allGroups) return (await this.consumerGroups()).map((l) => l.groupId);
    return [...new Set(this.o.group)];
  }

  /**
   * Descriptions sorted by group id (Kafka keeps them in a TreeMap). A group the coordinator does
   * not know is Dead (the classic coordinator says so itself; a KIP-848 one answers
   * GROUP_ID_NOT_FOUND); any other error stops the command.
   */
  private async describeGroups(ids: readonly string[]): Promise<GroupDescription[]> {
    if (ids.length === 0) return [];
    const descriptions = await this.admin.describeGroups([...ids]);
    return descriptions
      .map((d) => {
        if (d.error === null) return d;
        if (d.error.errorName === 'GROUP_ID_NOT_FOUND') return { ...d, state: 'Dead', members: [], error: null };
        throw d.error;
      })
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** The group's committed offsets (partitions without a commit are not listed). */
  private async committed(group: string): Promise<PartitionOffset[]> {
    const offsets = await this.admin.listGroupOffsets(group);
    throwFirstError(offsets);
    return offsets.filter((c) => c.offset >= 0n).map(({ topic, partition, offset }) => ({ topic, partition, offset }));
  }

  /** Offsets at `timestamp` (-1n latest, -2n earliest, or ms) by tpString; failed lookups are absent. */
  private async logOffsets(partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
    if (partitions.length === 0) return new Map();
    const results = await this.admin.listOffsets(partitions.map(({ topic, partition }) => ({ topic, partition, timestamp })));
    return new Map(results.filter((r) => r.error === null).map((r) => [tpString(r), r.offset]));
  }

  // ---- --list -----------------------------------------------------------------------------------

  async list(): Promise<void> {
    const { state } = this.o;
    const filter = typeof state === 'string' && state !== '' ? parseStates(state) : undefined;
    const groups = listView(await this.consumerGroups(filter));
    if (this.json) this.ctx.stdout.write(`${toJson(groups)}\n`);
    else if (this.table) this.ctx.stdout.write(renderListTable(groups, this.colors));
    else this.ctx.stdout.write(renderList(groups, state !== undefined));
  }

  // ---- --describe -------------------------------------------------------------------------------

  async describe(): Promise<void> {
    if (this.o.watch === undefined) {
      this.flush(await this.describeOnce());
      return;
    }
    await this.watch(watchIntervalMs(this.o.watch));
  }

  /**
   * Redraws the describe view every interval until Ctrl-C: on a terminal the screen is cleared
   * first; elsewhere snapshots follow each other (Kafka's text starts with an empty line, JSON is
   * one document per line).
   */
  private async watch(intervalMs: number): Promise<void> {
    let stop = (): void => undefined;
    const stopped = new Promise<'stop'>((resolve) => (stop = () => resolve('stop')));
    const unsubscribe = this.ctx.onShutdown(stop);
    try {
      for (;;) {
        const snap = await this.describeOnce();
        if (this.ctx.isTTY.stdout) snap.out = `\x1b[H\x1b[2J${snap.out}`;
        this.flush(snap);
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), intervalMs)));
        const next = await Promise.race([stopped, tick]);
        clearTimeout(timer);
        if (next === 'stop') return;
      }
    } finally {
      unsubscribe();
    }
  }

  private async describeOnce(): Promise<Snapshot> {
    const snap: Snapshot = { out: '', err: '' };
    const descriptions = await withSpinner(this.ctx, 'describing consumer groups', async () => this.describeGroups(await this.groupIds()));
    if (this.o.members) this.describeMembers(snap, descriptions);
    else if (this.o.state !== undefined) this.describeState(snap, descriptions);
    else this.describeOffsets(snap, await withSpinner(this.ctx, 'fetching offsets', () => this.offsetsViews(descriptions)));
    return snap;
  }

  private async offsetsViews(descriptions: readonly GroupDescription[]): Promise<OffsetsView[]> {
    const committed = await Promise.all(descriptions.map((d) => this.committed(d.groupId)));
    const partitions = descriptions.flatMap((d, i) => describedPartitions(d, committed[i]!));
    const logEnd = await this.logOffsets(uniquePartitions(partitions), -1n);
    return descriptions.map((d, i) => offsetsView(d, committed[i]!, logEnd));
  }

  private describeOffsets(snap: Snapshot, views: readonly OffsetsView[]): void {
    for (const view of views) {
      const { note, show } = stateCheck(view.group, view.state, view.rows.length);
      this.note(snap, note);
      if (show && !this.json) snap.out += this.table ? renderOffsetsTable(view, this.colors) : renderOffsets(view);
    }
    if (this.json) snap.out += `${toJson(views.filter((v) => v.state !== 'Dead'))}\n`;
  }

  private describeMembers(snap: Snapshot, descriptions: readonly GroupDescription[]): void {
    const verbose = this.o.verbose === true;
    const views = descriptions.map(membersView);
    for (const view of views) {
      const { note, show } = stateCheck(view.group, view.state, view.members.length);
      this.note(snap, note);
      // Kafka prints the header even for a group that does not exist or has no members.
      if (this.table && show) snap.out += renderMembersTable(view, verbose, this.colors);
      else if (!this.table && !this.json) snap.out += renderMembers(view, verbose);
    }
    if (this.json) snap.out += `${toJson(views.filter((v) => v.state !== 'Dead'))}\n`;
  }

  private describeState(snap: Snapshot, descriptions: readonly GroupDescription[]): void {
    const shown: StateView[] = [];
    for (const view of descriptions.map(stateView)) {
      const { note, show } = stateCheck(view.group, view.state, 1);
      this.note(snap, note);
      if (!show) continue;
      shown.push(view);
      if (!this.json && !this.table) snap.out += renderState(view);
    }
    if (this.json) snap.out += `${toJson(shown)}\n`;
    else if (this.table && shown.length > 0) snap.out += renderStateTable(shown, this.colors);
  }

  // ---- --reset-offsets --------------------------------------------------------------------------

  async resetOffsets(): Promise<void> {
    const snap: Snapshot = { out: '', err: '' };
    try {
      await this.resetGroups(snap);
    } finally {
      // What was found before a failure is still reported, as Kafka prints it as it goes.
      this.flush(snap);
    }
  }

  private async resetGroups(snap: Snapshot): Promise<void> {
    const ids = await this.groupIds();
    const plan = this.o.fromFile === undefined ? null : await this.resetPlan(ids);
    const descriptions = await withSpinner(this.ctx, 'describing consumer groups', () => this.describeGroups(ids));
    const rows: GroupOffset[] = [];
    for (const d of descriptions) {
      if (d.state !== 'Empty' && d.state !== 'Dead') {
        const text = `Error: Assignments can only be reset if the group '${d.groupId}' is inactive, but the current state is ${d.state}.`;
        this.note(snap, { stream: 'stdout', text, failed: true });
        continue;
      }
      const offsets = await this.prepareReset(snap, d.groupId, plan);
      if (this.o.execute && offsets.length > 0) {
        throwFirstError(await withSpinner(this.ctx, `resetting offsets of ${d.groupId}`, () => this.admin.alterGroupOffsets(d.groupId, offsets)));
      }
      rows.push(...offsets.map((p) => ({ group: d.groupId, ...p })));
    }
    if (this.o.export) {
      // Kafka println()s the CSV, which already ends with a line break.
      snap.out += `${toCsv(rows, this.o.group?.length !== 1)}\n`;
    } else if (this.json) {
      snap.out += `${toJson({ executed: this.o.execute === true, offsets: rows })}\n`;
    } else if (this.table) {
      snap.out += renderResetTable(rows, this.colors);
    } else {
      snap.out += renderReset(descriptions.length, rows);
    }
  }

  /** --from-file, read once: with exactly one --group, its lines may leave the group out. */
  private async resetPlan(ids: readonly string[]): Promise<Map<string, PartitionOffset[]>> {
    const csv = await readFile(this.o.fromFile!, 'utf8');
    return parseResetPlan(csv, this.o.group?.length === 1 ? ids[0]! : null);
  }

  /** The partitions to reset: those --topic names (a bare topic: all its partitions), or all the group committed (--all-topics). */
  private async resetScope(group: string): Promise<TopicPartition[]> {
    if (this.o.allTopics) return (await this.committed(group)).map(({ topic, partition }) => ({ topic, partition }));
    const args = (this.o.topic ?? []).map(parseTopicArg);
    const bare = [...new Set(args.filter((a) => a.partitions === null).map((a) => a.topic))];
    const described = bare.length === 0 ? [] : await this.admin.describeTopics(bare);
    throwFirstError(described);
    const listed = args.flatMap((a) => (a.partitions ?? []).map((partition) => ({ topic: a.topic, partition })));
    return uniquePartitions([...listed, ...described.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })))]);
  }

  /**
   * Kafka 4's checkAllTopicPartitionsValid, with its messages: every partition must exist and have
   * a leader, or nothing is reset (an offset committed for a partition that does not exist would
   * only confuse the next reader).
   */
  private async checkPartitionsValid(partitions: readonly TopicPartition[]): Promise<void> {
    const topics = [...new Set(partitions.map((p) => p.topic))];
    if (topics.length === 0) return;
    const described = await this.admin.describeTopics(topics);
    const leaders = new Map(described.filter((t) => t.error === null).flatMap((t) => t.partitions.map((p) => [tpString({ topic: t.name, partition: p.partition }), p.leader])));
    const missing = partitions.filter((p) => !leaders.has(tpString(p)));
    if (missing.length > 0) throw new Error(`The partitions "${missing.map(tpString).join(',')}" do not exist`);
    const leaderless = partitions.filter((p) => leaders.get(tpString(p))! < 0);
    if (leaderless.length > 0) throw new Error(`The partitions "${leaderless.map(tpString).join(',')}" have no leader`);
  }

  /** Kafka's prepareOffsetsToReset for one inactive group; sorted by topic and partition. */
  private async prepareReset(snap: Snapshot, group: string, plan: Map<string, PartitionOffset[]> | null): Promise<PartitionOffset[]> {
    const o = this.o;
    if (plan !== null) {
      const planned = plan.get(group);
      if (planned === undefined) {
        this.note(snap, { stream: 'stdout', text: `Error: No reset plan for group ${group} found`, failed: true });
        return [];
      }
      await this.checkPartitionsValid(planned);
      return this.clamp(snap, planned);
    }
    const partitions = await this.resetScope(group);
    await this.checkPartitionsValid(partitions);
    const at = (offsets: ReadonlyMap<string, bigint>, describe: string): PartitionOffset[] =>
      partitions.map((tp) => {
        const offset = offsets.get(tpString(tp));
        if (offset === undefined) throw new UsageError(`Error getting ${describe} of topic partition: ${tpString(tp)}`);
        return { ...tp, offset };
      });

    let offsets: PartitionOffset[];
    if (o.toOffset !== undefined) {
      offsets = await this.clamp(snap, partitions.map((tp) => ({ ...tp, offset: o.toOffset! })));
    } else if (o.toEarliest) {
      offsets = at(await this.logOffsets(partitions, -2n), 'starting offset');
    } else if (o.toLatest) {
      offsets = at(await this.logOffsets(partitions, -1n), 'ending offset');
    } else if (o.shiftBy !== undefined) {
      const current = new Map((await this.committed(group)).map((c) => [tpString(c), c.offset]));
      const requested = partitions.map((tp) => {
        const offset = current.get(tpString(tp));
        if (offset === undefined) {
          throw new UsageError(`Cannot shift offset for partition ${tpString(tp)} since there is no current committed offset`);
        }
        return { ...tp, offset: offset + o.shiftBy! };
      });
      offsets = await this.clamp(snap, requested);
    } else if (o.toDatetime !== undefined) {
      offsets = await this.byTimestamp(snap, partitions, BigInt(parseDateTime(o.toDatetime)));
    } else if (o.byDuration !== undefined) {
      offsets = await this.byTimestamp(snap, partitions, timestampBefore(Date.now(), o.byDuration));
    } else {
      // --to-current: the committed offset, or the log end where there is none.
      const current = new Map((await this.committed(group)).map((c) => [tpString(c), c.offset]));
      const uncommitted = partitions.filter((tp) => !current.has(tpString(tp)));
      const logEnd = await this.logOffsets(uncommitted, -1n);
      offsets = partitions.map((tp) => {
        const offset = current.get(tpString(tp)) ?? logEnd.get(tpString(tp));
        if (offset === undefined) throw new UsageError(`Error getting ending offset of topic partition: ${tpString(tp)}`);
        return { ...tp, offset };
      });
    }
    return offsets.sort(byTopicPartition);
  }

  /** Kafka's checkOffsetsRange, warnings on stderr as its log does. */
  private async clamp(snap: Snapshot, requested: readonly PartitionOffset[]): Promise<PartitionOffset[]> {
    const [earliest, latest] = await Promise.all([this.logOffsets(requested, -2n), this.logOffsets(requested, -1n)]);
    return requested
      .map((r) => {
        const key = tpString(r);
        const { offset, warning } = clampOffset(r, r.offset, { earliest: earliest.get(key) ?? null, latest: latest.get(key) ?? null });
        if (warning !== null) snap.err += `WARN ${warning}\n`;
        return { topic: r.topic, partition: r.partition, offset };
      })
      .sort(byTopicPartition);
  }

  /** The first offset at or after `timestamp`; a partition with none falls back to its log end, with Kafka's note. */
  private async byTimestamp(snap: Snapshot, partitions: readonly TopicPartition[], timestamp: bigint): Promise<PartitionOffset[]> {
    const found = await this.logOffsets(partitions, timestamp);
    const empty = partitions.filter((tp) => found.get(tpString(tp)) === -1n);
    for (const tp of empty) {
      this.note(snap, { stream: 'stdout', text: `Warn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`, failed: false });
    }
    const logEnd = await this.logOffsets(empty, -1n);
    return partitions.map((tp) => {
      const key = tpString(tp);
      const offset = found.get(key) === -1n ? logEnd.get(key) : found.get(key);
      if (offset === undefined) throw new UsageError(`Error getting offset by timestamp of topic partition: ${key}`);
      return { ...tp, offset };
    });
  }

  // ---- --delete ---------------------------------------------------------------------------------

  async delete(): Promise<void> {
    const ids = await this.groupIds();
    const results = ids.length === 0 ? [] : await withSpinner(this.ctx, 'deleting consumer groups', () => this.admin.deleteGroups(ids));
    const view: DeleteGroupsView = {
      deleted: results.filter((r) => r.error === null).map((r) => r.groupId),
      failed: results.filter((r) => r.error !== null).map((r) => ({ group: r.groupId, error: kafkaToolMessage(r.error) })),
    };
    if (view.failed.length > 0) this.failed = true;
    if (this.json) {
      this.ctx.stdout.write(`${toJson(view)}\n`);
      for (const f of view.failed) this.ctx.stderr.write(`* Group '${f.group}' could not be deleted due to: ${f.error}\n`);
    } else {
      this.ctx.stdout.write(renderDeleteGroups(view));
    }
  }

  // ---- --delete-offsets -------------------------------------------------------------------------

  async deleteOffsets(): Promise<void> {
    const groups = this.o.group ?? [];
    // joptsimple's valueOf() on a repeated option, which Kafka reports as a failure of the command.
    if (groups.length > 1) throw new Error('Found multiple arguments for option group, but you asked for only one');
    const group = groups[0]!;
    const topics = this.o.topic ?? [];
    const args = topics.map(parseTopicArg);
    const rows: DeletedOffsetRow[] = [];
    const partitions = args.flatMap((a) => (a.partitions ?? []).map((partition) => ({ topic: a.topic, partition })));
    const bare = [...new Set(args.filter((a) => a.partitions === null).map((a) => a.topic))];
    for (const t of bare.length === 0 ? [] : await this.admin.describeTopics(bare)) {
      if (t.error !== null) rows.push({ topic: t.name, partition: -1, error: kafkaToolMessage(t.error) });
      else partitions.push(...t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    }
    const targets = uniquePartitions(partitions);
    let topLevel: KafkaError | null = null;
    try {
      const results = targets.length === 0 ? [] : await withSpinner(this.ctx, 'deleting offsets', () => this.admin.deleteGroupOffsets(group, targets));
      rows.push(...results.map((r) => ({ topic: r.topic, partition: r.partition, error: r.error === null ? null : kafkaToolMessage(r.error) })));
      // Kafka's result fails as a whole when any partition failed; that error picks the message.
      topLevel = results.find((r) => r.error !== null)?.error ?? null;
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      topLevel = err;
      rows.push(...targets.map((tp) => ({ ...tp, error: kafkaToolMessage(err) })));
    }

    const headline =
      topLevel === null
        ? { text: `Request succeed for deleting offsets with topic ${topics.join(', ')} group ${group}`, failed: false }
        : { text: (KAFKA_DELETE_OFFSETS_MESSAGES[topLevel.errorName] ?? (() => `Error: Encounter some unknown error: ${topLevel!.errorName}`))(group), failed: true };
    if (headline.failed) this.failed = true;
    if (this.json) {
      if (headline.failed) this.ctx.stderr.write(`${headline.text}\n`);
      this.ctx.stdout.write(`${toJson({ group, error: topLevel === null ? null : kafkaToolMessage(topLevel), partitions: sortDeletedOffsets(rows) })}\n`);
      return;
    }
    // Kafka prints the success line as is and failures after an empty line (printError).
    this.ctx.stdout.write(headline.failed ? `\n${this.colors.red(headline.text)}\n` : `${headline.text}\n`);
    this.ctx.stdout.write(this.table ? renderDeleteOffsetsTable(rows, this.colors) : renderDeleteOffsets(rows));
  }
}

function uniquePartitions(partitions: readonly TopicPartition[]): TopicPartition[] {
  const seen = new Map(partitions.map((p) => [tpString(p), { topic: p.topic, partition: p.partition }]));
  return [...seen.values()];
}

const VERBS: Readonly<Record<Action, string>> = {
  list: 'list consumer groups',
  describe: 'describe consumer groups',
  delete: 'delete consumer groups',
  resetOffsets: 'reset offsets',
  deleteOffsets: 'delete offsets',
};

/**
 * Values Kafka rejects after parsing, checked before anything is contacted: a bad state list or
 * --topic is a usage error, a bad date or duration a failure of the command (Kafka parses them
 * while resetting), each with Kafka's message.
 */
function checkValues(o: ConsumerGroupsOptions, failure: (err: unknown) => CliError): void {
  try {
    if (typeof o.state === 'string' && o.state !== '') parseStates(o.state);
    (o.topic ?? []).forEach(parseTopicArg);
  } catch (err) {
    throw new CliError(messageOf(err), { cause: err });
  }
  try {
    if (o.toDatetime !== undefined) parseDateTime(o.toDatetime);
    if (o.byDuration !== undefined) parseDuration(o.byDuration);
  } catch (err) {
    throw failure(err);
  }
}

async function runConsumerGroups(ctx: CliContext, o: ConsumerGroupsOptions): Promise<void> {
  const { action, dryRunWarning } = consumerGroupsAction(o);
  if (dryRunWarning) ctx.stderr.write(`${RESET_WARNING}\n`);
  const failure = (err: unknown): CliError =>
    o.output === 'json'
      ? unableTo(VERBS[action], err)
      : new CliError(`\nError: Executing consumer group command failed due to ${kafkaToolMessage(err)}`, { cause: err, stream: 'stdout' });
  checkValues(o, failure);

  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), props);
  // Kafka applies --timeout (default 5000 ms) to each admin call; request.timeout.ms from the
  // config file is kept unless --timeout is given.
  if (o.timeout !== undefined || props['request.timeout.ms'] === undefined) config.requestTimeoutMs = o.timeout ?? DEFAULT_TIMEOUT_MS;
  let admin: AdminClient | undefined;
  let run: ConsumerGroupsRun | undefined;
  try {
    admin = ctx.clients.admin(config);
    run = new ConsumerGroupsRun(ctx, admin, o);
    await run[action]();
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (err instanceof UsageError) throw new CliError(err.message, { cause: err });
    throw failure(err);
  } finally {
    // The outcome is already decided; a failure to close cleanly must not replace it.
    await admin?.close().catch(() => undefined);
  }
  if (run.failed) throw new ReportedFailure();
}

export function consumerGroupsCommand(ctx: CliContext): Command {
  const cmd = new Command('consumer-groups')
    .description('List, describe, delete consumer groups, or reset and delete their offsets (kafka-consumer-groups.sh)')
    .option('--list', 'list all consumer groups')
    .option('--describe', 'describe consumer groups and list offset lag (messages not yet processed)')
    .option('--delete', 'delete consumer groups (their offsets and ownership information)')
    .option('--reset-offsets', 'reset offsets of inactive consumer groups: --dry-run (the default) shows the plan, --execute applies it')
    .option('--delete-offsets', 'delete offsets of a consumer group, for topics or partitions (--topic t or t:0,1)')
    .option('--group <group>', 'the consumer group to act on (repeatable)', collect)
    .option('--all-groups', 'apply to all consumer groups')
    .option('--topic <topic>', "a topic for --reset-offsets or --delete-offsets, all its partitions or some: 'topic:0,1,2' (repeatable)", collect)
    .option('--all-topics', 'with --reset-offsets: every topic the group has committed offsets for')
    .option('--timeout <ms>', `timeout of each request to the cluster (default: ${DEFAULT_TIMEOUT_MS})`, integer)
    .option('--offsets', 'with --describe: partitions with committed offset, log end offset and lag (the default)')
    .option('--members', 'with --describe: the group members')
    .option('--state [states]', "with --describe: the group's state; with --list: show states, or only groups in these states (e.g. stable,empty)")
    .option('--verbose', 'with --describe --members: each member\'s assignment; with an error: its stack trace')
    .option('--dry-run', 'with --reset-offsets: only show the offsets that would be set (the default)')
    .option('--execute', 'with --reset-offsets: set the offsets')
    .option('--export', 'with --reset-offsets: print the offsets as CSV (topic,partition,offset; group first for several groups)')
    .option('--to-offset <offset>', 'reset to this offset (kept within the log)', long)
    .option('--to-earliest', 'reset to the earliest offset')
    .option('--to-latest', 'reset to the latest offset')
    .option('--to-current', 'reset to the current committed offset (the log end where there is none)')
    .option('--shift-by <n>', 'reset to the committed offset plus n (n may be negative; kept within the log)', long)
    .option('--to-datetime <datetime>', "reset to the first offset at or after 'YYYY-MM-DDTHH:mm:SS.sss', optionally with a zone (Z, +hh:mm); UTC by default")
    .option('--by-duration <duration>', "reset to the first offset at or after now minus an ISO-8601 duration 'PnDTnHnMnS'")
    .option('--from-file <file>', 'reset to the offsets in a CSV file as --export writes it')
    .option('--watch [seconds]', `with --describe: refresh every few seconds (default: ${DEFAULT_WATCH_SECONDS}) until Ctrl-C`);
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output']);
  return cmd.action((o: ConsumerGroupsOptions) => runConsumerGroups(ctx, o));
}
