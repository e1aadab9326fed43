// What `mq consumer-groups` shows, as pure functions: plain view objects built from the admin
// client's answers, Kafka's exact text for each (AK ConsumerGroupCommand as of 4.0, the version
// shared/reference/cli.md §1.4 describes), and the terminal tables. Everything here is
// deterministic and tested without a cluster.
//
// Kafka's text is printf-formatted: `%-Ns` pads to at least N, longer values push the row out.
// Widths are max(15, longest value) for names and ids, fixed for numbers. Each table starts with
// an empty line, and a missing value prints `-`. Quirks kept on purpose, because scripts parse
// this text: --state sizes its GROUP column by the coordinator's text, --members prints its
// header even for a group that does not exist, delete-offsets sorts by `topic + partition` as a
// string.

import type { GroupDescription, GroupListing, MemberDescription, TopicPartition } from '../../client/index.js';
import type { Colors } from '../output/color.js';
import { renderTable } from '../output/table.js';
import { byTopicPartition, tpString, type GroupOffset, type PartitionOffset } from './reset-specs.js';

const MISSING = '-';

const pad = (value: string, width: number): string => value.padEnd(width);
const text = (value: bigint | number | string | null): string => (value === null ? MISSING : String(value));
const widest = (floor: number, values: readonly string[]): number => Math.max(floor, ...values.map((v) => v.length));

// ---- group states -----------------------------------------------------------------------------------

/** ConsumerGroupState's names, in its declaration order (the order Kafka lists them in). */
const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'] as const;

/** `--list --state stable,empty`: case-insensitive, as ConsumerGroupState.parse; Kafka's message otherwise. */
export function parseStates(input: string): string[] {
  const states = input.split(',').map((s) => GROUP_STATES.find((known) => known.toLowerCase() === s.trim().toLowerCase()));
  if (states.some((s) => s === undefined)) {
    throw new Error(`Invalid state list '${input}'. Valid states are: ${GROUP_STATES.join(', ')}`);
  }
  return [...new Set(states as string[])];
}

/** A line Kafka prints about a group's state rather than its data. */
export interface Note {
  stream: 'stdout' | 'stderr';
  /** Without the empty line Kafka prints before it. */
  text: string;
  /** Kafka's `Error:` lines: the action did not happen for this group, so mq exits 1. */
  failed: boolean;
}

/**
 * Kafka's shouldPrintMemberState: the note for a group's state, and whether its table is printed
 * (a group that exists and has rows). Any other state is Kafka's "should never happen" exception.
 */
export function stateCheck(group: string, state: string, rows: number): { note: Note | null; show: boolean } {
  switch (state) {
    case 'Dead':
      return { note: { stream: 'stdout', text: `Error: Consumer group '${group}' does not exist.`, failed: true }, show: false };
    case 'Empty':
      return { note: { stream: 'stderr', text: `Consumer group '${group}' has no active members.`, failed: false }, show: rows > 0 };
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Assigning':
    case 'Reconciling':
      return { note: { stream: 'stderr', text: `Warning: Consumer group '${group}' is rebalancing.`, failed: false }, show: rows > 0 };
    case 'Stable':
      return { note: null, show: rows > 0 };
    default:
      throw new Error(`Expected a valid consumer group state, but found '${state}'.`);
  }
}

// ---- --list ------------------------------------------------------------------------------------------

export interface ListedGroupView {
  group: string;
  state: string;
}

export function listView(listings: readonly GroupListing[]): ListedGroupView[] {
  return listings.map((l) => ({ group: l.groupId, state: l.state }));
}

/** `--list`: ids one per line; with `--state`, a GROUP (longest+10) and STATE (20) table. */
export function renderList(groups: readonly ListedGroupView[], withState: boolean): string {
  if (!withState) return groups.map((g) => `${g.group}\n`).join('');
  const width = widest(15, groups.map((g) => g.group)) + 10;
  return [{ group: 'GROUP', state: 'STATE' }, ...groups].map((g) => `${pad(g.group, width)} ${pad(g.state, 20)}\n`).join('');
}

export function renderListTable(groups: readonly ListedGroupView[], colors: Colors): string {
  return renderTable(colors, ['GROUP', 'STATE'], groups.map((g) => [colors.cyan(g.group), stateColor(colors, g.state)]));
}

function stateColor(colors: Colors, state: string): string {
  if (state === 'Stable') return colors.green(state);
  if (state === 'Empty' || state === 'Dead') return colors.dim(state);
  return colors.yellow(state);
}

