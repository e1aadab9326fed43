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
import { RecordSection } from './decoded-record.js';
import type { BatchHeader, DecodedBatch, Decoding, TimestampType } from './record-batch.js';

const LEGACY_MAGIC_OFFSET = 16;
const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;

/** Smallest valid entry per magic: header plus two null lengths. */
export const LEGACY_MIN_SIZE: Readonly<Record<0 | 1, number>> = { 0: 26, 1: 34 };

/**
 * One legacy message seen as a section of one record, at offset and timestamp delta 0: `pos` is
 * where its key's INT32 length starts.
 */
class LegacySection<S> extends RecordSection<S> {
  override offsetAt(): bigint {
    return this.baseOffset;
  }

  override timestampAt(): bigint {
    return this.baseTimestamp;
  }

  override keyAt(pos: number): Buffer | null {
    const length = this.buf.readInt32BE(pos);
    return length < 0 ? null : this.buf.subarray(pos + 4, pos + 4 + length);
  }

  override valueAt(pos: number): Buffer | null {
    const at = pos + 4 + Math.max(0, this.buf.readInt32BE(pos));
    const length = this.buf.readInt32BE(at);
    return length < 0 ? null : this.buf.subarray(at + 4, at + 4 + length);
  }
}

interface LegacyMessage {
  /** The bytes holding the message: the fetched ones, or a compressed wrapper's decompressed value. */
  buf: Buffer;
  offset: bigint;
  crc: number;
  magic: number;
  attributes: number;
  timestamp: bigint;
  /** Where the key's INT32 length starts. */
  keyAt: number;
  /** The value's position and length (-1: null). */
  valueStart: number;
  valueLength: number;
}

/** The message in buf[start, end). */
function readMessage(buf: Buffer, start: number, end: number, verifyCrc: boolean): LegacyMessage {
  const r = new Reader(buf, start, end);
  const offset = r.int64();
  r.int32(); // messageSize: the caller bounded the message by it
  const crc = r.uint32();
  const magic = r.int8();
  const attributes = r.int8();
  const timestamp = magic >= 1 ? r.int64() : -1n;
  const keyAt = r.offset;
  const keyLength = r.int32();
  if (keyLength > 0) r.raw(keyLength); // skipped, bounds-checked: records read it when asked
  const valueLength = r.int32();
  const valueStart = r.offset;
  if (valueLength > 0) r.raw(valueLength);
  if (r.remaining !== 0) throw new DecodeError(`${r.remaining} bytes left after legacy message at offset ${offset}`, r.offset);
  if (verifyCrc) {
    const computed = crc32Ieee(buf.subarray(start + LEGACY_MAGIC_OFFSET, end));
    if (computed !== crc) throw new DecodeError(`legacy message at offset ${offset} has crc ${crc}, computed ${computed}`, start + 12, 'crc');
  }
  return { buf, offset, crc, magic, attributes, timestamp, keyAt, valueStart, valueLength };
}

/** Decodes the complete legacy entry (magic 0/1) in buf[start, end), unwrapping a compressed wrapper. */
export function decodeLegacyEntry<S, R>(buf: Buffer, start: number, end: number, decoding: Decoding<S, R>): DecodedBatch<R> {
  const outer = readMessage(buf, start, end, decoding.verifyCrc);
  const compression = compressionName(outer.attributes & ATTR_COMPRESSION_MASK);
  const logAppendTime = outer.magic === 1 && (outer.attributes & ATTR_LOG_APPEND_TIME) !== 0;
  const timestampType: TimestampType = logAppendTime ? 'LogAppendTime' : 'CreateTime';
  let messages: LegacyMessage[];
  if (compression === 'none') {
    messages = [outer];
  } else {
    if (outer.valueLength < 0) throw new DecodeError(`compressed legacy wrapper at offset ${outer.offset} has a null value`, 0, 'value');
    messages = readInnerMessages(decompress(compression, buf.subarray(outer.valueStart, outer.valueStart + outer.valueLength)), outer, decoding.verifyCrc);
    // v1 inner offsets count from 0; the wrapper holds the absolute offset of the last one.
    const shift = outer.magic === 1 ? outer.offset - messages[messages.length - 1]!.offset : 0n;
    for (const m of messages) {
      m.offset += shift;
      if (logAppendTime) m.timestamp = outer.timestamp;
    }
  }
  const first = messages[0]!;
  let maxTimestamp = first.timestamp;
  for (const m of messages) if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp;
  const Record = decoding.record;
  const records: R[] = [];
  // Legacy sets are rare, and timestamps vary freely between their messages: a section each.
  for (const m of messages) {
    if (decoding.fromOffset !== undefined && m.offset < decoding.fromOffset) continue;
    records.push(new Record(new LegacySection(decoding.source, m.buf, m.offset, m.timestamp, m.timestamp, timestampType), m.keyAt, null));
  }
  const header: BatchHeader = {
    baseOffset: first.offset,
    batchLength: end - start - 12,
    partitionLeaderEpoch: -1,
    magic: outer.magic,
    crc: outer.crc,
    attributes: outer.attributes,
    lastOffsetDelta: Number(messages[messages.length - 1]!.offset - first.offset),
    baseTimestamp: first.timestamp,
    maxTimestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    recordCount: messages.length,
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
    const m = readMessage(set, pos, end, verifyCrc);
    if (m.magic !== wrapper.magic) throw new DecodeError(`inner message magic ${m.magic} differs from wrapper magic ${wrapper.magic}`, pos + LEGACY_MAGIC_OFFSET, 'magic');
    if ((m.attributes & ATTR_COMPRESSION_MASK) !== 0) throw new DecodeError(`doubly compressed message in wrapper at offset ${wrapper.offset}`, pos + 17, 'attributes');
    messages.push(m);
    pos = end;
  }
  if (messages.length === 0) throw new DecodeError(`compressed wrapper at offset ${wrapper.offset} holds no messages`, 0);
  return messages;
}
