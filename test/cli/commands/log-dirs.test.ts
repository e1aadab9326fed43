// LogDirsCommand's JSON line is built from java.util.HashMaps, so its key and element order is
// HashMap iteration order. The expected orders here were worked out by hand from Java's
// String.hashCode, TopicPartition.hashCode (31 * (31 + partition) + topic.hashCode()) and
// HashMap's bucket index ((h ^ h >>> 16) & (capacity - 1), capacity 16 doubling past 3/4 full).
import { describe, expect, it } from 'vitest';
import { javaHashMapOrder, logDirsJson } from '../../../src/cli/commands/log-dirs.js';
import { toJson } from '../../../src/cli/output/format.js';

describe('log-dirs JSON in Java HashMap order', () => {
  it('20 partitions of topic "t" come out t-19 .. t-0 (bucket (21 - p) mod 32)', () => {
    const replicas = Array.from({ length: 20 }, (_, p) => ({ topic: 't', partition: p, size: BigInt(p), offsetLag: 0n, isFuture: false }));
    const json = logDirsJson(new Map([[0, [{ path: '/d', error: null, replicas, totalBytes: -1n, usableBytes: -1n }]]]), []);
    expect(json.brokers[0]!.logDirs[0]!.partitions.map((p) => p.partition)).toEqual(Array.from({ length: 20 }, (_, i) => `t-${19 - i}`));
  });
  it('object keys: {"brokers":..,"version":1}, {"broker":..,"logDirs":..}, {"partitions":..,"error":..,"logDir":..}', () => {
    const json = logDirsJson(new Map([[3, [{ path: '/d', error: null, replicas: [], totalBytes: -1n, usableBytes: -1n }]]]), []);
    expect(toJson(json)).toBe('{"brokers":[{"broker":3,"logDirs":[{"partitions":[],"error":null,"logDir":"/d"}]}],"version":1}');
  });
  it('Integer keys past the table size wrap around: 17 sorts after 0 and before 2 in a 16-bucket map', () => {
    expect(javaHashMapOrder([0, 2, 17], (x) => x)).toEqual([0, 17, 2]);
  });
  it('--topic-list filters partitions by topic', () => {
    const replicas = [
      { topic: 'a', partition: 0, size: 1n, offsetLag: 0n, isFuture: false },
      { topic: 'b', partition: 0, size: 2n, offsetLag: 0n, isFuture: false },
    ];
    const json = logDirsJson(new Map([[0, [{ path: '/d', error: null, replicas, totalBytes: -1n, usableBytes: -1n }]]]), ['b']);
    expect(json.brokers[0]!.logDirs[0]!.partitions.map((p) => p.partition)).toEqual(['b-0']);
  });
});
