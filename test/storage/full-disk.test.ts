// A full disk (ENOSPC on a small tmpfs): an append that cannot be written fails with
// KAFKA_STORAGE_ERROR and leaves no trace, in memory or on disk, even when it had written
// part of its batches; reads go on; appends succeed again once space is freed, at the next
// offset; and a restart after a crash finds exactly the acknowledged batches.
import { readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { StorageError } from '../../src/storage/errors.js';
import { logFilePath } from '../../src/storage/log-files.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { fillDisk, smallDisk, type SmallDisk } from '../helpers/tmpfs.js';
import { config, makeBatch, modelBatch, openLog, readAllBatches, splitBatches, type ModelBatch } from './helpers.js';

const PAGE = 4096;
const disk = await smallDisk(2 * 1024 * 1024);
// In-process, so only a tmpfs mounted here will do (test/integration/full-disk.test.ts can use a namespace).
const skip = 'reason' in disk ? disk.reason : disk.prefix.length > 0 ? 'no tmpfs can be mounted in this process' : null;
if (skip) {
  console.warn(`full-disk storage test skipped: ${skip}`);
  if (!('reason' in disk)) disk.release();
}

function appendError(log: PartitionLog, batch: Buffer): unknown {
  try {
    log.append(batch);
  } catch (e) {
    return e;
  }
  return null;
}

describe.skipIf(skip !== null)('an append on a full disk', () => {
  const tmpfs = disk as SmallDisk;
  afterAll(() => tmpfs.release());

  it('fails with KAFKA_STORAGE_ERROR, is undone whole, and the log carries on once space frees up', () => {
    const dir = join(tmpfs.dir, 'full-0');
    const cfg = config({ 'index.interval.bytes': 1000 });
    const log = openLog(dir, cfg);
    const model: ModelBatch[] = [];
    const ok = (b: Buffer): void => {
      log.append(b);
      model.push(modelBatch(b));
    };
    for (let i = 0; i < 5; i++) ok(makeBatch(3, { tag: i, valueSize: 300 }));
    const filler = join(tmpfs.dir, 'filler');
    fillDisk(filler);
    // Three free pages, less than the next append needs: its first batch is written, its second only in part.
    truncateSync(filler, statSync(filler).size - 3 * PAGE);
    const active = logFilePath(dir, 0n);
    const sizeBefore = statSync(active).size;
    const endBefore = log.logEndOffset;
    const big = Buffer.concat([0, 1, 2].map((i) => makeBatch(8, { tag: 10 + i, valueSize: 700 })));
    const e = appendError(log, big);
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).kafkaError).toBe('KAFKA_STORAGE_ERROR');
    expect((e as Error).message).toMatch(/ENOSPC/);
    expect(log.logEndOffset).toBe(endBefore);
    expect(log.highWatermark).toBe(endBefore);
    expect(statSync(active).size).toBe(sizeBefore);

    // Smaller appends fill what is left; the first that does not fit fails the same way.
    let failure: unknown = null;
    for (let i = 0; failure === null && i < 100; i++) {
      const b = makeBatch(2, { tag: 20 + i, valueSize: 500 });
      failure = appendError(log, b);
      if (failure === null) model.push(modelBatch(b));
    }
    expect((failure as StorageError).kafkaError).toBe('KAFKA_STORAGE_ERROR');
    // An idempotent batch that failed left no producer state: its retry is appended, not taken for a duplicate.
    const idempotent = encodeRecordBatch([{ key: null, value: Buffer.alloc(5000, 7), timestamp: 1n }], { producerId: 77n, producerEpoch: 0, baseSequence: 0 });
    expect((appendError(log, Buffer.from(idempotent)) as StorageError).kafkaError).toBe('KAFKA_STORAGE_ERROR');
    expect(log.producerState.get(77n)).toBeUndefined();
    // Reads are unaffected and see exactly the acknowledged batches.
    expect(readAllBatches(log)).toEqual(model.map((b) => b.bytes));
    expect(statSync(active).size).toBe(model.reduce((n, b) => n + b.bytes.length, 0));

    unlinkSync(filler);
    const retry = Buffer.from(idempotent);
    const result = log.append(retry);
    expect(result.duplicate).toBe(false);
    expect(result.baseOffset).toBe(model[model.length - 1]!.last + 1n);
    model.push(modelBatch(retry));
    log.append(big);
    for (const b of splitBatches(big)) model.push(modelBatch(b));
    expect(readAllBatches(log)).toEqual(model.map((b) => b.bytes));

    // kill -9 (no close): recovery finds exactly what was acknowledged, indexes included.
    const reopened = openLog(dir, cfg);
    expect(readAllBatches(reopened)).toEqual(model.map((b) => b.bytes));
    expect(readFileSync(active).length).toBe(model.reduce((n, b) => n + b.bytes.length, 0));
    for (const b of model) expect(reopened.offsetForTimestamp(b.timestamps[0]!)?.offset).toBeLessThanOrEqual(b.base);
    reopened.close();
    log.close();
  });
  it('recovers from failures at any point of a roll (producer snapshot, new segment files, index entries)', () => {
    const dir = join(tmpfs.dir, 'rolling-0');
    const cfg = config({ 'segment.bytes': 6000, 'index.interval.bytes': 500 });
    const log = openLog(dir, cfg);
    const model: ModelBatch[] = [];
    const filler = join(tmpfs.dir, 'filler-rolling');
    fillDisk(filler);
    // Free a few pages at a time: appends, rolls and their side files fail wherever the space runs out.
    let failures = 0;
    for (let round = 0; round < 8; round++) {
      truncateSync(filler, Math.max(0, statSync(filler).size - 6 * PAGE));
      for (let i = 0; i < 40; i++) {
        const b = encodeRecordBatch([{ key: null, value: Buffer.alloc(900, round * 40 + i), timestamp: BigInt(Date.now()) }], {
          producerId: 5n,
          producerEpoch: 0,
          baseSequence: model.length,
        });
        const e = appendError(log, b);
        if (e === null) model.push(modelBatch(b));
        else {
          expect((e as StorageError).kafkaError).toBe('KAFKA_STORAGE_ERROR');
          failures++;
        }
      }
      expect(readAllBatches(log)).toEqual(model.map((b) => b.bytes));
    }
    expect(failures).toBeGreaterThan(0);
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(3);
    unlinkSync(filler);
    const reopened = openLog(dir, cfg);
    expect(readAllBatches(reopened)).toEqual(model.map((b) => b.bytes));
    expect(reopened.producerState.get(5n)!.batches.at(-1)!.lastSeq).toBe(model.length - 1);
    reopened.close();
    log.close();
  });
});
