// kafka-console-consumer's output, the same bytes as AK's DefaultMessageFormatter
// (tools/src/main/java/org/apache/kafka/tools/consumer/DefaultMessageFormatter.java), set with
// --property:
//
//   print.timestamp print.partition print.offset print.delivery print.headers print.key  (default false)
//   print.value (default true)
//   key.separator (\t, between every column)  line.separator (\n)  headers.separator (,)  null.literal (null)
//
// Columns in order: `CreateTime:<ts>`, `Partition:<p>`, `Offset:<o>`, `Delivery:NONE`, headers
// `k:v,k:v` (or NO_HEADERS), key, value. Each column is followed by key.separator if another
// column follows, else by line.separator. Keys, values and header values are written as raw bytes
// (Kafka's ByteArrayDeserializer); separators are used verbatim, not unescaped.

import type { ConsumerRecord } from '../../client/index.js';

export interface FormatterOptions {
  readonly printTimestamp: boolean;
  readonly printPartition: boolean;
  readonly printOffset: boolean;
  readonly printDelivery: boolean;
  readonly printHeaders: boolean;
  readonly printKey: boolean;
  readonly printValue: boolean;
  readonly keySeparator: Buffer;
  readonly lineSeparator: Buffer;
  readonly headersSeparator: Buffer;
  readonly nullLiteral: Buffer;
}

export function formatterOptions(props: Readonly<Record<string, string>>): FormatterOptions {
  const bool = (key: string, fallback: boolean): boolean => {
    const v = props[key];
    return v === undefined ? fallback : v.trim().toLowerCase() === 'true';
  };
  const bytes = (key: string, fallback: string): Buffer => Buffer.from(props[key] ?? fallback, 'utf8');
  return {
    printTimestamp: bool('print.timestamp', false),
    printPartition: bool('print.partition', false),
    printOffset: bool('print.offset', false),
    printDelivery: bool('print.delivery', false),
    printHeaders: bool('print.headers', false),
    printKey: bool('print.key', false),
    printValue: bool('print.value', true),
    keySeparator: bytes('key.separator', '\t'),
    lineSeparator: bytes('line.separator', '\n'),
    headersSeparator: bytes('headers.separator', ','),
    nullLiteral: bytes('null.literal', 'null'),
  };
}

/** Appends the bytes for one record to `out`; the caller concatenates a whole batch for one write. */
export function formatRecord(record: ConsumerRecord, o: FormatterOptions, out: Buffer[]): void {
  const text = (s: string): void => void out.push(Buffer.from(s, 'utf8'));
  // After a column: the column separator if any later column is printed, else the line separator.
  const separator = (more: boolean): void => void out.push(more ? o.keySeparator : o.lineSeparator);

  if (o.printTimestamp) {
    text(`${record.timestampType}:${record.timestamp}`);
    separator(o.printPartition || o.printOffset || o.printDelivery || o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printPartition) {
    text(`Partition:${record.partition}`);
    separator(o.printOffset || o.printDelivery || o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printOffset) {
    text(`Offset:${record.offset}`);
    separator(o.printDelivery || o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printDelivery) {
    // Delivery counts exist only for share groups (KIP-932); a plain consumer prints NONE.
    text('Delivery:NONE');
    separator(o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printHeaders) {
    if (record.headers.length === 0) text('NO_HEADERS');
    record.headers.forEach((h, i) => {
      text(`${h.key}:`);
      out.push(h.value ?? o.nullLiteral);
      if (i < record.headers.length - 1) out.push(o.headersSeparator);
    });
    separator(o.printKey || o.printValue);
  }
  if (o.printKey) {
    out.push(record.key ?? o.nullLiteral);
    separator(o.printValue);
  }
  if (o.printValue) {
    out.push(record.value ?? o.nullLiteral);
    out.push(o.lineSeparator);
  }
}

/** --output json: one object per record, key/value/header values as UTF-8 text (null stays null). */
export function recordView(record: ConsumerRecord): Record<string, unknown> {
  const utf8 = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: utf8(record.key),
    value: utf8(record.value),
    headers: record.headers.map((h) => ({ key: h.key, value: utf8(h.value) })),
  };
}
