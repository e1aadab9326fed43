// Records as the decoder hands them out. A consumer reads millions of records a second, and
// creating a bigint offset, a bigint timestamp and a Buffer for each, plus collecting all that
// garbage while a whole fetch of records is alive, was most of its time. So a record is one small
// object (48 bytes) holding its section (what the records of a batch share) and the position of
// its fields in the section's bytes, which decoding has validated. Offset, timestamp, key and
// value are computed from those bytes when read: a field never read costs nothing, and what a
// read creates dies young. Caching what was read was measured and lost: the cached Buffers live
// as long as the records and cost more in garbage collection than reading again.

import { inspect } from 'node:util';
import { readVarint, readVarlong, skipVarint, varintEnd } from '../reader.js';
import type { RecordHeader, TimestampType } from './record-batch.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `v` as a number when exactly representable, else NaN (which makes any sum with it unsafe). */
function exactNumber(v: bigint): number {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : NaN;
}

/**
 * What the records of one RecordBatch v2 share, and where their fields are: `pos` is where a
 * record's timestampDelta starts (after its attributes). The bytes were validated when decoded.
 */
export class RecordSection<S = unknown> {
  /** baseOffset as a number, NaN when outside the range where numbers are exact. */
  protected readonly baseOffsetNumber: number;
  protected readonly baseTimestampNumber: number;
  protected readonly logAppendTime: boolean;

  constructor(
    /** What the records came from, as the decoder's caller named it. */
    readonly source: S,
    /** The records' bytes (the decompressed section when compressed). */
    readonly buf: Buffer,
    readonly baseOffset: bigint,
    readonly baseTimestamp: bigint,
    /** Every record's timestamp under LogAppendTime. */
    readonly maxTimestamp: bigint,
    readonly timestampType: TimestampType,
  ) {
    this.baseOffsetNumber = exactNumber(baseOffset);
    this.baseTimestampNumber = exactNumber(baseTimestamp);
    this.logAppendTime = timestampType === 'LogAppendTime';
  }

  offsetAt(pos: number): bigint {
    const buf = this.buf;
    const delta = readVarint(buf, skipVarint(buf, pos), buf.length);
    const n = this.baseOffsetNumber + delta;
    return Number.isSafeInteger(n) ? BigInt(n) : this.baseOffset + BigInt(delta);
  }

  timestampAt(pos: number): bigint {
    if (this.logAppendTime) return this.maxTimestamp;
    const delta = readVarlong(this.buf, pos, this.buf.length);
    if (typeof delta === 'bigint') return this.baseTimestamp + delta;
    const n = this.baseTimestampNumber + delta;
    return Number.isSafeInteger(n) ? BigInt(n) : this.baseTimestamp + BigInt(delta);
  }

  keyAt(pos: number): Buffer | null {
    const buf = this.buf;
    const length = readVarint(buf, skipVarint(buf, skipVarint(buf, pos)), buf.length);
    return length < 0 ? null : buf.subarray(varintEnd, varintEnd + length);
  }

  valueAt(pos: number): Buffer | null {
    const buf = this.buf;
    const keyLength = readVarint(buf, skipVarint(buf, skipVarint(buf, pos)), buf.length);
    const length = readVarint(buf, keyLength > 0 ? varintEnd + keyLength : varintEnd, buf.length);
    return length < 0 ? null : buf.subarray(varintEnd, varintEnd + length);
  }
}

/**
 * One record. Its fields are accessors on the prototype; assigning one replaces it for this
 * record, as with a plain object. Each read of key or value returns a new subarray of the fetched
 * (or decompressed) bytes: read it once into a variable, and copy it to keep a small part of a
 * large response alive on its own.
 */
export class DecodedRecord<S = unknown> {
  readonly #section: RecordSection<S>;
  readonly #pos: number;
  /** null: none, and no empty list created for it yet. */
  #headers: RecordHeader[] | null;

  constructor(section: RecordSection<S>, pos: number, headers: RecordHeader[] | null) {
    this.#section = section;
    this.#pos = pos;
    this.#headers = headers;
  }

  protected get source(): S {
    return this.#section.source;
  }

  get offset(): bigint {
    return this.#section.offsetAt(this.#pos);
  }
  set offset(value: bigint) {
    replaceField(this, 'offset', value);
  }

  get timestamp(): bigint {
    return this.#section.timestampAt(this.#pos);
  }
  set timestamp(value: bigint) {
    replaceField(this, 'timestamp', value);
  }

  get timestampType(): TimestampType {
    return this.#section.timestampType;
  }
  set timestampType(value: TimestampType) {
    replaceField(this, 'timestampType', value);
  }

  get key(): Buffer | null {
    return this.#section.keyAt(this.#pos);
  }
  set key(value: Buffer | null) {
    replaceField(this, 'key', value);
  }

  get value(): Buffer | null {
    return this.#section.valueAt(this.#pos);
  }
  set value(value: Buffer | null) {
    replaceField(this, 'value', value);
  }

  get headers(): RecordHeader[] {
    return (this.#headers ??= []);
  }
  set headers(value: RecordHeader[]) {
    this.#headers = value;
  }

  /** The public fields, as console.log and util.inspect show the record. */
  protected fields(): Record<string, unknown> {
    return { offset: this.offset, timestamp: this.timestamp, timestampType: this.timestampType, key: this.key, value: this.value, headers: this.headers };
  }

  [inspect.custom](): Record<string, unknown> {
    return this.fields();
  }
}

/** Makes `name` an own data property of `target`, which hides the prototype's accessor from then on. */
export function replaceField(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
}
