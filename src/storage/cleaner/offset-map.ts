// The cleaner's map of key → latest offset over a log's dirty section (AK SkimpyOffsetMap): an
// open-addressing hash table in one Buffer whose slots hold a 16-byte MD5 digest of a key and
// the 8-byte offset, so its memory is log.cleaner.dedupe.buffer.size at most, whatever the keys'
// sizes. The map holds at most 90% of its slots (Kafka's dupBufferLoadFactor); a pass whose
// dirty section has more keys ends its map early (cleaner.ts).
//
// As in Kafka, two keys with the same digest count as one: the older record of the pair would be
// dropped as superseded. MD5 is not a defence against crafted collisions, and Kafka accepts the
// accidental ones (about n²/2^129 for n keys) as the price of a bounded map.
//
// The table starts small and doubles as it fills, up to the slots the buffer size allows, so a
// pass over a log with few keys does not allocate the whole buffer (Kafka allocates it once per
// cleaner thread). Growing rehashes from the stored digests; the keys are not needed again.

import { hash } from 'node:crypto';

const HASH_SIZE = 16;
/** A digest and an offset (AK SkimpyOffsetMap.bytesPerEntry). */
const BYTES_PER_ENTRY = HASH_SIZE + 8;
/** AK log.cleaner.io.buffer.load.factor's default: the share of slots a pass may fill. */
const LOAD_FACTOR = 0.9;
const INITIAL_SLOTS = 1 << 12;

export class OffsetMap {
  /** Slots the whole buffer holds (AK SkimpyOffsetMap.slots). */
  private readonly maxSlots: number;
  /** Keys one pass may hold (AK buildOffsetMap's maxDesiredMapSize: slots × load factor); one batch may pass it. */
  readonly capacity: number;
  private slots: number;
  /** Per slot: the digest, then offset + 1 as u64 (0: an empty slot). */
  private table: Buffer;
  private entries = 0;

  constructor(bufferBytes: number) {
    this.maxSlots = Math.max(2, Math.floor(bufferBytes / BYTES_PER_ENTRY));
    this.capacity = Math.max(1, Math.floor(this.maxSlots * LOAD_FACTOR));
    this.slots = Math.min(this.maxSlots, INITIAL_SLOTS);
    this.table = Buffer.alloc(this.slots * BYTES_PER_ENTRY);
  }

  get size(): number {
    return this.entries;
  }

  /** Records `offset` as the key's latest (offsets arrive in increasing order). */
  put(key: Buffer, offset: bigint): void {
    const digest = hash('md5', key, 'buffer');
    let at = this.find(digest);
    if (this.table.readBigUInt64BE(at + HASH_SIZE) === 0n) {
      // One slot stays empty, or probing would not end; a pass stops filling at `capacity` anyway.
      if (this.entries + 1 >= this.maxSlots) throw new RangeError(`offset map is full (${this.entries} keys in ${this.maxSlots} slots)`);
      if (this.entries + 1 > this.slots * LOAD_FACTOR && this.slots < this.maxSlots) {
        this.grow();
        at = this.find(digest);
      }
      digest.copy(this.table, at);
      this.entries++;
    }
    this.table.writeBigUInt64BE(offset + 1n, at + HASH_SIZE);
  }

  get(key: Buffer): bigint | undefined {
    const at = this.find(hash('md5', key, 'buffer'));
    const stored = this.table.readBigUInt64BE(at + HASH_SIZE);
    return stored === 0n ? undefined : stored - 1n;
  }

  /** Byte position of the digest's slot, or of the empty slot where it would go (linear probing). */
  private find(digest: Buffer): number {
    const t = this.table;
    const a = digest.readUInt32BE(0);
    const b = digest.readUInt32BE(4);
    const c = digest.readUInt32BE(8);
    const d = digest.readUInt32BE(12);
    for (let slot = a % this.slots; ; slot = slot + 1 === this.slots ? 0 : slot + 1) {
      const at = slot * BYTES_PER_ENTRY;
      if (t.readBigUInt64BE(at + HASH_SIZE) === 0n) return at;
      if (t.readUInt32BE(at) === a && t.readUInt32BE(at + 4) === b && t.readUInt32BE(at + 8) === c && t.readUInt32BE(at + 12) === d) return at;
    }
  }

  private grow(): void {
    const old = this.table;
    this.slots = Math.min(this.maxSlots, this.slots * 2);
    this.table = Buffer.alloc(this.slots * BYTES_PER_ENTRY);
    for (let at = 0; at < old.length; at += BYTES_PER_ENTRY) {
      if (old.readBigUInt64BE(at + HASH_SIZE) === 0n) continue;
      const entry = old.subarray(at, at + BYTES_PER_ENTRY);
      entry.copy(this.table, this.find(entry));
    }
  }
}
