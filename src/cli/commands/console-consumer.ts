// mq console-consumer — kafka-console-consumer.sh (AK tools/.../consumer/ConsoleConsumer.java and
// ConsoleConsumerOptions.java). Records are printed by DefaultMessageFormatter's rules
// (--property print.key=true etc.); `Processed a total of N messages` goes to stderr at exit,
// also after Ctrl-C.
//
// Without --group Kafka joins a throw-away group that has no committed offsets, so every partition
// starts at auto.offset.reset: latest, or earliest with --from-beginning. mq's client has no
// consumer groups yet, so the same start is had by assigning every partition of the topic directly;
// --group (or group.id) is refused rather than silently ignored.
//
// Output is written one poll batch at a time and waits for 'drain', so a slow reader slows
// fetching instead of filling memory.

import { Command } from 'commander';
import type { ConsumerRecord, OffsetSpec } from '../../client/index.js';
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
  /** One partition (--partition) or, when undefined, all partitions of the topic. */
  partition: number | undefined;
  start: OffsetSpec;
  /** -1: unlimited. */
  maxMessages: number;
  /** undefined: wait for records forever. */
  timeoutMs: number | undefined;
  props: Record<string, string>;
}

/**
 * Checks the flags in ConsoleConsumerOptions' order with its messages and resolves where reading
 * starts. One partition: --offset (earliest|latest|N), else earliest with --from-beginning, else
 * latest. The whole topic: auto.offset.reset, which --from-beginning sets to earliest (default latest).
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

  if (groups.size > 0) throw new CliError('unable to consume: consumer groups are not supported yet');
  if (o.partition !== undefined) {
    // Kafka seeks a single partition explicitly: auto.offset.reset plays no part.
    const start = o.offset !== undefined ? parseOffset(o.offset) : o.fromBeginning ? 'earliest' : 'latest';
    return { ...limits(o), topic: o.topic, partition: o.partition, start, props };
  }
  // A subscription starts at committed offsets (none without a group), else at the reset policy.
  if (props['auto.offset.reset'] === 'none') {
    throw new CliError('unable to consume: auto.offset.reset=none needs committed offsets, and consumer groups are not supported yet');
  }
  const start = props['auto.offset.reset'] === 'earliest' ? 'earliest' : 'latest';
  return { ...limits(o), topic: o.topic, partition: undefined, start, props };
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

  let onStop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  const unsubscribe = ctx.onShutdown(onStop);
  let consumer: ConsumerClient | undefined;
  let count = 0;
  try {
    consumer = ctx.clients.consumer(config);
    await consumer.connect();
    if (plan.partition !== undefined) await consumer.assign([{ topic: plan.topic, partition: plan.partition, offset: plan.start }]);
    else await consumer.assignTopics([plan.topic], plan.start);
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
    .option('--group <id>', 'the consumer group id (consumer groups are not supported yet)');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: ConsoleConsumerOptions) => runConsoleConsumer(ctx, o));
}
