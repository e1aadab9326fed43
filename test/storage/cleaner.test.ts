import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTR_DELETE_HORIZON, decodeRecordBatches, encodeRecordBatch, readBatchHeader } from '../../src/protocol/records/record-batch.js';
import { cleanableRange, cleanLog, type CleanerSettings } from '../../src/storage/cleaner/cleaner.js';
import { RecordValidationError, StorageError } from '../../src/storage/errors.js';
import type { CompressionName } from '../../src/protocol/records/compression.js';
import type { LogConfig } from '../../src/storage/log-config.js';
import { CLEANED_SUFFIX, filenamePrefixFromOffset, SWAP_SUFFIX } from '../../src/storage/log-files.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { config, openLog, readAllBatches, useTmpDirs } from './helpers.js';

const T0 = 1_700_000_000_000;

/** One record as written, and as the model expects it back. */
interface Rec {
  offset: bigint;
  key: string;
  value: string | null;
}

function settings(now: () => number, dedupeBufferSize = 1 << 20): CleanerSettings {
  return { dedupeBufferSize, clock: now, stopped: () => false };
}

/** Every record the log holds, in offset order. */
function readRecords(log: PartitionLog): Rec[] {
  const out: Rec[] = [];
  for (const b of readAllBatches(log)) {
    for (const r of decodeRecordBatches(b)[0]!.records) out.push({ offset: r.offset, key: r.key!.toString(), value: r.value === null ? null : r.value.toString() });
  }
  return out;
}

/** Appends one batch of (key, value) records; returns them with their offsets. */
function append(log: PartitionLog, records: Array<[string, string | null]>, opts: { compression?: CompressionName; producerId?: bigint; baseSequence?: number; ts?: number } = {}): Rec[] {
  const ts = BigInt(opts.ts ?? T0);
  const batch = encodeRecordBatch(
    records.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: ts })),
    { compression: opts.compression ?? 'none', producerId: opts.producerId, producerEpoch: opts.producerId === undefined ? undefined : 3, baseSequence: opts.baseSequence },
  );
  const { baseOffset } = log.append(batch);
  return records.map(([key, value], i) => ({ offset: baseOffset + BigInt(i), key, value }));
}

/**
 * The model of a compacted log: below `uncleanable`, only each key's latest record (tombstones
 * too unless `dropTombstones`); from it on, everything as written.
 */
function compacted(written: readonly Rec[], uncleanable: bigint, dropTombstones: boolean): Rec[] {
  const latest = new Map<string, bigint>();
  for (const r of written) if (r.offset < uncleanable) latest.set(r.key, r.offset);
  return written.filter((r) => r.offset >= uncleanable || (latest.get(r.key) === r.offset && (r.value !== null || !dropTombstones)));
}

function activeBase(log: PartitionLog): bigint {
  const bases = log.segmentBaseOffsets();
  return bases[bases.length - 1]!;
}

const small: Partial<LogConfig> = { 'segment.bytes': 1500, 'index.interval.bytes': 200, 'cleanup.policy': ['compact'] };

