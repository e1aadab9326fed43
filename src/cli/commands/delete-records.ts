// mq delete-records — kafka-delete-records.sh (AK tools/.../DeleteRecordsCommand.java). Reads
// --offset-json-file, `{"partitions":[{"topic":"foo","partition":1,"offset":1}],"version":1}`
// (offset -1: up to the high watermark), and moves each partition's log start offset there.
// Piped output is Kafka's:
//   Executing records delete operation
//   Records delete operation completed:
//   partition: foo-1	low_watermark: 1
//   partition: foo-2	error: org.apache.kafka.common.errors.OffsetOutOfRangeException: <Kafka's message>
// Partitions print in file order (Kafka's order is that of a hash map). A partition's error does
// not fail the command, as in Kafka. A malformed file fails before anything is contacted, with
// Kafka's message for it on one line.

import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { DeleteRecordsResult, RecordsToDelete } from '../../client/index.js';
import { addSharedOptions, adminConfig, bootstrapServers, loadConfigFile, type AdminClient, type CliContext, type SharedOptions } from '../context.js';
import { CliError, unableTo } from '../errors.js';
import { toJson } from '../output/format.js';
import { withSpinner } from '../output/spinner.js';

export interface DeleteRecordsOptions extends SharedOptions {
  offsetJsonFile?: string;
}

/** The Java JSON text of a value, as Kafka's decoders quote what they received. */
const shown = (v: unknown): string => JSON.stringify(v) ?? 'null';

function field(obj: Record<string, unknown>, name: string): unknown {
  if (!(name in obj)) throw new CliError(`No such field exists: \`${name}\``);
  return obj[name];
}

/** Kafka's DecodeInteger/DecodeLong; a Long beyond 2^53 cannot be read exactly from JSON.parse and is refused. */
function int(v: unknown, type: 'Integer' | 'Long'): number {
  const max = type === 'Integer' ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER;
  if (typeof v !== 'number' || !Number.isInteger(v) || v > max || v < -max - 1) throw new CliError(`Expected \`${type}\` value, received ${shown(v)}`);
  return v;
}

function object(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CliError(`Expected JSON object, received ${shown(v)}`);
  return v as Record<string, unknown>;
}

/**
 * The offset JSON file, checked as DeleteRecordsCommand.parseOffsetJsonStringWithoutDedup and
 * execute do, with their messages: version 1 only (the default), every entry a topic, partition
 * and offset, no partition twice.
 */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError('The input string is not a valid JSON');
  }
  const root = object(json);
  const version = 'version' in root ? int(root.version, 'Integer') : 1;
  if (version !== 1) throw new CliError(`Not supported version field value ${version}`);
  if (!('partitions' in root)) throw new CliError('Missing partitions field');
  if (!Array.isArray(root.partitions)) throw new CliError(`Expected JSON array, received ${shown(root.partitions)}`);
  const out = root.partitions.map((entry): RecordsToDelete => {
    const p = object(entry);
    const topic = field(p, 'topic');
    if (typeof topic !== 'string') throw new CliError(`Expected \`String\` value, received ${shown(topic)}`);
    return { topic, partition: int(field(p, 'partition'), 'Integer'), offset: BigInt(int(field(p, 'offset'), 'Long')) };
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { topic, partition } of out) {
    const tp = `${topic}-${partition}`;
    if (seen.has(tp)) duplicates.add(tp);
    seen.add(tp);
  }
  if (duplicates.size > 0) throw new CliError(`Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`);
  return out;
}

/** Java class of a Kafka error (AK Errors): the name in PascalCase plus Exception, but for these. */
const JAVA_EXCEPTIONS: Readonly<Record<string, string>> = {
  INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
  KAFKA_STORAGE_ERROR: 'KafkaStorageException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
  TOPIC_AUTHORIZATION_FAILED: 'TopicAuthorizationException',
};

function javaException(errorName: string): string {
  const simple = JAVA_EXCEPTIONS[errorName] ?? `${errorName.toLowerCase().replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase())}Exception`;
  return `org.apache.kafka.common.errors.${simple}`;
}

export interface DeleteRecordsView {
  topic: string;
  partition: number;
  lowWatermark: bigint | null;
  error: string | null;
}

/** Per partition: the low watermark, or the error as Java's ExecutionException.getMessage() prints it. */
export function deleteRecordsView(results: readonly DeleteRecordsResult[]): DeleteRecordsView[] {
  return results.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    lowWatermark: r.error ? null : r.lowWatermark,
    error: r.error ? `${javaException(r.error.errorName)}: ${r.error.message}` : null,
  }));
}

export function renderDeleteRecords(views: readonly DeleteRecordsView[]): string {
  return views
    .map((v) => `partition: ${v.topic}-${v.partition}\t${v.error === null ? `low_watermark: ${v.lowWatermark}` : `error: ${v.error}`}\n`)
    .join('');
}

async function runDeleteRecords(ctx: CliContext, o: DeleteRecordsOptions): Promise<void> {
  if (o.offsetJsonFile === undefined) throw new CliError('Missing required argument "[offset-json-file]"');
  let text: string;
  try {
    text = await readFile(o.offsetJsonFile, 'utf8');
  } catch (err) {
    throw unableTo('read the offset json file', err);
  }
  const requests = parseOffsetJson(text);
  const props = await loadConfigFile(o.commandConfig);
  const config = adminConfig(ctx, bootstrapServers(ctx, o.bootstrapServer, props), props);
  const json = o.output === 'json';
  let admin: AdminClient | undefined;
  try {
    admin = ctx.clients.admin(config);
    if (!json) ctx.stdout.write('Executing records delete operation\n');
    const results = await withSpinner(ctx, 'deleting records', () => admin!.deleteRecords(requests));
    const views = deleteRecordsView(results);
    ctx.stdout.write(json ? `${toJson(views)}\n` : `Records delete operation completed:\n${renderDeleteRecords(views)}`);
  } catch (err) {
    throw unableTo('delete records', err);
  } finally {
    await admin?.close().catch(() => undefined);
  }
}

export function deleteRecordsCommand(ctx: CliContext): Command {
  const cmd = new Command('delete-records')
    .description('Delete records of the given partitions down to the specified offset (kafka-delete-records.sh)')
    .option(
      '--offset-json-file <file>',
      'REQUIRED: the JSON file with the offset per partition: {"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}',
    );
  addSharedOptions(cmd, ['bootstrapServer', 'commandConfig', 'output', 'verbose']);
  return cmd.action((o: DeleteRecordsOptions) => runDeleteRecords(ctx, o));
}
