import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import { LogSegment } from '../../src/storage/log-segment.js';
import { EARLIEST_TIMESTAMP } from '../../src/storage/log.js';
import { LOG_START_OFFSET_CHECKPOINT_FILE, LogManager } from '../../src/storage/log-manager.js';
import { planRetention, type RetentionConfig, type RetentionSegment } from '../../src/storage/retention.js';
import { config, makeBatch, openLog, readAllBatches, useTmpDirs } from './helpers.js';

interface Seg {
  base: bigint;
  size: number;
  ts: bigint;
}

const seg = (s: Seg): RetentionSegment => ({ baseOffset: s.base, size: s.size, largestTimestamp: () => s.ts });

const DELETE: RetentionConfig = { 'cleanup.policy': ['delete'], 'retention.bytes': -1, 'retention.ms': -1 };

/**
 * The oracle: Kafka's three rules written as "the longest prefix in which every segment
 * qualifies", with the size rule as cumulative sums instead of a running excess.
 */
function model(segs: readonly Seg[], lso: bigint, hw: bigint, leo: bigint, cfg: RetentionConfig, now: number): number {
  const eligible = (i: number): boolean => {
    const last = i === segs.length - 1;
    if (last && segs[i]!.size === 0) return false;
    return hw >= (last ? leo : segs[i + 1]!.base);
  };
  const longest = (from: number, ok: (i: number) => boolean): number => {
    let k = from;
    while (k < segs.length && eligible(k) && ok(k)) k++;
    return k;
  };
  let k = longest(0, (i) => i + 1 < segs.length && segs[i + 1]!.base <= lso);
  if (!cfg['cleanup.policy'].includes('delete')) return k;
  const rb = cfg['retention.bytes'];
  const total = segs.slice(k).reduce((a, s) => a + s.size, 0);
  if (rb >= 0 && total >= rb) {
    const start = k;
    k = longest(start, (i) => segs.slice(start, i + 1).reduce((a, s) => a + s.size, 0) <= total - rb);
  }
  const ms = cfg['retention.ms'];
  if (ms >= 0) k = longest(k, (i) => now - Number(segs[i]!.ts) > ms);
  return k;
}

