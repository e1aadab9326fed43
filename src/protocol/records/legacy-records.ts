// Legacy message sets, magic 0 and 1 (AK LegacyRecord.java, AbstractLegacyRecordBatch.java),
// decoded for reading only: mq never writes them. One entry, big-endian:
//
//   off  field        type
//    0   offset       i64
//    8   messageSize  i32   bytes after this field
//   12   crc          u32   CRC-32 (IEEE) of bytes 16..end
//   16   magic        i8    0 or 1
//   17   attributes   i8    bits 0-2 codec, bit 3 LogAppendTime (v1)
//   18   timestamp    i64   v1 only
//        key          i32 length (-1 null) + bytes
//        value        i32 length (-1 null) + bytes
//
// A compressed entry is a wrapper whose value is a compressed message set of inner entries.
// v1 inner offsets are relative (0..n-1) and the wrapper carries the absolute offset of the last
// inner message; v0 inner offsets are absolute. Each entry is returned as one DecodedBatch, as
// Java's AbstractLegacyRecordBatch presents it.

import { DecodeError, Reader } from '../reader.js';
import { compressionName, decompress } from './compression.js';
import { crc32Ieee } from './crc32c.js';
import type { BatchHeader, DecodedBatch, DecodedRecord, TimestampType } from './record-batch.js';

const LEGACY_MAGIC_OFFSET = 16;
const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;

/** Smallest valid entry per magic: header plus two null lengths. */
export const LEGACY_MIN_SIZE: Readonly<Record<0 | 1, number>> = { 0: 26, 1: 34 };

interface LegacyMessage {
  offset: bigint;
  crc: number;
  magic: number;
  attributes: number;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

function readMessage(entry: Buffer, verifyCrc: boolean): LegacyMessage {
  const r = new Reader(entry);
  const offset = r.int64();
  r.int32(); // messageSize: the caller sliced `entry` by it
  const crc = r.uint32();
  const magic = r.int8();
  const attributes = r.int8();
  const timestamp = magic >= 1 ? r.int64() : -1n;
  const key = r.nullableBytes();
  const value = r.nullableBytes();
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes left after legacy message at offset ${offset}`, r.offset);
  if (verifyCrc) {
    const computed = crc32Ieee(entry.subarray(LEGACY_MAGIC_OFFSET));
    if (computed !== crc) throw new DecodeError(`legacy message at offset ${offset} has crc ${crc}, computed ${computed}`, 12, 'crc');
  }
  return { offset, crc, magic, attributes, timestamp, key, value };
}

/** Decodes one complete legacy entry (magic 0/1), unwrapping a compressed wrapper. */
export function decodeLegacyEntry(entry: Buffer, verifyCrc: boolean): DecodedBatch {
  const outer = readMessage(entry, verifyCrc);
  const compression = compressionName(outer.attributes & ATTR_COMPRESSION_MASK);
  const logAppendTime = outer.magic === 1 && (outer.attributes & ATTR_LOG_APPEND_TIME) !== 0;
  const timestampType: TimestampType = logAppendTime ? 'LogAppendTime' : 'CreateTime';
  let records: DecodedRecord[];
  if (compression === 'none') {
    records = [{ offset: outer.offset, timestamp: outer.timestamp, timestampType, key: outer.key, value: outer.value, headers: [] }];
  } else {
    if (outer.value === null) throw new DecodeError(`compressed legacy wrapper at offset ${outer.offset} has a null value`, 0, 'value');
    const inner = readInnerMessages(decompress(compression, outer.value), outer, verifyCrc);
    // v1 inner offsets count from 0; the wrapper holds the absolute offset of the last one.
    const shift = outer.magic === 1 ? outer.offset - inner[inner.length - 1]!.offset : 0n;
    records = inner.map((m) => ({
      offset: m.offset + shift,
      timestamp: logAppendTime ? outer.timestamp : m.timestamp,
      timestampType,
      key: m.key,
      value: m.value,
      headers: [],
    }));
  }
  const first = records[0]!;
  let maxTimestamp = first.timestamp;
  for (const rec of records) if (rec.timestamp > maxTimestamp) maxTimestamp = rec.timestamp;
  const header: BatchHeader = {
    baseOffset: first.offset,
    batchLength: entry.length - 12,
    partitionLeaderEpoch: -1,
    magic: outer.magic,
    crc: outer.crc,
    attributes: outer.attributes,
    lastOffsetDelta: Number(records[records.length - 1]!.offset - first.offset),
    baseTimestamp: first.timestamp,
    maxTimestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    recordCount: records.length,
  };
  return { header, compression, timestampType, isTransactional: false, isControl: false, records };
}

function readInnerMessages(set: Buffer, wrapper: LegacyMessage, verifyCrc: boolean): LegacyMessage[] {
  const messages: LegacyMessage[] = [];
  let pos = 0;
  while (pos < set.length) {
    if (set.length - pos < 12) throw new DecodeError(`truncated inner message set of wrapper at offset ${wrapper.offset}`, pos);
    const end = pos + 12 + set.readInt32BE(pos + 8);
    if (end > set.length || end - pos < LEGACY_MIN_SIZE[0]) {
      throw new DecodeError(`bad inner message size in wrapper at offset ${wrapper.offset}`, pos + 8, 'messageSize');
    }
    const m = readMessage(set.subarray(pos, end), verifyCrc);
    if (m.magic !== wrapper.magic) throw new DecodeError(`inner message magic ${m.magic} differs from wrapper magic ${wrapper.magic}`, pos + LEGACY_MAGIC_OFFSET, 'magic');
    if ((m.attributes & ATTR_COMPRESSION_MASK) !== 0) throw new DecodeError(`doubly compressed message in wrapper at offset ${wrapper.offset}`, pos + 17, 'attributes');
    messages.push(m);
    pos = end;
  }
  if (messages.length === 0) throw new DecodeError(`compressed wrapper at offset ${wrapper.offset} holds no messages`, 0);
  return messages;
}
