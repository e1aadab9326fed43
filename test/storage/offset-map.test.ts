import { describe, expect, it } from 'vitest';
import { OffsetMap } from '../../src/storage/cleaner/offset-map.js';

describe('OffsetMap', () => {
  it("has Kafka's capacity: slots of 24 bytes (MD5 digest + offset), 90% of them", () => {
    expect(new OffsetMap(240).capacity).toBe(9);
    expect(new OffsetMap(128 * 1024 * 1024).capacity).toBe(Math.floor(Math.floor((128 * 1024 * 1024) / 24) * 0.9));
  });

  it('keeps the latest offset of every key while it grows to its capacity', () => {
    const map = new OffsetMap(24 * 20_000);
    const key = (i: number) => Buffer.from(`key-${i}`);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < map.capacity; i++) map.put(key(i), BigInt(round * 1_000_000 + i));
    }
    expect(map.size).toBe(map.capacity);
    for (let i = 0; i < map.capacity; i++) expect(map.get(key(i))).toBe(BigInt(1_000_000 + i));
    expect(map.get(Buffer.from('absent'))).toBeUndefined();
    map.put(Buffer.alloc(0), 0n);
    expect(map.get(Buffer.alloc(0))).toBe(0n);
  });

  it('holds no more memory than its buffer size however long the keys are', () => {
    const bufferBytes = 8 * 1024 * 1024;
    const map = new OffsetMap(bufferBytes);
    const keys = 200_000;
    // 200k distinct 500-byte keys: 100 MB if the keys themselves were kept.
    const key = Buffer.alloc(500, 'x');
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = used();
    for (let i = 0; i < keys; i++) {
      key.writeUInt32BE(i, 0);
      map.put(key, BigInt(i));
    }
    expect(map.size).toBe(keys);
    expect(used() - before).toBeLessThan(bufferBytes + 40 * 1024 * 1024);
    key.writeUInt32BE(12345, 0);
    expect(map.get(key)).toBe(12345n);
  });
});
