import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogConfig } from '../../src/storage/log-config.js';
import { indexFilePath, logFilePath, timeIndexFilePath } from '../../src/storage/log-files.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { config, makeBatch, modelBatch, openLog, readAllBatches, useTmpDirs, type ModelBatch } from './helpers.js';

const CFG: LogConfig = config({ 'segment.bytes': 1500, 'index.interval.bytes': 150 });

/** A log of `n` batches spread over several segments, and the model of what it holds. */
function build(dir: string, n = 40): { log: PartitionLog; model: ModelBatch[] } {
  const log = openLog(dir, CFG);
  const model: ModelBatch[] = [];
  for (let i = 0; i < n; i++) {
    const b = makeBatch(1 + (i % 4), { ts: 1_000_000n + BigInt(i * 10), valueSize: 20 + ((i * 37) % 90), compression: i % 5 === 0 ? 'gzip' : 'none', tag: i });
    log.append(b);
    model.push(modelBatch(b));
  }
  return { log, model };
}

function segmentBases(dir: string): bigint[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => BigInt(f.slice(0, 20)))
    .sort((a, b) => (a < b ? -1 : 1));
}

/** Byte position of each model batch inside its segment file. */
function layout(dir: string, model: ModelBatch[]): Array<{ base: bigint; segment: bigint; position: number; size: number }> {
  const bases = segmentBases(dir);
  const out = [];
  let segment = -1n;
  let position = 0;
  for (const b of model) {
    const s = bases.filter((x) => x <= b.base).pop()!;
    if (s !== segment) [segment, position] = [s, 0];
    out.push({ base: b.base, segment, position, size: b.bytes.length });
    position += b.bytes.length;
  }
  return out;
}

/** The log holds exactly the model's first `n` batches and accepts appends right after them. */
function expectPrefix(log: PartitionLog, model: ModelBatch[], n: number): void {
  expect(readAllBatches(log)).toEqual(model.slice(0, n).map((b) => b.bytes));
  const end = n === 0 ? 0n : model[n - 1]!.last + 1n;
  expect(log.logEndOffset).toBe(end);
  expect(log.highWatermark).toBe(end);
  for (const b of model.slice(0, n)) expect(log.offsetForTimestamp(b.timestamps[0]!)?.offset).toBeLessThanOrEqual(b.base);
  expect(log.append(makeBatch(2)).baseOffset).toBe(end);
}