// ---- --describe --offsets -----------------------------------------------------------------------

export interface OffsetRow extends TopicPartition {
  group: string;
  /** Committed offset; null when the group has none for the partition. */
  currentOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  /** The owning member; null for committed partitions nobody is assigned. */
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface OffsetsView {
  group: string;
  state: string;
  rows: OffsetRow[];
  /** The sum of the known lags: Kafka prints none, mq adds it on a terminal and in JSON. */
  totalLag: bigint;
  lagByTopic: Record<string, bigint>;
}

/** The group's members that own partitions, most partitions first (Kafka's order, stable otherwise). */
function owners(d: GroupDescription): MemberDescription[] {
  return d.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
}

/** Every partition the offsets view has a row for: assigned ones, then committed ones nobody owns. */
export function describedPartitions(d: GroupDescription, committed: readonly PartitionOffset[]): TopicPartition[] {
  const owned = owners(d).flatMap((m) => [...m.assignment].sort(byTopicPartition));
  const ownedKeys = new Set(owned.map(tpString));
  const unowned = committed.filter((c) => !ownedKeys.has(tpString(c))).sort(byTopicPartition);
  return [...owned, ...unowned.map(({ topic, partition }) => ({ topic, partition }))];
}

/**
 * Kafka's collectGroupsOffsets: one row per assigned partition (members with the most partitions
 * first, each member's partitions by topic and partition), then the committed partitions nobody
 * owns, with `-` for the consumer columns. Lag is log end minus committed, when both are known.
 */
export function offsetsView(d: GroupDescription, committed: readonly PartitionOffset[], logEndOffsets: ReadonlyMap<string, bigint>): OffsetsView {
  const committedAt = new Map(committed.map((c) => [tpString(c), c.offset]));
  const ownerOf = new Map(owners(d).flatMap((m) => m.assignment.map((tp) => [tpString(tp), m] as const)));
  const rows = describedPartitions(d, committed).map((tp): OffsetRow => {
    const key = tpString(tp);
    const currentOffset = committedAt.get(key) ?? null;
    const logEndOffset = logEndOffsets.get(key) ?? null;
    const member = ownerOf.get(key);
    return {
      group: d.groupId,
      topic: tp.topic,
      partition: tp.partition,
      currentOffset,
      logEndOffset,
      lag: currentOffset !== null && logEndOffset !== null ? logEndOffset - currentOffset : null,
      consumerId: member?.memberId ?? null,
      host: member?.clientHost ?? null,
      clientId: member?.clientId ?? null,
    };
  });
  const lagByTopic: Record<string, bigint> = {};
  for (const r of [...rows].sort(byTopicPartition)) {
    if (r.lag !== null) lagByTopic[r.topic] = (lagByTopic[r.topic] ?? 0n) + r.lag;
  }
  return { group: d.groupId, state: d.state, rows, totalLag: Object.values(lagByTopic).reduce((a, b) => a + b, 0n), lagByTopic };
}

const OFFSETS_HEAD = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];

function offsetCells(r: OffsetRow): string[] {
  return [r.group, r.topic, String(r.partition), text(r.currentOffset), text(r.logEndOffset), text(r.lag), text(r.consumerId), text(r.host), text(r.clientId)];
}

/** `%-G %-T %-10s %-15s %-15s %-15s %-C %-H %s`, G/T/C/H = max(15, longest). */
export function renderOffsets(view: OffsetsView): string {
  const cells = view.rows.map(offsetCells);
  const [g, t, c, h] = [0, 1, 6, 7].map((i) => widest(15, cells.map((row) => row[i]!)));
  const widths = [g!, t!, 10, 15, 15, 15, c!, h!];
  const line = (row: readonly string[]): string => `${row.map((v, i) => (i < widths.length ? pad(v, widths[i]!) : v)).join(' ')}\n`;
  return `\n${line(OFFSETS_HEAD)}${cells.map(line).join('')}`;
}

export function renderOffsetsTable(view: OffsetsView, colors: Colors): string {
  const lagColor = (lag: bigint | null): string => (lag === null ? colors.dim(MISSING) : lag > 0n ? colors.yellow(String(lag)) : colors.green(String(lag)));
  const table = renderTable(
    colors,
    OFFSETS_HEAD,
    view.rows.map((r) => {
      const cells = offsetCells(r).map((v) => (v === MISSING ? colors.dim(v) : v));
      cells[0] = colors.cyan(r.group);
      cells[5] = lagColor(r.lag);
      return cells;
    }),
  );
  const perTopic = Object.entries(view.lagByTopic).map(([topic, lag]) => `${topic}: ${lag}`);
  const total = view.totalLag > 0n ? colors.yellow(String(view.totalLag)) : colors.green(String(view.totalLag));
  return `${table}${colors.bold('Total lag:')} ${total}${perTopic.length > 1 ? ` (${perTopic.join(', ')})` : ''}\n`;
}

