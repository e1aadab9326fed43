// mq console-producer — kafka-console-producer.sh (AK tools/.../ConsoleProducer.java): each stdin
// line is one record, parsed by LineMessageReader (--property parse.key=true etc.).
//
// Sends are not awaited one by one: the producer batches (linger.ms = --timeout, batch.size =
// --batch-size) while stdin keeps being read, and EOF flushes. Unacknowledged records are bounded
// in size, so a slow broker pauses reading instead of growing memory (Kafka's buffer.memory
// blocks send() the same way). --sync waits for each record's ack before reading the next line.
//
// Client configuration precedence, as ConsoleProducerConfig.producerProps: the tool's flags when
// given, else --producer-property, else the config file, else the flags' defaults. One departure:
// Kafka always lets --compression-codec (default none) override compression.type from the other
// sources; here compression.type set by --producer-property or the file is honoured.

import { createInterface } from 'node:readline';
import { Command } from 'commander';
import {
  addSharedOptions,
  bootstrapServers,
  collect,
  integer,
  loadConfigFile,
  producerConfig,
  type CliContext,
  type ProducerClient,
  type SharedOptions,
} from '../context.js';
import { CliError, unableTo } from '../errors.js';
import { toJson } from '../output/format.js';
import { parseKeyValueArgs } from '../properties.js';
import { LineMessageReader, LineReaderError } from '../records/line-message-reader.js';

interface ConsoleProducerOptions extends SharedOptions {
  topic?: string;
  property?: string[];
  producerProperty?: string[];
  'producer.config'?: string;
  requestRequiredAcks?: string;
  sync?: boolean;
  /** true when the flag is given without a value, which Kafka reads as gzip. */
  compressionCodec?: string | true;
  batchSize?: number;
  timeout?: number;
}

/**
 * How much input (in characters) may be sent but not yet acknowledged: Kafka's buffer.memory
 * default, 32 MiB.
 */
const MAX_UNACKED = 32 * 1024 * 1024;

/** The producer's Kafka-named properties, lowest precedence first. */
function producerProperties(o: ConsoleProducerOptions, fileProps: Readonly<Record<string, string>>): Record<string, string> {
  const flags: Record<string, string> = {};
  if (o.requestRequiredAcks !== undefined) flags.acks = o.requestRequiredAcks;
  if (o.timeout !== undefined) flags['linger.ms'] = String(o.timeout);
  if (o.batchSize !== undefined) flags['batch.size'] = String(o.batchSize);
  if (o.compressionCodec !== undefined) flags['compression.type'] = o.compressionCodec === true ? 'gzip' : o.compressionCodec;
  return {
    'client.id': 'console-producer',
    acks: '-1',
    'linger.ms': '1000',
    'batch.size': '16384',
    ...fileProps,
    ...parseKeyValueArgs(o.producerProperty ?? []),
    ...flags,
  };
}

/** Tracks unacknowledged sends: their size (for the memory bound), the acks and the first failure. */
class InFlight {
  private size = 0;
  private count = 0;
  private wake: (() => void) | null = null;
  failure: unknown = undefined;
  acked = 0;

  track(send: Promise<unknown>, size: number): void {
    this.size += size;
    this.count += 1;
    send.then(
      () => {
        this.acked += 1;
        this.settle(size);
      },
      (err: unknown) => {
        this.failure ??= err;
        this.settle(size);
      },
    );
  }

  private settle(size: number): void {
    this.size -= size;
    this.count -= 1;
    this.wake?.();
  }