describe('log cleaner against a model', () => {
  const tmp = useTmpDirs();

  it('keeps the latest record per key below the active segment, then drops tombstones after delete.retention.ms', async () => {
    const spec = fc.array(
      fc.record({
        records: fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.boolean(), fc.integer({ min: 0, max: 99 })), { minLength: 1, maxLength: 6 }),
        codec: fc.constantFrom('none' as const, 'gzip' as const, 'snappy' as const, 'lz4' as const, 'zstd' as const),
      }),
      { minLength: 5, maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(spec, async (batches) => {
        const dir = tmp();
        let now = T0;
        const log = openLog(dir, config({ ...small, 'delete.retention.ms': 1000 }), { clock: () => now });
        const written: Rec[] = [];
        for (const b of batches) {
          const recs = b.records.map(([k, tomb, v]): [string, string | null] => [`key-${k}`, tomb && v % 3 === 0 ? null : `v${v}-${written.length}`]);
          written.push(...append(log, recs, { compression: b.codec }));
        }
        const uncleanable = activeBase(log);
        const range = cleanableRange(log, undefined, now);
        expect(range.firstDirtyOffset).toBe(0n);
        expect(range.firstUncleanableOffset).toBe(uncleanable);
        const first = await cleanLog(log, range, settings(() => now));
        expect(first!.firstDirtyOffset).toBe(uncleanable);
        expect(readRecords(log)).toEqual(compacted(written, uncleanable, false));
        // Within delete.retention.ms a second pass changes nothing.
        const again = await cleanLog(log, cleanableRange(log, first!.firstDirtyOffset, now), settings(() => now));
        expect(readRecords(log)).toEqual(compacted(written, uncleanable, false));
        if (written.some((r) => r.offset < uncleanable && r.value === null && compacted(written, uncleanable, false).includes(r))) {
          expect(first!.nextDeleteHorizon).toBe(BigInt(T0 + 1000));
          expect(again!.nextDeleteHorizon).toBe(BigInt(T0 + 1000));
        }
        now = T0 + 1000;
        await cleanLog(log, cleanableRange(log, first!.firstDirtyOffset, now), settings(() => now));
        expect(readRecords(log)).toEqual(compacted(written, uncleanable, true));
        // Reloading the cleaned log reads the same.
        log.close();
        const reloaded = openLog(dir, config(small), { cleanShutdown: true });
        expect(readRecords(reloaded)).toEqual(compacted(written, uncleanable, true));
        reloaded.close();
      }),
      { numRuns: 25 },
    );
  });

  it('stamps the delete horizon into batches that keep tombstones (KIP-534) and keeps record timestamps', async () => {
    const dir = tmp();
    const log = openLog(dir, config({ ...small, 'delete.retention.ms': 5000 }));
    append(log, [['a', '1'], ['b', null], ['c', '3']], { ts: T0 });
    append(log, [['a', '2']], { ts: T0 + 10 });
    log.append(encodeRecordBatch([{ key: Buffer.from('x'), value: Buffer.alloc(1400), timestamp: BigInt(T0) }])); // rolls
    const now = T0 + 100;
    await cleanLog(log, cleanableRange(log, undefined, now), settings(() => now));
    const [first] = readAllBatches(log);
    const header = readBatchHeader(first!);
    expect(header.attributes & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON);
    expect(header.baseTimestamp).toBe(BigInt(now + 5000));
    expect(header.lastOffsetDelta).toBe(2);
    const records = decodeRecordBatches(first!)[0]!.records;
    expect(records.map((r) => [r.offset, r.key!.toString(), r.timestamp])).toEqual([
      [1n, 'b', BigInt(T0)],
      [2n, 'c', BigInt(T0)],
    ]);
    log.close();
  });

  it('keeps producer id, epoch, base sequence and last offset delta; an emptied last batch of a producer stays as a header', async () => {
    const dir = tmp();
    const log = openLog(dir, config(small), { clock: () => T0 });
    append(log, [['a', '1'], ['b', '1'], ['c', '1']], { producerId: 7n, baseSequence: 0, compression: 'gzip' });
    append(log, [['a', '2'], ['b', '2']], { producerId: 7n, baseSequence: 3 });
    append(log, [['a', '3'], ['b', '3']], { producerId: 9n, baseSequence: 0 });
    log.append(encodeRecordBatch([{ key: Buffer.from('x'), value: Buffer.alloc(1400), timestamp: BigInt(T0) }]));
    await cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0));
    const headers = readAllBatches(log).map((b) => readBatchHeader(b));
    expect(headers.slice(0, 3).map((h) => [h.baseOffset, h.lastOffsetDelta, h.producerId, h.producerEpoch, h.baseSequence, h.recordCount, h.attributes & 7])).toEqual([
      [0n, 2, 7n, 3, 0, 1, 1], // only c stays, still gzip, still ending at offset 2
      [3n, 1, 7n, 3, 3, 0, 0], // producer 7's latest batch: emptied, header kept
      [5n, 1, 9n, 3, 0, 2, 0], // untouched
    ]);
    log.close();
    // Not a clean shutdown: the producers are rebuilt from the log's batch headers.
    for (const name of readdirSync(dir)) if (name.endsWith('.snapshot')) rmSync(join(dir, name));
    const reloaded = openLog(dir, config(small), { clock: () => T0 });
    expect(reloaded.producerState.get(7n)!.batches.at(-1)).toMatchObject({ lastSeq: 4, lastOffset: 4n });
    reloaded.close();
  });

  it('keeps LogAppendTime batches LogAppendTime, with their append time', async () => {
    const dir = tmp();
    let now = T0 + 5;
    const log = openLog(dir, config({ ...small, 'message.timestamp.type': 'LogAppendTime' }), { clock: () => now });
    append(log, [['a', '1'], ['b', '1'], ['a', '2']], { compression: 'lz4' });
    now = T0 + 9;
    log.append(encodeRecordBatch([{ key: Buffer.from('x'), value: Buffer.alloc(1400), timestamp: BigInt(T0) }]));
    await cleanLog(log, cleanableRange(log, undefined, now), settings(() => now));
    const [batch] = decodeRecordBatches(readAllBatches(log)[0]!);
    expect(batch!.timestampType).toBe('LogAppendTime');
    expect(batch!.compression).toBe('lz4');
    expect(batch!.header.maxTimestamp).toBe(BigInt(T0 + 5));
    expect(batch!.records.map((r) => [r.offset, r.key!.toString(), r.timestamp])).toEqual([
      [1n, 'b', BigInt(T0 + 5)],
      [2n, 'a', BigInt(T0 + 5)],
    ]);
    log.close();
  });

  it('leaves segments younger than min.compaction.lag.ms dirty', async () => {
    const dir = tmp();
    const log = openLog(dir, config({ ...small, 'min.compaction.lag.ms': 60_000 }));
    const written: Rec[] = [];
    for (let i = 0; i < 40; i++) written.push(...append(log, [[`k${i % 3}`, `${i}`.padStart(100, '-')]], { ts: T0 + i * 1000 }));
    const now = T0 + 80_000; // records before T0 + 20 s are old enough
    const range = cleanableRange(log, undefined, now);
    const youngSegment = log.inactiveSegments().find((s) => s.maxTimestamp > BigInt(now - 60_000))!;
    expect(range.firstUncleanableOffset).toBe(youngSegment.baseOffset);
    expect(range.firstUncleanableOffset).toBeLessThan(activeBase(log));
    await cleanLog(log, range, settings(() => now));
    expect(readRecords(log)).toEqual(compacted(written, range.firstUncleanableOffset, false));
    log.close();
  });

  it('merges consecutive segments that fit segment.bytes into one cleaned segment (AK groupSegmentsBySize)', async () => {
    const dir = tmp();
    const log = openLog(dir, config(small));
    const written: Rec[] = [];
    for (let i = 0; i < 120; i++) written.push(...append(log, [[`k${i % 4}`, `${i}`.padStart(100, '-')]]));
    const before = log.inactiveSegments().length;
    expect(before).toBeGreaterThan(8);
    const uncleanable = activeBase(log);
    await cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0));
    // The first pass rewrites segment by segment (each was full); most come out nearly empty.
    const afterFirst = log.inactiveSegments().length;
    expect(afterFirst).toBe(before);
    // The next pass groups them: only four records remain below the active segment.
    await cleanLog(log, { ...cleanableRange(log, uncleanable, T0) }, settings(() => T0));
    expect(log.inactiveSegments().map((s) => s.baseOffset)).toEqual([0n]);
    expect(readRecords(log)).toEqual(compacted(written, uncleanable, false));
    expect(readdirSync(dir).filter((n) => n.endsWith('.log'))).toHaveLength(2);
    log.close();
  });

  it('reads batches larger than one read slice (64 KiB) whole', async () => {
    const dir = tmp();
    const log = openLog(dir, config({ 'segment.bytes': 1 << 20, 'cleanup.policy': ['compact'] }));
    const written: Rec[] = [];
    for (let i = 0; i < 30; i++) written.push(...append(log, [[`k${i % 3}`, String(i).repeat(100_000)]]));
    const uncleanable = activeBase(log);
    await cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0));
    expect(readRecords(log)).toEqual(compacted(written, uncleanable, false));
    log.close();
  });

  it('measures the dirty ratio as dirty bytes over cleanable bytes', async () => {
    const dir = tmp();
    const log = openLog(dir, config(small));
    for (let i = 0; i < 30; i++) append(log, [[`k${i % 2}`, 'x'.repeat(100)]]);
    const segments = log.inactiveSegments();
    const total = segments.reduce((n, s) => n + s.size, 0);
    expect(cleanableRange(log, undefined, T0)).toMatchObject({ cleanBytes: 0, dirtyBytes: total, ratio: 1 });
    const mid = segments[2]!.baseOffset;
    const clean = segments.slice(0, 2).reduce((n, s) => n + s.size, 0);
    expect(cleanableRange(log, mid, T0)).toMatchObject({ firstDirtyOffset: mid, cleanBytes: clean, dirtyBytes: total - clean, ratio: (total - clean) / total });
    log.close();
  });

  it('ends a pass early when the dedupe buffer holds fewer keys than the dirty section has, and finishes the job in later passes', async () => {
    const dir = tmp();
    const log = openLog(dir, config(small));
    const written: Rec[] = [];
    for (let i = 0; i < 60; i++) written.push(...append(log, [[`k${i % 20}`, `${i}`.padStart(80, '-')]]));
    const uncleanable = activeBase(log);
    // 24 bytes a key at 90% load: room for 9 keys.
    const tinyMap = settings(() => T0, 240);
    let checkpoint: bigint | undefined;
    for (let pass = 0; pass < 20 && checkpoint !== uncleanable; pass++) {
      const result = await cleanLog(log, cleanableRange(log, checkpoint, T0), tinyMap);
      expect(result!.firstDirtyOffset).toBeGreaterThan(checkpoint ?? 0n);
      checkpoint = result!.firstDirtyOffset;
    }
    expect(checkpoint).toBe(uncleanable);
    expect(readRecords(log)).toEqual(compacted(written, uncleanable, false));
    log.close();
  });

  it('refuses keyless records on a compacted topic with one record error each', () => {
    const dir = tmp();
    const log = openLog(dir, config(small));
    const batch = encodeRecordBatch(
      [
        { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 1n },
        { key: null, value: Buffer.from('2'), timestamp: 1n },
        { key: null, value: Buffer.from('3'), timestamp: 1n },
      ],
      { compression: 'gzip' },
    );
    let error: unknown;
    try {
      log.append(batch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordValidationError);
    const e = error as RecordValidationError;
    expect(e.kafkaError).toBe('INVALID_RECORD');
    expect(e.recordErrors.map((r) => r.batchIndex)).toEqual([1, 2]);
    expect(e.message).toBe(
      "One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='Compacted topic cannot accept message without key in topic partition t-0'), RecordError(batchIndex=2, message='Compacted topic cannot accept message without key in topic partition t-0')]",
    );
    expect(log.logEndOffset).toBe(0n);
    // The same batch is fine on a topic that is not compacted.
    const plain = openLog(tmp(), config({ 'cleanup.policy': ['delete'] }));
    expect(plain.append(batch).baseOffset).toBe(0n);
    plain.close();
    log.close();
  });
});