describe('planRetention', () => {
  const NOW = 1_000_000;
  const segs = (sizes: number[], ts: number[]): Seg[] => sizes.map((size, i) => ({ base: BigInt(i * 10), size, ts: BigInt(ts[i]!) }));
  const plan = (s: Seg[], cfg: Partial<RetentionConfig>, state: { lso?: bigint; hw?: bigint; leo?: bigint } = {}) => {
    const leo = state.leo ?? BigInt(s.length * 10);
    return planRetention(s.map(seg), { logStartOffset: state.lso ?? 0n, highWatermark: state.hw ?? leo, logEndOffset: leo }, { ...DELETE, ...cfg }, NOW).reasons;
  };

  it('deletes by time the oldest segments whose largest timestamp is older than retention.ms, stopping at the first young one', () => {
    const s = segs([100, 100, 100, 100], [NOW - 5000, NOW - 20_000, NOW - 500, NOW - 9000]);
    expect(plan(s, { 'retention.ms': 1000 })).toEqual(['retention-ms', 'retention-ms']);
    // Exactly retention.ms old is not yet breached (Kafka: now - largest > retention.ms).
    expect(plan(segs([1], [NOW - 1000]), { 'retention.ms': 1000 })).toEqual([]);
  });

  it('never deletes a segment holding a future timestamp', () => {
    expect(plan(segs([1, 1], [NOW + 10, NOW - 9999]), { 'retention.ms': 0 })).toEqual([]);
  });

  it('deletes by size while the excess over retention.bytes covers the whole oldest segment', () => {
    const s = segs([300, 200, 100, 50], [NOW, NOW, NOW, NOW]);
    // 650 bytes, limit 250: excess 400 covers 300, then 200 does not fit in the 100 left.
    expect(plan(s, { 'retention.bytes': 250 })).toEqual(['retention-bytes']);
    expect(plan(s, { 'retention.bytes': 150 })).toEqual(['retention-bytes', 'retention-bytes']);
    expect(plan(s, { 'retention.bytes': 650 })).toEqual([]);
    expect(plan(s, { 'retention.bytes': 0 })).toEqual(['retention-bytes', 'retention-bytes', 'retention-bytes', 'retention-bytes']);
  });

  it('applies size, then time, to what the previous rule left', () => {
    const s = segs([300, 200, 100, 50], [NOW, NOW - 5000, NOW - 5000, NOW]);
    expect(plan(s, { 'retention.bytes': 250, 'retention.ms': 1000 })).toEqual(['retention-bytes', 'retention-ms', 'retention-ms']);
  });

  it('includes the active segment when it is expired, but never an empty last segment', () => {
    const s = segs([100, 100], [NOW - 5000, NOW - 5000]);
    expect(plan(s, { 'retention.ms': 1000 })).toEqual(['retention-ms', 'retention-ms']);
    const empty = [...segs([100], [NOW - 5000]), { base: 10n, size: 0, ts: -1n }];
    expect(plan(empty, { 'retention.ms': 1000 }, { leo: 10n })).toEqual(['retention-ms']);
  });

  it('keeps segments reaching past the high watermark', () => {
    const s = segs([100, 100, 100], [NOW - 5000, NOW - 5000, NOW - 5000]);
    expect(plan(s, { 'retention.ms': 1000 }, { hw: 15n })).toEqual(['retention-ms']);
  });

  it('deletes whole segments below the log start offset under every policy, and nothing else on a compact-only topic', () => {
    const s = segs([100, 100, 100], [NOW - 5000, NOW - 5000, NOW - 5000]);
    expect(plan(s, { 'cleanup.policy': ['compact'], 'retention.ms': 0, 'retention.bytes': 0 }, { lso: 15n })).toEqual(['log-start-offset']);
    expect(plan(s, { 'cleanup.policy': ['compact'], 'retention.ms': 0, 'retention.bytes': 0 })).toEqual([]);
    expect(plan(s, { 'cleanup.policy': ['compact', 'delete'], 'retention.ms': 0 }, { lso: 15n })).toEqual(['log-start-offset', 'retention-ms', 'retention-ms']);
  });

  it('agrees with the model on random logs', () => {
    const arb = fc.record({
      segs: fc.array(fc.record({ len: fc.integer({ min: 1, max: 20 }), size: fc.integer({ min: 0, max: 500 }), age: fc.integer({ min: -100, max: 10_000 }) }), { minLength: 1, maxLength: 12 }),
      lsoFrac: fc.double({ min: 0, max: 1, noNaN: true }),
      hwFrac: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.integer({ min: -1, max: 3000 }),
      ms: fc.integer({ min: -1, max: 10_000 }),
      policy: fc.constantFrom<RetentionConfig['cleanup.policy']>(['delete'], ['compact'], ['compact', 'delete']),
    });
    fc.assert(
      fc.property(arb, (a) => {
        let base = 0n;
        const s: Seg[] = a.segs.map((x, i) => {
          // Only the last segment may be empty, as in a real log.
          const size = i < a.segs.length - 1 ? Math.max(1, x.size) : x.size;
          const out = { base, size, ts: BigInt(NOW - x.age) };
          base += size === 0 ? 0n : BigInt(x.len);
          return out;
        });
        const leo = base;
        const hw = BigInt(Math.floor(Number(leo) * a.hwFrac));
        const lso = BigInt(Math.floor(Number(hw) * a.lsoFrac));
        const cfg: RetentionConfig = { 'cleanup.policy': a.policy, 'retention.bytes': a.bytes, 'retention.ms': a.ms };
        const got = planRetention(s.map(seg), { logStartOffset: lso, highWatermark: hw, logEndOffset: leo }, cfg, NOW).reasons.length;
        expect(got).toBe(model(s, lso, hw, leo, cfg, NOW));
      }),
    );
  });
});

