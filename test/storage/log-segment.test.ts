import { appendFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js';
import { StorageError } from '../../src/storage/errors.js';
import { LogSegment } from '../../src/storage/log-segment.js';
import { config, makeBatch, splitBatches, useTmpDirs } from './helpers.js';

const BASE = 100n;

/** A segment with `n` batches of `perBatch` records; returns it and the batches as written. */
function filled(dir: string, n: number, perBatch = 3, cfg = config({ 'index.interval.bytes': 200 })): { segment: LogSegment; batches: Buffer[] } {
  const segment = LogSegment.create(dir, BASE, cfg, 0);
  const batches: Buffer[] = [];
  let next = BASE;
  for (let i = 0; i < n; i++) {
    const b = makeBatch(perBatch, { ts: 1000n + BigInt(i * 10), tag: i });
    b.writeBigInt64BE(next, 0);
    segment.append(b, next, next + BigInt(perBatch - 1), 1000n + BigInt(i * 10 + perBatch - 1));
    next += BigInt(perBatch);
    batches.push(b);
  }
  return { segment, batches };
}

describe('LogSegment', () => {
  const tmp = useTmpDirs();

  it('reads whole batches from the one containing the offset, within maxBytes', () => {
    const { segment, batches } = filled(tmp(), 30);
    const size = batches[0]!.length;
    for (let offset = BASE; offset < BASE + 90n; offset++) {
      const first = Number((offset - BASE) / 3n);
      const got = splitBatches(segment.read(offset, size * 4 + 5)!);
      expect(got).toEqual(batches.slice(first, first + 4));
    }
    expect(segment.read(BASE + 90n, 1000)).toBeNull();
    expect(segment.read(BASE - 50n, size)!).toEqual(batches[0]);
    segment.close();
  });

  it('returns nothing when the first batch does not fit, unless minOneMessage (KIP-74)', () => {
    const { segment, batches } = filled(tmp(), 3);
    expect(segment.read(BASE, 10)!.length).toBe(0);
    expect(segment.read(BASE, 10, { minOneMessage: true })).toEqual(batches[0]);
    segment.close();
  });

  it('stops before maxOffset', () => {
    const { segment, batches } = filled(tmp(), 5);
    expect(splitBatches(segment.read(BASE, 1 << 20, { maxOffset: BASE + 6n })!)).toEqual(batches.slice(0, 2));
    expect(segment.read(BASE + 6n, 1 << 20, { maxOffset: BASE + 6n })!.length).toBe(0);
    segment.close();
  });

  it('indexes a batch once more than index.interval.bytes were written since the last entry', () => {
    const { segment, batches } = filled(tmp(), 20);
    const size = batches[0]!.length;
    const entries = Array.from({ length: segment.offsetIndex.entries }, (_, i) => segment.offsetIndex.entry(i));
    // bytes since the last entry must exceed 200 before the next batch is indexed
    const every = Math.floor(200 / size) + 1;
    expect(entries.map((e) => e.position)).toEqual(Array.from({ length: entries.length }, (_, i) => (i + 1) * every * size));
    for (const e of entries) expect(e.offset).toBe(BASE + BigInt((e.position / size) * 3 + 2));
    segment.close();
  });

  it('recover() rebuilds the same indexes and truncates a torn tail', () => {
    const dir = tmp();
    const { segment, batches } = filled(dir, 20);
    segment.onBecomeInactiveSegment();
    const indexBytes = readFileSync(segment.offsetIndex.path);
    const timeIndexBytes = readFileSync(segment.timeIndex.path);
    const size = segment.size;
    segment.close();
    truncateSync(segment.logPath, size - 7);
    appendFileSync(segment.offsetIndex.path, Buffer.alloc(5));

    const { segment: reopened, truncatedBytes } = LogSegment.open(dir, BASE, config({ 'index.interval.bytes': 200 }), 0, true);
    expect(truncatedBytes).toBe(batches[19]!.length - 7);
    expect(reopened.size).toBe(size - batches[19]!.length);
    expect(reopened.nextOffset).toBe(BASE + 57n);
    expect(statSync(reopened.logPath).size).toBe(reopened.size);
    const rebuiltIndex = readFileSync(reopened.offsetIndex.path);
    expect(indexBytes.subarray(0, rebuiltIndex.length)).toEqual(rebuiltIndex);
    expect(reopened.timeIndex.lastEntry()).toEqual({ timestamp: 1000n + 18n * 10n + 2n, offset: BASE + 56n });
    expect(timeIndexBytes.length).toBeGreaterThan(0);
    reopened.close();
  });

  it('open() without recovery trusts consistent indexes and recovers inconsistent ones', () => {
    const dir = tmp();
    const cfg = config({ 'index.interval.bytes': 200 });
    const { segment } = filled(dir, 20);
    segment.onBecomeInactiveSegment();
    segment.close();
    const trusted = LogSegment.open(dir, BASE, cfg, 0, false);
    expect(trusted.truncatedBytes).toBe(0);
    expect(trusted.segment.nextOffset).toBe(BASE + 60n);
    expect(trusted.segment.maxTimestamp).toBe(1192n);
    const entries = trusted.segment.offsetIndex.entries;
    trusted.segment.close();

    truncateSync(segment.offsetIndex.path, 8); // lost entries: the tail scan notices
    const rebuilt = LogSegment.open(dir, BASE, cfg, 0, false);
    expect(rebuilt.segment.offsetIndex.entries).toBe(entries);
    expect(rebuilt.segment.nextOffset).toBe(BASE + 60n);
    rebuilt.segment.close();
  });

  it('finds the first record at or after a timestamp, decoding only the batch that holds it', () => {
    const dir = tmp();
    const segment = LogSegment.create(dir, 0n, config({ 'index.interval.bytes': 0 }), 0);
    // timestamps not monotonic across or within batches
    const batches = [
      [50n, 10n, 30n],
      [5n, 70n, 60n],
      [65n, 66n, 90n],
    ];
    batches.forEach((ts, i) => {
      const b = makeBatch(3, { timestamps: ts });
      b.writeBigInt64BE(BigInt(i * 3), 0);
      segment.append(b, BigInt(i * 3), BigInt(i * 3 + 2), decodeRecordBatches(b)[0]!.header.maxTimestamp);
    });
    const all = batches.flat();
    for (let target = 0n; target <= 95n; target++) {
      const i = all.findIndex((t) => t >= target);
      expect(segment.findOffsetByTimestamp(target, 0n)).toEqual(i < 0 ? null : { offset: BigInt(i), timestamp: all[i] });
    }
    expect(segment.findOffsetByTimestamp(0n, 4n)).toEqual({ offset: 4n, timestamp: 70n });
    segment.close();
  });

  it('rolls on size, time, full index and relative offset overflow, never when empty', () => {
    const dir = tmp();
    // 24 index bytes: room for 3 offset entries, 2 time entries.
    const cfg = config({ 'segment.bytes': 1000, 'segment.ms': 1000, 'segment.index.bytes': 24, 'index.interval.bytes': 0 });
    const segment = LogSegment.create(dir, 0n, cfg, 5000);
    const incoming = { size: 2000, lastOffset: 0n, maxTimestamp: 1n };
    expect(segment.shouldRoll(incoming, 1e12)).toBe(false);
    const b = makeBatch(1, { ts: 100n });
    segment.append(b, 0n, 0n, 100n);
    expect(segment.shouldRoll({ size: 1000 - b.length, lastOffset: 1n, maxTimestamp: 100n }, 5000)).toBe(false);
    expect(segment.shouldRoll({ size: 1001 - b.length, lastOffset: 1n, maxTimestamp: 100n }, 5000)).toBe(true);
    expect(segment.shouldRoll({ size: 10, lastOffset: 1n, maxTimestamp: 1100n }, 5000)).toBe(false);
    expect(segment.shouldRoll({ size: 10, lastOffset: 1n, maxTimestamp: 1101n }, 5000)).toBe(true);
    expect(segment.shouldRoll({ size: 10, lastOffset: 2n ** 31n, maxTimestamp: 100n }, 5000)).toBe(true);
    const b2 = makeBatch(1, { ts: 101n });
    b2.writeBigInt64BE(1n, 0);
    segment.append(b2, 1n, 1n, 101n);
    const b3 = makeBatch(1, { ts: 102n });
    b3.writeBigInt64BE(2n, 0);
    segment.append(b3, 2n, 2n, 102n);
    expect(segment.offsetIndex.isFull).toBe(false);
    expect(segment.timeIndex.isFull).toBe(true);
    expect(segment.shouldRoll({ size: 10, lastOffset: 3n, maxTimestamp: 103n }, 5000)).toBe(true);
    segment.close();

    // Without timestamps segment.ms counts from creation.
    const untimed = LogSegment.create(tmp(), 0n, cfg, 5000);
    untimed.append(makeBatch(1, { ts: -1n }), 0n, 0n, -1n);
    expect(untimed.shouldRoll({ size: 10, lastOffset: 1n, maxTimestamp: -1n }, 6000)).toBe(false);
    expect(untimed.shouldRoll({ size: 10, lastOffset: 1n, maxTimestamp: -1n }, 6001)).toBe(true);
    untimed.close();
  });

  it('refuses appends that go back in offsets', () => {
    const { segment } = filled(tmp(), 2);
    expect(() => segment.append(makeBatch(1), BASE + 5n, BASE + 5n, 0n)).toThrow(StorageError);
    expect(() => segment.append(makeBatch(1), BASE + 5n, BASE + 5n, 0n)).toThrow(/next offset is 106/);
    segment.close();
  });
  it('rollback to a mark leaves the files and state as if the appends after it never happened', () => {
    const cfg = config({ 'index.interval.bytes': 200 });
    const batch = (i: number, next: bigint): { b: Buffer; last: bigint; ts: bigint } => {
      const b = makeBatch(3, { ts: 1000n + BigInt(i * 10), tag: i, valueSize: 60 });
      b.writeBigInt64BE(next, 0);
      return { b, last: next + 2n, ts: 1000n + BigInt(i * 10 + 2) };
    };
    const append = (segment: LogSegment, i: number): void => {
      const { b, last, ts } = batch(i, segment.nextOffset);
      segment.append(b, segment.nextOffset, last, ts);
    };
    const [dirA, dirB] = [tmp(), tmp()];
    const undone = LogSegment.create(dirA, BASE, cfg, 0);
    const oracle = LogSegment.create(dirB, BASE, cfg, 0);
    for (let i = 0; i < 6; i++) append(undone, i);
    for (let i = 0; i < 6; i++) append(oracle, i);
    const mark = undone.mark();
    for (let i = 6; i < 12; i++) append(undone, 100 + i);
    expect(undone.offsetIndex.entries).toBeGreaterThan(oracle.offsetIndex.entries);
    undone.rollback(mark);
    expect(undone.nextOffset).toBe(oracle.nextOffset);
    expect(undone.size).toBe(oracle.size);
    for (let i = 6; i < 12; i++) append(undone, i);
    for (let i = 6; i < 12; i++) append(oracle, i);
    undone.onBecomeInactiveSegment();
    oracle.onBecomeInactiveSegment();
    for (const [a, b] of [[undone.logPath, oracle.logPath], [undone.offsetIndex.path, oracle.offsetIndex.path], [undone.timeIndex.path, oracle.timeIndex.path]] as const) {
      expect(readFileSync(a)).toEqual(readFileSync(b));
    }
    undone.close();
    oracle.close();
  });

  it('close() while flushAsync is in flight closes the files once it settles', async () => {
    const { segment } = filled(tmp(), 10);
    const flushes = [segment.flushAsync(), segment.flushAsync()];
    segment.close();
    await Promise.all(flushes);
    // Closed now: a later flush has nothing to do, and a second close is harmless.
    await segment.flushAsync();
    segment.close();
  });
});