describe('cleaning alongside appends and reads', () => {
  const tmp = useTmpDirs();

  it('keeps fetches consistent and appends flowing while a pass runs', async () => {
    const dir = tmp();
    const log = openLog(dir, config(small));
    const written: Rec[] = [];
    for (let i = 0; i < 200; i++) written.push(...append(log, [[`k${i % 25}`, `${i}`.padStart(40, '-')]]));
    const uncleanable = activeBase(log);
    let done = false;
    const pass = cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0)).finally(() => (done = true));
    let reads = 0;
    let appendsDuringPass = 0;
    // Between the pass's slices: append, then read everything and check it against both views.
    while (!done) {
      written.push(...append(log, [[`k${reads % 25}`, `late-${reads}`]]));
      appendsDuringPass++;
      const seen = readRecords(log);
      const offsets = seen.map((r) => r.offset);
      expect(new Set(offsets).size).toBe(offsets.length);
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
      // Whatever mix of old and cleaned segments a read meets, the latest value per key is the same.
      expect(new Map(seen.map((r) => [r.key, r.value]))).toEqual(new Map(written.map((r) => [r.key, r.value])));
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await pass;
    expect(appendsDuringPass).toBeGreaterThan(3);
    expect(readRecords(log)).toEqual(compacted(written, uncleanable, false));
    log.close();
  });
});

