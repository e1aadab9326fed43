// Growable big-endian writer. Output is a list of chunks rather than one buffer so that large
// byte fields (record batches read from a segment file) are referenced, not copied: a Fetch
// response is written to the socket as [header bytes, file bytes, more header bytes, ...].

/** Blobs at least this large are referenced as their own chunk instead of copied. */
const REFERENCE_THRESHOLD = 1024;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private chunks: Buffer[] = [];
  private flushedBytes = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.flushedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  uint8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  uvarint(v: number): this {
    this.ensure(5);
    let u = v >>> 0;
    while (u >= 0x80) {
      this.buf[this.pos++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    this.buf[this.pos++] = u;
    return this;
  }
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }
  varlong(v: bigint): this {
    this.ensure(10);
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
    return this;
  }

  /** Appends bytes as they are; large ones become their own chunk (no copy). */
  raw(b: Buffer): this {
    if (b.length >= REFERENCE_THRESHOLD) {
      this.flush();
      this.chunks.push(b);
      this.flushedBytes += b.length;
      return this;
    }
    return this.copy(b);
  }

  /** Appends bytes by copying, whatever their size: for output that must end up contiguous. */
  copy(b: Buffer): this {
    this.ensure(b.length);
    // TypedArray set, not Buffer.copy: the same memcpy without Buffer.copy's JS-side argument
    // handling, which shows in profiles when a producer copies millions of small values.
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Reserves `n` bytes whose contents are unspecified: the caller overwrites them in the output. */
  skip(n: number): this {
    this.ensure(n);
    this.pos += n;
    return this;
  }

  /** A string's UTF-8 bytes without a length; `byteLength` is Buffer.byteLength(s), which the caller has for its prefix. */
  utf8(s: string, byteLength: number): this {
    this.ensure(byteLength);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  uuid(b: Buffer): this {
    if (b.length !== 16) throw new RangeError(`uuid must be 16 bytes, got ${b.length}`);
    return this.raw(b);
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    const n = Buffer.byteLength(s);
    this.int16(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }
  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const n = Buffer.byteLength(s);
    this.uvarint(n + 1);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }
  nullableBytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  compactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }
  /** Record batches given as several buffers (e.g. one per batch read from disk), one length prefix. */
  bytesList(parts: readonly Buffer[], compact: boolean): this {
    let total = 0;
    for (const p of parts) total += p.length;
    if (compact) this.uvarint(total + 1);
    else this.int32(total);
    for (const p of parts) this.raw(p);
    return this;
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushedBytes += this.pos;
    // Go on writing into the rest of the same buffer: the flushed chunk is a view of the part
    // before it. Allocating a fresh buffer here instead cost a near-full-size allocation for
    // every referenced blob.
    this.buf = this.buf.length - this.pos >= 256 ? this.buf.subarray(this.pos) : Buffer.allocUnsafe(256);
    this.pos = 0;
  }

  /** The written bytes as chunks; the writer must not be used afterwards. */
  toChunks(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies only when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, this.flushedBytes);
  }
}
