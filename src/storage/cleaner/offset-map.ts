// The cleaner's map of key → latest offset over a log's dirty section (AK SkimpyOffsetMap).
// Kafka stores a 16-byte MD5 of each key and an 8-byte offset in a fixed buffer of
// log.cleaner.dedupe.buffer.size bytes filled to 90%; here the keys are held exactly (as
// latin1 strings, one char per byte, so equal bytes give equal strings and there are no hash
// collisions), and the buffer size only sets how many keys one pass may hold, computed as Kafka
// computes its slots. A pass whose dirty section has more keys ends its map early (cleaner.ts).

/** Bytes per entry and load factor of Kafka's map, which define its capacity. */
const BYTES_PER_ENTRY = 24;
const LOAD_FACTOR = 0.9;

export class OffsetMap {
  private readonly offsets = new Map<string, bigint>();
  /** Keys one pass may hold. */
  readonly capacity: number;

  constructor(bufferBytes: number) {
    this.capacity = Math.max(1, Math.floor((bufferBytes / BYTES_PER_ENTRY) * LOAD_FACTOR));
  }

  get size(): number {
    return this.offsets.size;
  }

  /** Records `offset` as the key's latest (offsets arrive in increasing order). */
  put(key: Buffer, offset: bigint): void {
    this.offsets.set(key.toString('latin1'), offset);
  }

  get(key: Buffer): bigint | undefined {
    return this.offsets.get(key.toString('latin1'));
  }
}
