// mq log-dirs --describe — kafka-log-dirs.sh (AK tools/.../LogDirsCommand.java). The brokers come
// from DescribeCluster (as Kafka's tool gets them from describeCluster()); each is asked for every
// partition of every log dir and --topic-list filters the answer, as Kafka does. Piped output:
//   Querying brokers for log directories information
//   Received log directory information from brokers 0
//   {"brokers":[{"broker":0,"logDirs":[{"partitions":[{"partition":"t-0","size":123,"offsetLag":0,
//     "isFuture":false}],"error":null,"logDir":"/tmp/x"}]}],"version":1}   (one line, Java HashMap order)
// A broker in --broker-list that the cluster lacks fails before anything is asked, with Kafka's
// `ERROR: The given brokers do not exist from --broker-list: 5. Current existent brokers: 0`.
// Kafka's JSON names a log dir's error by its Java exception class; mq does the same for the
// errors a log dir can report.

import { Command } from 'commander';
import type { LogDirDescription } from '../../client/index.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { addSharedOptions, adminConfig, bootstrapServers, loadConfigFile, type AdminClient, type CliContext, type SharedOptions } from '../context.js';
import { CliError, unableTo } from '../errors.js';
import { colorsFor } from '../output/color.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';
import { renderTable } from '../output/table.js';

interface LogDirsOptions extends SharedOptions {
  describe?: boolean;
  topicList?: string;
  brokerList?: string;
}

/** Java exception classes of the errors a log dir reports (AK Errors.java). */
const EXCEPTION_CLASSES: Readonly<Record<number, string>> = {
  [ErrorCode.KAFKA_STORAGE_ERROR]: 'org.apache.kafka.common.errors.KafkaStorageException',
  [ErrorCode.LOG_DIR_NOT_FOUND]: 'org.apache.kafka.common.errors.LogDirNotFoundException',
  [ErrorCode.UNKNOWN_SERVER_ERROR]: 'org.apache.kafka.common.errors.UnknownServerException',
};

/** Kafka's list parsing: split on ',', blanks dropped. */
function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** --broker-list; none or an empty list means every broker of the cluster. */
function brokerIds(raw: string | undefined): number[] | undefined {
  const items = list(raw);
  if (items.length === 0) return undefined;
  return items.map((s) => {
    const n = Number(s);
    if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(n)) throw new CliError(`For input string: "${s}"`);
    return n;
  });
}

/** A Set<Integer> of broker ids as Kafka's tool joins it: HashSet order (Integer.hashCode is the value). */
function idSetText(ids: readonly number[]): string {
  return javaHashMapOrder([...new Set(ids)].sort((a, b) => a - b), (id) => id).join(',');
}

/** Java's String.hashCode (UTF-16 code units, int32 arithmetic). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashMap holding `items` (inserted in the given order): by
 * bucket of the spread hash in the table the map has grown to, insertion order within a bucket.
 * Kafka's tool builds its JSON from HashMaps, so this is the order its output lists things in.
 */
export function javaHashMapOrder<T>(items: readonly T[], hash: (item: T) => number): T[] {
  let capacity = 16;
  while (items.length > capacity * 0.75) capacity *= 2;
  const bucket = (h: number): number => (h ^ (h >>> 16)) & (capacity - 1);
  return items
    .map((item, i) => ({ item, i, b: bucket(hash(item)) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.item);
}

/** TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(). */
const topicPartitionHash = (r: { topic: string; partition: number }): number => (Math.imul(31, 31 + r.partition) + javaStringHash(r.topic)) | 0;

export interface LogDirsJson {
  brokers: Array<{
    broker: number;
    logDirs: Array<{ partitions: Array<{ partition: string; size: bigint; offsetLag: bigint; isFuture: boolean }>; error: string | null; logDir: string }>;
  }>;
  version: 1;
}

/**
 * LogDirsCommand.formatAsJson. Every object there is a HashMap, so keys come out in hash order
 * ({"brokers":..,"version":1}, {"partitions":..,"error":..,"logDir":..}) and so do brokers, log
 * dirs and partitions; mq writes the same order so the line is byte for byte Kafka's.
 */
export function logDirsJson(byBroker: ReadonlyMap<number, LogDirDescription[]>, topics: readonly string[]): LogDirsJson {
  const wanted = new Set(topics);
  const brokers = javaHashMapOrder([...byBroker.keys()].sort((a, b) => a - b), (id) => id);
  return {
    brokers: brokers.map((broker) => ({
      broker,
      logDirs: javaHashMapOrder(byBroker.get(broker)!, (d) => javaStringHash(d.path)).map((d) => {
        const replicas = d.replicas
          .filter((r) => wanted.size === 0 || wanted.has(r.topic))
          .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
        return {
          partitions: javaHashMapOrder(replicas, topicPartitionHash).map((r) => ({
            partition: `${r.topic}-${r.partition}`,
            size: r.size,
            offsetLag: r.offsetLag,
            isFuture: r.isFuture,
          })),
          error: d.error ? (EXCEPTION_CLASSES[d.error.errorCode] ?? d.error.name) : null,
          logDir: d.path,
        };
      }),
    })),
    version: 1,
  };
}

async function runLogDirs(ctx: CliContext, o: LogDirsOptions): Promise<void> {
  if (!o.describe) throw new CliError('Missing required argument "[describe]"');
  const topics = list(o.topicList);
  const asked = brokerIds(o.brokerList);
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), { 'client.id': 'log-dirs-tool', ...props });
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    const cluster = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
    const missing = (asked ?? []).filter((id) => !cluster.includes(id));
    if (missing.length > 0) {
      throw new CliError(`ERROR: The given brokers do not exist from --broker-list: ${idSetText(missing)}. Current existent brokers: ${idSetText(cluster)}`);
    }
    const brokers = [...new Set(asked ?? cluster)].sort((a, b) => a - b);
    const text = o.output !== 'json' && !ctx.isTTY.stdout;
    if (text) ctx.stdout.write('Querying brokers for log directories information\n');
    const result = logDirsJson(await withSpinner(ctx, 'describing log dirs', () => admin!.describeLogDirs(brokers)), topics);
    if (text) ctx.stdout.write(`Received log directory information from brokers ${idSetText(brokers)}\n`);
    if (o.output === 'json' || text) ctx.stdout.write(`${toJson(result)}\n`);
    else {
      const colors = colorsFor(ctx);
      const rows = result.brokers.flatMap((b) =>
        b.logDirs.flatMap((d) =>
          d.error !== null
            ? [[String(b.broker), d.logDir, colors.red(d.error), '', '', '']]
            : d.partitions.map((p) => [String(b.broker), d.logDir, p.partition, String(p.size), String(p.offsetLag), String(p.isFuture)]),
        ),
      );
      ctx.stdout.write(renderTable(colors, ['BROKER', 'LOG DIR', 'PARTITION', 'SIZE', 'OFFSET LAG', 'FUTURE'], rows));
    }
  } catch (err) {
    throw unableTo('describe log dirs', err);
  } finally {
    await admin?.close().catch(() => undefined);
  }
}

export function logDirsCommand(ctx: CliContext): Command {
  const cmd = new Command('log-dirs')
    .description('Query the log directories of brokers (kafka-log-dirs.sh)')
    .option('--describe', 'describe the log directories of the brokers')
    .option('--topic-list <t1,t2>', 'topics to describe (default: all)')
    .option('--broker-list <0,1>', 'brokers to query (default: all)');
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: LogDirsOptions) => runLogDirs(ctx, o));
}
