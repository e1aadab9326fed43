// Sparse offset index of one segment (AK OffsetIndex.java), file `<baseOffset>.index`:
//
//   entry = relativeOffset i32 | position i32      8 bytes, big-endian, no header
//
// relativeOffset = offset - segment base offset; position = byte position in the .log of the
// batch whose LAST offset is that offset. Entries increase strictly in both fields. Lookup of
// an offset gives the greatest entry at or below it; the segment scans forward from there.
// The index is a cache of the log: after an unclean shutdown it is rebuilt from the .log, and
// after a clean one it is sanity-checked before use.
//
// Held in memory as two Int32Arrays; each append is also written to the file at once.
// Concurrency: single writer (the owning segment); reads are synchronous on the same thread.

import { CorruptIndexError, StorageError } from './errors.js';
import { growEntries, IndexFile } from './index-file.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;
const INT32_MAX = 0x7fffffff;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex {
  readonly maxEntries: number;
  private readonly file: IndexFile;
  private relOffsets: Int32Array;
  private positions: Int32Array;
  private count = 0;
  private alignedOnLoad: boolean;
  private readonly entryBuf = Buffer.allocUnsafe(OFFSET_INDEX_ENTRY_SIZE);

  /** Opens (or creates) the file and loads its entries unchecked: call sanityCheck() or reset() next. */
  constructor(
    readonly path: string,
    readonly baseOffset: bigint,
    maxIndexBytes: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_SIZE));
    this.file = new IndexFile(path, OFFSET_INDEX_ENTRY_SIZE);
    const { data, aligned } = this.file.readAll();
    this.alignedOnLoad = aligned;
    const n = data.length / OFFSET_INDEX_ENTRY_SIZE;
    this.relOffsets = new Int32Array(Math.max(n, 16));
    this.positions = new Int32Array(Math.max(n, 16));
    for (let i = 0; i < n; i++) {
      this.relOffsets[i] = data.readInt32BE(i * 8);
      this.positions[i] = data.readInt32BE(i * 8 + 4);
    }
    this.count = n;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  entry(i: number): OffsetPosition {
    if (i < 0 || i >= this.count) throw new RangeError(`index entry ${i} out of range [0, ${this.count}) in ${this.path}`);
    return { offset: this.baseOffset + BigInt(this.relOffsets[i]!), position: this.positions[i]! };
  }

  /** The last entry; (baseOffset, 0) when empty. */
  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1);
  }

  /** Greatest entry with offset <= target; (baseOffset, 0) when there is none. */
  lookup(target: bigint): OffsetPosition {
    const slot = this.floorSlot(target);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  private floorSlot(target: bigint): number {
    if (this.count === 0 || target < this.baseOffset) return -1;
    const diff = target - this.baseOffset;
    const rel = diff > BigInt(INT32_MAX) ? INT32_MAX : Number(diff);
    let lo = 0;
    let hi = this.count - 1;
    if (this.relOffsets[0]! > rel) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.relOffsets[mid]! <= rel) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  append(offset: bigint, position: number): void {
    if (this.isFull) throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append to a full index ${this.path} (${this.count} entries)`);
    const rel = offset - this.baseOffset;
    if (rel < 0n || rel > BigInt(INT32_MAX)) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `offset ${offset} does not fit index ${this.path} with base offset ${this.baseOffset}`);
    }
    if (this.count > 0) {
      const last = this.entry(this.count - 1);
      if (offset <= last.offset || position <= last.position) {
        throw new StorageError(
          'KAFKA_STORAGE_ERROR',
          `attempt to append offset ${offset} at position ${position} to ${this.path}, not after the last entry (offset ${last.offset}, position ${last.position})`,
        );
      }
    }
    this.entryBuf.writeInt32BE(Number(rel), 0);
    this.entryBuf.writeInt32BE(position, 4);
    this.file.writeEntry(this.count, this.entryBuf);
    if (this.count === this.relOffsets.length) {
      this.relOffsets = growEntries(this.relOffsets, this.maxEntries);
      this.positions = growEntries(this.positions, this.maxEntries);
    }
    this.relOffsets[this.count] = Number(rel);
    this.positions[this.count] = position;
    this.count++;
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: bigint): void {
    this.setCount(this.floorSlot(offset - 1n) + 1);
  }

  /** Removes every entry (before a rebuild). */
  reset(): void {
    this.alignedOnLoad = true;
    this.setCount(0);
  }

  private setCount(n: number): void {
    this.file.truncate(n);
    this.count = n;
  }

  /** Checks the loaded entries against the log's size; throws CorruptIndexError. */
  sanityCheck(logSize: number): void {
    if (!this.alignedOnLoad) throw new CorruptIndexError(this.path, `file length is not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`);
    for (let i = 0; i < this.count; i++) {
      const rel = this.relOffsets[i]!;
      const pos = this.positions[i]!;
      if (rel < 0 || pos < 0) throw new CorruptIndexError(this.path, `entry ${i} has negative offset ${rel} or position ${pos}`);
      if (i > 0 && (rel <= this.relOffsets[i - 1]! || pos <= this.positions[i - 1]!)) {
        throw new CorruptIndexError(this.path, `entry ${i} (offset ${rel}, position ${pos}) does not follow entry ${i - 1} (offset ${this.relOffsets[i - 1]}, position ${this.positions[i - 1]})`);
      }
    }
    if (this.count > 0 && this.positions[this.count - 1]! >= logSize) {
      throw new CorruptIndexError(this.path, `last entry points at position ${this.positions[this.count - 1]}, beyond the log's ${logSize} bytes`);
    }
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}
