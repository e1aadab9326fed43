import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaError, type ClientConfig, type GroupDescription, type MemberDescription, type TopicPartition } from '../../../src/client/index.js';
import { consumerGroupsAction, type ConsumerGroupsOptions } from '../../../src/cli/commands/consumer-groups.js';
import { run } from '../../../src/cli/main.js';
import { harness, javaFormat as jformat, mq, type AdminClient } from '../helpers.js';

const UNKNOWN_TOPIC_OR_PARTITION = 3;
const COORDINATOR_NOT_AVAILABLE = 15;
const NON_EMPTY_GROUP = 68;
const GROUP_ID_NOT_FOUND = 69;
const GROUP_SUBSCRIBED_TO_TOPIC = 86;

interface FakeTopic {
  /** Log start offset per partition. */
  earliest: bigint[];
  /** Log end offset per partition. */
  latest: bigint[];
  /** Leader per partition (default 1); -1 for none. */
  leaders?: number[];
}

interface FakeGroup {
  state: string;
  protocol?: string;
  protocolType?: string;
  members?: MemberDescription[];
  /** Committed offsets by `topic-partition`. */
  committed?: Record<string, bigint>;
}

const member = (memberId: string, clientId: string, host: string, assignment: TopicPartition[], groupInstanceId: string | null = null): MemberDescription => ({
  memberId,
  groupInstanceId,
  clientId,
  clientHost: host,
  assignment,
});
const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });
const COORDINATOR = { nodeId: 1, host: 'localhost', port: 9092, rack: null };

type Admin = AdminClient & { configs: ClientConfig[]; calls: string[]; closed: boolean };

/**
 * One broker with topics and classic consumer groups, answering as Kafka does: an unknown group
 * is Dead, a group with members cannot be deleted, ListOffsets by timestamp finds the first
 * offset whose record is at or after it (records here are at 1000 × offset ms).
 */
function fakeCluster(topics: Record<string, FakeTopic>, groups: Record<string, FakeGroup>, failing: Partial<Record<keyof AdminClient, Error>> = {}) {
  const fail = (name: keyof AdminClient): void => {
    if (failing[name]) throw failing[name];
  };
  const partitionError = (t: string, p: number) => (topics[t] && p < topics[t].latest.length ? null : new KafkaError(UNKNOWN_TOPIC_OR_PARTITION));
  const admin: Admin = {
    configs: [],
    calls: [],
    closed: false,
    async listGroups(options = {}) {
      admin.calls.push(`listGroups ${JSON.stringify(options)}`);
      return Object.entries(groups)
        .filter(([, g]) => !options.states || options.states.includes(g.state))
        .map(([groupId, g]) => ({ groupId, protocolType: g.protocolType ?? 'consumer', state: g.state }));
    },
    async describeGroups(ids) {
      fail('describeGroups');
      admin.calls.push(`describeGroups ${ids.join(',')}`);
      return ids.map((groupId): GroupDescription => {
        const g = groups[groupId];
        return {
          groupId,
          state: g?.state ?? 'Dead',
          protocolType: g?.protocolType ?? (g ? 'consumer' : ''),
          protocol: g?.protocol ?? (g?.members?.length ? 'range' : ''),
          members: g?.members ?? [],
          coordinator: COORDINATOR,
          error: null,
        };
      });
    },
    async deleteGroups(ids) {
      admin.calls.push(`deleteGroups ${ids.join(',')}`);
      return ids.map((groupId) => {
        const g = groups[groupId];
        if (!g) return { groupId, error: new KafkaError(GROUP_ID_NOT_FOUND) };
        if (g.members?.length) return { groupId, error: new KafkaError(NON_EMPTY_GROUP) };
        delete groups[groupId];
        return { groupId, error: null };
      });
    },
    async listGroupOffsets(groupId) {
      fail('listGroupOffsets');
      return Object.entries(groups[groupId]?.committed ?? {}).map(([key, offset]) => {
        const i = key.lastIndexOf('-');
        return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)), offset, metadata: '', leaderEpoch: -1, error: null };
      });
    },
    async alterGroupOffsets(groupId, offsets) {
      admin.calls.push(`alterGroupOffsets ${groupId} ${offsets.map((o) => `${o.topic}-${o.partition}=${o.offset}`).join(',')}`);
      const g = (groups[groupId] ??= { state: 'Empty' });
      for (const o of offsets) (g.committed ??= {})[`${o.topic}-${o.partition}`] = o.offset;
      return offsets.map(({ topic, partition }) => ({ topic, partition, error: null }));
    },
    async deleteGroupOffsets(groupId, partitions) {
      admin.calls.push(`deleteGroupOffsets ${groupId} ${partitions.map((p) => `${p.topic}-${p.partition}`).join(',')}`);
      const g = groups[groupId];
      if (!g) throw new KafkaError(GROUP_ID_NOT_FOUND);
      return partitions.map(({ topic, partition }) => {
        const subscribed = g.members?.some((m) => m.assignment.some((a) => a.topic === topic));
        if (subscribed) return { topic, partition, error: new KafkaError(GROUP_SUBSCRIBED_TO_TOPIC) };
        delete g.committed?.[`${topic}-${partition}`];
        return { topic, partition, error: partitionError(topic, partition) };
      });
    },
    async listOffsets(requests) {
      admin.calls.push(`listOffsets ${requests.map((r) => `${r.topic}-${r.partition}@${r.timestamp}`).join(',')}`);
      return requests.map(({ topic, partition, timestamp }) => {
        const error = partitionError(topic, partition);
        if (error) return { topic, partition, offset: -1n, timestamp: -1n, error };
        const [earliest, latest] = [topics[topic]!.earliest[partition]!, topics[topic]!.latest[partition]!];
        if (timestamp === -1n) return { topic, partition, offset: latest, timestamp: -1n, error: null };
        if (timestamp === -2n) return { topic, partition, offset: earliest, timestamp: -1n, error: null };
        const first = timestamp / 1000n + (timestamp % 1000n === 0n ? 0n : 1n);
        const offset = first >= latest ? -1n : first < earliest ? earliest : first;
        return { topic, partition, offset, timestamp: offset < 0n ? -1n : offset * 1000n, error: null };
      });
    },
    async describeTopics(names) {
      return (names ?? Object.keys(topics)).map((name) => ({
        name,
        topicId: 'kR3bZl1yQh2Q3ZnhS0Bsbw',
        isInternal: false,
        partitions: (topics[name]?.latest ?? []).map((_, p) => ({
          partition: p,
          leader: topics[name]!.leaders?.[p] ?? 1,
          replicas: [1],
          isr: [1],
          leaderEpoch: 0,
          offlineReplicas: [],
          errorCode: 0,
        })),
        error: topics[name] ? null : new KafkaError(UNKNOWN_TOPIC_OR_PARTITION),
      }));
    },
    async createTopics() {
      throw new Error('not used');
    },
    async deleteTopics() {
      throw new Error('not used');
    },
    async listTopics() {
      throw new Error('not used');
    },
    async createPartitions() {
      throw new Error('not used');
    },
    async close() {
      admin.closed = true;
    },
  };
  return { admin, groups, factory: (config: ClientConfig) => (admin.configs.push(config), admin) };
}

