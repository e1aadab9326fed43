// Kafka's default partitioner hash: murmur2 exactly as the Java client computes it
// (AK clients/.../common/utils/Utils.java murmur2, seed 0x9747b28c), so that a key lands on
// the same partition whichever client produced it. Java's int arithmetic is reproduced with
// Math.imul (wrapping 32-bit multiply) and `>>>` for its unsigned shifts.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Java's `Utils.murmur2(byte[])`: a signed 32-bit hash. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // Java's switch on the 1-3 trailing bytes falls through, mixing each, then multiplies once.
  const extra = length & 3;
  if (extra >= 3) h ^= data[whole + 2]! << 16;
  if (extra >= 2) h ^= data[whole + 1]! << 8;
  if (extra >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which overflows on MIN_VALUE). */
export function toPositive(h: number): number {
  return h & 0x7fffffff;
}

/** Partition of a keyed record under the Java client's default (and built-in) partitioner. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}