describe('PartitionLog retention', () => {
  const tmp = useTmpDirs();
  const T0 = 1_700_000_000_000;
  /** Ten one-batch segments: batch i holds offsets 5i..5i+4 with timestamps around T0 + 1000i. */
  function tenSegments(dir: string, cfg = config({ 'segment.bytes': 400, 'retention.ms': 10_000 }), clock = () => T0 + 100_000) {
    const log = openLog(dir, cfg, { clock });
    for (let i = 0; i < 10; i++) log.append(makeBatch(5, { ts: BigInt(T0 + 1000 * i), valueSize: 30 }));
    expect(log.segmentBaseOffsets()).toHaveLength(10);
    return log;
  }
  const kafkaError = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      if (e instanceof StorageError) return e.kafkaError;
      throw e;
    }
    return undefined;
  };

  it('deletes expired segments, renames their files .deleted and moves the log start offset', () => {
    const dir = tmp();
    const log = tenSegments(dir);
    // Segment i's largest timestamp is T0 + 1000i + 4: at T0 + 15 s the first five are over 10 s old.
    const { segments, files } = log.deleteOldSegments(T0 + 15_000);
    expect(segments.map((s) => s.baseOffset)).toEqual([0n, 5n, 10n, 15n, 20n]);
    expect(log.logStartOffset).toBe(25n);
    expect(log.segmentBaseOffsets()[0]).toBe(25n);
    expect(files.filter((f) => f.endsWith('.log.deleted'))).toHaveLength(5);
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.log'))).toHaveLength(5);
    expect(kafkaError(() => log.read(24n, 1000))).toBe('OFFSET_OUT_OF_RANGE');
    expect(log.read(25n, 1000).chunks).toHaveLength(1);
    expect(log.offsetForTimestamp(EARLIEST_TIMESTAMP)).toEqual({ offset: 25n, timestamp: -1n });
  });

  it('rolls and deletes an expired active segment, leaving one empty segment at the log end that takes appends', () => {
    const dir = tmp();
    const log = tenSegments(dir);
    const { segments } = log.deleteOldSegments(T0 + 1_000_000);
    expect(segments).toHaveLength(10);
    expect(log.segmentBaseOffsets()).toEqual([50n]);
    expect(log.logStartOffset).toBe(50n);
    expect(log.logEndOffset).toBe(50n);
    // An empty log is never emptied further.
    expect(log.deleteOldSegments(T0 + 2_000_000).segments).toEqual([]);
    expect(log.append(makeBatch(2)).baseOffset).toBe(50n);
    expect(readAllBatches(log)).toHaveLength(1);
  });

  it('DeleteRecords moves the log start offset mid-segment; the next pass deletes the segments wholly below it', () => {
    const dir = tmp();
    const log = tenSegments(dir, config({ 'segment.bytes': 400, 'cleanup.policy': ['compact'] }));
    expect(kafkaError(() => log.incrementLogStartOffset(51n))).toBe('OFFSET_OUT_OF_RANGE');
    expect(log.incrementLogStartOffset(12n)).toBe(true);
    expect(log.incrementLogStartOffset(7n)).toBe(false);
    expect(log.logStartOffset).toBe(12n);
    expect(kafkaError(() => log.read(11n, 1000))).toBe('OFFSET_OUT_OF_RANGE');
    // The batch holding 12 is returned whole, from 10, as Kafka does.
    expect(log.read(12n, 1000).chunks[0]!.readBigInt64BE(0)).toBe(10n);
    // Compact-only: no time or size retention, but segments below the log start offset go.
    expect(log.deleteOldSegments(T0 + 10_000_000).segments.map((s) => [s.baseOffset, s.reason])).toEqual([
      [0n, 'log-start-offset'],
      [5n, 'log-start-offset'],
    ]);
    expect(log.logStartOffset).toBe(12n);
    expect(log.segmentBaseOffsets()[0]).toBe(10n);
  });

  it('reads the config at each pass, so a changed retention applies at the next one', () => {
    const dir = tmp();
    const cfg = { ...config({ 'segment.bytes': 400 }) };
    const log = tenSegments(dir, cfg);
    expect(log.deleteOldSegments(T0 + 100_000).segments).toEqual([]);
    log.updateConfig({ ...cfg, 'retention.bytes': 0 });
    expect(log.deleteOldSegments(T0 + 100_000).segments).toHaveLength(10);
  });

  it("judges a segment without record timestamps by its file's modification time", () => {
    const dir = tmp();
    const log = openLog(dir, config({ 'segment.bytes': 400, 'retention.ms': 10_000 }), { clock: () => T0 });
    for (let i = 0; i < 3; i++) log.append(makeBatch(5, { timestamps: Array(5).fill(-1n), valueSize: 30 }));
    expect(log.segmentBaseOffsets()).toEqual([0n, 5n, 10n]);
    const old = new Date(T0 - 60_000);
    utimesSync(join(dir, '00000000000000000000.log'), old, old);
    expect(log.deleteOldSegments(T0).segments.map((s) => s.baseOffset)).toEqual([0n]);
  });

  it('a read taken before its segment is deleted keeps its bytes', () => {
    const dir = tmp();
    const log = tenSegments(dir);
    const before = Buffer.from(Buffer.concat(log.read(0n, 1000).chunks));
    const chunk = log.read(0n, 1000).chunks[0]!;
    log.deleteOldSegments(T0 + 1_000_000);
    expect(chunk.equals(before)).toBe(true);
  });
});

