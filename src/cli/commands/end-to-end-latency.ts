// mq end-to-end-latency — Kafka's EndToEndLatency tool (AK tools/.../EndToEndLatency.java,
// kafka-run-class.sh org.apache.kafka.tools.EndToEndLatency), with its positional arguments:
//   broker_list topic num_messages producer_acks message_size_bytes [properties_file]
// It sends one record at a time (linger.ms=0), waits for its acknowledgement, then polls a
// consumer that fetches without waiting (fetch.max.wait.ms=0) until the record arrives; the time
// from send to receipt is one latency. A missing topic is created with one partition. Output on
// stdout, as Kafka's:
//   `<i>\t<ms>` for every 1000th message (i = 0, 1000, ...; ms as Java prints a double)
//   `Avg latency: %.4f ms`
//   `Percentiles: 50th = %d, 99th = %d, 99.9th = %d` (whole milliseconds, truncated)
// Message i is message_size_bytes copies of one random letter from java.util.Random(0), so the
// bytes are those Kafka sends. --output json adds the percentiles in microseconds. Ctrl-C stops
// and prints the results of the messages measured so far.

import { Command } from 'commander';
import {
  addSharedOptions,
  adminConfig,
  bootstrapServers,
  consumerConfig,
  loadConfigFile,
  producerConfig,
  type AdminClient,
  type CliContext,
  type ConsumerClient,
  type ProducerClient,
  type SharedOptions,
} from '../context.js';
import { CliError, unableTo } from '../errors.js';
import { toJson } from '../output/format.js';
import { javaDouble, javaFixed } from '../perf/java-format.js';
import { JavaRandom } from '../perf/java-random.js';
import { etaText, startProgress } from '../perf/progress.js';

const USAGE = 'USAGE: mq end-to-end-latency broker_list topic num_messages producer_acks message_size_bytes [optional] properties_file';
/** EndToEndLatency.POLL_TIMEOUT_MS */
const POLL_TIMEOUT_MS = 60_000;

interface LatencyPlan {
  brokers: string;
  topic: string;
  numMessages: number;
  acks: string;
  messageSize: number;
  propertiesFile: string | undefined;
}

/** Java's Integer.parseInt, with its NumberFormatException message. */
function parseJavaInt(s: string): number {
  const n = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new CliError(`For input string: "${s}"`);
  return n;
}

/** EndToEndLatency.execute's argument checks, in its order and with its messages. */
function latencyPlan(args: readonly string[]): LatencyPlan {
  if (args.length !== 5 && args.length !== 6) throw new CliError(USAGE);
  const [brokers, topic, rawCount, acks, rawSize, file] = args as [string, string, string, string, string, string | undefined];
  const numMessages = parseJavaInt(rawCount);
  const messageSize = parseJavaInt(rawSize);
  const propertiesFile = file !== undefined && file.trim() !== '' ? file : undefined;
  if (acks !== '1' && acks !== 'all') throw new CliError('Latency testing requires synchronous acknowledgement. Please use 1 or all');
  // Kafka fails with an index error on 0 messages and a negative array size below 0.
  if (numMessages <= 0) throw new CliError('num_messages must be greater than 0');
  if (messageSize < 0) throw new CliError('message_size_bytes must not be negative');
  return { brokers, topic, numMessages, acks, messageSize, propertiesFile };
}

/** Value at ⌊p × n⌋ of the sorted values, as printResults reads its percentiles. */
function at(sorted: readonly number[], p: number): number {
  return sorted[Math.trunc(sorted.length * p)]!;
}

export interface LatencySummary {
  messages: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
}

export function summarize(latenciesNs: readonly bigint[]): LatencySummary {
  const totalNs = latenciesNs.reduce((a, b) => a + b, 0n);
  // Kafka keeps each latency as elapsed / 1000 / 1000: whole milliseconds, truncated.
  const ms = latenciesNs.map((ns) => Number(ns / 1_000_000n)).sort((a, b) => a - b);
  const us = latenciesNs.map((ns) => Number(ns / 1000n)).sort((a, b) => a - b);
  return {
    messages: latenciesNs.length,
    avgMs: Number(totalNs) / latenciesNs.length / 1000 / 1000,
    p50Ms: at(ms, 0.5),
    p99Ms: at(ms, 0.99),
    p999Ms: at(ms, 0.999),
    p50Us: at(us, 0.5),
    p99Us: at(us, 0.99),
    p999Us: at(us, 0.999),
  };
}

export function progressLine(i: number, elapsedNs: bigint): string {
  return `${i}\t${javaDouble(Number(elapsedNs) / 1000 / 1000)}`;
}

export function resultLines(s: LatencySummary): string {
  return `Avg latency: ${javaFixed(s.avgMs, 4)} ms\nPercentiles: 50th = ${s.p50Ms}, 99th = ${s.p99Ms}, 99.9th = ${s.p999Ms}\n`;
}

/** EndToEndLatency.randomBytesOfLen: the whole message is one random letter. */
function message(random: JavaRandom, size: number): Buffer {
  return Buffer.alloc(size, random.nextInt(26) + 65);
}

