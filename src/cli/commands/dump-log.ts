// mq dump-log --files f1,f2 — kafka-dump-log.sh (AK core/.../tools/DumpLogSegments.scala). Offline:
// it reads segment files, not a broker. Per file `Dumping <file>`, then by suffix:
//   .log        `Log starting offset: N`, one line per batch (`baseOffset: .. isvalid: true`), with
//               --deep-iteration / --print-data-log one `| offset: ..` line per record, and
//               `Found N invalid bytes at the end of <name>` for a torn tail
//   .index      `offset: O position: P` (or `<file> is empty.`); each entry checked against the log
//   .timeindex  `timestamp: T offset: O`; each entry checked against the log
//   .snapshot   producer state entries (`producerId: .. producerEpoch: ..`)
//   .txnindex   aborted transactions
//   --offsets-decoder prints __consumer_offsets keys and values as Kafka's JSON converters do
//   anything else: `Ignoring unknown file <file>` on stderr (Kafka has no dumper for checkpoints)
// After all files, the problems found go to stderr in Kafka's words (`Mismatches in :<path>`, ...).
// --verify-index-only checks without printing entries; --index-sanity-check runs the check a
// broker runs at startup and prints `<file> passed sanity check.`
//
// Layers: the CLI sits on the client and protocol layers (DESIGN.md). Batches and records are
// decoded with protocol/records, which every layer may use. The index, snapshot and txn-index
// formats are read here rather than through src/storage: a dump must show the entries as they
// are on disk, including the zero-filled and corrupt ones that storage's readers reject or repair
// on load, and each is a few fixed-width fields. Kafka's sequence arithmetic (which wraps at
// Int32 max) lives with the producer state in storage; it is loaded with a dynamic import, as
// server-start loads the broker, so no other tool loads storage code.
//
// Text is Kafka's on a terminal too (these lines are what people grep and compare, and a table
// would not fit them); --output json prints one array with an object per file.

import { closeSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { crc32c, crc32Ieee } from '../../protocol/records/crc32c.js';
import {
  ATTR_CONTROL,
  ATTR_LOG_APPEND_TIME,
  ATTR_TRANSACTIONAL,
  ATTR_COMPRESSION_MASK,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  decodeRecordBatches,
  readBatchHeader,
  verifyBatchCrc,
  type DecodedBatch,
} from '../../protocol/records/record-batch.js';
import { compressionName } from '../../protocol/records/compression.js';
import { decodeVersioned } from '../../protocol/codec.js';
import { ConsumerProtocolAssignmentSpec, ConsumerProtocolSubscriptionSpec, CONSUMER_PROTOCOL_TYPE } from '../../protocol/messages/consumer-protocol.js';
import {
  GroupMetadataKeySpec,
  GroupMetadataValueSpec,
  OffsetCommitKeySpec,
  OffsetCommitValueSpec,
  type GroupMetadataValue,
} from '../../protocol/messages/group-records.js';
import { inVersions, type FieldSpec, type MessageSpec } from '../../protocol/schema.js';
import { addSharedOptions, integer, type CliContext } from '../context.js';
import { CliError, messageOf } from '../errors.js';
import { javaSplit } from '../java-split.js';
import { toJson, type OutputFormat } from '../output/format.js';
import { StreamWriter } from '../output/writer.js';

type SequenceMath = Pick<typeof import('../../storage/producer-state.js'), 'incrementSequence' | 'decrementSequence'>;

interface DumpLogOptions {
  files?: string;
  printDataLog?: boolean;
  offsetsDecoder?: boolean;
  deepIteration?: boolean;
  verifyIndexOnly?: boolean;
  indexSanityCheck?: boolean;
  maxMessageSize: number;
  maxBytes: number;
  skipRecordMetadata?: boolean;
  output: OutputFormat;
}

const INT32_MAX = 2147483647;
/** Batch attribute bit 6: the batch carries a delete horizon (KIP-534) in its base timestamp. */
const ATTR_DELETE_HORIZON = 0x40;
/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: a smaller batch size means a corrupt file. */
const MIN_BATCH_SIZE = 14;

/** Lines buffered before they are handed to stdout (and its back-pressure waited for). */
const FLUSH_LINES = 1024;

/** Where output goes: stdout lines in order, and the problems printed to stderr at the end. */
class Dump {
  readonly out: string[] = [];
  /** null: --output json, where only the JSON document is printed. */
  constructor(private readonly writer: StreamWriter | null) {
    this.json = writer ? null : [];
  }

  /** Hands the buffered lines to stdout, waiting while its buffer is full, so memory stays bounded. */
  async flush(): Promise<void> {
    const lines = this.out.splice(0);
    if (this.writer && lines.length > 0) await this.writer.write(lines.map((l) => `${l}\n`).join(''));
  }

  async maybeFlush(): Promise<void> {
    if (this.out.length >= FLUSH_LINES) await this.flush();
  }

  readonly indexMismatches = new Map<string, Array<[bigint, bigint]>>();
  readonly nonConsecutive = new Map<string, Array<[bigint, bigint]>>();
  readonly timeMismatches = new Map<string, Array<[bigint, bigint]>>();
  readonly outOfOrder = new Map<string, Array<[bigint, bigint]>>();
  readonly shallowNotFound = new Map<string, Array<[bigint, bigint]>>();
  readonly errors: string[] = [];
  /** The --output json document, null for text (so a large dump is not kept in memory). */
  readonly json: Record<string, unknown>[] | null;

  /** Kafka prepends to these lists (Scala `::=`), so they print newest first. */
  static prepend(map: Map<string, Array<[bigint, bigint]>>, file: string, pair: [bigint, bigint]): void {
    map.set(file, [pair, ...(map.get(file) ?? [])]);
  }
  static append(map: Map<string, Array<[bigint, bigint]>>, file: string, pair: [bigint, bigint]): void {
    map.set(file, [...(map.get(file) ?? []), pair]);
  }

  /** DumpLogSegments.main's closing report, then TimeIndexDumpErrors.printErrors, then non-consecutive offsets. */
  problems(): string {
    const lines: string[] = [];
    for (const [file, list] of this.indexMismatches) {
      lines.push(`Mismatches in :${file}`, ...list.map(([i, l]) => `  Index offset: ${i}, log offset: ${l}`));
    }
    for (const [file, list] of this.timeMismatches) {
      lines.push(`Found timestamp mismatch in :${file}`, ...list.map(([i, l]) => `  Index timestamp: ${i}, log timestamp: ${l}`));
    }
    for (const [file, list] of this.outOfOrder) {
      lines.push(`Found out of order timestamp in :${file}`, ...list.map(([i, p]) => `  Index timestamp: ${i}, Previously indexed timestamp: ${p}`));
    }
    for (const list of this.shallowNotFound.values()) {
      lines.push('The following indexed offsets are not found in the log.', ...list.map(([i, l]) => `Indexed offset: ${i}, found log offset: ${l}`));
    }
    for (const [file, list] of this.nonConsecutive) {
      lines.push(`Non-consecutive offsets in ${file}`, ...list.map(([a, b]) => `  ${a} is followed by ${b}`));
    }
    return [...this.errors, ...lines].map((l) => `${l}\n`).join('');
  }
}

// ---- segment files -----------------------------------------------------------------------------

/** The 20-digit base offset a segment file is named by (Kafka: the name up to the first '.'). */
function baseOffsetOf(file: string): bigint {
  const stem = basename(file).split('.')[0]!;
  if (!/^\d+$/.test(stem)) throw new CliError(`For input string: "${stem}"`);
  return BigInt(stem);
}

/** Bytes read from a segment at a time; a larger batch is read whole. */
const READ_BLOCK = 1 << 20;

interface BatchAt {
  position: number;
  size: number;
  buf: Buffer;
}

/**
 * The whole batches of `file` from `start`, within `limit` bytes, as FileRecords iterates them:
 * it stops where fewer than 18 bytes or a cut-short batch remain, and a size below the minimum
 * means a corrupt file. Reads a block at a time, so a 1 GiB segment never sits in memory.
 */
function* batchesInFile(file: string, start: number, limit: number): Generator<BatchAt> {
  const fd = openSync(file, 'r');
  try {
    const end = Math.min(statSync(file).size, start + limit);
    let block = Buffer.alloc(0);
    let blockStart = start;
    let pos = start;
    /** Makes [pos, pos + n) readable from `block`; false when that passes the end. */
    const ensure = (n: number): boolean => {
      if (pos + n > end) return false;
      if (pos >= blockStart && pos + n <= blockStart + block.length) return true;
      block = Buffer.alloc(Math.min(Math.max(n, READ_BLOCK), end - pos));
      for (let done = 0; done < block.length; ) {
        const got = readSync(fd, block, done, block.length - done, pos + done);
        if (got === 0) throw new CliError(`${file} shrank while it was read`);
        done += got;
      }
      blockStart = pos;
      return true;
    };
    while (ensure(MAGIC_OFFSET + 2)) {
      const size = block.readInt32BE(pos - blockStart + 8);
      if (size < MIN_BATCH_SIZE) {
        throw new CliError(`Found record size ${size} smaller than minimum record overhead (${MIN_BATCH_SIZE}) in file ${file}.`);
      }
      if (!ensure(LOG_OVERHEAD + size)) return;
      const at = pos - blockStart;
      yield { position: pos, size: LOG_OVERHEAD + size, buf: block.subarray(at, at + LOG_OVERHEAD + size) };
      pos += LOG_OVERHEAD + size;
    }
  } finally {
    closeSync(fd);
  }
}

function lastOffsetOf(b: BatchAt): bigint {
  if (b.buf.readInt8(MAGIC_OFFSET) === 2) return b.buf.readBigInt64BE(0) + BigInt(b.buf.readInt32BE(23));
  return b.buf.readBigInt64BE(0); // a legacy entry's offset is its last (inner) offset
}

function decodeOne(b: BatchAt): DecodedBatch {
  const [batch] = decodeRecordBatches(b.buf, { verifyCrc: false });
  return batch!;
}

// ---- .log --------------------------------------------------------------------------------------

interface BatchView {
  baseOffset: bigint;
  lastOffset: bigint;
  count: number;
  baseSequence: number;
  lastSequence: number;
  producerId: bigint;
  producerEpoch: number;
  partitionLeaderEpoch: number;
  isTransactional: boolean;
  isControl: boolean;
  deleteHorizonMs: bigint | null;
  position: number;
  timestampType: string;
  maxTimestamp: bigint;
  size: number;
  magic: number;
  compresscodec: string;
  crc: number;
  isvalid: boolean;
}

function batchView(b: BatchAt, seq: SequenceMath): BatchView {
  const magic = b.buf.readInt8(MAGIC_OFFSET);
  if (magic !== 2 || b.size < BATCH_HEADER_SIZE) {
    // A legacy (v0/v1) entry: Kafka prints `offset:` and the wrapper's own fields.
    const d = decodeOne(b);
    return {
      baseOffset: d.header.baseOffset,
      lastOffset: lastOffsetOf(b),
      count: d.records.length,
      baseSequence: -1,
      lastSequence: -1,
      producerId: -1n,
      producerEpoch: -1,
      partitionLeaderEpoch: -1,
      isTransactional: false,
      isControl: false,
      deleteHorizonMs: null,
      position: b.position,
      timestampType: magic === 0 ? 'NoTimestampType' : d.timestampType,
      maxTimestamp: magic === 0 ? -1n : d.header.maxTimestamp,
      size: b.size,
      magic,
      compresscodec: d.compression,
      crc: b.buf.readUInt32BE(12),
      isvalid: b.buf.readUInt32BE(12) === crc32Ieee(b.buf.subarray(16)),
    };
  }
  const h = readBatchHeader(b.buf, 0);
  return {
    baseOffset: h.baseOffset,
    lastOffset: h.baseOffset + BigInt(h.lastOffsetDelta),
    count: h.recordCount,
    baseSequence: h.baseSequence,
    lastSequence: h.baseSequence === -1 ? -1 : seq.incrementSequence(h.baseSequence, h.lastOffsetDelta),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    isTransactional: (h.attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (h.attributes & ATTR_CONTROL) !== 0,
    deleteHorizonMs: (h.attributes & ATTR_DELETE_HORIZON) !== 0 ? h.baseTimestamp : null,
    position: b.position,
    timestampType: (h.attributes & ATTR_LOG_APPEND_TIME) !== 0 ? 'LogAppendTime' : 'CreateTime',
    maxTimestamp: h.maxTimestamp,
    size: b.size,
    magic,
    compresscodec: compressionName(h.attributes & ATTR_COMPRESSION_MASK),
    crc: h.crc,
    isvalid: verifyBatchCrc(b.buf, 0, h.batchLength),
  };
}

/** DumpLogSegments.printBatchLevel. */
function batchLine(v: BatchView): string {
  const head =
    v.magic >= 2
      ? `baseOffset: ${v.baseOffset} lastOffset: ${v.lastOffset} count: ${v.count} baseSequence: ${v.baseSequence} lastSequence: ${v.lastSequence}` +
        ` producerId: ${v.producerId} producerEpoch: ${v.producerEpoch} partitionLeaderEpoch: ${v.partitionLeaderEpoch}` +
        ` isTransactional: ${v.isTransactional} isControl: ${v.isControl} deleteHorizonMs: ${v.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${v.deleteHorizonMs}]`}`
      : `offset: ${v.lastOffset}`;
  return `${head} position: ${v.position} ${v.timestampType}: ${v.maxTimestamp} size: ${v.size} magic: ${v.magic} compresscodec: ${v.compresscodec} crc: ${v.crc} isvalid: ${v.isvalid}`;
}

interface RecordView {
  offset: bigint;
  timestamp: bigint;
  keySize: number;
  valueSize: number;
  sequence: number;
  headerKeys: string[];
  key: string | null;
  payload: string | null;
  control: string | null;
}

/** Control record text: `endTxnMarker: COMMIT coordinatorEpoch: 0`, or Kafka's fallback for other types. */
function controlText(key: Buffer | null, value: Buffer | null): string {
  const type = key && key.length >= 4 ? key.readInt16BE(2) : -1;
  if ((type === 0 || type === 1) && value && value.length >= 6) {
    return `endTxnMarker: ${type === 0 ? 'ABORT' : 'COMMIT'} coordinatorEpoch: ${value.readInt32BE(2)}`;
  }
  return `controlType: UNKNOWN(${type})`;
}

async function dumpLog(dump: Dump, file: string, o: DumpLogOptions, seq: SequenceMath): Promise<void> {
  const printContents = o.printDataLog === true || o.offsetsDecoder === true;
  const parse = o.offsetsDecoder ? parseOffsetsRecord : parseStrings;
  const deep = o.deepIteration === true || printContents;
  dump.out.push(`Log starting offset: ${baseOffsetOf(file)}`);
  const fileSize = statSync(file).size;
  const abs = resolve(file);
  const json: { file: string; batches: unknown[]; invalidBytes: number } = { file, batches: [], invalidBytes: 0 };
  let validBytes = 0;
  let lastOffset = -1n;
  for (const b of batchesInFile(file, 0, o.maxBytes)) {
    const v = batchView(b, seq);
    dump.out.push(batchLine(v));
    const records: RecordView[] = [];
    if (deep) {
      const d = decodeOne(b);
      for (const r of d.records) {
        if (lastOffset !== -1n && r.offset !== lastOffset + 1n) Dump.prepend(dump.nonConsecutive, abs, [lastOffset, r.offset]);
        lastOffset = r.offset;
        const offsetDelta = Number(r.offset - v.baseOffset);
        const view: RecordView = {
          offset: r.offset,
          timestamp: r.timestamp,
          keySize: r.key?.length ?? -1,
          valueSize: r.value?.length ?? -1,
          sequence: v.baseSequence === -1 || v.magic < 2 ? -1 : seq.incrementSequence(v.baseSequence, offsetDelta),
          headerKeys: r.headers.map((h) => h.key),
          ...(printContents && !v.isControl ? parse(r.offset, r.key, r.value) : { key: null, payload: null }),
          control: v.isControl ? controlText(r.key, r.value) : null,
        };
        records.push(view);
        dump.out.push(recordLine(view, v, o, printContents));
      }
    }
    if (dump.json) json.batches.push(deep ? { ...v, records } : v);
    validBytes += b.size;
    await dump.maybeFlush();
  }
  const trailing = Math.min(fileSize, o.maxBytes) - validBytes;
  if (trailing > 0 && o.maxBytes === INT32_MAX) {
    dump.out.push(`Found ${trailing} invalid bytes at the end of ${basename(file)}`);
    json.invalidBytes = trailing;
  }
  dump.json?.push(json);
}

/** One `| offset: ..` line, built in the order and with the spacing DumpLogSegments.dumpLog prints. */
function recordLine(r: RecordView, b: BatchView, o: DumpLogOptions, printContents: boolean): string {
  let line = '';
  let prefix = '| ';
  if (!o.skipRecordMetadata) {
    line += `${prefix}offset: ${r.offset} ${b.timestampType}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize}`;
    prefix = ' ';
    if (b.magic >= 2) line += ` sequence: ${r.sequence} headerKeys: [${r.headerKeys.join(',')}]`;
    if (r.control !== null) line += ` ${r.control}`;
  }
  if (printContents && !b.isControl) {
    if (r.key !== null) {
      line += `${prefix}key: ${r.key}`;
      prefix = ' ';
    }
    if (r.payload !== null) line += ` payload: ${r.payload}`;
  }
  return line;
}

// ---- record parsers (--print-data-log's StringDecoder, --offsets-decoder) ---------------------

type Parsed = { key: string | null; payload: string | null };

/** DecoderMessageParser with Kafka's default StringDecoder for keys and values (UTF-8). */
function parseStrings(_offset: bigint, key: Buffer | null, value: Buffer | null): Parsed {
  return { key: key === null ? null : key.toString('utf8'), payload: value === null ? null : value.toString('utf8') };
}

/**
 * A struct as Kafka's generated JsonConverter writes it: the fields of `version` in schema order,
 * int64 as numbers, bytes as base64, nulls as null. Tagged fields are written only when set,
 * which none of the records decoded here use.
 */
function structJson(fields: readonly FieldSpec[], version: number, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version) || inVersions(f.tagged, version)) continue;
    out[f.name] = fieldJson(f, version, value[f.name]);
  }
  return out;
}

function fieldJson(f: FieldSpec, version: number, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (f.array) return (v as unknown[]).map((e) => elementJson(f, version, e));
  return elementJson(f, version, v);
}

function elementJson(f: FieldSpec, version: number, v: unknown): unknown {
  if (f.type === 'struct') return structJson(f.fields, version, v as Record<string, unknown>);
  if (f.type === 'bytes') return (v as Buffer).toString('base64');
  return v;
}

function versionedJson(spec: MessageSpec, buf: Buffer): { version: number; data: Record<string, unknown>; value: unknown } {
  const { version, value } = decodeVersioned<Record<string, unknown>>(spec, buf);
  return { version, data: structJson(spec.fields, version, value), value };
}

/**
 * OffsetsMessageParser's group metadata: a consumer group's member subscriptions and assignments
 * are replaced by their decoded form; bytes that do not decode stay base64, as in Kafka.
 */
function groupMetadataJson(value: GroupMetadataValue, data: Record<string, unknown>): Record<string, unknown> {
  if (value.protocolType !== CONSUMER_PROTOCOL_TYPE || !Array.isArray(data.members)) return data;
  const decoded = (spec: MessageSpec, buf: Buffer): unknown => {
    try {
      const r = decodeVersioned<Record<string, unknown>>(spec, buf);
      if (r.version > spec.valid.max) throw new Error('unsupported version');
      return structJson(spec.fields, r.version, r.value);
    } catch {
      return buf.toString('base64');
    }
  };
  data.members = (data.members as Array<Record<string, unknown>>).map((m, i) => ({
    ...m,
    subscription: decoded(ConsumerProtocolSubscriptionSpec, value.members[i]!.subscription),
    assignment: decoded(ConsumerProtocolAssignmentSpec, value.members[i]!.assignment),
  }));
  return data;
}

/** DumpLogSegments.OffsetsMessageParser for __consumer_offsets: `{"type":"1","data":{..}}` keys, `{"version":"3","data":{..}}` values. */
function parseOffsetsRecord(offset: bigint, key: Buffer | null, value: Buffer | null): Parsed {
  if (key === null) {
    throw new CliError(`Failed to decode message at offset ${offset} using offset topic decoder (message had a missing key)`);
  }
  try {
    const keyVersion = key.readInt16BE(0);
    if (keyVersion > 2) return { key: `Unknown record type ${keyVersion} at offset ${offset}, skipping.`, payload: null };
    const isOffset = keyVersion <= 1;
    const k = versionedJson(isOffset ? OffsetCommitKeySpec : GroupMetadataKeySpec, key);
    const keyText = JSON.stringify({ type: String(k.version), data: k.data });
    if (value === null) return { key: keyText, payload: '<DELETE>' };
    const v = versionedJson(isOffset ? OffsetCommitValueSpec : GroupMetadataValueSpec, value);
    const data = isOffset ? v.data : groupMetadataJson(v.value as GroupMetadataValue, v.data);
    return { key: keyText, payload: toJson({ version: String(v.version), data }) };
  } catch (err) {
    return { key: `Error at offset ${offset}, skipping. ${messageOf(err)}`, payload: null };
  }
}

// ---- .index and .timeindex ---------------------------------------------------------------------

const OFFSET_ENTRY = 8;
const TIME_ENTRY = 12;

/** The entries of an index file as Kafka maps it: length / entry size of them, zero-filled ones included. */
function offsetEntries(file: string, base: bigint): Array<{ offset: bigint; position: number }> {
  const buf = readFileSync(file);
  const out = [];
  for (let p = 0; p + OFFSET_ENTRY <= buf.length; p += OFFSET_ENTRY) out.push({ offset: base + BigInt(buf.readInt32BE(p)), position: buf.readInt32BE(p + 4) });
  return out;
}

function timeEntries(file: string, base: bigint): Array<{ timestamp: bigint; offset: bigint }> {
  const buf = readFileSync(file);
  const out = [];
  for (let p = 0; p + TIME_ENTRY <= buf.length; p += TIME_ENTRY) out.push({ timestamp: buf.readBigInt64BE(p), offset: base + BigInt(buf.readInt32BE(p + 8)) });
  return out;
}

function siblingLog(file: string): string {
  return join(dirname(resolve(file)), `${basename(file).split('.')[0]}.log`);
}

/** OffsetIndex.sanityCheck (AK storage/.../OffsetIndex.java); throws Kafka's CorruptIndexException text. */
function offsetIndexSanity(file: string, base: bigint): void {
  const length = statSync(file).size;
  const entries = offsetEntries(file, base);
  const last = entries.at(-1);
  if (last && last.offset < base) {
    throw new CliError(
      `Corrupt index found, index file (${resolve(file)}) has non-zero size but the last offset is ${last.offset} which is less than the base offset ${base}.`,
    );
  }
  if (length % OFFSET_ENTRY !== 0) {
    throw new CliError(`Index file ${resolve(file)} is corrupt, found ${length} bytes which is neither positive nor a multiple of ${OFFSET_ENTRY}.`);
  }
}

/** TimeIndex.sanityCheck. */
function timeIndexSanity(file: string, base: bigint): void {
  const length = statSync(file).size;
  const entries = timeEntries(file, base);
  const first = entries[0];
  const last = entries.at(-1);
  if (first && last && last.timestamp < first.timestamp) {
    throw new CliError(
      `Corrupt time index found, time index file (${resolve(file)}) has non-zero size but the last timestamp is ${last.timestamp} which is less than the first timestamp ${first.timestamp}`,
    );
  }
  if (last && last.offset < base) {
    throw new CliError(
      `Corrupt time index found, time index file (${resolve(file)}) has non-zero size but the last offset is ${last.offset} which is less than the first offset ${base}`,
    );
  }
  if (length % TIME_ENTRY !== 0) {
    throw new CliError(`Time index file ${resolve(file)} is corrupt, found ${length} bytes which is neither positive nor a multiple of ${TIME_ENTRY}.`);
  }
}

async function dumpIndex(dump: Dump, file: string, o: DumpLogOptions): Promise<void> {
  const base = baseOffsetOf(file);
  const log = siblingLog(file);
  const entries = offsetEntries(file, base);
  if (entries.length === 0) {
    dump.out.push(`${file} is empty.`);
    return;
  }
  if (o.indexSanityCheck) {
    offsetIndexSanity(file, base);
    dump.out.push(`${file} passed sanity check.`);
    return;
  }
  const printed: unknown[] = [];
  for (const [i, e] of entries.entries()) {
    // A crash can leave zero-filled entries in the preallocated file: stop at the first.
    if (e.offset === base && i > 0) break;
    const [first] = batchesInFile(log, e.position, o.maxMessageSize);
    const firstLast = first ? lastOffsetOf(first) : -1n;
    if (firstLast !== e.offset) Dump.prepend(dump.indexMismatches, resolve(file), [e.offset, firstLast]);
    if (!o.verifyIndexOnly) dump.out.push(`offset: ${e.offset} position: ${e.position}`);
    if (dump.json) printed.push(e);
    await dump.maybeFlush();
  }
  dump.json?.push({ file, entries: printed });
}

/** OffsetIndex.lookup: the position of the largest entry at or below `offset`, else 0. */
function lookupPosition(entries: ReadonlyArray<{ offset: bigint; position: number }>, base: bigint, offset: bigint): number {
  let position = 0;
  for (const [i, e] of entries.entries()) {
    if (i > 0 && e.offset === base) break;
    if (e.offset > offset) break;
    position = e.position;
  }
  return position;
}

async function dumpTimeIndex(dump: Dump, file: string, o: DumpLogOptions): Promise<void> {
  const base = baseOffsetOf(file);
  const log = siblingLog(file);
  const indexFile = join(dirname(resolve(file)), `${basename(file).split('.')[0]}.index`);
  if (o.indexSanityCheck) {
    timeIndexSanity(file, base);
    dump.out.push(`${file} passed sanity check.`);
    return;
  }
  const offsets = offsetEntries(indexFile, base);
  const abs = resolve(file);
  const printed: unknown[] = [];
  let prev = -1n;
  for (const [i, e] of timeEntries(file, base).entries()) {
    if (e.offset === base && i > 0) break;
    const position = lookupPosition(offsets, base, e.offset);
    let found: BatchAt | undefined;
    for (const b of batchesInFile(log, position, INT32_MAX)) {
      if (lastOffsetOf(b) >= e.offset) {
        found = b;
        break;
      }
    }
    if (!found) Dump.append(dump.shallowNotFound, abs, [e.offset, -1n]);
    else if (lastOffsetOf(found) !== e.offset) Dump.append(dump.shallowNotFound, abs, [e.offset, lastOffsetOf(found)]);
    else {
      const max = decodeOne(found).records.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), -1n);
      if (max !== e.timestamp) Dump.append(dump.timeMismatches, abs, [e.timestamp, max]);
      if (prev >= e.timestamp) Dump.append(dump.outOfOrder, abs, [e.timestamp, prev]);
    }
    if (!o.verifyIndexOnly) dump.out.push(`timestamp: ${e.timestamp} offset: ${e.offset}`);
    if (dump.json) printed.push(e);
    await dump.maybeFlush();
    prev = e.timestamp;
  }
  dump.json?.push({ file, entries: printed });
}

// ---- .snapshot and .txnindex -------------------------------------------------------------------

/** ProducerStateManager's snapshot schema: an int16 version, a uint32 CRC, an int32 count of entries of these fields. */
const SNAPSHOT_ENTRY_FIELDS: ReadonlyArray<[string, number]> = [
  ['producer_id', 8],
  ['epoch', 2],
  ['last_sequence', 4],
  ['last_offset', 8],
  ['offset_delta', 4],
  ['timestamp', 8],
  ['coordinator_epoch', 4],
  ['current_txn_first_offset', 8],
];
const SNAPSHOT_HEADER = 10;
const SNAPSHOT_ENTRY = 46;

/**
 * What Kafka's Schema.read says of a snapshot too short for its fields (each field's reader
 * running out of bytes is a BufferUnderflowException, which has no message), or null when the
 * file holds every field its count promises.
 */
function snapshotSchemaProblem(buf: Buffer): string | null {
  const underflow = (field: string) => `Error reading field '${field}': java.nio.BufferUnderflowException`;
  if (buf.length < 2) return underflow('version');
  if (buf.length < 6) return underflow('crc');
  if (buf.length < SNAPSHOT_HEADER) return underflow('producer_entries');
  const count = buf.readInt32BE(6);
  const remaining = buf.length - SNAPSHOT_HEADER;
  if (count < 0) return `Error reading field 'producer_entries': Array size ${count} cannot be negative`;
  if (count > remaining) return `Error reading field 'producer_entries': Error reading array of size ${count}, only ${remaining} bytes available`;
  if (count * SNAPSHOT_ENTRY <= remaining) return null;
  // The first entry cut short, and the field where its bytes run out.
  let left = remaining % SNAPSHOT_ENTRY;
  for (const [field, size] of SNAPSHOT_ENTRY_FIELDS) {
    if (left < size) return `Error reading field 'producer_entries': ${underflow(field)}`;
    left -= size;
  }
  return null; // unreachable: a whole entry fits
}

/**
 * ProducerStateManager.readSnapshot (format version 1), each entry as dumpProducerIdSnapshot
 * prints it. A corrupt snapshot is reported (stderr) and the dump carries on, as Kafka's
 * CorruptSnapshotException does.
 */
function dumpSnapshot(dump: Dump, file: string, seq: SequenceMath): void {
  const buf = readFileSync(file);
  const schema = snapshotSchemaProblem(buf);
  if (schema !== null) {
    dump.errors.push(`Snapshot failed schema validation: ${schema}`);
    return;
  }
  const version = buf.readInt16BE(0);
  if (version !== 1) {
    dump.errors.push(`Snapshot contained an unknown file version ${version}`);
    return;
  }
  const stored = buf.readUInt32BE(2);
  const computed = crc32c(buf.subarray(6));
  if (stored !== computed) {
    dump.errors.push(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${stored}. Computed crc: ${computed}`);
    return;
  }
  const count = buf.readInt32BE(6);
  const entries = [];
  for (let i = 0, p = SNAPSHOT_HEADER; i < count; i++, p += SNAPSHOT_ENTRY) {
    const e = {
      producerId: buf.readBigInt64BE(p),
      producerEpoch: buf.readInt16BE(p + 8),
      lastSequence: buf.readInt32BE(p + 10),
      lastOffset: buf.readBigInt64BE(p + 14),
      offsetDelta: buf.readInt32BE(p + 22),
      timestamp: buf.readBigInt64BE(p + 26),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: buf.readBigInt64BE(p + 38),
    };
    entries.push(e);
    const txn = e.currentTxnFirstOffset >= 0n ? `OptionalLong[${e.currentTxnFirstOffset}]` : 'OptionalLong.empty';
    let line = `producerId: ${e.producerId} producerEpoch: ${e.producerEpoch} coordinatorEpoch: ${e.coordinatorEpoch} currentTxnFirstOffset: ${txn} lastTimestamp: ${e.timestamp} `;
    // Kafka keeps the batch metadata only for an entry with a real offset.
    if (e.lastOffset >= 0n) {
      line +=
        `firstSequence: ${seq.decrementSequence(e.lastSequence, e.offsetDelta)} lastSequence: ${e.lastSequence} ` +
        `lastOffset: ${e.lastOffset} offsetDelta: ${e.offsetDelta} timestamp: ${e.timestamp}`;
    }
    dump.out.push(line);
  }
  dump.json?.push({ file, entries });
}

