// mq producer-perf-test — kafka-producer-perf-test.sh (AK tools/.../ProducerPerformance.java).
// Sends --num-records records to --topic as fast as allowed and prints Kafka's lines on stdout:
//   every 5 s   `%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.`
//   at the end  `%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,
//                %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.`
// A record's latency is the time from send() to its acknowledgement, in whole milliseconds.
// --throughput paces sends with Kafka's ThroughputThrottler (-1: unthrottled).
//
// Memory stays flat: the Java producer blocks send() once buffer.memory (32 MiB) of records is
// waiting; mq's producer has no such limit, so this tool stops sending while the unacknowledged
// records would take more than buffer.memory bytes (set it in --producer-props or the config
// file), counting each as its value plus the ~0.5 KiB the producer holds per pending record.
// The send loop also yields to the event loop once per millisecond, so the producer's batches go
// out while records are still being generated, as Kafka's sender thread does.
//
// Argument errors print argparse4j's messages (`argument --topic is required`) on one line.
// Departures: --bootstrap-server (KIP-1147) is accepted, and without it, --producer-props or a
// config file the broker is $MQ_BOOTSTRAP_SERVER or localhost:9092 as for every mq tool, where
// Kafka requires one of the latter two; transactions (--transactional-id,
// --transaction-duration-ms, transactional.id) are refused because mq's client has none yet;
// Ctrl-C stops sending and still prints the final line for what was sent; a run in which records
// failed exits 1 after printing its lines.

import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { SendCallback } from '../../client/producer.js';
import {
  addSharedOptions,
  bootstrapServers,
  integer,
  loadConfigFile,
  producerConfig,
  type CliContext,
  type ProducerClient,
  type SharedOptions,
} from '../context.js';
import { CliError, messageOf, unableTo } from '../errors.js';
import { toJson } from '../output/format.js';
import { javaSplit } from '../java-split.js';
import { metricsJson, metricsText, type Metric } from '../perf/metrics.js';
import { filePayloads, monotonicPayloads, randomPayloads, splitPayloads, type PayloadSource } from '../perf/payload.js';
import { ProducerStats, totalJson, totalLine, windowLine, type TotalView } from '../perf/producer-stats.js';
import { etaText, startProgress, type Progress } from '../perf/progress.js';
import { ThroughputThrottler } from '../perf/throttler.js';

interface ProducerPerfOptions extends SharedOptions {
  topic?: string;
  numRecords?: number;
  recordSize?: number;
  payloadFile?: string;
  payloadDelimiter: string;
  payloadMonotonic?: boolean;
  throughput?: number;
  producerProps?: string[];
  'producer.config'?: string;
  printMetrics?: boolean;
  transactionalId?: string;
  transactionDurationMs?: number;
}

/** Kafka's buffer.memory default: how many bytes records awaiting acknowledgement may take. */
const DEFAULT_BUFFER_MEMORY = 32 * 1024 * 1024;
/**
 * An upper bound on what mq's producer holds per pending record besides its value: its callback
 * and its slots in the batch. 512 bytes was measured (~490) when each record also held a promise;
 * with the callback form it is less, so the window errs on the safe side. Buffer.memory in the
 * Java client counts serialized bytes; here it is what the records cost this process.
 */
const RECORD_MEMORY_OVERHEAD = 512;
const DEFAULT_CLIENT_ID = 'perf-producer-client';

/** Option parser for --throughput, a Java double. */
function double(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) throw new InvalidArgumentError(`could not convert '${value}' to Double`);
  return n;
}

interface ProducerPerfPlan {
  topic: string;
  numRecords: number;
  throughput: number;
  payload: { kind: 'size'; recordSize: number } | { kind: 'file'; path: string; delimiter: string } | { kind: 'monotonic' };
  /** The producer's Kafka-named properties: config file, then --producer-props. */
  props: Record<string, string>;
  bufferMemory: number;
}

/**
 * Checks the arguments as argparse4j and ConfigPostProcessor do, in their order, with their
 * messages; `fileProps` is the config file's content.
 */
