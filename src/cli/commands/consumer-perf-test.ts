// mq consumer-perf-test — kafka-consumer-perf-test.sh (AK tools/.../ConsumerPerformance.java).
// Reads --messages records from --topic as fast as possible and prints Kafka's header and one
// summary row (or, with --show-detailed-stats, one row per --reporting-interval) on stdout:
//   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
// It stops after --messages records or when --timeout ms pass without one (then printing Kafka's
// WARNING line). As in Kafka, the last poll's records all count, so the total may exceed
// --messages; bytes are those of keys and values.
//
// The consumer subscribes as a member of --group (default perf-consumer-<random>, a group with
// no committed offsets, so it starts at the earliest offset, or the latest with --from-latest).
// rebalance.time.ms is the time spent without partitions: from the start until the group first
// assigns some, and from a revocation of all of them until the next assignment (Kafka's
// ConsumerPerfRebListener). fetch.time.ms is the rest.
// Ctrl-C stops reading and prints the row for what was read.

import { Command, InvalidArgumentError, Option } from 'commander';
import {
  addSharedOptions,
  bootstrapServers,
  consumerConfig,
  integer,
  loadConfigFile,
  type CliContext,
  type ConsumerClient,
  type SharedOptions,
} from '../context.js';
import { CliError, unableTo } from '../errors.js';
import type { RebalanceListener, TopicPartition } from '../../client/index.js';
import { toJson } from '../output/format.js';
import { consumerHeader, intervalNumbers, intervalRow, runNumbers, summaryRow, timeoutWarning, type IntervalView, type RunView } from '../perf/consumer-stats.js';
import { DateFormatError, dateFormatter } from '../perf/date-format.js';
import { metricsJson, metricsText, type Metric } from '../perf/metrics.js';
import { etaText, startProgress } from '../perf/progress.js';

interface ConsumerPerfOptions extends SharedOptions {
  topic?: string;
  messages?: number;
  group?: string;
  fetchSize: number;
  fromLatest?: boolean;
  'consumer.config'?: string;
  printMetrics?: boolean;
  showDetailedStats?: boolean;
  reportingInterval: number;
  timeout: number;
  dateFormat: string;
  hideHeader?: boolean;
}

const DEFAULT_CLIENT_ID = 'perf-consumer-client';
/** Kafka's poll(Duration.ofMillis(100)). */
const POLL_MS = 100;

/** joptsimple's regex(^\d+$) check on --reporting-interval, with its message. */
function digits(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`Value [${value}] did not match regex [^\\d+$]`);
  return Number(value);
}

interface ConsumerPerfPlan {
  topic: string;
  groupId: string;
  messages: number;
  timeoutMs: number;
  reportingIntervalMs: number;
  detailed: boolean;
  start: 'earliest' | 'latest';
  formatDate: (ms: number) => string;
  props: Record<string, string>;
}