describe('a crash in the middle of a swap', () => {
  const tmp = useTmpDirs();

  /** A log of small segments, closed; written records returned. */
  function writeLog(dir: string): Rec[] {
    const log = openLog(dir, config(small));
    const written: Rec[] = [];
    for (let i = 0; i < 50; i++) written.push(...append(log, [[`k${i % 7}`, `${i}`.padStart(60, '-')], [`k${(i * 3) % 7}`, `${i}`]]));
    log.close();
    return written;
  }

  function copyDir(from: string, to: string): void {
    for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
  }

  it('loses nothing and duplicates nothing at any step', async () => {
    const original = tmp();
    const written = writeLog(original);
    // Cleaned with a segment.bytes that lets every inactive segment go into one cleaned segment.
    const big = config({ ...small, 'segment.bytes': 1 << 20 });
    const cleanedDir = tmp();
    copyDir(original, cleanedDir);
    const log = openLog(cleanedDir, big, { cleanShutdown: true });
    const oldBases = log.inactiveSegments().map((s) => s.baseOffset);
    expect(oldBases.length).toBeGreaterThan(3);
    const uncleanable = activeBase(log);
    await cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0));
    expect(log.inactiveSegments().map((s) => s.baseOffset)).toEqual([0n]);
    log.close();
    const before = written;
    const after = compacted(written, uncleanable, false);
    const base = filenamePrefixFromOffset(0n);
    const files = ['.log', '.index', '.timeindex'];

    /** The original directory with the cleaned segment's files put in as `suffix`. */
    function crashState(suffix: string): string {
      const dir = tmp();
      copyDir(original, dir);
      for (const f of files) copyFileSync(join(cleanedDir, base + f), join(dir, base + f + suffix));
      return dir;
    }
    const states: Array<[string, string, Rec[]]> = [];
    states.push(['cleaned files written', crashState(CLEANED_SUFFIX), before]);
    states.push(['renamed to .swap', crashState(SWAP_SUFFIX), after]);
    const someDeleted = crashState(SWAP_SUFFIX);
    for (const b of oldBases.slice(1, 3)) for (const f of files) rmSync(join(someDeleted, filenamePrefixFromOffset(b) + f));
    states.push(['some old segments deleted', someDeleted, after]);
    const indexesIn = crashState(SWAP_SUFFIX);
    for (const b of oldBases.slice(1)) for (const f of files) rmSync(join(indexesIn, filenamePrefixFromOffset(b) + f));
    for (const f of ['.index', '.timeindex']) renameSync(join(indexesIn, base + f + SWAP_SUFFIX), join(indexesIn, base + f));
    states.push(['indexes renamed, log not yet', indexesIn, after]);

    for (const [step, dir, expected] of states) {
      for (const cleanShutdown of [false, true]) {
        const run = tmp();
        copyDir(dir, run);
        const reloaded = openLog(run, config(small), { cleanShutdown });
        expect(readRecords(reloaded), `${step}, clean shutdown ${cleanShutdown}`).toEqual(expected);
        expect(readdirSync(run).filter((n) => n.endsWith(SWAP_SUFFIX) || n.endsWith(CLEANED_SUFFIX)), step).toEqual([]);
        reloaded.close();
      }
    }
    expect(existsSync(join(cleanedDir, base + '.log'))).toBe(true);
  });
});