// ---- --describe --members ------------------------------------------------------------------------

export interface MemberRow {
  group: string;
  consumerId: string;
  groupInstanceId: string | null;
  host: string;
  clientId: string;
  partitions: number;
  assignment: TopicPartition[];
}

export interface MembersView {
  group: string;
  state: string;
  members: MemberRow[];
}

export function membersView(d: GroupDescription): MembersView {
  return {
    group: d.groupId,
    state: d.state,
    members: d.members.map((m) => ({
      group: d.groupId,
      consumerId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      host: m.clientHost,
      clientId: m.clientId,
      partitions: m.assignment.length,
      assignment: [...m.assignment].sort(byTopicPartition),
    })),
  };
}

/** `orders(0,1), payments(2)`: per topic, partitions ascending; topics sorted as text; `-` when none. */
export function assignmentText(assignment: readonly TopicPartition[]): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const tp of assignment) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic]
    .map(([topic, partitions]) => `${topic}(${partitions.sort((a, b) => a - b).join(',')})`)
    .sort()
    .join(', ');
}

/**
 * GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST CLIENT-ID #PARTITIONS [ASSIGNMENT]: every column but
 * the last padded, #PARTITIONS to 15 and followed by a space even when it ends the line.
 * GROUP-INSTANCE-ID (at least 17 wide) appears when any member has one.
 */
export function renderMembers(view: MembersView, verbose: boolean): string {
  const withInstanceId = view.members.some((m) => (m.groupInstanceId ?? '') !== '');
  const columns = (m: { group: string; consumerId: string; groupInstanceId: string; host: string; clientId: string; partitions: string }): string[] =>
    withInstanceId ? [m.group, m.consumerId, m.groupInstanceId, m.host, m.clientId, m.partitions] : [m.group, m.consumerId, m.host, m.clientId, m.partitions];
  const head = columns({ group: 'GROUP', consumerId: 'CONSUMER-ID', groupInstanceId: 'GROUP-INSTANCE-ID', host: 'HOST', clientId: 'CLIENT-ID', partitions: '#PARTITIONS' });
  const rows = view.members.map((m) => ({
    cells: columns({ ...m, groupInstanceId: m.groupInstanceId ?? '', partitions: String(m.partitions) }),
    assignment: assignmentText(m.assignment),
  }));
  const floors = withInstanceId ? [15, 15, 17, 15, 15] : [15, 15, 15, 15];
  const widths = [...floors.map((floor, i) => widest(floor, rows.map((r) => r.cells[i]!))), 15];
  const line = (cells: readonly string[], tail: string): string => `${cells.map((v, i) => pad(v, widths[i]!)).join(' ')} ${tail}\n`;
  return `\n${line(head, verbose ? 'ASSIGNMENT' : '')}${rows.map((r) => line(r.cells, verbose ? r.assignment : '')).join('')}`;
}

export function renderMembersTable(view: MembersView, verbose: boolean, colors: Colors): string {
  const withInstanceId = view.members.some((m) => (m.groupInstanceId ?? '') !== '');
  const head = ['GROUP', 'CONSUMER-ID', ...(withInstanceId ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])];
  return renderTable(
    colors,
    head,
    view.members.map((m) => [
      colors.cyan(m.group),
      m.consumerId,
      ...(withInstanceId ? [m.groupInstanceId ?? ''] : []),
      m.host,
      m.clientId,
      String(m.partitions),
      ...(verbose ? [assignmentText(m.assignment)] : []),
    ]),
  );
}

// ---- --describe --state -------------------------------------------------------------------------

export interface StateView {
  group: string;
  coordinator: { id: number; host: string; port: number };
  /** The assignor the group chose ('range', ...); empty while the group has no members. */
  assignmentStrategy: string;
  state: string;
  members: number;
}

export function stateView(d: GroupDescription): StateView {
  const { nodeId: id, host, port } = d.coordinator;
  return { group: d.groupId, coordinator: { id, host, port }, assignmentStrategy: d.protocol, state: d.state, members: d.members.length };
}

