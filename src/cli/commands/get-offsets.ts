// mq get-offsets — kafka-get-offsets.sh (AK tools/.../GetOffsetShell.java). Prints
// `topic:partition:offset` per partition, ordered as Kafka's TreeMap orders them: by the string
// `topic-partition` (so t-10 comes before t-2). A partition whose offset is unknown (-1, e.g. a
// timestamp after the last record) is left out; one that fails is reported on stderr as
// `Skip getting offsets for topic-partition t-0 due to error: ..` and left out too.
// Argument and filter problems print `Error occurred: <msg>` and exit 1, as GetOffsetShell does.
//
// --time earliest-local (-4) and latest-tiered (-5) need ListOffsets v8/v9 (KIP-405, KIP-1005):
// against a broker without them those partitions fail with UnsupportedVersionException, as in
// Kafka's tool. mq's broker has no tiered storage: earliest-local is the log start offset, and
// latest-tiered is -1, so those partitions are left out.

import { Command } from 'commander';
import { addSharedOptions, adminConfig, bootstrapServers, loadConfigFile, type AdminClient, type CliContext, type SharedOptions } from '../context.js';
import { CliError, kafkaToolMessage } from '../errors.js';
import { javaSplit } from '../java-split.js';
import { colorsFor } from '../output/color.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';
import { renderTable } from '../output/table.js';
import { topicFilter } from './topics.js';

interface GetOffsetsOptions extends SharedOptions {
  topicPartitions?: string;
  topic?: string;
  partitions?: string;
  time: string;
  excludeInternalTopics?: boolean;
}

const TIME_NAMES: Readonly<Record<string, bigint>> = {
  latest: -1n,
  earliest: -2n,
  'max-timestamp': -3n,
  'earliest-local': -4n,
  'latest-tiered': -5n,
};

/** One rule of --topic-partitions, or --topic with --partitions. */
interface Rule {
  topic: (name: string) => boolean;
  partition: (p: number) => boolean;
}

function fail(message: string): CliError {
  return new CliError(`Error occurred: ${message}`);
}

export function parseTime(raw: string): bigint {
  const named = TIME_NAMES[raw];
  if (named !== undefined) return named;
  if (/^[+-]?\d+$/.test(raw)) {
    const n = BigInt(raw);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
  }
  throw fail(
    `Malformed time argument ${raw}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp`,
  );
}

/** Java's Integer.parseInt for the partition numbers of a rule. */
function partitionNumber(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 2147483647) throw fail(`For input string: "${s}"`);
  return n;
}

/** AK's TOPIC_PARTITION_PATTERN: `topicRegex(:N | :N-M | :N- | :-M)?`, ranges lower-inclusive, upper-exclusive. */
const RULE = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/;

export function parseRules(o: Pick<GetOffsetsOptions, 'topicPartitions' | 'topic' | 'partitions'>): Rule[] {
  if (o.topicPartitions !== undefined && (o.topic !== undefined || o.partitions !== undefined)) {
    throw fail('--topic-partitions cannot be used with --topic or --partitions');
  }
  const regex = (r: string | undefined): ((name: string) => boolean) => {
    try {
      return topicFilter(r || '.*');
    } catch (e) {
      throw fail((e as Error).message);
    }
  };
  if (o.topicPartitions === undefined) {
    let partitions: Set<number> | undefined;
    if (o.partitions) {
      const parts = javaSplit(o.partitions, /,/);
      if (!parts.every((p) => /^[+-]?\d+$/.test(p.trim()) && p.trim() === p)) {
        throw fail(`--partitions expects a comma separated list of numeric partition ids, but received: ${o.partitions}`);
      }
      partitions = new Set(parts.map(Number));
    }
    return [{ topic: regex(o.topic), partition: (p) => !partitions || partitions.has(p) }];
  }
  // Java's split, as GetOffsetShell's: a trailing comma adds no (match-everything) empty rule.
  return javaSplit(o.topicPartitions, /,/).map((spec) => {
    const m = RULE.exec(spec);
    if (!m) throw fail(`Invalid rule specification: ${spec}`);
    const [, topic, one, low, high] = m.map((g) => (g === '' ? undefined : g));
    if (one !== undefined) {
      const n = partitionNumber(one);
      return { topic: regex(topic), partition: (p: number) => p === n };
    }
    const lower = low === undefined ? 0 : partitionNumber(low);
    const upper = high === undefined ? 2147483647 : partitionNumber(high);
    return { topic: regex(topic), partition: (p: number) => p >= lower && p < upper };
  });
}

