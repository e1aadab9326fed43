// mq console-consumer — kafka-console-consumer.sh (AK tools/.../consumer/ConsoleConsumer.java and
// ConsoleConsumerOptions.java). Records are printed by DefaultMessageFormatter's rules
// (--property print.key=true etc.); `Processed a total of N messages` goes to stderr at exit,
// also after Ctrl-C.
//
// The topic is read as a member of a consumer group (Consumer.subscribe): --group, or group.id
// from --consumer-property / --consumer.config. Without one, Kafka joins a throw-away group
// `console-consumer-<0..99999>` with enable.auto.commit=false (unless set), so the consumer shows
// up in `consumer-groups --list` but leaves no offsets behind; mq does the same. Each partition
// starts at the group's committed offset, else at auto.offset.reset (latest, or earliest with
// --from-beginning). --partition reads one partition by manual assignment, without a group.
//
// Output is written one poll batch at a time and waits for 'drain', so a slow reader slows
// fetching instead of filling memory.

import { Command } from 'commander';
import { MqError, type ConsumerRecord, type OffsetSpec } from '../../client/index.js';
import {
  addSharedOptions,
  bootstrapServers,
  collect,
  consumerConfig,
  integer,
  loadConfigFile,
  type CliContext,
  type ConsumerClient,
  type SharedOptions,
} from '../context.js';
import { CliError, unableTo } from '../errors.js';
import { toJson } from '../output/format.js';
import { StreamWriter } from '../output/writer.js';
import { parseKeyValueArgs } from '../properties.js';
import { formatRecord, formatterOptions, recordView, type FormatterOptions } from '../records/message-formatter.js';

interface ConsoleConsumerOptions extends SharedOptions {
  topic?: string;
  partition?: number;
  offset?: string;
  fromBeginning?: boolean;
  maxMessages?: number;
  timeoutMs?: number;
  property?: string[];
  consumerProperty?: string[];
  'consumer.config'?: string;
  group?: string;
  isolationLevel?: string;
}

/** How long one poll may wait when no --timeout-ms applies; records end the wait early. */
const POLL_MS = 1000;

interface ConsumePlan {
  topic: string;
  /** One partition by manual assignment (--partition), or the whole topic as a group member. */
  source: { partition: number; start: OffsetSpec } | { groupId: string };
  /** -1: unlimited. */
  maxMessages: number;
  /** undefined: wait for records forever. */
  timeoutMs: number | undefined;
  props: Record<string, string>;
}

/**
 * Checks the flags in ConsoleConsumerOptions' order with its messages and resolves what is read.
 * One partition: from --offset (earliest|latest|N), else earliest with --from-beginning, else
 * latest. The whole topic: as a group member, from committed offsets, else auto.offset.reset,
 * which --from-beginning sets to earliest (default latest).
 */
