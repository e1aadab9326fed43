import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptIndexError } from '../../src/storage/errors.js';
import { TimeIndex } from '../../src/storage/time-index.js';
import { useTmpDirs } from './helpers.js';

const BASE = 500n;

/** Oracle: the entries maybeAppend keeps (timestamp strictly growing), and floor lookup over them. */
function kept(appends: Array<[bigint, bigint]>): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  for (const [ts, o] of appends) if (ts > (out.length ? out[out.length - 1]![0] : -1n)) out.push([ts, o]);
  return out;
}
function floor(entries: Array<[bigint, bigint]>, target: bigint): { timestamp: bigint; offset: bigint } {
  let best = { timestamp: -1n, offset: BASE };
  for (const [timestamp, offset] of entries) if (timestamp <= target) best = { timestamp, offset };
  return best;
}

/** Non-decreasing timestamps (a running max, as segments feed it) and non-decreasing offsets. */
const appendsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })), { maxLength: 200 }).map((steps) => {
  let ts = 1_000_000n;
  let offset = BASE;
  return steps.map(([dTs, dOffset]): [bigint, bigint] => [(ts += BigInt(dTs)), (offset += BigInt(dOffset))]);
});

describe('TimeIndex', () => {
  const tmp = useTmpDirs();

  it('keeps strictly increasing timestamps and looks up like a sorted array, also after reopening', () => {
    fc.assert(
      fc.property(appendsArb, fc.array(fc.bigInt({ min: 999_990n, max: 1_000_700n }), { maxLength: 40 }), (appends, targets) => {
        const path = join(tmp(), 'x.timeindex');
        const index = new TimeIndex(path, BASE, 1 << 20);
        for (const [ts, o] of appends) index.maybeAppend(ts, o);
        const expected = kept(appends);
        expect(index.entries).toBe(expected.length);
        expect(readFileSync(path).length).toBe(expected.length * 12);
        const reopened = new TimeIndex(path, BASE, 1 << 20);
        reopened.sanityCheck((appends.length ? appends[appends.length - 1]![1] : BASE) + 1n);
        for (const t of targets) {
          expect(index.lookup(t)).toEqual(floor(expected, t));
          expect(reopened.lookup(t)).toEqual(floor(expected, t));
        }
        expect(reopened.lastEntry()).toEqual(expected.length ? { timestamp: expected[expected.length - 1]![0], offset: expected[expected.length - 1]![1] } : { timestamp: -1n, offset: BASE });
        index.close();
        reopened.close();
      }),
      { numRuns: 40 },
    );
  });

  it('truncateTo drops entries at or above the offset', () => {
    fc.assert(
      fc.property(appendsArb, fc.bigInt({ min: BASE, max: BASE + 9000n }), (appends, cut) => {
        const index = new TimeIndex(join(tmp(), 'x.timeindex'), BASE, 1 << 20);
        for (const [ts, o] of appends) index.maybeAppend(ts, o);
        index.truncateTo(cut);
        const expected = kept(appends).filter(([, o]) => o < cut);
        expect(index.entries).toBe(expected.length);
        expect(index.lookup(1n << 62n)).toEqual(floor(expected, 1n << 62n));
        index.close();
      }),
      { numRuns: 40 },
    );
  });

  it('refuses going back in offset or time, and a full index unless told to skip the check', () => {
    const index = new TimeIndex(join(tmp(), 'x.timeindex'), BASE, 24);
    index.maybeAppend(100n, BASE + 10n);
    expect(() => index.maybeAppend(200n, BASE + 9n)).toThrow(/below its last offset 510/);
    expect(() => index.maybeAppend(99n, BASE + 11n)).toThrow(/below its last timestamp 100/);
    index.maybeAppend(100n, BASE + 12n); // same timestamp: ignored
    expect(index.entries).toBe(1);
    index.maybeAppend(150n, BASE + 12n);
    expect(index.isFull).toBe(true);
    expect(() => index.maybeAppend(160n, BASE + 13n)).toThrow(/full/);
    index.maybeAppend(160n, BASE + 13n, true);
    expect(index.entries).toBe(3);
    index.close();
  });

  it('sanityCheck catches torn, unordered and beyond-the-log entries', () => {
    const path = join(tmp(), 'x.timeindex');
    const index = new TimeIndex(path, BASE, 1 << 20);
    index.maybeAppend(10n, BASE + 3n);
    index.maybeAppend(20n, BASE + 7n);
    index.close();
    const check = (next: bigint): void => {
      const i = new TimeIndex(path, BASE, 1 << 20);
      try {
        i.sanityCheck(next);
      } finally {
        i.close();
      }
    };
    check(BASE + 8n);
    expect(() => check(BASE + 7n)).toThrow(CorruptIndexError);
    writeFileSync(path, readFileSync(path).subarray(0, 13));
    expect(() => check(BASE + 8n)).toThrow(/multiple of 12/);
    writeFileSync(path, Buffer.alloc(24));
    expect(() => check(BASE + 8n)).toThrow(/does not follow/);
  });
});