export interface OffsetLine {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Java's String.compareTo on `topic-partition` (UTF-16 code units, as JS compares strings). */
function byTopicPartitionString(a: OffsetLine, b: OffsetLine): number {
  const x = `${a.topic}-${a.partition}`;
  const y = `${b.topic}-${b.partition}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

async function fetchOffsets(ctx: CliContext, admin: AdminClient, rules: Rule[], timestamp: bigint, excludeInternal: boolean): Promise<OffsetLine[]> {
  const topics = (await admin.listTopics({ includeInternal: !excludeInternal })).filter((t) => rules.some((r) => r.topic(t)));
  const described = topics.length === 0 ? [] : await admin.describeTopics(topics);
  const partitions = described.flatMap((t) =>
    t.partitions.filter((p) => rules.some((r) => r.topic(t.name) && r.partition(p.partition))).map((p) => ({ topic: t.name, partition: p.partition })),
  );
  if (partitions.length === 0) throw fail('Could not match any topic-partitions with the specified filters');
  const skip = (tp: { topic: string; partition: number }, message: string): void =>
    void ctx.stderr.write(`Skip getting offsets for topic-partition ${tp.topic}-${tp.partition} due to error: ${message}\n`);
  const results = await admin.listOffsets(partitions.map((p) => ({ ...p, timestamp })));
  const lines: OffsetLine[] = [];
  for (const r of results) {
    if (r.error) skip(r, kafkaToolMessage(r.error));
    else if (r.offset !== -1n) lines.push({ topic: r.topic, partition: r.partition, offset: r.offset });
  }
  return lines.sort(byTopicPartitionString);
}

async function runGetOffsets(ctx: CliContext, o: GetOffsetsOptions): Promise<void> {
  const rules = parseRules(o);
  const timestamp = parseTime(o.time);
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), { 'client.id': 'GetOffsetShell', ...props });
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    const lines = await withSpinner(ctx, 'listing offsets', () => fetchOffsets(ctx, admin!, rules, timestamp, o.excludeInternalTopics === true));
    if (o.output === 'json') ctx.stdout.write(`${toJson(lines)}\n`);
    else if (ctx.isTTY.stdout) {
      const colors = colorsFor(ctx);
      ctx.stdout.write(renderTable(colors, ['TOPIC', 'PARTITION', 'OFFSET'], lines.map((l) => [l.topic, String(l.partition), colors.cyan(String(l.offset))])));
    } else ctx.stdout.write(lines.map((l) => `${l.topic}:${l.partition}:${l.offset}\n`).join(''));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw fail(kafkaToolMessage(err));
  } finally {
    await admin?.close().catch(() => undefined);
  }
}

export function getOffsetsCommand(ctx: CliContext): Command {
  const cmd = new Command('get-offsets')
    .description('Get the offsets of topic partitions (kafka-get-offsets.sh)')
    .option('--topic-partitions <patterns>', "topic-partition patterns, e.g. 't1:1,t2:0-3,t3,t4:5-,t5:-3' (topic part is a regex; ranges are lower-inclusive, upper-exclusive)")
    .option('--topic <regex>', 'the topic(s) to get the offsets for (default: all); not with --topic-partitions')
    .option('--partitions <ids>', 'comma separated partition ids (default: all); not with --topic-partitions')
    .option('--time <time>', '<timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered', 'latest')
    .option('--exclude-internal-topics', 'exclude internal topics (included by default)');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: GetOffsetsOptions) => runGetOffsets(ctx, o));
}
