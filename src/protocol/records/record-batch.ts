// RecordBatch v2 (magic 2), AK clients/.../record/DefaultRecordBatch.java and DefaultRecord.java.
// Big-endian; the header is 61 bytes:
//
//   off  field                 type   note
//    0   baseOffset            i64    assigned by the broker (bytes 0-7 rewritten on append)
//    8   batchLength           i32    bytes after this field (batch size = 12 + batchLength)
//   12   partitionLeaderEpoch  i32    stamped by the leader
//   16   magic                 i8     2 (legacy message sets keep their magic at 16 too)
//   17   crc                   u32    CRC-32C of bytes 21..end: baseOffset, batchLength and the
//                                      leader epoch are outside it, so the broker can set them
//                                      without recomputing it
//   21   attributes            i16    bits 0-2 codec, 3 LogAppendTime, 4 transactional, 5 control,
//                                      6 delete horizon (KIP-534: baseTimestamp holds it)
//   23   lastOffsetDelta       i32
//   27   baseTimestamp         i64    timestamp of the first record, or the delete horizon (bit 6);
//                                      record timestamps are deltas from it either way
//   35   maxTimestamp          i64
//   43   producerId            i64    -1 without idempotence
//   51   producerEpoch         i16
//   53   baseSequence          i32
//   57   recordCount           i32
//   61   records               the record section, compressed as a whole when codec != 0
//
// Record: length varint | attributes i8 | timestampDelta varlong | offsetDelta varint |
// keyLength varint (-1 null) | key | valueLength varint (-1 null) | value | headerCount varint |
// headers [keyLength varint | utf-8 key | valueLength varint (-1 null) | value]. The varints are
// zigzag (Writer.varint/varlong), unlike the unsigned varints of KIP-482 messages.

import { DecodeError, readVarint, readVarlong, varintEnd } from '../reader.js';
import { Writer } from '../writer.js';
import { compress, compressAsync, compressionName, CompressionType, decompress, type CompressionId, type CompressionName } from './compression.js';
import { crc32c } from './crc32c.js';
import { DecodedRecord, RecordSection } from './decoded-record.js';
import { decodeLegacyEntry, LEGACY_MIN_SIZE } from './legacy-records.js';

export { DecodedRecord, RecordSection } from './decoded-record.js';

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes of a batch (or legacy entry) that batchLength does not count. */
export const LOG_OVERHEAD = 12;

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_LOG_APPEND_TIME = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
/** KIP-534: set by the log cleaner on batches holding tombstones; baseTimestamp is then the time after which they may be removed. */
export const ATTR_DELETE_HORIZON = 0x40;

/** Values of the header's "none" markers (AK RecordBatch.NO_*). */
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface ProducerRecordInput {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
  readonly timestamp: bigint;
}

export interface EncodeBatchOptions {
  compression?: CompressionName;
  baseOffset?: bigint;
  /** Producers leave it -1 (Java); a leader writing its own batches stamps its epoch. */
  partitionLeaderEpoch?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** LogAppendTime is for batches the broker builds itself; the records carry the append time. */
  timestampType?: TimestampType;
  /**
   * The log cleaner rebuilding a batch keeps its offset range even when its last records are
   * dropped (AK MemoryRecordsBuilder.overrideLastOffset), so that the producer's last sequence,
   * baseSequence + lastOffsetDelta, survives compaction. Default: the last record's delta.
   */
  lastOffsetDelta?: number;
}

export interface DecodedBatch<R = DecodedRecord> {
  /** For legacy v0/v1 entries: synthesised (producer fields -1, baseOffset = first record). */
  header: BatchHeader;
  compression: CompressionName;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  records: R[];
}

export interface DecodeOptions {
  /** Default true. Skipping is for bytes already verified, e.g. re-reading a segment. */
  verifyCrc?: boolean;
  /**
   * Records of data batches below this offset are validated but left out (a fetch returns whole
   * batches, so the first may start before the offset asked for). Control batches keep theirs:
   * a marker tells how to treat the batches before it.
   */
  fromOffset?: bigint;
}