function consumePlan(o: ConsoleConsumerOptions, fileProps: Readonly<Record<string, string>>): ConsumePlan {
  if (o.topic === undefined) throw new CliError('Missing required argument "[topic]"');
  if (o.partition !== undefined) {
    if (o.fromBeginning && o.offset !== undefined) throw new CliError('Options from-beginning and offset cannot be specified together.');
  } else if (o.offset !== undefined) {
    throw new CliError('The partition is required when offset is specified.');
  }

  const extra = parseKeyValueArgs(o.consumerProperty ?? []);
  const groups = new Set([o.group, fileProps['group.id'], extra['group.id']].filter((g) => g !== undefined));
  if (groups.size > 1) {
    throw new CliError(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. " +
        `Detected group ids: ${[...groups].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  if (groups.size > 0 && o.partition !== undefined) throw new CliError('Options group and partition cannot be specified together.');

  const props: Record<string, string> = { 'client.id': 'console-consumer', ...fileProps, ...extra };
  const reset = props['auto.offset.reset'];
  if (reset === undefined) props['auto.offset.reset'] = o.fromBeginning ? 'earliest' : 'latest';
  else if (o.fromBeginning && reset !== 'earliest') {
    throw new CliError(`Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`);
  }
  if (o.isolationLevel !== undefined) props['isolation.level'] = o.isolationLevel;

  if (o.partition !== undefined) {
    // Kafka seeks a single partition explicitly: auto.offset.reset plays no part.
    const start = o.offset !== undefined ? parseOffset(o.offset) : o.fromBeginning ? 'earliest' : 'latest';
    return { ...limits(o), topic: o.topic, source: { partition: o.partition, start }, props };
  }
  const [given] = groups;
  if (given === undefined) {
    // The throw-away group's offsets are never used again: keep them out of the coordinator.
    props['enable.auto.commit'] ??= 'false';
  }
  const groupId = given ?? `console-consumer-${Math.floor(Math.random() * 100000)}`;
  return { ...limits(o), topic: o.topic, source: { groupId }, props };
}

function limits(o: ConsoleConsumerOptions): Pick<ConsumePlan, 'maxMessages' | 'timeoutMs'> {
  return {
    maxMessages: o.maxMessages ?? -1,
    timeoutMs: o.timeoutMs !== undefined && o.timeoutMs >= 0 ? o.timeoutMs : undefined,
  };
}
function parseOffset(raw: string): OffsetSpec {
  const lower = raw.toLowerCase();
  if (lower === 'earliest' || lower === 'latest') return lower;
  if (/^[+-]?\d+$/.test(raw)) {
    const n = BigInt(raw);
    if (n >= 0n && n <= 0x7fffffffffffffffn) return n;
  }
  throw new CliError(`The provided offset value '${raw}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
}

type Render = (records: readonly ConsumerRecord[]) => Buffer;

function renderer(json: boolean, formatter: FormatterOptions): Render {
  if (json) return (records) => Buffer.from(records.map((r) => `${toJson(recordView(r))}\n`).join(''), 'utf8');
  return (records) => {
    const chunks: Buffer[] = [];
    for (const r of records) formatRecord(r, formatter, chunks);
    return Buffer.concat(chunks);
  };
}

/**
 * Moves each partition back to its first record that will not be printed, so the commit made on
 * close (auto commit in a group) covers exactly what was printed. Kafka's console consumer
 * commits the whole last poll instead, and its group never sees the records cut off by
 * --max-messages.
 */
async function rewind(consumer: ConsumerClient, unprinted: readonly ConsumerRecord[]): Promise<void> {
  const first = new Map<string, ConsumerRecord>();
  for (const r of unprinted) {
    const key = `${r.topic}\0${r.partition}`;
    if (!first.has(key)) first.set(key, r);
  }
  for (const r of first.values()) {
    // A partition revoked by a rebalance since the poll is no longer this consumer's to rewind:
    // its new owner starts from what was committed, as with Kafka's console consumer.
    await consumer.seek(r.topic, r.partition, r.offset).catch((err: unknown) => {
      if (!(err instanceof MqError && err.code === 'MQ_ERR_INVALID_ARGUMENT')) throw err;
    });
  }
}

/** Polls and prints until --max-messages, --timeout-ms, Ctrl-C or a closed stdout; returns the count. */
async function consume(ctx: CliContext, consumer: ConsumerClient, plan: ConsumePlan, render: Render, stopped: Promise<void>): Promise<number> {
  const out = new StreamWriter(ctx.stdout);
  const stop = stopped.then(() => null);
  let count = 0;
  let lastRecordAt = Date.now();
  while (plan.maxMessages < 0 || count < plan.maxMessages) {
    const waitMs = plan.timeoutMs === undefined ? POLL_MS : Math.max(0, plan.timeoutMs - (Date.now() - lastRecordAt));
    const records = await Promise.race([consumer.poll(waitMs), stop]);
    if (records === null) break;
    if (records.length === 0) {
      if (plan.timeoutMs !== undefined && Date.now() - lastRecordAt >= plan.timeoutMs) break;
      continue;
    }
    lastRecordAt = Date.now();
    const batch = plan.maxMessages < 0 ? records : records.slice(0, plan.maxMessages - count);
    if (batch.length < records.length) await rewind(consumer, records.slice(batch.length));
    count += batch.length;
    if (!(await out.write(render(batch)))) {
      ctx.stderr.write('Unable to write to standard out, closing consumer.\n');
      break;
    }
  }
  return count;
}

async function runConsoleConsumer(ctx: CliContext, o: ConsoleConsumerOptions): Promise<void> {
  const fileProps = await loadConfigFile(o.commandConfig, { flag: 'consumer.config', path: o['consumer.config'] });
  const plan = consumePlan(o, fileProps);
  const render = renderer(o.output === 'json', formatterOptions(parseKeyValueArgs(o.property ?? [])));
  const config = consumerConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, fileProps), plan.props);
  if ('groupId' in plan.source) config.groupId = plan.source.groupId;

  let onStop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  const unsubscribe = ctx.onShutdown(onStop);
  let consumer: ConsumerClient | undefined;
  let count = 0;
  try {
    consumer = ctx.clients.consumer(config);
    await consumer.connect();
    if ('partition' in plan.source) await consumer.assign([{ topic: plan.topic, partition: plan.source.partition, offset: plan.source.start }]);
    else await consumer.subscribe([plan.topic]);
    count = await consume(ctx, consumer, plan, render, stopped);
  } catch (err) {
    throw unableTo('consume', err);
  } finally {
    unsubscribe();
    await consumer?.close().catch(() => undefined);
    ctx.stderr.write(`Processed a total of ${count} messages\n`);
  }
}

export function consoleConsumerCommand(ctx: CliContext): Command {
  const cmd = new Command('console-consumer')
    .description('Read data from a topic and write it to standard output (kafka-console-consumer.sh)')
    .option('--topic <topic>', 'the topic to consume from')
    .option('--partition <n>', 'the partition to consume from; starts at the end unless --offset is given', integer)
    .option('--offset <offset>', "where to start with --partition: 'earliest', 'latest' or a non-negative offset (default: latest)")
    .option('--from-beginning', 'start with the earliest message present in the log rather than the latest')
    .option('--max-messages <n>', 'exit after this many messages (default: unlimited)', integer)
    .option('--timeout-ms <ms>', 'exit when no message arrives for this long', integer)
    .option(
      '--property <prop=value>',
      'a formatter property (repeatable): print.timestamp, print.key, print.value, print.partition, print.offset, ' +
        'print.headers, print.delivery, key.separator, line.separator, headers.separator, null.literal',
      collect,
    )
    .option('--consumer-property <prop=value>', 'a consumer config (repeatable), e.g. fetch.max.wait.ms=100', collect)
    .option('--consumer.config <file>', 'consumer config properties file (same as --command-config)')
    .option('--isolation-level <level>', 'read_committed or read_uncommitted (default: read_uncommitted)')
    .option('--group <id>', 'the consumer group to read as (default: a new console-consumer-<n> group that commits nothing)');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: ConsoleConsumerOptions) => runConsoleConsumer(ctx, o));
}