const TXN_ENTRY = 34;

/** TransactionIndex entries: version, producerId, firstOffset, lastOffset, lastStableOffset. */
function dumpTxnIndex(dump: Dump, file: string): void {
  const buf = readFileSync(file);
  const entries = [];
  for (let p = 0; p + TXN_ENTRY <= buf.length; p += TXN_ENTRY) {
    const e = {
      version: buf.readInt16BE(p),
      producerId: buf.readBigInt64BE(p + 2),
      firstOffset: buf.readBigInt64BE(p + 10),
      lastOffset: buf.readBigInt64BE(p + 18),
      lastStableOffset: buf.readBigInt64BE(p + 26),
    };
    entries.push(e);
    dump.out.push(`version: ${e.version} producerId: ${e.producerId} firstOffset: ${e.firstOffset} lastOffset: ${e.lastOffset} lastStableOffset: ${e.lastStableOffset}`);
  }
  dump.json?.push({ file, entries });
}

// ---- command -----------------------------------------------------------------------------------

const loadSequenceMath = (): Promise<SequenceMath> => import('../../storage/producer-state.js');

async function runDumpLog(ctx: CliContext, o: DumpLogOptions): Promise<void> {
  if (o.files === undefined) throw new CliError('Missing required argument "[files]"');
  const seq = await loadSequenceMath();
  const dump = new Dump(o.output === 'json' ? null : new StreamWriter(ctx.stdout));
  try {
    for (const file of javaSplit(o.files, /,/)) {
      if (o.output === 'text') dump.out.push(`Dumping ${file}`);
      const dot = basename(file).lastIndexOf('.');
      const suffix = dot < 0 ? '' : basename(file).slice(dot);
      try {
        if (suffix === '.log') await dumpLog(dump, file, o, seq);
        else if (suffix === '.index') await dumpIndex(dump, file, o);
        else if (suffix === '.timeindex') await dumpTimeIndex(dump, file, o);
        else if (suffix === '.snapshot') dumpSnapshot(dump, file, seq);
        else if (suffix === '.txnindex') dumpTxnIndex(dump, file);
        else {
          await dump.flush();
          ctx.stderr.write(`Ignoring unknown file ${file}\n`);
        }
      } catch (err) {
        await dump.flush();
        if (err instanceof CliError) throw err;
        throw new CliError(`unable to dump ${file}: ${messageOf(err)}`, { cause: err });
      }
      await dump.flush();
    }
  } finally {
    if (dump.json) ctx.stdout.write(`${toJson(dump.json)}\n`);
    ctx.stderr.write(dump.problems());
  }
}

export function dumpLogCommand(ctx: CliContext): Command {
  const cmd = new Command('dump-log')
    .description('Dump the contents of log segment, index, time index and producer snapshot files (kafka-dump-log.sh)')
    .option('--files <file1,file2>', 'REQUIRED: the comma separated list of data and index log files to be dumped')
    .option('--print-data-log', "print the records' keys and values (implies --deep-iteration)")
    .option('--deep-iteration', 'print every record, not only the batches')
    .option('--verify-index-only', 'check the index entries against the log without printing them')
    .option('--index-sanity-check', 'only run the sanity check a broker runs on startup')
    .option('--max-message-size <size>', 'size of the largest message', integer, 5 * 1024 * 1024)
    .option('--max-bytes <size>', 'read at most this many bytes of each .log file', integer, INT32_MAX)
    .option('--skip-record-metadata', "print only the records' keys and values")
    .option('--offsets-decoder', 'decode the records as __consumer_offsets offset commits and group metadata (implies --print-data-log)');
  addSharedOptions(cmd, ['output', 'verbose']);
  return cmd.action((o: DumpLogOptions) => runDumpLog(ctx, o));
}