/** ConsumerPerfOptions' checks and props(), in its order and with its messages. */
function consumerPerfPlan(o: ConsumerPerfOptions, fileProps: Readonly<Record<string, string>>): ConsumerPerfPlan {
  if (o.topic === undefined) throw new CliError('Missing required argument "[topic]"');
  if (o.messages === undefined) throw new CliError('Missing required argument "[messages]"');
  if (o.reportingInterval <= 0) throw new CliError('Reporting interval must be greater than 0.');
  let formatDate: (ms: number) => string;
  try {
    formatDate = dateFormatter(o.dateFormat);
  } catch (err) {
    if (err instanceof DateFormatError) throw new CliError(err.message, { cause: err });
    throw err;
  }
  const start = o.fromLatest ? 'latest' : 'earliest';
  // The tool's settings override the file's, as Kafka's props() puts them last.
  const props: Record<string, string> = {
    ...fileProps,
    'max.partition.fetch.bytes': String(o.fetchSize),
    'auto.offset.reset': start,
  };
  props['client.id'] ??= DEFAULT_CLIENT_ID;
  return {
    topic: o.topic,
    // Kafka: "perf-consumer-" + RND.nextInt(100_000).
    groupId: o.group ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`,
    messages: o.messages,
    timeoutMs: o.timeout,
    reportingIntervalMs: o.reportingInterval,
    detailed: o.showDetailedStats === true,
    start,
    formatDate,
    props,
  };
}

interface ConsumeResult {
  run: RunView;
  intervals: IntervalView[];
  timedOut: boolean;
}

/**
 * Time spent without partitions (ConsumerPerfRebListener): it runs from `startMs` until the
 * first assignment, and again from a revocation of every partition until the next assignment.
 */
class JoinTimer implements RebalanceListener {
  /** All of the run so far. */
  totalMs = 0;
  /** Since the last detailed row. */
  intervalMs = 0;
  private readonly assigned = new Set<string>();

  constructor(private joinStartMs: number) {}

  onPartitionsRevoked(partitions: TopicPartition[]): void {
    for (const p of partitions) this.assigned.delete(`${p.topic}\0${p.partition}`);
    if (this.assigned.size === 0) this.joinStartMs = Date.now();
  }

  onPartitionsLost(partitions: TopicPartition[]): void {
    this.onPartitionsRevoked(partitions);
  }

  onPartitionsAssigned(partitions: TopicPartition[]): void {
    if (this.assigned.size === 0) {
      const elapsed = Date.now() - this.joinStartMs;
      this.totalMs += elapsed;
      this.intervalMs += elapsed;
    }
    for (const p of partitions) this.assigned.add(`${p.topic}\0${p.partition}`);
  }
}

/** ConsumerPerformance.consume: polls until enough messages, the timeout or `stop`. */
async function consume(
  consumer: ConsumerClient,
  plan: ConsumerPerfPlan,
  startMs: number,
  onInterval: (v: IntervalView) => void,
  live: { messages: number },
  stop: { stopped: boolean },
): Promise<ConsumeResult> {
  const joins = new JoinTimer(startMs);
  await consumer.subscribe([plan.topic], joins);
  let currentTimeMs = Date.now();
  let lastReportTimeMs = currentTimeMs;
  let lastConsumedTimeMs = currentTimeMs;
  let messages = 0;
  let bytes = 0;
  let lastMessages = 0;
  let lastBytes = 0;
  const intervals: IntervalView[] = [];
  while (!stop.stopped && messages < plan.messages && currentTimeMs - lastConsumedTimeMs <= plan.timeoutMs) {
    const records = await consumer.poll(POLL_MS);
    currentTimeMs = Date.now();
    if (records.length > 0) lastConsumedTimeMs = currentTimeMs;
    for (const r of records) {
      messages++;
      // Read each once: every read of a record's key or value makes a new view of the fetched bytes.
      const { key, value } = r;
      if (key !== null) bytes += key.length;
      if (value !== null) bytes += value.length;
      // Checked per record, as Kafka does, so a row carries the counts up to the record that
      // crossed the interval.
      if (currentTimeMs - lastReportTimeMs >= plan.reportingIntervalMs) {
        if (plan.detailed) {
          // Kafka means this to be the interval's join time, but replaces the counter the
          // listener adds to after the first row, so its later rows show 0; here each row has its own.
          const v = { startMs: lastReportTimeMs, endMs: currentTimeMs, bytes, lastBytes, messages, lastMessages, rebalanceTimeMs: joins.intervalMs };
          intervals.push(v);
          onInterval(v);
        }
        joins.intervalMs = 0;
        lastReportTimeMs = currentTimeMs;
        lastMessages = messages;
        lastBytes = bytes;
      }
    }
    live.messages = messages;
  }
  return {
    run: { startMs, endMs: Date.now(), bytes, messages, rebalanceTimeMs: joins.totalMs },
    intervals,
    timedOut: !stop.stopped && messages < plan.messages,
  };
}

function consumerMetrics(clientId: string, run: RunView): Metric[] {
  const tags = { 'client-id': clientId };
  const seconds = (run.endMs - run.startMs) / 1000;
  return [
    { group: 'consumer-fetch-manager-metrics', name: 'records-consumed-total', tags, value: run.messages },
    { group: 'consumer-fetch-manager-metrics', name: 'records-consumed-rate', tags, value: run.messages / seconds },
  ];
}

async function runConsumerPerf(ctx: CliContext, o: ConsumerPerfOptions): Promise<void> {
  const fileProps = await loadConfigFile(o.commandConfig, { flag: 'consumer.config', path: o['consumer.config'] });
  const plan = consumerPerfPlan(o, fileProps);
  const config = { ...consumerConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, fileProps), plan.props), groupId: plan.groupId };
  const json = o.output === 'json';
  const live = { messages: 0 };
  const startMs = Date.now();
  const progress = startProgress(ctx, () => {
    const elapsed = Date.now() - startMs;
    const rate = elapsed > 0 ? Math.round((live.messages * 1000) / elapsed) : 0;
    return `${live.messages}/${plan.messages} messages consumed, ${rate} messages/sec, ETA ${etaText(live.messages, plan.messages, elapsed)}`;
  });
  const say = (line: string): void => {
    if (!json) progress.print(`${line}\n`);
  };
  if (!o.hideHeader) say(consumerHeader(plan.detailed));

  const stop = { stopped: false };
  const unsubscribe = ctx.onShutdown(() => {
    stop.stopped = true;
    unsubscribe();
  });
  let consumer: ConsumerClient | undefined;
  let result: ConsumeResult;
  try {
    consumer = ctx.clients.consumer(config);
    await consumer.connect();
    result = await consume(consumer, plan, startMs, (v) => say(intervalRow(v, plan.formatDate)), live, stop);
  } catch (err) {
    throw unableTo('consume', err);
  } finally {
    unsubscribe();
    progress.stop();
    await consumer?.close().catch(() => undefined);
  }
  const metrics = o.printMetrics ? consumerMetrics(plan.props['client.id']!, result.run) : [];
  if (json) {
    const view = {
      topic: plan.topic,
      startTime: plan.formatDate(result.run.startMs),
      endTime: plan.formatDate(result.run.endMs),
      startMs: result.run.startMs,
      endMs: result.run.endMs,
      messages: result.run.messages,
      bytes: result.run.bytes,
      rebalanceTimeMs: result.run.rebalanceTimeMs,
      ...runNumbers(result.run),
      timedOut: result.timedOut,
      ...(plan.detailed ? { intervals: result.intervals.map((v) => ({ time: plan.formatDate(v.endMs), endMs: v.endMs, messages: v.messages, bytes: v.bytes, ...intervalNumbers(v) })) } : {}),
      ...(o.printMetrics ? { metrics: metricsJson(metrics) } : {}),
    };
    ctx.stdout.write(`${toJson(view)}\n`);
    return;
  }
  let out = '';
  if (result.timedOut) out += `${timeoutWarning(plan.timeoutMs)}\n`;
  if (!plan.detailed) out += `${summaryRow(result.run, plan.formatDate)}\n`;
  ctx.stdout.write(out + metricsText(metrics));
}

export function consumerPerfTestCommand(ctx: CliContext): Command {
  const cmd = new Command('consumer-perf-test')
    .description("Measure consumer throughput (kafka-consumer-perf-test.sh); prints Kafka's CSV header and rows")
    .option('--topic <topic>', 'the topic to consume from')
    .option('--messages <n>', 'the number of messages to consume', integer)
    .option('--group <id>', 'the consumer group id to consume in (default: perf-consumer-<random>)')
    .option('--fetch-size <bytes>', 'max.partition.fetch.bytes: the amount of data to fetch from a partition in a single request', integer, 1024 * 1024)
    .option('--from-latest', 'start with the latest message present in the log rather than the earliest')
    .option('--consumer.config <file>', 'consumer config properties file (same as --command-config)')
    .option('--print-metrics', 'print metrics at the end: the records consumed and their rate, as measured by the tool')
    .option('--show-detailed-stats', 'print a row for each reporting interval instead of one for the run')
    .option('--reporting-interval <ms>', 'interval in milliseconds at which to print progress info', digits, 5000)
    .addOption(new Option('--timeout [ms]', 'the maximum allowed time in milliseconds between returned records').argParser(integer).preset('10000').default(10000))
    .option('--date-format <pattern>', 'java.text.SimpleDateFormat pattern for the time fields', 'yyyy-MM-dd HH:mm:ss:SSS')
    .option('--hide-header', 'skip printing the header');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: ConsumerPerfOptions) => runConsumerPerf(ctx, o));
}
