// The mechanics OffsetIndex and TimeIndex share. Both are sparse indexes of one segment whose
// file is a run of fixed-size (key, value) entries, big-endian, no header, sorted by key; lookups
// search the key column. Entries are held in memory as two typed-array columns and each append is
// written through to the IndexFile at once. This class owns loading, bounds, growth and the file;
// each subclass owns its format comment, its lookup, its append and truncation rules and its
// sanity checks, and maps slots to its own entry objects.
// Concurrency: single writer (the owning segment); reads are synchronous on the same thread.
//
// The floor search stays in each subclass on purpose: V8 keeps type feedback per function body,
// and one search over both the offset index's int32 keys and the time index's int64 keys
// compares numbers and bigints alike; in a micro-benchmark that made lookups up to twice as slow
// once both indexes were in use.

import { CorruptIndexError, StorageError } from './errors.js';
import { IndexFile } from './index-file.js';

type ColumnArray = Int32Array | BigInt64Array;

/** How one field of an entry is stored: its width, the Buffer methods that code it, its in-memory array. */
export interface Column<A extends ColumnArray> {
  readonly bytes: number;
  readonly array: new (length: number) => A;
  readonly read: (this: Buffer, at: number) => A[number];
  readonly write: (this: Buffer, value: A[number], at: number) => number;
}

export const INT32_COLUMN: Column<Int32Array> = { bytes: 4, array: Int32Array, read: Buffer.prototype.readInt32BE, write: Buffer.prototype.writeInt32BE };
export const INT64_COLUMN: Column<BigInt64Array> = { bytes: 8, array: BigInt64Array, read: Buffer.prototype.readBigInt64BE, write: Buffer.prototype.writeBigInt64BE };

/** An index file format: entry = key | value. `name` is how error messages call the index. */
export interface SparseIndexFormat<K extends ColumnArray, V extends ColumnArray> {
  readonly name: string;
  readonly key: Column<K>;
  readonly value: Column<V>;
}

const MAX_RELATIVE_OFFSET = 0x7fffffffn;

export abstract class SparseIndex<K extends ColumnArray, V extends ColumnArray, E> {
  readonly maxEntries: number;
  /** Entry keys by slot, increasing as the subclass's append rules keep them; what lookups search. */
  protected keys: K;
  protected values: V;
  protected count: number;
  private readonly file: IndexFile;
  private readonly entrySize: number;
  private readonly entryBuf: Buffer;
  private alignedOnLoad: boolean;

  /** Opens (or creates) the file and loads its entries unchecked: call sanityCheck() or reset() next. */
  protected constructor(
    readonly path: string,
    readonly baseOffset: bigint,
    maxIndexBytes: number,
    private readonly format: SparseIndexFormat<K, V>,
  ) {
    const { key, value } = format;
    this.entrySize = key.bytes + value.bytes;
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / this.entrySize));
    this.entryBuf = Buffer.allocUnsafe(this.entrySize);
    this.file = new IndexFile(path, this.entrySize);
    const { data, aligned } = this.file.readAll();
    this.alignedOnLoad = aligned;
    const n = data.length / this.entrySize;
    this.keys = new key.array(Math.max(n, 16));
    this.values = new value.array(Math.max(n, 16));
    for (let i = 0; i < n; i++) {
      this.keys[i] = key.read.call(data, i * this.entrySize);
      this.values[i] = value.read.call(data, i * this.entrySize + key.bytes);
    }
    this.count = n;
  }

  /** The entry in slot `i`, which the caller knows is in range. */
  protected abstract entryAt(i: number): E;

  /** What lastEntry() and lookups answer when there is no entry to give. */
  protected abstract emptyEntry(): E;

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  entry(i: number): E {
    if (i < 0 || i >= this.count) throw new RangeError(`${this.format.name} entry ${i} out of range [0, ${this.count}) in ${this.path}`);
    return this.entryAt(i);
  }

  /** The last entry; emptyEntry() when there is none. */
  lastEntry(): E {
    return this.count === 0 ? this.emptyEntry() : this.entryAt(this.count - 1);
  }

  protected checkNotFull(): void {
    if (this.isFull) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append to a full ${this.format.name} ${this.path} (${this.count} entries)`);
    }
  }

  /** `offset - baseOffset`, checked to fit the format's int32. */
  protected relativeOffset(offset: bigint): number {
    const rel = offset - this.baseOffset;
    if (rel < 0n || rel > MAX_RELATIVE_OFFSET) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `offset ${offset} does not fit ${this.format.name} ${this.path} with base offset ${this.baseOffset}`);
    }
    return Number(rel);
  }

  /** Appends an entry the subclass has checked: to the file first, then in memory. */
  protected push(key: K[number], value: V[number]): void {
    const { key: keyColumn, value: valueColumn } = this.format;
    keyColumn.write.call(this.entryBuf, key, 0);
    valueColumn.write.call(this.entryBuf, value, keyColumn.bytes);
    this.file.writeEntry(this.count, this.entryBuf);
    if (this.count === this.keys.length) {
      this.keys = growEntries(this.keys, this.maxEntries);
      this.values = growEntries(this.values, this.maxEntries);
    }
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }

  /** Keeps the first `n` entries, in the file and in memory. */
  protected truncateEntries(n: number): void {
    this.file.truncate(n);
    this.count = n;
  }

  /** Removes every entry (before a rebuild). */
  reset(): void {
    this.alignedOnLoad = true;
    this.truncateEntries(0);
  }

  /** The first sanity check: the file held whole entries when it was loaded. */
  protected checkWholeEntries(): void {
    if (!this.alignedOnLoad) throw new CorruptIndexError(this.path, `file length is not a multiple of ${this.entrySize}`);
  }

  flush(): void {
    this.file.flush();
  }

  flushAsync(): Promise<void> {
    return this.file.flushAsync();
  }

  close(): void {
    this.file.close();
  }
}

/** A larger copy of an entry column: doubled, capped at room for `maxEntries` plus one. */
function growEntries<T extends ColumnArray>(a: T, maxEntries: number): T {
  // The +1 leaves room for the time index's final entry, which may exceed its limit (see TimeIndex).
  const next = new (a.constructor as new (n: number) => T)(Math.max(a.length + 1, Math.min(a.length * 2, maxEntries + 1)));
  next.set(a as never);
  return next;
}
