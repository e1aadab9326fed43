// mq log-dirs --describe — kafka-log-dirs.sh (AK tools/.../LogDirsCommand.java). The brokers come
// from DescribeCluster (as Kafka's tool gets them from describeCluster()); each is asked for every
// partition of every log dir and --topic-list filters the answer, as Kafka does. Piped output:
//   Querying brokers for log directories information
//   Received log directory information from brokers 0
//   {"version":1,"brokers":[{"broker":0,"logDirs":[{"logDir":"/tmp/x","error":null,"partitions":[
//     {"partition":"t-0","size":123,"offsetLag":0,"isFuture":false}]}]}]}   (one line)
// A broker in --broker-list that the cluster lacks fails before anything is asked, with Kafka's
// `ERROR: The given brokers do not exist from --broker-list: 5. Current existent brokers: 0`.
// Kafka's JSON names a log dir's error by its Java exception class; mq does the same for the
// errors a log dir can report. Brokers are printed by id, partitions by topic then partition.

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

export interface LogDirsJson {
  version: 1;
  brokers: Array<{
    broker: number;
    logDirs: Array<{ logDir: string; error: string | null; partitions: Array<{ partition: string; size: bigint; offsetLag: bigint; isFuture: boolean }> }>;
  }>;
}

/** Kafka's list parsing: split on ',', blanks dropped. */
function list(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function brokerIds(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  return list(raw).map((s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new CliError(`For input string: "${s}"`);
    return n;
  });
}

export function logDirsJson(byBroker: ReadonlyMap<number, LogDirDescription[]>, topics: readonly string[]): LogDirsJson {
  const wanted = new Set(topics);
  return {
    version: 1,
    brokers: [...byBroker.entries()]
      .sort(([a], [b]) => a - b)
      .map(([broker, dirs]) => ({
        broker,
        logDirs: dirs.map((d) => ({
          logDir: d.path,
          error: d.error ? (EXCEPTION_CLASSES[d.error.errorCode] ?? d.error.name) : null,
          partitions: d.replicas
            .filter((r) => wanted.size === 0 || wanted.has(r.topic))
            .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
            .map((r) => ({ partition: `${r.topic}-${r.partition}`, size: r.size, offsetLag: r.offsetLag, isFuture: r.isFuture })),
        })),
      })),
  };
}

async function runLogDirs(ctx: CliContext, o: LogDirsOptions): Promise<void> {
  if (!o.describe) throw new CliError('Missing required argument "[describe]"');
  const topics = list(o.topicList);
  const asked = brokerIds(o.brokerList);
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), props);
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    const cluster = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    const missing = [...new Set(asked ?? [])].filter((id) => !cluster.includes(id)).sort((a, b) => a - b);
    if (missing.length > 0) {
      throw new CliError(`ERROR: The given brokers do not exist from --broker-list: ${missing.join(',')}. Current existent brokers: ${cluster.join(',')}`);
    }
    const brokers = asked ? [...new Set(asked)].sort((a, b) => a - b) : cluster;
    const text = o.output !== 'json' && !ctx.isTTY.stdout;
    if (text) ctx.stdout.write('Querying brokers for log directories information\n');
    const result = logDirsJson(await withSpinner(ctx, 'describing log dirs', () => admin!.describeLogDirs(brokers)), topics);
    if (text) ctx.stdout.write(`Received log directory information from brokers ${brokers.join(',')}\n`);
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