const coordinatorText = (v: StateView): string => `${v.coordinator.host}:${v.coordinator.port}  (${v.coordinator.id})`;

/** `%-C %-25s %-20s %-15s %s` with C = max(25, coordinator text): Kafka sizes GROUP by the coordinator. */
export function renderState(view: StateView): string {
  const coordinator = coordinatorText(view);
  const widths = [Math.max(25, coordinator.length), 25, 20, 15];
  const line = (cells: readonly string[]): string => `${cells.map((v, i) => (i < widths.length ? pad(v, widths[i]!) : v)).join(' ')}\n`;
  return `\n${line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'])}${line([view.group, coordinator, view.assignmentStrategy, view.state, String(view.members)])}`;
}

export function renderStateTable(views: readonly StateView[], colors: Colors): string {
  return renderTable(
    colors,
    ['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    views.map((v) => [colors.cyan(v.group), coordinatorText(v), v.assignmentStrategy, stateColor(colors, v.state), String(v.members)]),
  );
}

// ---- --reset-offsets ------------------------------------------------------------------------------

const RESET_HEAD = ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'];

/**
 * `%-30s %-30s %-10s %-15s`, after an empty line. The header is printed once any group was
 * considered, even when none had offsets to reset (a refused group still counts, as in Kafka).
 */
export function renderReset(groupsConsidered: number, rows: readonly GroupOffset[]): string {
  if (groupsConsidered === 0) return '';
  const line = (cells: readonly string[]): string => `${cells.map((v, i) => pad(v, [30, 30, 10, 15][i]!)).join(' ')}\n`;
  return `\n${line(RESET_HEAD)}${rows.map((r) => line([r.group, r.topic, String(r.partition), String(r.offset)])).join('')}`;
}

export function renderResetTable(rows: readonly GroupOffset[], colors: Colors): string {
  return renderTable(colors, RESET_HEAD, rows.map((r) => [colors.cyan(r.group), r.topic, String(r.partition), String(r.offset)]));
}

// ---- --delete ------------------------------------------------------------------------------------

export interface DeleteGroupsView {
  deleted: string[];
  failed: Array<{ group: string; error: string }>;
}

/** Kafka's deleteGroups text: one success line, or the failures (then the successes, if any). */
export function renderDeleteGroups(view: DeleteGroupsView): string {
  const quoted = (groups: readonly string[]): string => groups.map((g) => `'${g}'`).join(', ');
  if (view.failed.length === 0) return `Deletion of requested consumer groups (${quoted(view.deleted)}) was successful.\n`;
  return (
    '\nError: Deletion of some consumer groups failed:\n' +
    view.failed.map((f) => `* Group '${f.group}' could not be deleted due to: ${f.error}\n`).join('') +
    (view.deleted.length > 0 ? `\nThese consumer groups were deleted successfully: ${quoted(view.deleted)}\n` : '')
  );
}

// ---- --delete-offsets ----------------------------------------------------------------------------

export interface DeletedOffsetRow {
  topic: string;
  /** -1: the topic's partitions could not be found (Kafka prints `Not Provided`). */
  partition: number;
  error: string | null;
}

/** `%-30s %-15s %-15s`, sorted as Kafka sorts them: by the string topic + partition. */
export function renderDeleteOffsets(rows: readonly DeletedOffsetRow[]): string {
  const line = (cells: readonly string[]): string => `${cells.map((v, i) => pad(v, [30, 15, 15][i]!)).join(' ')}\n`;
  const cells = sortDeletedOffsets(rows).map((r) => [r.topic, r.partition >= 0 ? String(r.partition) : 'Not Provided', r.error === null ? 'Successful' : `Error: :${r.error}`]);
  return `\n${line(['TOPIC', 'PARTITION', 'STATUS'])}${cells.map(line).join('')}`;
}

export function sortDeletedOffsets(rows: readonly DeletedOffsetRow[]): DeletedOffsetRow[] {
  const key = (r: DeletedOffsetRow): string => `${r.topic}${r.partition}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function renderDeleteOffsetsTable(rows: readonly DeletedOffsetRow[], colors: Colors): string {
  return renderTable(
    colors,
    ['TOPIC', 'PARTITION', 'STATUS'],
    sortDeletedOffsets(rows).map((r) => [r.topic, r.partition >= 0 ? String(r.partition) : 'Not Provided', r.error === null ? colors.green('Successful') : colors.red(`Error: ${r.error}`)]),
  );
}