function producerPerfPlan(o: ProducerPerfOptions, fileProps: Readonly<Record<string, string>>): ProducerPerfPlan {
  if (o.topic === undefined) throw new CliError('argument --topic is required');
  if (o.numRecords === undefined) throw new CliError('argument --num-records is required');
  if (o.throughput === undefined) throw new CliError('argument --throughput is required');
  const given = (
    [
      ['--record-size', o.recordSize !== undefined],
      ['--payload-file', o.payloadFile !== undefined],
      ['--payload-monotonic', o.payloadMonotonic === true],
    ] as const
  ).filter(([, set]) => set);
  if (given.length === 0) throw new CliError('one of the arguments --record-size --payload-file --payload-monotonic is required');
  if (given.length > 1) throw new CliError(`argument ${given[1]![0]}: not allowed with argument ${given[0]![0]}`);
  if (o.numRecords <= 0) throw new CliError('--num-records should be greater than zero');
  if (o.recordSize !== undefined && o.recordSize <= 0) throw new CliError('--record-size should be greater than zero');
  if (o.transactionDurationMs !== undefined && o.transactionDurationMs <= 0) throw new CliError('--transaction-duration-ms should be greater than zero');

  const props: Record<string, string> = { ...fileProps };
  for (const prop of o.producerProps ?? []) {
    // Kafka: prop.split("=") must give exactly two pieces, so a value may not contain '='.
    const pieces = javaSplit(prop, /=/);
    if (pieces.length !== 2) throw new CliError(`Invalid property: ${prop}`);
    props[pieces[0]!] = pieces[1]!;
  }
  props['client.id'] ??= DEFAULT_CLIENT_ID;
  if (o.transactionalId !== undefined || o.transactionDurationMs !== undefined || props['transactional.id'] !== undefined) {
    throw new CliError('unable to produce: transactions are not supported by mq yet (--transactional-id, --transaction-duration-ms, transactional.id)');
  }
  let bufferMemory = DEFAULT_BUFFER_MEMORY;
  const rawBufferMemory = props['buffer.memory'];
  if (rawBufferMemory !== undefined) {
    bufferMemory = Number(rawBufferMemory.trim());
    if (rawBufferMemory.trim() === '' || !Number.isSafeInteger(bufferMemory) || bufferMemory < 0) {
      throw new CliError(`Invalid value ${rawBufferMemory} for configuration buffer.memory: Not a number of type LONG`);
    }
    // Used here, not by mq's client: left in, it would draw the client's "isn't used" warning.
    delete props['buffer.memory'];
  }

  const payload: ProducerPerfPlan['payload'] =
    o.recordSize !== undefined
      ? { kind: 'size', recordSize: o.recordSize }
      : o.payloadFile !== undefined
        ? // Kafka's default is the two characters \n (so that --help shows it), meaning a newline.
          { kind: 'file', path: o.payloadFile, delimiter: o.payloadDelimiter === '\\n' ? '\n' : o.payloadDelimiter }
        : { kind: 'monotonic' };
  return { topic: o.topic, numRecords: o.numRecords, throughput: o.throughput, payload, props, bufferMemory };
}

/** ProducerPerformance.readPayloadFile, printing its two lines through `say`. */
async function payloadSource(plan: ProducerPerfPlan, say: (line: string) => void): Promise<PayloadSource> {
  const p = plan.payload;
  if (p.kind === 'size') return randomPayloads(p.recordSize);
  if (p.kind === 'monotonic') return monotonicPayloads;
  const path = resolve(p.path);
  say(`Reading payloads from: ${path}`);
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0) throw new CliError('File does not exist or empty file provided.');
  let entries: string[];
  try {
    entries = splitPayloads(await readFile(path, 'utf8'), p.delimiter);
  } catch (err) {
    throw unableTo('read the payload file', err);
  }
  say(`Number of messages read: ${entries.length}`);
  // Kafka then has neither a payload list nor a record size, and says so.
  if (entries.length === 0) throw new CliError('no payload File Path or record Size or payload-monotonic option provided');
  return filePayloads(entries.map((e) => Buffer.from(e, 'utf8')));
}

/**
 * Records sent but not yet acknowledged, bounded by the memory they take (buffer.memory), with
 * the time spent waiting for room (the Java client's bufferpool-wait-time).
 */
class SendWindow {
  bytes = 0;
  records = 0;
  waitNs = 0n;
  private wake: (() => void) | null = null;

  constructor(private readonly limit: number) {}