  /** Waits while more than `limit` is unacknowledged (0: until every send settled), unless a send failed. */
  async below(limit: number): Promise<void> {
    while (this.failure === undefined && (limit === 0 ? this.count > 0 : this.size > limit)) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}

async function produce(ctx: CliContext, producer: ProducerClient, reader: LineMessageReader, topic: string, sync: boolean): Promise<number> {
  // Kafka prompts only when it has a console (stdin and stdout are terminals).
  const prompt = ctx.isTTY.stdin && ctx.isTTY.stdout ? (): void => void ctx.stdout.write('>') : (): void => undefined;
  const lines = createInterface({ input: ctx.stdin, crlfDelay: Infinity, terminal: false });
  // Ctrl-C ends the input like EOF does: what was read is still delivered, as Kafka's shutdown
  // hook closes (and so flushes) its producer.
  const unsubscribe = ctx.onShutdown(() => lines.close());
  const inFlight = new InFlight();
  try {
    prompt();
    for await (const line of lines) {
      const { key, value, headers } = reader.read(line);
      inFlight.track(producer.send({ topic, key, value, headers }), line.length);
      if (sync) {
        // Without the flush, each record would first wait out linger.ms.
        await producer.flush();
        await inFlight.below(0);
      } else {
        await inFlight.below(MAX_UNACKED);
      }
      if (inFlight.failure !== undefined) break;
      prompt();
    }
    if (inFlight.failure === undefined) await producer.flush();
    await inFlight.below(0);
  } finally {
    unsubscribe();
    lines.close();
  }
  if (inFlight.failure !== undefined) throw unableTo('produce', inFlight.failure);
  return inFlight.acked;
}

async function runConsoleProducer(ctx: CliContext, o: ConsoleProducerOptions): Promise<void> {
  const topic = o.topic;
  if (topic === undefined) throw new CliError('Missing required argument "[topic]"');
  const fileProps = await loadConfigFile(o.commandConfig, { flag: 'producer.config', path: o['producer.config'] });
  const props = producerProperties(o, fileProps);
  const config = producerConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, fileProps), props);
  let reader: LineMessageReader;
  try {
    reader = new LineMessageReader(parseKeyValueArgs(o.property ?? []));
  } catch (err) {
    throw err instanceof LineReaderError ? new CliError(err.message, { cause: err }) : err;
  }

  let producer: ProducerClient | undefined;
  let sent: number;
  try {
    producer = ctx.clients.producer(config);
    await producer.connect();
    sent = await produce(ctx, producer, reader, topic, o.sync === true);
  } catch (err) {
    throw unableTo('produce', err);
  } finally {
    // Records already sent are delivered before exit, also after a bad input line, as Kafka's
    // shutdown hook closes (and so flushes) its producer.
    await producer?.close().catch(() => undefined);
  }
  if (o.output === 'json') ctx.stdout.write(`${toJson({ topic, records: sent })}\n`);
}

export function consoleProducerCommand(ctx: CliContext): Command {
  const cmd = new Command('console-producer')
    .description('Read data from standard input and publish it to a topic, one record per line (kafka-console-producer.sh)')
    .option('--topic <topic>', 'the topic to produce messages to')
    .option(
      '--property <prop=value>',
      'a property for the line reader (repeatable): parse.key, key.separator, parse.headers, headers.delimiter, ' +
        'headers.separator, headers.key.separator, null.marker, ignore.error',
      collect,
    )
    .option('--request-required-acks <acks>', 'the required acks of the producer requests: all, -1, 0 or 1 (default: -1)')
    .option('--sync', 'send each record synchronously, waiting for its acknowledgement')
    .option('--compression-codec [codec]', "none, gzip, snappy, lz4 or zstd; without a value, 'gzip' (default: none)")
    .option('--batch-size <bytes>', 'batch.size: bytes per partition batch (default: 16384)', integer)
    .option('--timeout <ms>', 'linger.ms: how long a record may wait for its batch to fill (default: 1000)', integer)
    .option('--producer-property <prop=value>', 'a producer config (repeatable), e.g. client.id=my-app', collect)
    .option('--producer.config <file>', 'producer config properties file (same as --command-config)');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: ConsoleProducerOptions) => runConsoleProducer(ctx, o));
}
