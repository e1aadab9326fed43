import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptIndexError, StorageError } from '../../src/storage/errors.js';
import { OffsetIndex } from '../../src/storage/offset-index.js';
import { useTmpDirs } from './helpers.js';

const BASE = 1000n;

/** Oracle: the greatest (offset, position) with offset <= target in a sorted array, as Kafka's OffsetIndexTest does. */
function floor(entries: Array<[bigint, number]>, target: bigint): { offset: bigint; position: number } {
  let best = { offset: BASE, position: 0 };
  for (const [offset, position] of entries) if (offset <= target) best = { offset, position };
  return best;
}

/** Strictly increasing (offset, position) pairs. */
const entriesArb = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5000 })), { maxLength: 300 })
  .map((steps) => {
    let offset = BASE - 1n;
    let position = -1;
    return steps.map(([dOffset, dPosition]): [bigint, number] => [(offset += BigInt(dOffset)), (position += dPosition)]);
  });

describe('OffsetIndex', () => {
  const tmp = useTmpDirs();

  it('answers lookups like a sorted array, in memory and after reopening the file', () => {
    fc.assert(
      fc.property(entriesArb, fc.array(fc.bigInt({ min: BASE - 5n, max: BASE + 20000n }), { maxLength: 50 }), (entries, targets) => {
        const path = join(tmp(), 'x.index');
        const index = new OffsetIndex(path, BASE, 1 << 20);
        for (const [o, p] of entries) index.append(o, p);
        const reopened = new OffsetIndex(path, BASE, 1 << 20);
        reopened.sanityCheck(entries.length ? entries[entries.length - 1]![1] + 1 : 0);
        for (const t of [...targets, ...entries.map(([o]) => o)]) {
          expect(index.lookup(t)).toEqual(floor(entries, t));
          expect(reopened.lookup(t)).toEqual(floor(entries, t));
        }
        expect(reopened.entries).toBe(entries.length);
        index.close();
        reopened.close();
      }),
      { numRuns: 40 },
    );
  });

  it('truncateTo removes entries at or above the offset, in memory and in the file', () => {
    fc.assert(
      fc.property(entriesArb, fc.bigInt({ min: BASE - 1n, max: BASE + 16000n }), (entries, cut) => {
        const path = join(tmp(), 'x.index');
        const index = new OffsetIndex(path, BASE, 1 << 20);
        for (const [o, p] of entries) index.append(o, p);
        index.truncateTo(cut);
        const kept = entries.filter(([o]) => o < cut);
        expect(index.entries).toBe(kept.length);
        expect(readFileSync(path).length).toBe(kept.length * 8);
        expect(index.lookup(cut + 100000n)).toEqual(floor(kept, cut + 100000n));
        // Appending continues after the kept entries.
        const next = kept.length ? kept[kept.length - 1]! : [BASE - 1n, -1];
        index.append((next[0] as bigint) + 1n, (next[1] as number) + 1);
        index.close();
      }),
      { numRuns: 40 },
    );
  });

  it('refuses entries that do not increase, do not fit, or overflow the index', () => {
    const index = new OffsetIndex(join(tmp(), 'x.index'), BASE, 16);
    index.append(BASE + 10n, 100);
    expect(() => index.append(BASE + 10n, 200)).toThrow(/not after the last entry \(offset 1010, position 100\)/);
    expect(() => index.append(BASE + 11n, 100)).toThrow(StorageError);
    expect(() => index.append(BASE - 1n, 300)).toThrow(/does not fit/);
    index.append(BASE + 20n, 200);
    expect(index.isFull).toBe(true);
    expect(() => index.append(BASE + 30n, 300)).toThrow(/full/);
    index.close();
  });

  it('sanityCheck catches torn, zeroed, unordered and out-of-log files', () => {
    const dir = tmp();
    const path = join(dir, 'x.index');
    const index = new OffsetIndex(path, BASE, 1 << 20);
    index.append(BASE + 5n, 100);
    index.append(BASE + 9n, 300);
    index.close();
    const check = (logSize: number): void => {
      const i = new OffsetIndex(path, BASE, 1 << 20);
      try {
        i.sanityCheck(logSize);
      } finally {
        i.close();
      }
    };
    check(301);
    expect(() => check(300)).toThrow(CorruptIndexError);
    truncateSync(path, 12);
    expect(() => check(1000)).toThrow(/multiple of 8/);
    writeFileSync(path, Buffer.alloc(16));
    expect(() => check(1000)).toThrow(/does not follow/);
    const err = (() => {
      try {
        check(0);
      } catch (e) {
        return e as CorruptIndexError;
      }
    })();
    expect(err).toMatchObject({ code: 'MQ_ERR_CORRUPT_INDEX', kafkaError: 'KAFKA_STORAGE_ERROR', file: path });
  });
});
