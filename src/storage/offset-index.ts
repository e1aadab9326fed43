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
// Held in memory as two Int32Arrays (SparseIndex keys = relative offsets, values = positions);
// each append is also written to the file at once.
// Concurrency: single writer (the owning segment); reads are synchronous on the same thread.

import { CorruptIndexError, StorageError } from './errors.js';
import { INT32_COLUMN, SparseIndex, type SparseIndexFormat } from './sparse-index.js';

const FORMAT: SparseIndexFormat<Int32Array, Int32Array> = { name: 'index', key: INT32_COLUMN, value: INT32_COLUMN };
const INT32_MAX = 0x7fffffff;
const INT32_MAX_BIG = 0x7fffffffn;

export interface OffsetPosition {
  offset: bigint;
  position: number;
}

export class OffsetIndex extends SparseIndex<Int32Array, Int32Array, OffsetPosition> {
  /** Opens (or creates) the file and loads its entries unchecked: call sanityCheck() or reset() next. */
  constructor(path: string, baseOffset: bigint, maxIndexBytes: number) {
    super(path, baseOffset, maxIndexBytes, FORMAT);
  }

  protected entryAt(i: number): OffsetPosition {
    return { offset: this.baseOffset + BigInt(this.keys[i]!), position: this.values[i]! };
  }

  /** (baseOffset, 0). */
  protected emptyEntry(): OffsetPosition {
    return { offset: this.baseOffset, position: 0 };
  }

  /** Greatest entry with offset <= target; (baseOffset, 0) when there is none. */
  lookup(target: bigint): OffsetPosition {
    const slot = this.floorSlot(target);
    return slot < 0 ? this.emptyEntry() : this.entryAt(slot);
  }

  private floorSlot(target: bigint): number {
    if (this.count === 0 || target < this.baseOffset) return -1;
    const diff = target - this.baseOffset;
    const rel = diff > INT32_MAX_BIG ? INT32_MAX : Number(diff);
    let lo = 0;
    let hi = this.count - 1;
    if (this.keys[0]! > rel) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.keys[mid]! <= rel) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  append(offset: bigint, position: number): void {
    this.checkNotFull();
    const rel = this.relativeOffset(offset);
    const n = this.count;
    if (n > 0 && (rel <= this.keys[n - 1]! || position <= this.values[n - 1]!)) {
      const last = this.entryAt(n - 1);
      throw new StorageError(
        'KAFKA_STORAGE_ERROR',
        `attempt to append offset ${offset} at position ${position} to ${this.path}, not after the last entry (offset ${last.offset}, position ${last.position})`,
      );
    }
    this.push(rel, position);
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: bigint): void {
    this.truncateEntries(this.floorSlot(offset - 1n) + 1);
  }

  /** Checks the loaded entries against the log's size; throws CorruptIndexError. */
  sanityCheck(logSize: number): void {
    this.checkWholeEntries();
    const { keys: relOffsets, values: positions, count } = this;
    for (let i = 0; i < count; i++) {
      const rel = relOffsets[i]!;
      const pos = positions[i]!;
      if (rel < 0 || pos < 0) throw new CorruptIndexError(this.path, `entry ${i} has negative offset ${rel} or position ${pos}`);
      if (i > 0 && (rel <= relOffsets[i - 1]! || pos <= positions[i - 1]!)) {
        throw new CorruptIndexError(this.path, `entry ${i} (offset ${rel}, position ${pos}) does not follow entry ${i - 1} (offset ${relOffsets[i - 1]}, position ${positions[i - 1]})`);
      }
    }
    if (count > 0 && positions[count - 1]! >= logSize) {
      throw new CorruptIndexError(this.path, `last entry points at position ${positions[count - 1]}, beyond the log's ${logSize} bytes`);
    }
  }
}