const TOPICS: Record<string, FakeTopic> = {
  orders: { earliest: [0n, 5n, 0n], latest: [10n, 20n, 30n] },
  payments: { earliest: [0n], latest: [7n] },
};

const M1 = 'consumer-1-4f1e0c1a-77aa-4c9e-9d0b-2f6c1a0e3b11';
const M2 = 'consumer-2-0b7a9d2e-1c3f-4e5d-8a6b-7c8d9e0f1a22';

/** A fresh set of groups per test (reset and delete change them). */
function groups(): Record<string, FakeGroup> {
  return {
    billing: {
      state: 'Stable',
      members: [member(M2, 'consumer-2', '/10.0.0.2', [tp('orders', 2)]), member(M1, 'consumer-1', '/10.0.0.1', [tp('orders', 1), tp('orders', 0)])],
      committed: { 'orders-0': 8n, 'orders-2': 30n, 'payments-0': 3n },
    },
    audit: { state: 'Empty', committed: { 'orders-0': 10n, 'orders-1': 6n } },
    fresh: { state: 'Empty' },
    moving: { state: 'PreparingRebalance', committed: { 'payments-0': 1n } },
    connect: { state: 'Stable', protocolType: 'connect' },
  };
}

async function cg(args: string[], opts: { groups?: Record<string, FakeGroup>; tty?: boolean; failing?: Partial<Record<keyof AdminClient, Error>> } = {}) {
  const cluster = fakeCluster(TOPICS, opts.groups ?? groups(), opts.failing);
  const result = await mq(['consumer-groups', ...args], { clients: { admin: cluster.factory }, tty: opts.tty, env: { NO_COLOR: '1' } });
  return { ...result, admin: cluster.admin, groups: cluster.groups };
}

// The describe format of ConsumerGroupCommand.printOffsetFormat with the widths of these fixtures.
const OFFSETS = (consumerIdWidth: number) => `%-15s %-15s %-10s %-15s %-15s %-15s %-${consumerIdWidth}s %-15s %s%n`;
const OFFSETS_HEAD = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'] as const;

