// Record values for producer-perf-test, one of three kinds as in ProducerPerformance:
// --record-size N random uppercase letters (A–Z), --payload-file (a random entry of the file,
// split by --payload-delimiter) or --payload-monotonic (the record's number as text).
//
// Kafka refills one byte array with SplittableRandom(0) for every record, which is safe there
// because the Java client serialises the record during send(). mq's producer keeps the value
// until the batch is encoded, so each record needs its own bytes; generating them one random
// call per byte would cost more than sending them. Instead a pool of 1 MiB of seeded random
// letters is made once and each record is a view of N bytes at a random offset into it: no
// copy, the same alphabet (and so the same compressibility, ~4.7 bits of entropy per byte), and
// the same bytes on every run. Values are not byte-for-byte those Kafka sends.

/** Gives the value of record number `i` (0-based). */
export type PayloadSource = (i: number) => Buffer;

const POOL_BYTES = 1 << 20;
const TWO_POW_32 = 2 ** 32;

/** mulberry32: a small, fast seeded generator of uniform 32-bit unsigned integers. */
function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Values of `recordSize` random letters A–Z. */
export function randomPayloads(recordSize: number, seed = 0): PayloadSource {
  const next = seededRandom(seed);
  const pool = Buffer.allocUnsafe(POOL_BYTES + recordSize);
  for (let i = 0; i < pool.length; i++) pool[i] = 65 + Math.floor((next() / TWO_POW_32) * 26);
  return () => {
    const offset = next() % POOL_BYTES;
    return pool.subarray(offset, offset + recordSize);
  };
}

/** A random entry of `payloads` for each record (Kafka: random.nextInt(payloadByteList.size())). */
export function filePayloads(payloads: readonly Buffer[], seed = 0): PayloadSource {
  const next = seededRandom(seed);
  return () => payloads[next() % payloads.length]!;
}

/** The record's number in decimal (--payload-monotonic). */
export const monotonicPayloads: PayloadSource = (i) => Buffer.from(String(i), 'utf8');

/**
 * The entries of a payload file as java.util.Scanner with useDelimiter(delimiter) reads them: one
 * delimiter before the first entry is skipped, a delimiter at the very end ends the last entry,
 * and two delimiters in a row give an empty entry. The delimiter is a regular expression, as in
 * Kafka; JavaScript's syntax covers what such delimiters use.
 */
export function splitPayloads(text: string, delimiter: string): string[] {
  const sticky = new RegExp(delimiter, 'y');
  const search = new RegExp(delimiter, 'g');
  const entries: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const start = pos;
    sticky.lastIndex = pos;
    const skip = sticky.exec(text);
    if (skip) pos += skip[0].length;
    if (pos >= text.length) break;
    // An empty match ends no entry (Scanner looks past zero-length delimiters too).
    search.lastIndex = pos;
    let m = search.exec(text);
    while (m && m[0] === '') {
      search.lastIndex = m.index + 1;
      m = m.index + 1 <= text.length ? search.exec(text) : null;
    }
    const end = m ? m.index : text.length;
    entries.push(text.slice(pos, end));
    pos = end;
    // A delimiter that matches the empty string where it also matches text could stall here.
    if (pos === start) break;
  }
  return entries;
}