describe('LogManager retention', () => {
  const tmp = useTmpDirs();

  it('removes .deleted files after file.delete.delay.ms, checkpoints the log start offset, and a reload keeps it', async () => {
    const dir = tmp();
    const cfg = config({ 'segment.bytes': 400, 'retention.bytes': 500, 'retention.ms': -1, 'file.delete.delay.ms': 50 });
    const manager = LogManager.open({ logDirs: [dir], defaults: cfg, configFor: () => cfg });
    const log = manager.createLog('t', 0, Buffer.alloc(16, 1), cfg);
    for (let i = 0; i < 6; i++) log.append(makeBatch(5, { valueSize: 30 }));
    const outcomes = manager.cleanupLogs();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.deleted.length).toBeGreaterThan(0);
    // 6 batches of 256 bytes, limit 500: the oldest four go.
    expect(outcomes[0]!.deleted.map((s) => s.reason)).toEqual(Array(4).fill('retention-bytes'));
    const start = log.logStartOffset;
    expect(start).toBe(20n);
    expect(readFileSync(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe(`0\n1\nt 0 ${start}\n`);
    const partitionDir = join(dir, 't-0');
    expect(readdirSync(partitionDir).some((n) => n.endsWith('.deleted'))).toBe(true);
    const deadline = Date.now() + 5000;
    while (readdirSync(partitionDir).some((n) => n.endsWith('.deleted'))) {
      if (Date.now() > deadline) throw new Error('.deleted files were not removed');
      await new Promise((r) => setTimeout(r, 10));
    }
    // DeleteRecords past the first kept segment's base: only the checkpoint knows it after a crash.
    log.incrementLogStartOffset(start + 2n);
    manager.checkpointLogStartOffsets();
    manager.close();
    const reopened = LogManager.open({ logDirs: [dir], defaults: cfg, configFor: () => cfg });
    expect(reopened.getLog('t', 0)!.logStartOffset).toBe(start + 2n);
    reopened.close();
  });

  it('removes leftover .deleted files at load', () => {
    const dir = tmp();
    const cfg = config();
    const manager = LogManager.open({ logDirs: [dir], defaults: cfg });
    manager.createLog('t', 0, Buffer.alloc(16, 1), cfg).append(makeBatch(1));
    manager.close();
    const leftover = join(dir, 't-0', '00000000000000000000.log.deleted');
    writeFileSync(leftover, 'x');
    utimesSync(leftover, new Date(0), new Date(0));
    LogManager.open({ logDirs: [dir], defaults: cfg }).close();
    expect(existsSync(leftover)).toBe(false);
  });

  it('leaves alone the log it is told to skip (the one being cleaned)', () => {
    const dir = tmp();
    const cfg = config({ 'segment.bytes': 400, 'retention.bytes': 500, 'retention.ms': -1 });
    const manager = LogManager.open({ logDirs: [dir], defaults: cfg, configFor: () => cfg });
    const [a, b] = [manager.createLog('a', 0, Buffer.alloc(16, 1), cfg), manager.createLog('b', 0, Buffer.alloc(16, 2), cfg)];
    for (const log of [a, b]) for (let i = 0; i < 6; i++) log.append(makeBatch(5, { valueSize: 30 }));
    expect(manager.cleanupLogs(a).map((o) => o.log)).toEqual([b]);
    expect(a.logStartOffset).toBe(0n);
    expect(manager.cleanupLogs().map((o) => o.log)).toEqual([a]);
    manager.close();
  });

  it('a segment whose files cannot be renamed does not stop the others; what went is reported and the log start checkpointed', () => {
    const dir = tmp();
    const cfg = config({ 'segment.bytes': 400, 'retention.bytes': 500, 'retention.ms': -1, 'file.delete.delay.ms': 60_000 });
    const manager = LogManager.open({ logDirs: [dir], defaults: cfg, configFor: () => cfg });
    const log = manager.createLog('t', 0, Buffer.alloc(16, 1), cfg);
    for (let i = 0; i < 6; i++) log.append(makeBatch(5, { valueSize: 30 }));
    const original = LogSegment.prototype.closeAndMarkDeleted;
    let calls = 0;
    const spy = vi.spyOn(LogSegment.prototype, 'closeAndMarkDeleted').mockImplementation(function (this: LogSegment, renamed: string[]) {
      if (calls++ === 1) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      original.call(this, renamed);
    });
    try {
      const [outcome] = manager.cleanupLogs();
      expect(outcome!.deleted).toHaveLength(4);
      expect(outcome!.error?.kafkaError).toBe('KAFKA_STORAGE_ERROR');
    } finally {
      spy.mockRestore();
    }
    expect(log.logStartOffset).toBe(20n);
    expect(readFileSync(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe('0\n1\nt 0 20\n');
    // The three segments other than the failed one were renamed .deleted.
    expect(readdirSync(join(dir, 't-0')).filter((n) => n.endsWith('.log.deleted'))).toHaveLength(3);
    manager.close();
  });
});