describe('mq consumer-groups: argument checks (ConsumerGroupCommandOptions.checkArgs)', () => {
  const check = (o: Partial<ConsumerGroupsOptions>) => () => consumerGroupsAction({ output: 'text', ...o });

  it('needs exactly one action', async () => {
    expect(await cg(['--group', 'g'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets\n',
    });
    expect(check({ list: true, delete: true, allGroups: true })).toThrow('Command must include exactly one action');
  });

  it('needs a group scope for describe, delete and reset, and a group and topic for delete-offsets', () => {
    expect(check({ describe: true })).toThrow('Option [describe] takes one of these options: [all-groups], [group]');
    expect(check({ delete: true })).toThrow('Option [delete] takes one of these options: [all-groups], [group]');
    expect(check({ resetOffsets: true, toEarliest: true, allTopics: true })).toThrow('Option [reset-offsets] takes one of these options: [all-groups], [group]');
    expect(check({ deleteOffsets: true, group: ['g'] })).toThrow('Option [delete-offsets] takes the following options: [group], [topic]');
  });

  it('refuses combinations Kafka refuses, with its messages', () => {
    expect(check({ describe: true, group: ['g'], members: true, state: true })).toThrow(
      'Option [describe] takes at most one of these options: [members], [offsets], [state]',
    );
    expect(check({ describe: true, group: ['g'], state: 'Stable' })).toThrow('Option [describe] does not take a value for [state]');
    expect(check({ delete: true, group: ['g'], topic: ['t'] })).toThrow('The consumer does not support topic-specific offset deletion from a consumer group.');
    expect(check({ resetOffsets: true, group: ['g'], dryRun: true, execute: true })).toThrow('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
    expect(check({ resetOffsets: true, group: ['g'], toEarliest: true, shiftBy: 1n })).toThrow('Option "[shift-by]" can\'t be used with option "[to-earliest]"');
    expect(check({ describe: true, group: ['g'], allGroups: true })).toThrow('Option "[group]" can\'t be used with option "[all-groups]"');
    expect(check({ list: true, group: ['g'] })).toThrow('Option "[group]" can\'t be used with option "[list]"');
    expect(check({ describe: true, group: ['g'], topic: ['t'] })).toThrow('Option "[topic]" can\'t be used with option "[describe]"');
    expect(check({ list: true, members: true })).toThrow('Option(s) [members] are unavailable given other options on the command line');
    expect(check({ delete: true, group: ['g'], state: true })).toThrow('Option(s) [state] are unavailable given other options on the command line');
  });

  it('needs a reset scenario and scope', () => {
    expect(check({ resetOffsets: true, group: ['g'], allTopics: true })).toThrow(
      "Option '[reset-offsets]' requires one of the following scenarios: [[to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]]",
    );
    expect(check({ resetOffsets: true, group: ['g'], toLatest: true })).toThrow('One of the reset scopes should be defined: --all-topics, --topic.');
    expect(check({ resetOffsets: true, group: ['g'], fromFile: 'plan.csv', dryRun: true })()).toEqual({ action: 'resetOffsets', dryRunWarning: false });
  });

  it("checks mq's own flags", async () => {
    expect(check({ list: true, watch: true })).toThrow('Option [watch] can only be used with [describe]');
    expect(check({ resetOffsets: true, group: ['g'], toLatest: true, allTopics: true, export: true, output: 'json' })).toThrow(
      'Option [export] prints CSV and cannot be combined with --output json',
    );
    expect((await cg(['--describe', '--group', 'g', '--watch', 'soon'])).stderr).toBe("Option [watch] takes a number of seconds greater than 0, not 'soon'\n");
    expect((await cg(['--reset-offsets', '--group', 'g', '--to-offset', 'x'])).stderr).toBe("error: option '--to-offset <offset>' argument 'x' is invalid. not an integer\n");
  });
});

describe('mq consumer-groups --list', () => {
  it('prints the consumer groups one per line, in the order listed, leaving other group types out', async () => {
    const r = await cg(['--list']);
    expect(r).toMatchObject({ code: 0, stdout: 'billing\naudit\nfresh\nmoving\n', stderr: '' });
    expect(r.admin.closed).toBe(true);
  });

  it('prints GROUP and STATE columns with --state, filtering on the states given', async () => {
    const all = await cg(['--list', '--state']);
    expect(all.stdout).toBe(
      jformat('%-25s %-20s%n', 'GROUP', 'STATE') +
        jformat('%-25s %-20s%n', 'billing', 'Stable') +
        jformat('%-25s %-20s%n', 'audit', 'Empty') +
        jformat('%-25s %-20s%n', 'fresh', 'Empty') +
        jformat('%-25s %-20s%n', 'moving', 'PreparingRebalance'),
    );
    const some = await cg(['--list', '--state', 'stable, preparingrebalance']);
    expect(some.stdout).toBe(
      'GROUP                     STATE               \nbilling                   Stable              \nmoving                    PreparingRebalance  \n',
    );
    expect(some.admin.calls).toEqual(['listGroups {"states":["Stable","PreparingRebalance"]}']);
  });

  it("widens the GROUP column to the longest id + 10 and refuses unknown states", async () => {
    const long = await cg(['--list', '--state'], { groups: { 'a-rather-long-group-name': { state: 'Empty' } } });
    expect(long.stdout).toBe(jformat('%-34s %-20s%n', 'GROUP', 'STATE') + jformat('%-34s %-20s%n', 'a-rather-long-group-name', 'Empty'));
    expect(await cg(['--list', '--state', 'Stable,Sleeping'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: "Invalid state list 'Stable,Sleeping'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling\n",
    });
  });

  it('writes JSON, and a table on a terminal', async () => {
    expect((await cg(['--list', '--output', 'json'])).stdout).toBe(
      '[{"group":"billing","state":"Stable"},{"group":"audit","state":"Empty"},{"group":"fresh","state":"Empty"},{"group":"moving","state":"PreparingRebalance"}]\n',
    );
    const tty = await cg(['--list'], { tty: true });
    expect(tty.stdout).toMatch(/│ GROUP +│ STATE +│/);
    expect(tty.stdout).toMatch(/│ moving +│ PreparingRebalance │/);
  });
});

describe('mq consumer-groups --describe (offsets)', () => {
  const billing =
    jformat(`%n${OFFSETS(47)}`, ...OFFSETS_HEAD) +
    jformat(OFFSETS(47), 'billing', 'orders', 0, 8, 10, 2, M1, '/10.0.0.1', 'consumer-1') +
    jformat(OFFSETS(47), 'billing', 'orders', 1, '-', 20, '-', M1, '/10.0.0.1', 'consumer-1') +
    jformat(OFFSETS(47), 'billing', 'orders', 2, 30, 30, 0, M2, '/10.0.0.2', 'consumer-2') +
    jformat(OFFSETS(47), 'billing', 'payments', 0, 3, 7, 4, '-', '-', '-');

  it("prints Kafka's table: owners with most partitions first, unowned commits last, '-' where nothing is known", async () => {
    const r = await cg(['--describe', '--group', 'billing']);
    expect(r).toMatchObject({ code: 0, stdout: billing, stderr: '' });
    // One lookup of the log end offsets for every row.
    expect(r.admin.calls).toEqual(['describeGroups billing', 'listOffsets orders-0@-1,orders-1@-1,orders-2@-1,payments-0@-1']);
  });

  it('is the same with --offsets, and the widths follow the values', () => {
    const short = (group: string) => cg(['--describe', '--offsets', '--group', group], { groups: { [group]: { state: 'Empty', committed: { 'payments-0': 7n } } } });
    return Promise.all([
      cg(['--describe', '--offsets', '--group', 'billing']).then((r) => expect(r.stdout).toBe(billing)),
      short('g').then((r) =>
        expect(r.stdout).toBe(
          '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
            'g               payments        0          7               7               0               -               -               -\n',
        ),
      ),
      short('a-group-called-twenty').then((r) => expect(r.stdout.split('\n')[2]).toBe(jformat('%-21s %-15s %-10s %-15s %-15s %-15s %-15s %-15s %s', 'a-group-called-twenty', 'payments', 0, 7, 7, 0, '-', '-', '-'))),
    ]);
  });

  it('notes an empty or rebalancing group on stderr and still shows its committed offsets', async () => {
    const r = await cg(['--describe', '--group', 'moving', '--group', 'audit', '--group', 'fresh']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "\nConsumer group 'audit' has no active members.\n\nConsumer group 'fresh' has no active members.\n\nWarning: Consumer group 'moving' is rebalancing.\n",
    );
    expect(r.stdout).toBe(
      jformat(`%n${OFFSETS(15)}`, ...OFFSETS_HEAD) +
        jformat(OFFSETS(15), 'audit', 'orders', 0, 10, 10, 0, '-', '-', '-') +
        jformat(OFFSETS(15), 'audit', 'orders', 1, 6, 20, 14, '-', '-', '-') +
        jformat(`%n${OFFSETS(15)}`, ...OFFSETS_HEAD) +
        jformat(OFFSETS(15), 'moving', 'payments', 0, 1, 7, 6, '-', '-', '-'),
    );
  });

  it("reports a group that does not exist on stdout, Kafka's way, and exits 1 after the others", async () => {
    const r = await cg(['--describe', '--group', 'nope', '--group', 'billing']);
    expect(r).toMatchObject({ code: 1, stdout: `${billing}\nError: Consumer group 'nope' does not exist.\n`, stderr: '' });
    // A KIP-848 coordinator answers GROUP_ID_NOT_FOUND instead of a Dead group: the same.
    const cluster = fakeCluster(TOPICS, {});
    const describeGroups = cluster.admin.describeGroups.bind(cluster.admin);
    cluster.admin.describeGroups = async (ids) => (await describeGroups(ids)).map((d) => ({ ...d, state: 'Unknown', error: new KafkaError(GROUP_ID_NOT_FOUND) }));
    expect(await mq(['consumer-groups', '--describe', '--group', 'nope'], { clients: { admin: cluster.factory } })).toMatchObject({
      code: 1,
      stdout: "\nError: Consumer group 'nope' does not exist.\n",
    });
  });

  it('describes every consumer group with --all-groups', async () => {
    const r = await cg(['--describe', '--all-groups']);
    expect(r.admin.calls[0]).toBe('listGroups {}');
    expect(r.admin.calls[1]).toBe('describeGroups billing,audit,fresh,moving');
    expect(r.stdout.startsWith(jformat(`%n${OFFSETS(15)}`, ...OFFSETS_HEAD))).toBe(true);
    expect(r.stdout.endsWith(billing + jformat(`%n${OFFSETS(15)}`, ...OFFSETS_HEAD) + jformat(OFFSETS(15), 'moving', 'payments', 0, 1, 7, 6, '-', '-', '-'))).toBe(true);
  });

  it('adds the total lag per group and topic on a terminal', async () => {
    const r = await cg(['--describe', '--group', 'billing'], { tty: true });
    expect(r.stdout).toMatch(/│ GROUP +│ TOPIC +│ PARTITION │ CURRENT-OFFSET │ LOG-END-OFFSET │ LAG │ CONSUMER-ID +│ HOST +│ CLIENT-ID +│/);
    expect(r.stdout).toMatch(/│ billing +│ orders +│ 1 +│ - +│ 20 +│ - +│/);
    expect(r.stdout.endsWith('Total lag: 6 (orders: 2, payments: 4)\n')).toBe(true);
  });

  it('writes the rows and lag totals as JSON, leaving missing groups to stderr', async () => {
    const r = await cg(['--describe', '--group', 'billing', '--group', 'nope', '--group', 'fresh', '--output', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Consumer group 'fresh' has no active members.\nError: Consumer group 'nope' does not exist.\n");
    const [b, f] = JSON.parse(r.stdout) as Array<{ group: string; rows: unknown[]; totalLag: number; lagByTopic: unknown }>;
    expect(b).toMatchObject({ group: 'billing', state: 'Stable', totalLag: 6, lagByTopic: { orders: 2, payments: 4 } });
    expect(b!.rows[1]).toEqual({
      group: 'billing',
      topic: 'orders',
      partition: 1,
      currentOffset: null,
      logEndOffset: 20,
      lag: null,
      consumerId: M1,
      host: '/10.0.0.1',
      clientId: 'consumer-1',
    });
    expect(f).toEqual({ group: 'fresh', state: 'Empty', rows: [], totalLag: 0, lagByTopic: {} });
  });

  it("prints '-' for the log end of a partition it cannot look up", async () => {
    const r = await cg(['--describe', '--group', 'g'], { groups: { g: { state: 'Empty', committed: { 'gone-0': 4n } } } });
    expect(r.stdout.split('\n')[2]).toBe(jformat('%-15s %-15s %-10s %-15s %-15s %-15s %-15s %-15s %s', 'g', 'gone', 0, 4, '-', '-', '-', '-', '-'));
  });

  it("fails the Kafka way when the cluster does not answer: on stdout, or as one line with --output json", async () => {
    const failing = { listGroupOffsets: new KafkaError(COORDINATOR_NOT_AVAILABLE) };
    expect(await cg(['--describe', '--group', 'billing'], { failing })).toMatchObject({
      code: 1,
      stdout: '\nError: Executing consumer group command failed due to The coordinator is not available.\n',
      stderr: '',
    });
    expect(await cg(['--describe', '--group', 'billing', '--output', 'json'], { failing })).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'unable to describe consumer groups: The coordinator is not available.\n',
    });
  });
});

describe('mq consumer-groups --describe --members / --state', () => {
  const MEMBERS = (withTail: string) => `%-15s %-47s %-15s %-15s %-15s ${withTail}%n`;

  it("prints GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS with Kafka's trailing space", async () => {
    const r = await cg(['--describe', '--members', '--group', 'billing']);
    expect(r.stdout).toBe(
      jformat(`%n${MEMBERS('')}`, 'GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS') +
        jformat(MEMBERS(''), 'billing', M2, '/10.0.0.2', 'consumer-2', 1) +
        jformat(MEMBERS(''), 'billing', M1, '/10.0.0.1', 'consumer-1', 2),
    );
  });

  it('adds ASSIGNMENT with --verbose, and GROUP-INSTANCE-ID when a member has one', async () => {
    const r = await cg(['--describe', '--members', '--verbose', '--group', 'billing']);
    expect(r.stdout).toBe(
      jformat(`%n${MEMBERS('%s')}`, 'GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT') +
        jformat(MEMBERS('%s'), 'billing', M2, '/10.0.0.2', 'consumer-2', 1, 'orders(2)') +
        jformat(MEMBERS('%s'), 'billing', M1, '/10.0.0.1', 'consumer-1', 2, 'orders(0,1)'),
    );
    const assignment = [tp('payments', 0), tp('orders', 10), tp('orders', 9)];
    const statics = { s: { state: 'Stable', members: [member('m-1', 'c', '/h', assignment, 'instance-1'), member('m-2', 'c', '/h', [])] } };
    expect((await cg(['--describe', '--members', '--verbose', '--group', 's'], { groups: statics })).stdout).toBe(
      '\nGROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' +
        's               m-1             instance-1        /h              c               3               orders(9,10), payments(0)\n' +
        's               m-2                               /h              c               0               -\n',
    );
  });

  it('prints the header even for an empty group or one that does not exist, as Kafka does', async () => {
    const r = await cg(['--describe', '--members', '--group', 'fresh', '--group', 'nope']);
    const head = jformat('%n%-15s %-15s %-15s %-15s %-15s %n', 'GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS');
    expect(r).toMatchObject({ code: 1, stdout: `${head}\nError: Consumer group 'nope' does not exist.\n${head}`, stderr: "\nConsumer group 'fresh' has no active members.\n" });
  });

  it('prints the state table, its GROUP column as wide as the coordinator', async () => {
    const r = await cg(['--describe', '--state', '--group', 'billing', '--group', 'fresh']);
    const format = '%-25s %-25s %-20s %-15s %s%n';
    expect(r.stdout).toBe(
      jformat(`%n${format}`, 'GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS') +
        jformat(format, 'billing', 'localhost:9092  (1)', 'range', 'Stable', 2) +
        jformat(`%n${format}`, 'GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS') +
        jformat(format, 'fresh', 'localhost:9092  (1)', '', 'Empty', 0),
    );
    expect(r.stderr).toBe("\nConsumer group 'fresh' has no active members.\n");
  });

  it('writes members and states as JSON', async () => {
    const members = JSON.parse((await cg(['--describe', '--members', '--group', 'billing', '--output', 'json'])).stdout);
    expect(members[0].members[1]).toEqual({
      group: 'billing',
      consumerId: M1,
      groupInstanceId: null,
      host: '/10.0.0.1',
      clientId: 'consumer-1',
      partitions: 2,
      assignment: [tp('orders', 0), tp('orders', 1)],
    });
    expect((await cg(['--describe', '--state', '--group', 'billing', '--output', 'json'])).stdout).toBe(
      '[{"group":"billing","coordinator":{"id":1,"host":"localhost","port":9092},"assignmentStrategy":"range","state":"Stable","members":2}]\n',
    );
  });
});

describe('mq consumer-groups --describe --watch', () => {
  /** Runs a watch, pressing Ctrl-C once the admin has been asked `snapshots` times. */
  async function watch(args: string[], snapshots: number, tty: boolean) {
    const cluster = fakeCluster(TOPICS, groups());
    const h = harness({ clients: { admin: cluster.factory }, tty, env: { NO_COLOR: '1' } });
    const describeGroups = cluster.admin.describeGroups.bind(cluster.admin);
    let asked = 0;
    cluster.admin.describeGroups = async (ids) => {
      if (++asked === snapshots) queueMicrotask(() => h.shutdown());
      return describeGroups(ids);
    };
    const code = await run(['consumer-groups', '--describe', ...args, '--watch', '0.001'], h.ctx);
    return { code, stdout: h.stdout.text, stderr: h.stderr.text, asked };
  }

  it('reprints the view until Ctrl-C when piped', async () => {
    const one = (await cg(['--describe', '--group', 'audit'])).stdout;
    const r = await watch(['--group', 'audit'], 3, false);
    expect(r).toMatchObject({ code: 0, stdout: one.repeat(3), asked: 3 });
    expect(r.stderr).toBe("\nConsumer group 'audit' has no active members.\n".repeat(3));
  });

  it('clears the terminal before each redraw', async () => {
    const r = await watch(['--state', '--group', 'billing'], 2, true);
    const frames = r.stdout.split('\x1b[H\x1b[2J');
    expect(frames).toHaveLength(3);
    expect(frames[0]).toBe('');
    expect(frames[1]).toBe(frames[2]);
    expect(frames[1]).toMatch(/│ billing +│ localhost:9092 {2}\(1\) +│ range +│ Stable +│ 2 +│/);
  });

  it('writes one JSON document per snapshot', async () => {
    const r = await watch(['--state', '--group', 'billing', '--output', 'json'], 2, false);
    expect(r.stdout.split('\n')).toHaveLength(3);
    expect(JSON.parse(r.stdout.split('\n')[1]!)).toEqual(JSON.parse(r.stdout.split('\n')[0]!));
  });
});

describe('mq consumer-groups --reset-offsets', () => {
  const RESET = '%-30s %-30s %-10s %-15s%n';
  const table = (...rows: Array<[string, string, number, number]>) => jformat(`%n${RESET}`, 'GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET') + rows.map((r) => jformat(RESET, ...r)).join('');
  const WARNING =
    'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to ' +
    'prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this ' +
    'command and want to keep the current default behavior without prompting.\n';

  it('plans a reset to the earliest offsets (a dry run, with Kafka\'s warning, by default)', async () => {
    const r = await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders', '--to-earliest']);
    expect(r).toMatchObject({ code: 0, stdout: table(['audit', 'orders', 0, 0], ['audit', 'orders', 1, 5], ['audit', 'orders', 2, 0]), stderr: WARNING });
    expect(r.admin.calls.filter((c) => c.startsWith('alter'))).toEqual([]);
  });

  it('commits the new offsets with --execute', async () => {
    const r = await cg(['--reset-offsets', '--group', 'audit', '--all-topics', '--to-latest', '--execute']);
    expect(r).toMatchObject({ code: 0, stdout: table(['audit', 'orders', 0, 10], ['audit', 'orders', 1, 20]), stderr: '' });
    expect(r.admin.calls.filter((c) => c.startsWith('alter'))).toEqual(['alterGroupOffsets audit orders-0=10,orders-1=20']);
    expect(r.groups.audit!.committed).toEqual({ 'orders-0': 10n, 'orders-1': 20n });
  });

  it('refuses a group with members, and resets a group that does not exist yet', async () => {
    const r = await cg(['--reset-offsets', '--group', 'billing', '--group', 'newcomer', '--topic', 'payments', '--to-offset', '2', '--execute']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "\nError: Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable.\n" + table(['newcomer', 'payments', 0, 2]),
    );
    expect(r.groups.newcomer!.committed).toEqual({ 'payments-0': 2n });
    // Even when nothing could be reset, the (empty) table is printed.
    expect((await cg(['--reset-offsets', '--group', 'moving', '--all-topics', '--to-latest', '--dry-run'])).stdout).toBe(
      "\nError: Assignments can only be reset if the group 'moving' is inactive, but the current state is PreparingRebalance.\n" + table(),
    );
  });

  it('keeps --to-offset and --shift-by within the log, warning as Kafka logs', async () => {
    const to = await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders:1,2', '--to-offset', '25', '--dry-run']);
    expect(to.stdout).toBe(table(['audit', 'orders', 1, 20], ['audit', 'orders', 2, 25]));
    expect(to.stderr).toBe('WARN New offset (25) is higher than latest offset for topic partition orders-1. Value will be set to 20\n');
    const shift = await cg(['--reset-offsets', '--group', 'audit', '--all-topics', '--shift-by', '-7', '--dry-run']);
    expect(shift.stdout).toBe(table(['audit', 'orders', 0, 3], ['audit', 'orders', 1, 5]));
    expect(shift.stderr).toBe('WARN New offset (-1) is lower than earliest offset for topic partition orders-1. Value will be set to 5\n');
  });

  it('cannot shift a partition without a committed offset', async () => {
    expect(await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders', '--shift-by', '1', '--dry-run'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Cannot shift offset for partition orders-2 since there is no current committed offset\n',
    });
  });

  it('resets to the committed offsets, or the log end where there is none, with --to-current', async () => {
    expect((await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders', '--to-current', '--dry-run'])).stdout).toBe(
      table(['audit', 'orders', 0, 10], ['audit', 'orders', 1, 6], ['audit', 'orders', 2, 30]),
    );
  });

  it('finds offsets by time with --to-datetime, falling back to the log end past the last record', async () => {
    // Records sit at 1000 ms × offset, so 12.5 s is offset 13 where it exists.
    const r = await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders', '--to-datetime', '1970-01-01T00:00:12.500', '--dry-run']);
    expect(r.stdout).toBe('\nWarn: Partition 0 from topic orders is empty. Falling back to latest known offset.\n' + table(['audit', 'orders', 0, 10], ['audit', 'orders', 1, 13], ['audit', 'orders', 2, 13]));
    expect(r.admin.calls).toContain('listOffsets orders-0@12500,orders-1@12500,orders-2@12500');
    const zoned = await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders:1', '--to-datetime', '1970-01-01T01:00:06.000+01:00', '--dry-run']);
    expect(zoned.stdout).toBe(table(['audit', 'orders', 1, 6]));
  });

  it('looks up now minus --by-duration', async () => {
    const before = Date.now();
    const r = await cg(['--reset-offsets', '--group', 'audit', '--topic', 'payments', '--by-duration', 'P1DT1H', '--dry-run']);
    const after = Date.now();
    const asked = Number(/payments-0@(\d+)/.exec(r.admin.calls.find((c) => c.startsWith('listOffsets'))!)![1]);
    expect(asked).toBeGreaterThanOrEqual(before - 90_000_000);
    expect(asked).toBeLessThanOrEqual(after - 90_000_000);
  });

  it('reports a bad date or duration as a failure of the command, before contacting the cluster', async () => {
    const r = await cg(['--reset-offsets', '--group', 'audit', '--all-topics', '--to-datetime', '2024-02-30T00:00:00.000', '--dry-run']);
    expect(r).toMatchObject({
      code: 1,
      stdout: '\nError: Executing consumer group command failed due to java.text.ParseException: Unparseable date: "2024-02-30T00:00:00.000Z"\n',
    });
    expect(r.admin.configs).toEqual([]);
    expect((await cg(['--reset-offsets', '--group', 'audit', '--all-topics', '--by-duration', '1h', '--dry-run'])).stdout).toBe(
      '\nError: Executing consumer group command failed due to Text cannot be parsed to a Duration\n',
    );
  });

  it('refuses partitions that do not exist', async () => {
    expect(await cg(['--reset-offsets', '--group', 'audit', '--topic', 'orders:7', '--to-earliest', '--dry-run'])).toMatchObject({
      code: 1,
      stdout: '\nError: Executing consumer group command failed due to The partitions "orders-7" do not exist\n',
    });
    expect((await cg(['--reset-offsets', '--group', 'audit', '--topic', 'nope', '--to-earliest', '--dry-run'])).stdout).toBe(
      '\nError: Executing consumer group command failed due to This server does not host this topic-partition.\n',
    );
  });

  describe('--export and --from-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-cg-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('exports CSV (println adds an empty line), with the group column for several groups', async () => {
      expect((await cg(['--reset-offsets', '--group', 'audit', '--all-topics', '--to-earliest', '--dry-run', '--export'])).stdout).toBe('orders,0,0\norders,1,5\n\n');
      const two = groups();
      two.other = { state: 'Empty', committed: { 'payments-0': 1n } };
      expect((await cg(['--reset-offsets', '--group', 'audit', '--group', 'other', '--all-topics', '--to-latest', '--dry-run', '--export'], { groups: two })).stdout).toBe(
        'audit,orders,0,10\naudit,orders,1,20\nother,payments,0,7\n\n',
      );
    });

    it('applies an exported plan, clamped to the log, and says which groups it has no plan for', async () => {
      const plan = join(dir, 'plan.csv');
      writeFileSync(plan, 'audit,orders,0,4\naudit,orders,1,99\n');
      const r = await cg(['--reset-offsets', '--group', 'audit', '--group', 'fresh', '--from-file', plan, '--execute']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('\nError: No reset plan for group fresh found\n' + table(['audit', 'orders', 0, 4], ['audit', 'orders', 1, 20]));
      expect(r.stderr).toBe('WARN New offset (99) is higher than latest offset for topic partition orders-1. Value will be set to 20\n');
      expect(r.groups.audit!.committed).toEqual({ 'orders-0': 4n, 'orders-1': 20n });

      // The single-group form round-trips through --export.
      const exported = await cg(['--reset-offsets', '--group', 'audit', '--all-topics', '--to-offset', '7', '--dry-run', '--export']);
      writeFileSync(plan, exported.stdout);
      expect(readFileSync(plan, 'utf8')).toBe('orders,0,7\norders,1,7\n\n');
      expect((await cg(['--reset-offsets', '--group', 'audit', '--from-file', plan, '--dry-run'])).stdout).toBe(table(['audit', 'orders', 0, 7], ['audit', 'orders', 1, 7]));
    });
  });

  it('writes what it did as JSON', async () => {
    expect((await cg(['--reset-offsets', '--group', 'audit', '--topic', 'payments', '--to-latest', '--execute', '--output', 'json'])).stdout).toBe(
      '{"executed":true,"offsets":[{"group":"audit","topic":"payments","partition":0,"offset":7}]}\n',
    );
  });
});

describe('mq consumer-groups --delete / --delete-offsets', () => {
  it("deletes groups with Kafka's success line", async () => {
    const r = await cg(['--delete', '--group', 'audit', '--group', 'fresh']);
    expect(r).toMatchObject({ code: 0, stdout: "Deletion of requested consumer groups ('audit', 'fresh') was successful.\n", stderr: '' });
    expect(Object.keys(r.groups)).not.toContain('audit');
  });

  it('lists the groups that could not be deleted, then those that were, and exits 1', async () => {
    const r = await cg(['--delete', '--group', 'billing', '--group', 'audit', '--group', 'nope']);
    expect(r).toMatchObject({
      code: 1,
      stdout:
        '\nError: Deletion of some consumer groups failed:\n' +
        "* Group 'billing' could not be deleted due to: The group is not empty.\n" +
        "* Group 'nope' could not be deleted due to: The group id does not exist.\n" +
        "\nThese consumer groups were deleted successfully: 'audit'\n",
    });
    expect((await cg(['--delete', '--group', 'billing', '--group', 'audit', '--output', 'json'])).stdout).toBe(
      '{"deleted":["audit"],"failed":[{"group":"billing","error":"The group is not empty."}]}\n',
    );
  });

  it('deletes committed offsets of topics and partitions', async () => {
    const r = await cg(['--delete-offsets', '--group', 'audit', '--topic', 'orders:1', '--topic', 'payments', '--topic', 'missing']);
    const format = '%-30s %-15s %-15s%n';
    expect(r).toMatchObject({
      code: 0,
      stdout:
        'Request succeed for deleting offsets with topic orders:1, payments, missing group audit\n' +
        jformat(`%n${format}`, 'TOPIC', 'PARTITION', 'STATUS') +
        jformat(format, 'missing', 'Not Provided', 'Error: :This server does not host this topic-partition.') +
        jformat(format, 'orders', 1, 'Successful') +
        jformat(format, 'payments', 0, 'Successful'),
    });
    expect(r.groups.audit!.committed).toEqual({ 'orders-0': 10n });
  });

  it('reports a subscribed topic and a missing group with their messages, and exits 1', async () => {
    const subscribed = await cg(['--delete-offsets', '--group', 'billing', '--topic', 'orders:0']);
    expect(subscribed).toMatchObject({
      code: 1,
      stdout:
        '\nError: Encounter some partition level error, see the follow-up details:\n' +
        '\nTOPIC                          PARTITION       STATUS         \n' +
        'orders                         0               Error: :Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.\n',
    });
    const missing = await cg(['--delete-offsets', '--group', 'nope', '--topic', 'payments']);
    expect(missing.stdout).toBe(
      "\nError: 'nope' does not exist.\n\nTOPIC                          PARTITION       STATUS         \npayments                       0               Error: :The group id does not exist.\n",
    );
    expect((await cg(['--delete-offsets', '--group', 'nope', '--topic', 'payments', '--output', 'json'])).stdout).toBe(
      '{"group":"nope","error":"The group id does not exist.","partitions":[{"topic":"payments","partition":0,"error":"The group id does not exist."}]}\n',
    );
  });

  it('acts on one group only', async () => {
    expect((await cg(['--delete-offsets', '--group', 'a', '--group', 'b', '--topic', 't'])).stdout).toBe(
      '\nError: Executing consumer group command failed due to Found multiple arguments for option group, but you asked for only one\n',
    );
  });
});

describe('mq consumer-groups: the admin client', () => {
  it('uses --timeout (default 5000 ms) as the request timeout, unless the config file sets one', async () => {
    expect((await cg(['--list'])).admin.configs[0]!.requestTimeoutMs).toBe(5000);
    expect((await cg(['--list', '--timeout', '1500'])).admin.configs[0]!.requestTimeoutMs).toBe(1500);
    const dir = mkdtempSync(join(tmpdir(), 'mq-cg-'));
    try {
      writeFileSync(join(dir, 'admin.properties'), 'request.timeout.ms=9000\nbootstrap.servers=broker:9093\n');
      const r = await cg(['--list', '--command-config', join(dir, 'admin.properties')]);
      expect(r.admin.configs[0]).toMatchObject({ bootstrapServers: ['broker:9093'], requestTimeoutMs: 9000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