/** Creates the topic when missing, then returns its partitions. */
async function topicPartitions(admin: AdminClient, topic: string, say: (line: string) => void): Promise<number[]> {
  if (!(await admin.listTopics({ includeInternal: true })).includes(topic)) {
    say(`Topic "${topic}" does not exist. Will create topic with 1 partition(s) and replication factor = 1`);
    const [created] = await admin.createTopics([{ name: topic, numPartitions: 1, replicationFactor: 1 }]);
    if (created?.error) {
      say(`Creation of topic ${topic} failed`);
      throw created.error;
    }
  }
  const [description] = await admin.describeTopics([topic]);
  if (!description || description.error) throw description?.error ?? new Error(`no description of topic ${topic}`);
  return description.partitions.map((p) => p.partition);
}

async function measure(
  producer: ProducerClient,
  consumer: ConsumerClient,
  plan: LatencyPlan,
  say: (line: string) => void,
  live: { done: number },
  stop: { stopped: boolean },
): Promise<bigint[]> {
  const random = new JavaRandom(0n);
  const latencies: bigint[] = [];
  for (let i = 0; i < plan.numMessages && !stop.stopped; i++) {
    const sent = message(random, plan.messageSize);
    const begin = process.hrtime.bigint();
    await producer.send({ topic: plan.topic, value: sent });
    const records = await consumer.poll(POLL_TIMEOUT_MS);
    const elapsed = process.hrtime.bigint() - begin;
    if (records.length === 0) throw new Error(`poll() timed out before finding a result (timeout:[${POLL_TIMEOUT_MS}])`);
    const read = records[0]!.value ?? Buffer.alloc(0);
    if (!read.equals(sent)) {
      throw new Error(`The message read [${read.toString('utf8')}] did not match the message sent [${sent.toString('utf8')}]`);
    }
    if (records.length !== 1) throw new Error(`Only one result was expected during this test. We found [${records.length}]`);
    if (i % 1000 === 0) say(progressLine(i, elapsed));
    latencies.push(elapsed);
    live.done = i + 1;
  }
  return latencies;
}

async function runEndToEndLatency(ctx: CliContext, args: readonly string[], o: SharedOptions): Promise<void> {
  const plan = latencyPlan(args);
  const fileProps = await loadConfigFile(undefined, { flag: 'properties_file', path: plan.propertiesFile });
  const servers = bootstrapServers(ctx, plan.brokers, {});
  const json = o.output === 'json';
  const producerProps = { ...fileProps, 'linger.ms': '0', acks: plan.acks };
  const consumerProps = { ...fileProps, 'fetch.max.wait.ms': '0', 'auto.offset.reset': 'latest' };

  const live = { done: 0 };
  const startedAt = Date.now();
  const progress = startProgress(ctx, () => `${live.done}/${plan.numMessages} messages, ETA ${etaText(live.done, plan.numMessages, Date.now() - startedAt)}`);
  const say = (line: string): void => {
    if (!json) progress.print(`${line}\n`);
  };
  const stop = { stopped: false };
  const unsubscribe = ctx.onShutdown(() => {
    stop.stopped = true;
    unsubscribe();
  });
  let admin: AdminClient | undefined;
  let consumer: ConsumerClient | undefined;
  let producer: ProducerClient | undefined;
  let latencies: bigint[];
  try {
    consumer = ctx.clients.consumer(consumerConfig(ctx, servers, consumerProps));
    producer = ctx.clients.producer(producerConfig(ctx, servers, producerProps));
    admin = ctx.clients.admin(adminConfig(ctx, servers, fileProps));
    // Kafka's setupConsumer: every partition, from its end.
    const partitions = await topicPartitions(admin, plan.topic, say);
    await consumer.assign(partitions.map((partition) => ({ topic: plan.topic, partition, offset: 'latest' as const })));
    await producer.connect();
    latencies = await measure(producer, consumer, plan, say, live, stop);
  } catch (err) {
    throw unableTo('measure latency', err);
  } finally {
    unsubscribe();
    progress.stop();
    await Promise.all([admin?.close(), consumer?.close(), producer?.close()].map((p) => p?.catch(() => undefined)));
  }
  if (latencies.length === 0) return;
  const summary = summarize(latencies);
  ctx.stdout.write(json ? `${toJson({ topic: plan.topic, ...summary })}\n` : resultLines(summary));
}

export function endToEndLatencyCommand(ctx: CliContext): Command {
  const cmd = new Command('end-to-end-latency')
    .description("Measure the latency of single records from producer to consumer (Kafka's EndToEndLatency tool)")
    .usage('[options] broker_list topic num_messages producer_acks message_size_bytes [properties_file]')
    .argument('[args...]', 'broker_list topic num_messages producer_acks (1 or all) message_size_bytes [properties_file]');
  addSharedOptions(cmd, ['output', 'verbose']);
  return cmd.action((args: string[], o: SharedOptions) => runEndToEndLatency(ctx, args, o));
}
