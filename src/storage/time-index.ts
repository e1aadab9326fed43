// Sparse time index of one segment (AK TimeIndex.java), file `<baseOffset>.timeindex`:
//
//   entry = timestamp i64 | relativeOffset i32     12 bytes, big-endian, no header
//
// An entry (t, o) says: the greatest timestamp in the segment up to and including the batch
// whose last offset is o is t, and o is where it first appeared. Entries are added beside
// offset index entries and only when the timestamp grows, so timestamps increase strictly and
// offsets never decrease. When a segment stops being active (roll or close) one last entry
// records its maximum timestamp, even if the index is full.
// A cache of the log like the offset index: rebuilt after an unclean shutdown.
// Held in memory as a BigInt64Array and an Int32Array (SparseIndex keys = timestamps, values =
// relative offsets). Concurrency: single writer (the owning segment).

import { CorruptIndexError, StorageError } from './errors.js';
import { INT32_COLUMN, INT64_COLUMN, SparseIndex, type SparseIndexFormat } from './sparse-index.js';

const FORMAT: SparseIndexFormat<BigInt64Array, Int32Array> = { name: 'time index', key: INT64_COLUMN, value: INT32_COLUMN };

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex extends SparseIndex<BigInt64Array, Int32Array, TimestampOffset> {
  /** Opens (or creates) the file and loads its entries unchecked: call sanityCheck() or reset() next. */
  constructor(path: string, baseOffset: bigint, maxIndexBytes: number) {
    super(path, baseOffset, maxIndexBytes, FORMAT);
  }

  protected entryAt(i: number): TimestampOffset {
    return { timestamp: this.keys[i]!, offset: this.baseOffset + BigInt(this.values[i]!) };
  }

  /** (-1, baseOffset). */
  protected emptyEntry(): TimestampOffset {
    return { timestamp: -1n, offset: this.baseOffset };
  }

  /**
   * Greatest entry with timestamp <= target; (-1, baseOffset) when there is none. Every batch
   * before that entry's offset has a smaller max timestamp, so a search for the first record
   * at or after `target` can start at that offset.
   */
  lookup(target: bigint): TimestampOffset {
    if (this.count === 0 || this.keys[0]! > target) return this.emptyEntry();
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.keys[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    return this.entryAt(lo);
  }

  /**
   * Appends (timestamp, offset) if timestamp exceeds the last entry's. `skipFullCheck` is for
   * the final entry written when the segment becomes inactive.
   */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): void {
    if (!skipFullCheck) this.checkNotFull();
    const last = this.lastEntry();
    if (this.count > 0 && offset < last.offset) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append offset ${offset} to time index ${this.path}, below its last offset ${last.offset}`);
    }
    if (this.count > 0 && timestamp < last.timestamp) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append timestamp ${timestamp} to time index ${this.path}, below its last timestamp ${last.timestamp}`);
    }
    if (timestamp <= last.timestamp) return;
    this.push(timestamp, this.relativeOffset(offset));
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: bigint): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + BigInt(this.values[n - 1]!) >= offset) n--;
    this.truncateEntries(n);
  }

  /** Checks the loaded entries against the segment's next offset; throws CorruptIndexError. */
  sanityCheck(nextOffset: bigint): void {
    this.checkWholeEntries();
    const { keys: timestamps, values: relOffsets, count } = this;
    for (let i = 0; i < count; i++) {
      const rel = relOffsets[i]!;
      if (rel < 0) throw new CorruptIndexError(this.path, `entry ${i} has negative relative offset ${rel}`);
      if (i > 0 && (timestamps[i]! <= timestamps[i - 1]! || rel < relOffsets[i - 1]!)) {
        throw new CorruptIndexError(
          this.path,
          `entry ${i} (timestamp ${timestamps[i]}, offset ${rel}) does not follow entry ${i - 1} (timestamp ${timestamps[i - 1]}, offset ${relOffsets[i - 1]})`,
        );
      }
    }
    const last = this.lastEntry();
    if (count > 0 && last.offset >= nextOffset) {
      throw new CorruptIndexError(this.path, `last entry has offset ${last.offset}, beyond the segment's last offset ${nextOffset - 1n}`);
    }
  }
}