describe('loading and recovering a partition directory', () => {
  const tmp = useTmpDirs();

  it('reopens a cleanly closed log as it was, trusting its indexes', () => {
    const dir = tmp();
    const { log, model } = build(dir);
    const bases = log.segmentBaseOffsets();
    expect(bases.length).toBeGreaterThan(3);
    log.close();
    const reopened = openLog(dir, CFG, { cleanShutdown: true });
    expect(reopened.segmentBaseOffsets()).toEqual(bases);
    expect(reopened.recoveryPoint).toBe(reopened.logEndOffset);
    expectPrefix(reopened, model, model.length);
    reopened.close();
  });

  it('truncates a .log cut in the middle of its last batch (crash)', () => {
    const dir = tmp();
    const { model } = build(dir);
    const last = layout(dir, model).pop()!;
    truncateSync(logFilePath(dir, last.segment), last.position + Math.floor(last.size / 2));
    const log = openLog(dir, CFG);
    expectPrefix(log, model, model.length - 1);
    log.close();
  });

  it('drops garbage appended after the last batch (crash)', () => {
    for (const garbage of [Buffer.alloc(100), Buffer.alloc(100, 0xab), Buffer.from('0000000000000000ffffff', 'hex')]) {
      const dir = tmp();
      const { model } = build(dir);
      const active = logFilePath(dir, segmentBases(dir).pop()!);
      const size = statSync(active).size;
      appendFileSync(active, garbage);
      const log = openLog(dir, CFG);
      expect(statSync(active).size).toBe(size);
      expectPrefix(log, model, model.length);
      log.close();
    }
  });

  it('keeps everything before a corrupt batch in a middle segment and nothing after (crash)', () => {
    const dir = tmp();
    const { model } = build(dir);
    const bases = segmentBases(dir);
    const middle = bases[Math.floor(bases.length / 2)]!;
    const inMiddle = layout(dir, model).filter((b) => b.segment === middle);
    const victim = inMiddle[Math.floor(inMiddle.length / 2)]!;
    const path = logFilePath(dir, middle);
    const bytes = readFileSync(path);
    bytes[victim.position + 40]! ^= 0x10; // inside maxTimestamp: covered by the CRC
    writeFileSync(path, bytes);

    const log = openLog(dir, CFG);
    expect(segmentBases(dir)).toEqual(bases.filter((b) => b <= middle));
    expectPrefix(log, model, model.findIndex((b) => b.base === victim.base));
    log.close();
  });

  for (const file of ['index', 'timeindex'] as const) {
    for (const damage of ['zero', 'truncate', 'delete', 'garbage'] as const) {
      // After a crash, segments below the recovery point are not re-validated but still get
      // the index sanity check, and a rebuild when it fails.
      for (const shutdown of ['clean', 'crashed', 'crashed (recovery point at the active segment)'] as const) {
        const clean = shutdown === 'clean';
        it(`rebuilds ${damage === 'delete' ? 'deleted' : damage === 'zero' ? 'zeroed' : damage === 'truncate' ? 'truncated' : 'garbage-filled'} .${file} files after a ${shutdown} shutdown`, () => {
          const dir = tmp();
          const { log, model } = build(dir);
          if (clean) log.close();
          const recoveryPoint = shutdown === 'crashed' ? 0n : log.segmentBaseOffsets().pop()!;
          const pathOf = file === 'index' ? indexFilePath : timeIndexFilePath;
          const bases = segmentBases(dir);
          const original = bases.map((b) => readFileSync(pathOf(dir, b)));
          expect(original.slice(0, -1).every((b) => b.length > 0)).toBe(true);
          for (const b of bases) {
            const path = pathOf(dir, b);
            const size = statSync(path).size;
            if (damage === 'zero') writeFileSync(path, Buffer.alloc(size));
            else if (damage === 'truncate') truncateSync(path, Math.floor(size / 2));
            else if (damage === 'delete') rmSync(path);
            else writeFileSync(path, Buffer.alloc(size, 0x7f));
          }
          const reopened = openLog(dir, CFG, { cleanShutdown: clean, recoveryPoint });
          expectPrefix(reopened, model, model.length);
          // Rebuilt from the .log by the same rule the appends followed. After a crash the
          // active segment's time index also gains the final max-timestamp entry.
          const rebuilt = bases.map((b) => readFileSync(pathOf(dir, b)));
          const compared = clean || file === 'index' ? bases.length : bases.length - 1;
          expect(rebuilt.slice(0, compared)).toEqual(original.slice(0, compared));
          reopened.close();
        });
      }
    }
  }

  it('removes leftover temporary files and index files without a .log', () => {
    const dir = tmp();
    const { log } = build(dir, 5);
    log.close();
    const junk = ['00000000000000000000.log.cleaned', '00000000000000000000.log.swap', '00000000000000000003.log.deleted', 'partition.metadata.tmp', '00000000000000009999.index', '00000000000000009999.timeindex'];
    for (const f of junk) writeFileSync(join(dir, f), 'x');
    openLog(dir, CFG, { cleanShutdown: true }).close();
    for (const f of junk) expect(existsSync(join(dir, f))).toBe(false);
  });

  it('does not re-validate segments below the recovery point after a crash', () => {
    const dir = tmp();
    const { model } = build(dir);
    const bases = segmentBases(dir);
    const path = logFilePath(dir, bases[0]!);
    const bytes = readFileSync(path);
    bytes[40]! ^= 0x10;
    writeFileSync(path, bytes);
    const log = openLog(dir, CFG, { recoveryPoint: bases[1]! });
    expect(log.logEndOffset).toBe(model[model.length - 1]!.last + 1n);
    log.close();
  });

  it('starts empty at the checkpointed log start offset when the log ends before it', () => {
    const dir = tmp();
    build(dir, 3);
    const log = openLog(dir, CFG, { logStartOffset: 500n });
    expect(log.logStartOffset).toBe(500n);
    expect(log.logEndOffset).toBe(500n);
    expect(segmentBases(dir)).toEqual([500n]);
    expect(log.append(makeBatch(1)).baseOffset).toBe(500n);
    log.close();
  });

  it('creates an empty first segment in an empty directory', () => {
    const dir = tmp();
    const log = openLog(join(dir, 'new-0'), CFG);
    expect(log.logEndOffset).toBe(0n);
    expect(readdirSync(join(dir, 'new-0')).sort()).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);
    log.close();
  });
});
