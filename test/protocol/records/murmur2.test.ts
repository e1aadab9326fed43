import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../../src/protocol/records/murmur2.js';

describe('murmur2', () => {
  // Kafka's UtilsTest.testMurmur2 vectors; kafka-python 2.0.2's murmur2 (the oracle used while
  // writing this) returns the same values as unsigned ints.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['', 275646681],
    ['a', -1563381124],
  ])('murmur2(%j) = %i', (key, hash) => {
    expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('toPositive clears only the sign bit', () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(123)).toBe(123);
  });

  it('partitionForKey follows the Java default partitioner', () => {
    // toPositive(-790332482) % 10 = 1357151166 % 10
    expect(partitionForKey(Buffer.from('foobar'), 10)).toBe(6);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const p = partitionForKey(key, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(Number.isInteger(murmur2(key))).toBe(true);
      }),
    );
  });
});
