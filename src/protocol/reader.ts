// Bounds-checked cursor over one Kafka message. Every read past the end throws a DecodeError
// naming the offset, so a truncated or malformed frame is reported, never silently zero-filled.
// Byte fields are returned as subarrays of the input (no copy): callers that keep them beyond
// the life of the frame buffer must copy.

export class DecodeError extends Error {
  readonly code = 'MQ_ERR_DECODE';
  /** Which message was being decoded; set by codec.decode() (convention 2: {apiKey, version, field, offset}). */
  readonly apiKey?: number;
  readonly version?: number;
  constructor(
    /** What went wrong, without the location suffix that `message` adds. */
    readonly reason: string,
    readonly offset: number,
    /** Dotted path of the field being read ("topics.partitions.records"), when known. */
    readonly field?: string,
    context?: { apiKey: number; version: number; name: string },
  ) {
    const where = field ? `field ${field} at byte ${offset}` : `at byte ${offset}`;
    super(context ? `${context.name} v${context.version}: ${reason} (${where})` : `${reason} (${where})`);
    this.name = 'DecodeError';
    if (context) {
      this.apiKey = context.apiKey;
      this.version = context.version;
    }
  }
}

export class Reader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new DecodeError(`need ${n} bytes, ${this.end - at} left`, at);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  uint8(): number {
    return this.buf.readUInt8(this.need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  int64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }

  /** Unsigned LEB128 varint up to 32 bits (KIP-482 lengths, tags and counts). */
  uvarint(): number {
    let value = 0;
    let shift = 0;
    const start = this.offset;
    for (;;) {
      if (this.offset >= this.end) throw new DecodeError('truncated varint', start);
      const b = this.buf[this.offset++]!;
      if (shift === 28 && b > 0x0f) throw new DecodeError('varint longer than 32 bits', start);
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
      shift += 7;
    }
  }

  /** Zigzag varint (record fields: lengths, deltas), 32 bits. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag varlong (record timestamp deltas), 64 bits. */
  varlong(): bigint {
    let value = 0n;
    let shift = 0n;
    const start = this.offset;
    for (;;) {
      if (this.offset >= this.end) throw new DecodeError('truncated varlong', start);
      const b = this.buf[this.offset++]!;
      // The 10th byte holds only bit 63: anything more cannot come from a 64-bit writer, and
      // accepting it would return a bigint outside the int64 range (Java silently truncates).
      if (shift === 63n && (b & 0x7e) !== 0) throw new DecodeError('varlong longer than 64 bits', start);
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new DecodeError('varlong longer than 64 bits', start);
    }
    return (value >> 1n) ^ -(value & 1n);
  }

  uuid(): Buffer {
    const at = this.need(16);
    return this.buf.subarray(at, at + 16);
  }

  raw(n: number): Buffer {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  private utf8(n: number): string {
    const at = this.need(n);
    return this.buf.toString('utf8', at, at + n);
  }

  /** INT16 length; -1 = null. */
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.utf8(n);
  }
  string(): string {
    const at = this.offset;
    const s = this.nullableString();
    if (s === null) throw new DecodeError('null in non-nullable string', at);
    return s;
  }
  /** UVARINT length+1; 0 = null. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.utf8(n - 1);
  }
  compactString(): string {
    const at = this.offset;
    const s = this.compactNullableString();
    if (s === null) throw new DecodeError('null in non-nullable compact string', at);
    return s;
  }

  /** INT32 length; -1 = null. */
  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.raw(n);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1);
  }

  /** Array length: INT32 (-1 = null) or compact UVARINT (0 = null). */
  arrayLength(compact: boolean): number {
    const at = this.offset;
    const n = compact ? this.uvarint() - 1 : this.int32();
    // Every element takes at least one byte, so a count above what is left is malformed; checking
    // here stops a hostile length from making us allocate a huge array.
    if (n > this.remaining) throw new DecodeError(`array length ${n} exceeds remaining ${this.remaining}`, at);
    return n;
  }
}

// Record fields are read in the consumer's hot loop by these plain functions over (buffer,
// position) rather than through a Reader: V8 inlines them and nothing is allocated. Each returns
// the value and leaves the position after it in `varintEnd`, a second return value without a
// pair object. Reads past `end` throw a DecodeError as Reader's do.

/** Position after the varint read by the last readVarint/readVarlong call. */
export let varintEnd = 0;

/** Zigzag varint of up to 32 bits at `pos` (record fields: lengths, deltas). */
export function readVarint(buf: Buffer, pos: number, end: number): number {
  if (pos < end) {
    const b = buf[pos]!;
    if (b < 0x80) {
      varintEnd = pos + 1;
      return (b >>> 1) ^ -(b & 1);
    }
  }
  const start = pos;
  let u = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= end) throw new DecodeError('truncated varint', start);
    const b = buf[pos++]!;
    if (shift === 28 && b > 0x0f) throw new DecodeError('varint longer than 32 bits', start);
    u |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  varintEnd = pos;
  return (u >>> 1) ^ -(u & 1);
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Zigzag varlong at `pos` (record timestamp deltas): a number when it has at most 7 bytes
 * (|value| < 2^48, exact as a number), which saves the BigInt arithmetic of Reader.varlong;
 * longer ones are read by Reader.varlong and stay bigints unless they fit a safe integer.
 */
export function readVarlong(buf: Buffer, pos: number, end: number): number | bigint {
  const start = pos;
  let u = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= end) throw new DecodeError('truncated varlong', start);
    const b = buf[pos++]!;
    u += (b & 0x7f) * scale;
    if (b < 0x80) {
      varintEnd = pos;
      // Zigzag by arithmetic: bit operations would cut u to 32 bits. `u & 1` is still right, as
      // ToInt32 keeps the low bits.
      return (u & 1) === 0 ? u / 2 : -(u + 1) / 2;
    }
    scale *= 0x80;
  }
  const r = new Reader(buf, start, end);
  const value = r.varlong();
  varintEnd = r.offset;
  return value >= -MAX_SAFE_BIGINT && value <= MAX_SAFE_BIGINT ? Number(value) : value;
}

/** Position after the varint at `pos`, for bytes already validated (no bounds check beyond the buffer's). */
export function skipVarint(buf: Buffer, pos: number): number {
  while (buf[pos++]! >= 0x80);
  return pos;
}