describe('cleaning while the log changes under the pass', () => {
  const tmp = useTmpDirs();
  const both: Partial<LogConfig> = { ...small, 'cleanup.policy': ['compact', 'delete'] };

  function filled(dir: string): PartitionLog {
    const log = openLog(dir, config(both));
    for (let i = 0; i < 60; i++) append(log, [[`k${i % 7}`, `${i}`.padStart(80, '-')]]);
    return log;
  }

  it('gives up, without an error, when retention deletes segments the pass is reading', async () => {
    const log = filled(tmp());
    const bases = log.segmentBaseOffsets();
    expect(bases.length).toBeGreaterThan(4);
    const pass = cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0));
    log.incrementLogStartOffset(bases[3]!);
    expect(log.deleteOldSegments(T0).segments).toHaveLength(3);
    expect(await pass).toBeNull();
    expect(log.logStartOffset).toBe(bases[3]);
    expect(readAllBatches(log).length).toBeGreaterThan(0);
    log.close();
  });

  it('gives up once the log is closed, and never touches a directory created again under its name', async () => {
    const dir = tmp();
    const log = filled(dir);
    const pass = cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0));
    // The topic deleted and created again: the old directory goes, a new one takes its name.
    log.close({ flush: false });
    renameSync(dir, dir + '-delete');
    rmSync(dir + '-delete', { recursive: true });
    const again = openLog(dir, config(both));
    expect(await pass).toBeNull();
    expect(readdirSync(dir).filter((f) => f.endsWith(CLEANED_SUFFIX) || f.endsWith(SWAP_SUFFIX))).toEqual([]);
    again.close();
  });

  it('reports a disk failure as KAFKA_STORAGE_ERROR with the cause', async () => {
    const log = filled(tmp());
    rmSync(log.inactiveSegments()[1]!.logPath);
    const error = await cleanLog(log, cleanableRange(log, undefined, T0), settings(() => T0)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kafkaError).toBe('KAFKA_STORAGE_ERROR');
    expect(((error as StorageError).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    log.close({ flush: false });
  });
});