/** Builds the records as the caller's subclass of DecodedRecord (the consumer's add topic and partition). */
export interface DecodeAsOptions<S, R> extends DecodeOptions {
  record: RecordClass<S, R>;
  /** What the records came from, reachable from each of them through its section. */
  source: S;
}

/** `pos`: where the record's timestampDelta starts in section.buf; headers null when it has none. */
export type RecordClass<S, R> = new (section: RecordSection<S>, pos: number, headers: RecordHeader[] | null) => R;

/** Reads the fixed header at `offset`; meaningful only when the magic byte is 2. Never touches records. */
export function readBatchHeader(buf: Buffer, offset = 0): BatchHeader {
  if (offset < 0 || offset + BATCH_HEADER_SIZE > buf.length) {
    throw new DecodeError(`record batch header needs ${BATCH_HEADER_SIZE} bytes, ${buf.length - offset} left`, offset);
  }
  return {
    baseOffset: buf.readBigInt64BE(offset + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(offset + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(offset + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(offset + MAGIC_OFFSET),
    crc: buf.readUInt32BE(offset + CRC_OFFSET),
    attributes: buf.readInt16BE(offset + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(offset + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: buf.readBigInt64BE(offset + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: buf.readBigInt64BE(offset + MAX_TIMESTAMP_OFFSET),
    producerId: buf.readBigInt64BE(offset + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(offset + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(offset + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(offset + RECORDS_COUNT_OFFSET),
  };
}

/** CRC-32C over attributes..end of the batch at `offset` equals the stored crc. */
export function verifyBatchCrc(buf: Buffer, offset: number, batchLength: number): boolean {
  return computeBatchCrc(buf, offset, batchLength) === buf.readUInt32BE(offset + CRC_OFFSET);
}

function computeBatchCrc(buf: Buffer, offset: number, batchLength: number): number {
  return crc32c(buf.subarray(offset + ATTRIBUTES_OFFSET, offset + LOG_OVERHEAD + batchLength));
}

/**
 * Marks the batch at `offset` as LogAppendTime with `timestamp` as its max timestamp and
 * recomputes the CRC (what the broker does for message.timestamp.type=LogAppendTime; records
 * then all read as that time).
 */
export function stampLogAppendTime(buf: Buffer, offset: number, timestamp: bigint): void {
  const batchLength = buf.readInt32BE(offset + BATCH_LENGTH_OFFSET);
  buf.writeInt16BE(buf.readInt16BE(offset + ATTRIBUTES_OFFSET) | ATTR_LOG_APPEND_TIME, offset + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(timestamp, offset + MAX_TIMESTAMP_OFFSET);
  buf.writeUInt32BE(computeBatchCrc(buf, offset, batchLength), offset + CRC_OFFSET);
}

/** Codec id of the batch at `offset` (from its attributes). */
export function compressionOf(buf: Buffer, offset = 0): CompressionId {
  if (offset + ATTRIBUTES_OFFSET + 2 > buf.length) throw new DecodeError('record batch too short for attributes', offset);
  return (buf.readInt16BE(offset + ATTRIBUTES_OFFSET) & ATTR_COMPRESSION_MASK) as CompressionId;
}

/** Number of complete batches in `buf`, which must hold whole batches only (a produce payload). */
export function batchCount(buf: Buffer): number {
  let count = 0;
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < LOG_OVERHEAD) throw new DecodeError(`${buf.length - pos} trailing bytes after the last record batch`, pos);
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < 0 || pos + LOG_OVERHEAD + batchLength > buf.length) {
      throw new DecodeError(`record batch length ${batchLength} exceeds the ${buf.length - pos - LOG_OVERHEAD} bytes left`, pos + BATCH_LENGTH_OFFSET, 'batchLength');
    }
    pos += LOG_OVERHEAD + batchLength;
    count++;
  }
  return count;
}

/**
 * The offset after the last complete batch (or legacy entry) in fetched bytes, read from the
 * headers alone (no CRC, no records): a consumer can ask for what follows before it decodes
 * these. null when no batch is complete (only part of one fitted in the fetch size).
 */
export function nextOffsetAfter(buf: Buffer): bigint | null {
  let next: bigint | null = null;
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < MAGIC_OFFSET + 1 - LOG_OVERHEAD) throw new DecodeError(`record batch length ${batchLength} is too small`, pos + BATCH_LENGTH_OFFSET, 'batchLength');
    const end = pos + LOG_OVERHEAD + batchLength;
    if (end > buf.length) break;
    // v2: baseOffset + lastOffsetDelta; v0/v1: an entry's offset is its last (inner) offset.
    const last = buf.readBigInt64BE(pos) + (buf.readInt8(pos + MAGIC_OFFSET) === 2 && end - pos >= BATCH_HEADER_SIZE ? BigInt(buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)) : 0n);
    if (next === null || last >= next) next = last + 1n;
    pos = end;
  }
  return next;
}

// ---- encoding ----------------------------------------------------------------------------

const INT32_MIN = -0x80000000n;
const INT32_MAX = 0x7fffffffn;
/** Shared by records without headers, so they cost no allocation. */
const NO_HEADERS: readonly RecordHeader[] = [];

/** Bytes of a zigzag varint of a 32-bit value. */
function varintSize(v: number): number {
  const u = ((v << 1) ^ (v >> 31)) >>> 0;
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

/** Bytes of a zigzag varlong. */
function varlongSize(v: bigint): number {
  let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

function bytesSize(b: Buffer | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}

/** Sizes the builder for a batch of these records, so that encodeRecordBatch allocates once. */
function estimateSize(records: readonly ProducerRecordInput[]): number {
  let size = 0;
  for (const r of records) {
    // Length, attributes, deltas, key/value lengths and header count take at most 28 bytes.
    size += 28 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const h of r.headers ?? NO_HEADERS) size += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  }
  return size;
}

/** Builds one batch. */
export function encodeRecordBatch(records: readonly ProducerRecordInput[], opts: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  const builder = new RecordBatchBuilder(opts.compression ?? 'none', estimateSize(records));
  for (const r of records) builder.append(r.timestamp, r.key, r.value, r.headers ?? NO_HEADERS);
  return builder.build(opts);
}

/**
 * Encodes a batch record by record as the records come, into one growing buffer that starts
 * with room for the header (AK's MemoryRecordsBuilder): a producer then keeps no object per
 * record while it waits to send the batch. The header goes in, and the CRC over it, at build(),
 * once the producer fields are known (an idempotent producer stamps a batch when first sent).
 */
export class RecordBatchBuilder {
  private readonly w: Writer;
  private count = 0;
  private baseTimestamp = 0n;
  private maxTimestamp = 0n;
  /** The last record's timestamp and its delta: records of one millisecond then need no BigInt arithmetic. */
  private lastTimestamp = 0n;
  private lastDelta = 0;
  private lastOffsetDelta = -1;
  /** The encoded records, once compressInBackground has taken them (no appends after that). */
  private body: Buffer | null = null;
  /** compressInBackground's result, which build() uses. */
  private compressed: Buffer | null = null;

  /**
   * `capacity`: the bytes of records expected, to size the buffer. `deleteHorizonMs` (the log
   * cleaner only, KIP-534) becomes the batch's base timestamp, record timestamps deltas from it,
   * and the batch is flagged ATTR_DELETE_HORIZON.
   */
  constructor(
    private readonly compression: CompressionName = 'none',
    capacity = 256,
    private readonly deleteHorizonMs?: bigint,
  ) {
    this.w = new Writer(BATCH_HEADER_SIZE + capacity).skip(BATCH_HEADER_SIZE);
  }

  get recordCount(): number {
    return this.count;
  }

  /** The batch's size so far, uncompressed. */
  get sizeInBytes(): number {
    return this.w.length;
  }

  /** The exact bytes append() would add for this record. */
  recordSize(timestamp: bigint, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[]): number {
    const body = this.bodySize(timestamp, key, value, headers);
    return varintSize(body) + body;
  }

  /**
   * `offsetDelta` defaults to the record's position in the batch; the log cleaner passes the
   * record's original delta, since compaction keeps offsets and leaves gaps between them.
   */
  append(timestamp: bigint, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], offsetDelta = this.count): void {
    if (this.count === 0) {
      this.baseTimestamp = this.lastTimestamp = this.deleteHorizonMs ?? timestamp;
      this.maxTimestamp = timestamp;
      this.lastDelta = 0;
    } else if (timestamp > this.maxTimestamp) {
      this.maxTimestamp = timestamp;
    }
    const body = this.bodySize(timestamp, key, value, headers, offsetDelta);
    const w = this.w;
    w.varint(body).int8(0);
    // A zigzag varint of a 32-bit value has the same bytes as the varlong of that value.
    const delta = this.timestampDelta(timestamp);
    if (Number.isNaN(delta)) w.varlong(timestamp - this.baseTimestamp);
    else w.varint(delta);
    w.varint(offsetDelta);
    this.lastOffsetDelta = offsetDelta;
    writeBytes(w, key);
    writeBytes(w, value);
    w.varint(headers.length);
    for (const h of headers) {
      const n = Buffer.byteLength(h.key);
      w.varint(n).utf8(h.key, n);
      writeBytes(w, h.value);
    }
    this.count++;
  }

  /**
   * Compresses the records now, on libuv's thread pool, for a batch that takes no more appends:
   * build() then uses the result instead of compressing on the calling thread. Null without a
   * codec. A failure is not reported here: build() compresses synchronously then and meets the
   * same error.
   */
  compressInBackground(): Promise<void> | null {
    if (this.compression === 'none') return null;
    const body = (this.body ??= this.w.toBuffer());
    // A codec whose library cannot load throws at once: build() reports it the same way.
    let pending: Promise<Buffer>;
    try {
      pending = compressAsync(this.compression, body.subarray(BATCH_HEADER_SIZE));
    } catch {
      return null;
    }
    return pending.then(
      (compressed) => void (this.compressed = compressed),
      () => undefined,
    );
  }

  /** The finished batch; the builder must not be used afterwards. */
  build(opts: EncodeBatchOptions = {}): Buffer {
    if (this.count === 0) throw new RangeError('a record batch needs at least one record');
    const codec = this.compression;
    let attributes: number = CompressionType[codec];
    if (opts.transactional) attributes |= ATTR_TRANSACTIONAL;
    if (opts.timestampType === 'LogAppendTime') attributes |= ATTR_LOG_APPEND_TIME;
    if (this.deleteHorizonMs !== undefined) attributes |= ATTR_DELETE_HORIZON;
    let out = this.body ?? this.w.toBuffer();
    if (codec !== 'none') {
      const compressed = this.compressed ?? compress(codec, out.subarray(BATCH_HEADER_SIZE));
      out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
      compressed.copy(out, BATCH_HEADER_SIZE);
    }
    out.writeBigInt64BE(opts.baseOffset ?? 0n, BASE_OFFSET_OFFSET);
    out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
    out.writeInt32BE(opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
    out.writeInt8(2, MAGIC_OFFSET);
    out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
    out.writeInt32BE(opts.lastOffsetDelta ?? this.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
    out.writeBigInt64BE(this.baseTimestamp, BASE_TIMESTAMP_OFFSET);
    out.writeBigInt64BE(this.maxTimestamp, MAX_TIMESTAMP_OFFSET);
    out.writeBigInt64BE(opts.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET);
    out.writeInt16BE(opts.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
    out.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
    out.writeInt32BE(this.count, RECORDS_COUNT_OFFSET);
    out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
    return out;
  }

  private bodySize(timestamp: bigint, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], offsetDelta = this.count): number {
    // Before the first append the base timestamp is not set yet: a first record's delta is 0.
    const delta = this.count === 0 && this.deleteHorizonMs === undefined ? 0 : this.count === 0 ? NaN : this.timestampDelta(timestamp);
    const base = this.count === 0 ? (this.deleteHorizonMs ?? timestamp) : this.baseTimestamp;
    let body = 1 + (Number.isNaN(delta) ? varlongSize(timestamp - base) : varintSize(delta));
    body += varintSize(offsetDelta) + bytesSize(key) + bytesSize(value) + varintSize(headers.length);
    for (const h of headers) {
      const n = Buffer.byteLength(h.key);
      body += varintSize(n) + n + bytesSize(h.value);
    }
    return body;
  }

  /** The timestamp's delta from the batch's first as a number; NaN when it does not fit 32 bits. */
  private timestampDelta(timestamp: bigint): number {
    if (timestamp === this.lastTimestamp) return this.lastDelta;
    const delta = timestamp - this.baseTimestamp;
    this.lastTimestamp = timestamp;
    this.lastDelta = delta >= INT32_MIN && delta <= INT32_MAX ? Number(delta) : NaN;
    return this.lastDelta;
  }
}

function writeBytes(w: Writer, b: Buffer | null): void {
  if (b === null) w.varint(-1);
  else w.varint(b.length).copy(b); // copied: the batch is one contiguous buffer for its CRC
}

// ---- decoding ----------------------------------------------------------------------------

/** Everything the batch decoders need besides the bytes, resolved once per call. */
export interface Decoding<S, R> {
  readonly verifyCrc: boolean;
  readonly fromOffset: bigint | undefined;
  readonly record: RecordClass<S, R>;
  readonly source: S;
}

/**
 * Decodes every complete batch in `buf` (v2, and legacy v0/v1 message-set entries). A fetch
 * response may end with a batch cut short by the fetch size limit: decoding stops silently
 * there. Anything malformed before that point throws a DecodeError. Every field of every record
 * is checked here, though records compute their offset, timestamp, key and value on access.
 */
export function decodeRecordBatches(buf: Buffer, opts?: DecodeOptions): DecodedBatch[];
export function decodeRecordBatches<S, R>(buf: Buffer, opts: DecodeAsOptions<S, R>): Array<DecodedBatch<R>>;
export function decodeRecordBatches<S, R>(buf: Buffer, opts: DecodeOptions & Partial<DecodeAsOptions<S, R>> = {}): Array<DecodedBatch<R>> {
  const decoding: Decoding<S, R> = {
    verifyCrc: opts.verifyCrc ?? true,
    fromOffset: opts.fromOffset,
    record: opts.record ?? (DecodedRecord as RecordClass<unknown, unknown> as RecordClass<S, R>),
    source: opts.source as S,
  };
  const batches: Array<DecodedBatch<R>> = [];
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < MAGIC_OFFSET + 1 - LOG_OVERHEAD) {
      throw new DecodeError(`record batch length ${batchLength} is too small`, pos + BATCH_LENGTH_OFFSET, 'batchLength');
    }
    const end = pos + LOG_OVERHEAD + batchLength;
    if (end > buf.length) break;
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic === 2) {
      batches.push(decodeBatch(buf, pos, end, decoding));
    } else if (magic === 0 || magic === 1) {
      if (end - pos < LEGACY_MIN_SIZE[magic]) {
        throw new DecodeError(`legacy message of ${end - pos} bytes is too small`, pos + BATCH_LENGTH_OFFSET, 'messageSize');
      }
      batches.push(decodeLegacyEntry(buf, pos, end, decoding));
    } else {
      throw new DecodeError(`unknown record batch magic ${magic}`, pos + MAGIC_OFFSET, 'magic');
    }
    pos = end;
  }
  return batches;
}

function decodeBatch<S, R>(buf: Buffer, pos: number, end: number, decoding: Decoding<S, R>): DecodedBatch<R> {
  if (end - pos < BATCH_HEADER_SIZE) throw new DecodeError(`record batch of ${end - pos} bytes is shorter than its header`, pos + BATCH_LENGTH_OFFSET, 'batchLength');
  const header = readBatchHeader(buf, pos);
  if (decoding.verifyCrc) {
    const computed = computeBatchCrc(buf, pos, header.batchLength);
    if (computed !== header.crc) {
      throw new DecodeError(`record batch at offset ${header.baseOffset} has crc ${header.crc}, computed ${computed}`, pos + CRC_OFFSET, 'crc');
    }
  }
  const compression = compressionName(header.attributes & ATTR_COMPRESSION_MASK);
  let data = buf;
  let at = pos + BATCH_HEADER_SIZE;
  let dataEnd = end;
  if (compression !== 'none') {
    data = decompress(compression, buf.subarray(at, end));
    at = 0;
    dataEnd = data.length;
  }
  const timestampType: TimestampType = (header.attributes & ATTR_LOG_APPEND_TIME) !== 0 ? 'LogAppendTime' : 'CreateTime';
  const isControl = (header.attributes & ATTR_CONTROL) !== 0;
  const section = new RecordSection(decoding.source, data, header.baseOffset, header.baseTimestamp, header.maxTimestamp, timestampType);
  // Offset deltas are int32s: comparing them as numbers spares a bigint per record.
  const minDelta = decoding.fromOffset === undefined || isControl ? -Infinity : Number(decoding.fromOffset - header.baseOffset);
  const Record = decoding.record;
  const records: R[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = readVarint(data, at, dataEnd);
    const start = varintEnd;
    // The attributes byte at `start` is unused by every record version so far.
    if (start >= dataEnd) throw new DecodeError('truncated record', start, 'attributes');
    readVarlong(data, start + 1, dataEnd); // timestampDelta: read again when asked for
    const offsetDelta = readVarint(data, varintEnd, dataEnd);
    at = skipBytes(data, varintEnd, dataEnd); // key
    at = skipBytes(data, at, dataEnd); // value
    const headerCount = readVarint(data, at, dataEnd);
    at = varintEnd;
    if (headerCount < 0 || headerCount > dataEnd - at) throw new DecodeError(`invalid record header count ${headerCount}`, at, 'headerCount');
    let headers: RecordHeader[] | null = null;
    if (headerCount > 0) {
      headers = [];
      for (let h = 0; h < headerCount; h++) {
        const keyLength = readVarint(data, at, dataEnd);
        if (keyLength < 0) throw new DecodeError('null record header key', varintEnd, 'headerKey');
        const keyStart = varintEnd;
        const valueLength = readVarint(data, bytesEnd(keyStart, keyLength, dataEnd), dataEnd);
        const valueStart = varintEnd;
        at = bytesEnd(valueStart, valueLength, dataEnd);
        headers.push({ key: data.toString('utf8', keyStart, keyStart + keyLength), value: valueLength < 0 ? null : data.subarray(valueStart, at) });
      }
    }
    if (at - start !== length) {
      throw new DecodeError(`record ${i} declares ${length} bytes but its fields take ${at - start}`, start, 'length');
    }
    if (offsetDelta >= minDelta) records.push(new Record(section, start + 1, headers));
  }
  if (at !== dataEnd) throw new DecodeError(`${dataEnd - at} bytes left after the batch's ${header.recordCount} records`, at, 'records');
  return {
    header,
    compression,
    timestampType,
    isTransactional: (header.attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl,
    records,
  };
}

/** Position after a length-prefixed byte field (length varint, -1 for null) at `pos`. */
function skipBytes(buf: Buffer, pos: number, end: number): number {
  const length = readVarint(buf, pos, end);
  return bytesEnd(varintEnd, length, end);
}

/** Position after `length` bytes from `pos` (none when negative: null), within `end`. */
function bytesEnd(pos: number, length: number, end: number): number {
  if (length <= 0) return pos;
  if (length > end - pos) throw new DecodeError(`need ${length} bytes, ${end - pos} left`, pos);
  return pos + length;
}
