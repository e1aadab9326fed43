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
// Concurrency: single writer (the owning segment).

import { CorruptIndexError, StorageError } from './errors.js';
import { growEntries, IndexFile } from './index-file.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: bigint;
  offset: bigint;
}

export class TimeIndex {
  readonly maxEntries: number;
  private readonly file: IndexFile;
  private timestamps: BigInt64Array;
  private relOffsets: Int32Array;
  private count = 0;
  private alignedOnLoad: boolean;
  private readonly entryBuf = Buffer.allocUnsafe(TIME_INDEX_ENTRY_SIZE);

  /** Opens (or creates) the file and loads its entries unchecked: call sanityCheck() or reset() next. */
  constructor(
    readonly path: string,
    readonly baseOffset: bigint,
    maxIndexBytes: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_SIZE));
    this.file = new IndexFile(path, TIME_INDEX_ENTRY_SIZE);
    const { data, aligned } = this.file.readAll();
    this.alignedOnLoad = aligned;
    const n = data.length / TIME_INDEX_ENTRY_SIZE;
    this.timestamps = new BigInt64Array(Math.max(n, 16));
    this.relOffsets = new Int32Array(Math.max(n, 16));
    for (let i = 0; i < n; i++) {
      this.timestamps[i] = data.readBigInt64BE(i * 12);
      this.relOffsets[i] = data.readInt32BE(i * 12 + 8);
    }
    this.count = n;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  entry(i: number): TimestampOffset {
    if (i < 0 || i >= this.count) throw new RangeError(`time index entry ${i} out of range [0, ${this.count}) in ${this.path}`);
    return { timestamp: this.timestamps[i]!, offset: this.baseOffset + BigInt(this.relOffsets[i]!) };
  }

  /** The last entry; (-1, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: -1n, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  /**
   * Greatest entry with timestamp <= target; (-1, baseOffset) when there is none. Every batch
   * before that entry's offset has a smaller max timestamp, so a search for the first record
   * at or after `target` can start at that offset.
   */
  lookup(target: bigint): TimestampOffset {
    if (this.count === 0 || this.timestamps[0]! > target) return { timestamp: -1n, offset: this.baseOffset };
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.timestamps[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    return this.entry(lo);
  }

  /**
   * Appends (timestamp, offset) if timestamp exceeds the last entry's. `skipFullCheck` is for
   * the final entry written when the segment becomes inactive.
   */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull) throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append to a full time index ${this.path} (${this.count} entries)`);
    const last = this.lastEntry();
    if (this.count > 0 && offset < last.offset) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append offset ${offset} to time index ${this.path}, below its last offset ${last.offset}`);
    }
    if (this.count > 0 && timestamp < last.timestamp) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `attempt to append timestamp ${timestamp} to time index ${this.path}, below its last timestamp ${last.timestamp}`);
    }
    if (timestamp <= last.timestamp) return;
    const rel = offset - this.baseOffset;
    if (rel < 0n || rel > 0x7fffffffn) throw new StorageError('KAFKA_STORAGE_ERROR', `offset ${offset} does not fit time index ${this.path} with base offset ${this.baseOffset}`);
    this.entryBuf.writeBigInt64BE(timestamp, 0);
    this.entryBuf.writeInt32BE(Number(rel), 8);
    this.file.writeEntry(this.count, this.entryBuf);
    if (this.count === this.timestamps.length) {
      this.timestamps = growEntries(this.timestamps, this.maxEntries);
      this.relOffsets = growEntries(this.relOffsets, this.maxEntries);
    }
    this.timestamps[this.count] = timestamp;
    this.relOffsets[this.count] = Number(rel);
    this.count++;
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: bigint): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + BigInt(this.relOffsets[n - 1]!) >= offset) n--;
    this.setCount(n);
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

  /** Checks the loaded entries against the segment's next offset; throws CorruptIndexError. */
  sanityCheck(nextOffset: bigint): void {
    if (!this.alignedOnLoad) throw new CorruptIndexError(this.path, `file length is not a multiple of ${TIME_INDEX_ENTRY_SIZE}`);
    for (let i = 0; i < this.count; i++) {
      const rel = this.relOffsets[i]!;
      if (rel < 0) throw new CorruptIndexError(this.path, `entry ${i} has negative relative offset ${rel}`);
      if (i > 0 && (this.timestamps[i]! <= this.timestamps[i - 1]! || rel < this.relOffsets[i - 1]!)) {
        throw new CorruptIndexError(
          this.path,
          `entry ${i} (timestamp ${this.timestamps[i]}, offset ${rel}) does not follow entry ${i - 1} (timestamp ${this.timestamps[i - 1]}, offset ${this.relOffsets[i - 1]})`,
        );
      }
    }
    const last = this.lastEntry();
    if (this.count > 0 && last.offset >= nextOffset) {
      throw new CorruptIndexError(this.path, `last entry has offset ${last.offset}, beyond the segment's last offset ${nextOffset - 1n}`);
    }
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}
