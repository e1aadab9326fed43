// The arithmetic behind `mq consumer-groups --reset-offsets`, as pure functions with Kafka's rules
// and messages (AK tools/.../consumer/group/ConsumerGroupCommand.java, GroupOffsetsResetter.java,
// CsvUtils.java, clients/.../common/utils/Utils.getDateTime, java.time.Duration.parse):
//
//   --topic t | t:0,2        which partitions          parseTopicArg
//   --to-datetime             Utils.getDateTime         parseDateTime
//   --by-duration             Duration.parse            parseDuration, timestampBefore
//   --to-offset, --shift-by,  checkOffsetsRange         clampOffset
//   --from-file
//   --export / --from-file    CsvUtils (Jackson CSV)    toCsv, parseResetPlan
//
// Errors thrown here carry the text Kafka prints for the same input.

import type { TopicPartition } from '../../client/index.js';
import { javaSplit } from '../java-split.js';

export interface PartitionOffset extends TopicPartition {
  offset: bigint;
}

/** Kafka's TopicPartition.toString(), used in its messages: `orders-3`. */
export function tpString(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Sort order of every offsets table: topic, then partition. */
export function byTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** A usage error: Kafka throws IllegalArgumentException, prints it with its usage text and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

// ---- --topic ------------------------------------------------------------------------------------

/**
 * `--topic orders` (every partition: null) or `--topic orders:0,2`. Java's split semantics and the
 * messages of parseTopicsWithPartitions, including the doubled quote at the end of the second.
 */
export function parseTopicArg(arg: string): { topic: string; partitions: number[] | null } {
  if (!arg.includes(':')) return { topic: arg, partitions: null };
  const parts = javaSplit(arg, /:/);
  if (parts.length !== 2) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const [topic, list] = parts as [string, string];
  const partitions = javaSplit(list, /,/).map((p) => {
    // Integer.parseInt: optional sign, decimal digits, 32-bit.
    const n = /^[+-]?\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) {
      throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`);
    }
    return n;
  });
  return { topic, partitions };
}

// ---- --to-datetime --------------------------------------------------------------------------------

const DATETIME = /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)(Z|[+-]\d\d(?::?\d\d)?)/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Proleptic Gregorian (Java's calendar switches to Julian rules before 1582; nobody resets to then). */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Kafka's Utils.getDateTime: `yyyy-MM-dd'T'HH:mm:ss.SSS` followed by a zone (`Z`, `±hh`, `±hh:mm`;
 * `±hhmm` too); without a zone the time is UTC. It parses with a strict SimpleDateFormat, whose
 * quirks are kept: numeric fields take any number of digits, so `.5` is 5 ms, not 500, and text
 * after the zone is ignored. Returns epoch milliseconds. The error text is what Kafka prints
 * (the ParseException wrapped in a RuntimeException).
 */
export function parseDateTime(text: string): number {
  const parts = javaSplit(text, /T/);
  if (parts.length < 2) {
    throw new Error("java.text.ParseException: Error parsing timestamp. It does not contain a 'T' according to ISO8601 format");
  }
  const zoned = /[+\-Z]/.test(parts[1]!) ? text : `${text}Z`;
  const unparseable = new Error(`java.text.ParseException: Unparseable date: "${zoned}"`);
  const m = DATETIME.exec(zoned);
  if (!m) throw unparseable;
  const [year, month, day, hour, minute, second, milli] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  const zone = m[8]!;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || milli > 999) {
    throw unparseable;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (zh > 23 || zm > 59) throw unparseable;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
  }
  // setUTCFullYear rather than Date.UTC, which maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, milli);
  return date.getTime() - offsetMinutes * 60_000;
}

// ---- --by-duration --------------------------------------------------------------------------------

// java.time.Duration.parse's grammar: PnDTnHnMnS, every number optionally signed, a fraction
// (with '.' or ',') only on seconds, letters in either case.
const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** java.time.Duration.parse, in nanoseconds; the message is DateTimeParseException's. */
export function parseDuration(text: string): bigint {
  const m = DURATION.exec(text);
  const [, sign, days, timePart, hours, minutes, seconds, fraction] = m ?? [];
  // A bare 'P', or a 'T' with nothing after it, is not a duration.
  if (!m || timePart?.toUpperCase() === 'T' || [days, hours, minutes, seconds].every((g) => g === undefined)) {
    throw new Error('Text cannot be parsed to a Duration');
  }
  const n = (g: string | undefined): bigint => (g === undefined ? 0n : BigInt(g));
  const NANOS = 1_000_000_000n;
  // The fraction takes the sign of the seconds it belongs to (-1.5S is minus 1.5 seconds).
  const fractionNanos = BigInt((fraction ?? '').padEnd(9, '0') || '0') * (seconds?.startsWith('-') ? -1n : 1n);
  const total = ((n(days) * 24n + n(hours)) * 60n + n(minutes)) * 60n * NANOS + n(seconds) * NANOS + fractionNanos;
  return sign === '-' ? -total : total;
}

/** The timestamp --by-duration looks up: now minus the duration, in epoch ms (Instant.minus, floored). */
export function timestampBefore(nowMs: number, duration: string): bigint {
  const nanos = BigInt(nowMs) * 1_000_000n - parseDuration(duration);
  // BigInt division truncates toward zero; toEpochMilli floors.
  const ms = nanos / 1_000_000n;
  return nanos < 0n && nanos % 1_000_000n !== 0n ? ms - 1n : ms;
}

// ---- clamping ---------------------------------------------------------------------------------------

export interface LogBounds {
  /** Log start offset; null when it could not be read. */
  earliest: bigint | null;
  /** Log end offset; null when it could not be read. */
  latest: bigint | null;
}

/**
 * checkOffsetsRange: a requested offset past the log end becomes the log end, one before the log
 * start becomes the log start, each with Kafka's WARN line; a bound that could not be read does
 * not clamp.
 */
export function clampOffset(tp: TopicPartition, requested: bigint, bounds: LogBounds): { offset: bigint; warning: string | null } {
  if (bounds.latest !== null && requested > bounds.latest) {
    return {
      offset: bounds.latest,
      warning: `New offset (${requested}) is higher than latest offset for topic partition ${tpString(tp)}. Value will be set to ${bounds.latest}`,
    };
  }
  if (bounds.earliest !== null && requested < bounds.earliest) {
    return {
      offset: bounds.earliest,
      warning: `New offset (${requested}) is lower than earliest offset for topic partition ${tpString(tp)}. Value will be set to ${bounds.earliest}`,
    };
  }
  return { offset: requested, warning: null };
}

// ---- CSV (--export, --from-file) ----------------------------------------------------------------

export interface GroupOffset extends PartitionOffset {
  group: string;
}

/** Jackson's CsvEncoder without STRICT_CHECK_FOR_QUOTING: values over 24 chars are always quoted. */
const MAX_QUOTE_CHECK = 24;

/**
 * A text column as Jackson writes it: quoted (inner quotes doubled) when longer than
 * MAX_QUOTE_CHECK or when it holds a character below '-' (the loose check: anything sorting before
 * the separator, the quote or the line feed, plus one).
 */
function csvText(value: string): string {
  const quote = value.length > MAX_QUOTE_CHECK || [...value].some((c) => c < '-');
  return quote ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * --export: `topic,partition,offset` per line for one --group, `group,topic,partition,offset`
 * otherwise (CsvRecordNoGroup / CsvRecordWithGroup), no header.
 */
export function toCsv(rows: readonly GroupOffset[], withGroup: boolean): string {
  return rows
    .map((r) => `${withGroup ? `${csvText(r.group)},` : ''}${csvText(r.topic)},${r.partition},${r.offset}\n`)
    .join('');
}

/** One CSV line into fields: comma separated, double quotes around a field, "" inside quotes. */
function csvFields(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      for (i++; ; i++) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] !== '"') break;
          i++;
        }
        field += line[i];
      }
      i++;
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++;
  }
}

/**
 * --from-file: Kafka's parseResetPlan. Lines are `topic,partition,offset` when exactly one --group
 * was given and the first line has that shape (the group is then that one), else
 * `group,topic,partition,offset`. Returns offsets by group, in file order. A trailing CR is
 * dropped, so files written on Windows read the same.
 */
export function parseResetPlan(csv: string, singleGroup: string | null): Map<string, PartitionOffset[]> {
  const lines = javaSplit(csv, /\n/).map((l) => l.replace(/\r$/, ''));
  const rows = lines.map((line) => csvFields(line));
  const withoutGroup = singleGroup !== null && rows.length > 0 && rows[0]?.length === 3;
  const plan = new Map<string, PartitionOffset[]>();
  rows.forEach((fields, i) => {
    const expected = withoutGroup ? 'topic,partition,offset' : 'group,topic,partition,offset';
    const bad = new Error(`Invalid reset plan line ${i + 1}: '${lines[i]}' (expected ${expected})`);
    if (fields === null || fields.length !== (withoutGroup ? 3 : 4)) throw bad;
    const [group, topic, partition, offset] = (withoutGroup ? [singleGroup, ...fields] : fields) as [string, string, string, string];
    if (!/^[+-]?\d+$/.test(partition.trim()) || !/^[+-]?\d+$/.test(offset.trim())) throw bad;
    const entries = plan.get(group) ?? [];
    entries.push({ topic, partition: Number(partition.trim()), offset: BigInt(offset.trim()) });
    plan.set(group, entries);
  });
  return plan;
}