  add(bytes: number): void {
    this.bytes += bytes;
    this.records++;
  }

  release(bytes: number): void {
    this.bytes -= bytes;
    this.records--;
    // Resume at half the limit rather than at the first free byte: fewer, larger refills.
    if (this.wake && (this.bytes <= this.limit / 2 || this.records === 0)) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  get full(): boolean {
    return this.bytes > this.limit;
  }

  async room(): Promise<void> {
    const start = process.hrtime.bigint();
    while (this.bytes > this.limit && this.records > 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.waitNs += process.hrtime.bigint() - start;
  }

  async drained(): Promise<void> {
    while (this.records > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }
}

/** What the progress line shows, updated by the send loop. */
interface LiveCounts {
  sent: number;
  acked: number;
}

interface RunResult {
  total: TotalView;
  sent: number;
  errors: number;
  waitNs: bigint;
}

/** The send loop of ProducerPerformance.start; `stop.stopped` ends it early (Ctrl-C). */
async function sendAll(
  ctx: CliContext,
  producer: ProducerClient,
  plan: ProducerPerfPlan,
  payloads: PayloadSource,
  say: (line: string) => void,
  live: LiveCounts,
  stop: { stopped: boolean; throttler?: ThroughputThrottler },
): Promise<RunResult> {
  const stats = new ProducerStats(plan.numRecords, Date.now, (w) => say(windowLine(w)));
  const window = new SendWindow(plan.bufferMemory);
  const throttler = new ThroughputThrottler(plan.throughput, Date.now());
  stop.throttler = throttler;
  let errors = 0;
  const reported = new Set<string>();
  const onError = (bytes: number) => (err: unknown) => {
    errors++;
    window.release(bytes + RECORD_MEMORY_OVERHEAD);
    // Kafka prints every failure's stack trace; one line per distinct cause is enough to act on.
    const message = messageOf(err);
    if (!reported.has(message)) {
      reported.add(message);
      ctx.stderr.write(`unable to produce a record: ${message}\n`);
    }
  };
  // One callback per millisecond (and value size) instead of a closure per record, and send()'s
  // callback form, which makes no promise: at a million records a second both are garbage
  // worth not making.
  let tickMs = -1;
  let handlerMs = -1;
  let handlerBytes = -1;
  let onDone: SendCallback = () => undefined;
  let sent = 0;
  for (let i = 0; i < plan.numRecords && !stop.stopped; i++) {
    let sendStartMs = Date.now();
    if (sendStartMs !== tickMs) {
      // Once per millisecond, let the producer's drains, socket I/O and acknowledgements run.
      if (tickMs >= 0) {
        await new Promise(setImmediate);
        sendStartMs = Date.now();
      }
      tickMs = sendStartMs;
    }
    const value = payloads(i);
    const bytes = value.length;
    if (sendStartMs !== handlerMs || bytes !== handlerBytes) {
      const start = (handlerMs = sendStartMs);
      handlerBytes = bytes;
      const onFail = onError(bytes);
      onDone = (err) => {
        if (err) {
          onFail(err);
          return;
        }
        const now = Date.now();
        window.release(bytes + RECORD_MEMORY_OVERHEAD);
        live.acked++;
        stats.record(now - start, bytes, now);
      };
    }
    producer.send({ topic: plan.topic, value }, onDone);
    window.add(bytes + RECORD_MEMORY_OVERHEAD);
    live.sent = sent = i + 1;
    if (window.full) await window.room();
    if (throttler.shouldThrottle(i, sendStartMs)) await throttler.throttle();
  }
  await producer.flush();
  await window.drained();
  return { total: stats.total(), sent, errors, waitNs: window.waitNs };
}

function producerMetrics(clientId: string, r: RunResult, bufferMemory: number): Metric[] {
  const tags = { 'client-id': clientId };
  const seconds = r.total.elapsedMs / 1000;
  const m = (name: string, value: number): Metric => ({ group: 'producer-metrics', name, tags, value });
  return [
    m('record-send-total', r.total.count),
    m('record-send-rate', r.total.count / seconds),
    m('record-error-total', r.errors),
    m('record-error-rate', r.errors / seconds),
    m('bufferpool-wait-time-ns-total', Number(r.waitNs)),
    m('buffer-total-bytes', bufferMemory),
  ];
}

async function runProducerPerf(ctx: CliContext, o: ProducerPerfOptions): Promise<void> {
  const fileProps = await loadConfigFile(o.commandConfig, { flag: 'producer.config', path: o['producer.config'] });
  const plan = producerPerfPlan(o, fileProps);
  const config = producerConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, plan.props), plan.props);
  const json = o.output === 'json';
  const live: LiveCounts = { sent: 0, acked: 0 };
  const startedAt = Date.now();
  const progress: Progress = startProgress(ctx, () => {
    const elapsed = Date.now() - startedAt;
    const rate = elapsed > 0 ? Math.round((live.acked * 1000) / elapsed) : 0;
    return (
      `${live.sent}/${plan.numRecords} records sent (${Math.floor((100 * live.sent) / plan.numRecords)}%), ` +
      `${live.acked} acknowledged, ${rate} records/sec, ETA ${etaText(live.acked, plan.numRecords, elapsed)}`
    );
  });
  // Kafka's lines; --output json prints one object at the end instead.
  const say = (line: string): void => {
    if (!json) progress.print(`${line}\n`);
  };

  const stop: { stopped: boolean; throttler?: ThroughputThrottler } = { stopped: false };
  const unsubscribe = ctx.onShutdown(() => {
    stop.stopped = true;
    stop.throttler?.wakeup();
    // A second Ctrl-C terminates at once, also while the last acknowledgements are awaited.
    unsubscribe();
  });
  let producer: ProducerClient | undefined;
  let result: RunResult;
  try {
    const payloads = await payloadSource(plan, say);
    producer = ctx.clients.producer(config);
    await producer.connect();
    result = await sendAll(ctx, producer, plan, payloads, say, live, stop);
  } catch (err) {
    throw unableTo('produce', err);
  } finally {
    unsubscribe();
    progress.stop();
    await producer?.close().catch(() => undefined);
  }
  const metrics = o.printMetrics ? producerMetrics(plan.props['client.id']!, result, plan.bufferMemory) : [];
  if (json) {
    const view = { topic: plan.topic, ...totalJson(result.total), errors: result.errors, ...(o.printMetrics ? { metrics: metricsJson(metrics) } : {}) };
    ctx.stdout.write(`${toJson(view)}\n`);
  } else {
    ctx.stdout.write(`${totalLine(result.total)}\n${metricsText(metrics)}`);
  }
  if (result.errors > 0) throw new CliError(`unable to produce: ${result.errors} of ${result.sent} records failed`);
}

export function producerPerfTestCommand(ctx: CliContext): Command {
  const cmd = new Command('producer-perf-test')
    .description("Measure producer throughput and latency (kafka-producer-perf-test.sh); prints Kafka's progress and summary lines")
    .option('--topic <topic>', 'produce messages to this topic')
    .option('--num-records <n>', 'number of messages to produce', integer)
    .option('--record-size <bytes>', 'message size in bytes: random letters A-Z (exactly one of --record-size, --payload-file, --payload-monotonic)', integer)
    .option('--payload-file <file>', 'UTF-8 file to read the message payloads from; each record is a random one of them')
    .option('--payload-delimiter <regex>', 'what separates the payloads in --payload-file', '\\n')
    .option('--payload-monotonic', 'the payload is the record number, increasing monotonically')
    .option('--throughput <n>', 'throttle to approximately this many messages/sec; -1 disables throttling', double)
    // argparse4j keeps only the last of repeated --producer-props lists (KAFKA-20281); commander
    // joins them, which loses nothing and reads the same for a single list.
    .option(
      '--producer-props <prop=value...>',
      'producer configs, space separated, e.g. bootstrap.servers=localhost:9092 acks=1 (buffer.memory bounds the records awaiting acknowledgement); they take precedence over --producer.config',
    )
    .option('--producer.config <file>', 'producer config properties file (same as --command-config)')
    .option('--print-metrics', 'print metrics at the end: the records sent and failed and the time spent waiting for buffer.memory, as measured by the tool')
    .option('--transactional-id <id>', 'not supported: mq has no transactions yet, so a transactional run is refused')
    .option('--transaction-duration-ms <ms>', 'not supported: mq has no transactions yet, so a transactional run is refused', integer);
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: ProducerPerfOptions) => runProducerPerf(ctx, o));
}
