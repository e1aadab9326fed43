// Flushing and the recovery point: a roll fsyncs the closed segment in the background and moves
// the recovery point to the new segment's base; flush.messages and flush.ms move it to the log
// end; the manager checkpoints recovery points, and an unclean start re-validates only the
// segments from the checkpointed recovery point on.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import type { LogConfig } from '../../src/storage/log-config.js';
import { logFilePath } from '../../src/storage/log-files.js';
import { CLEAN_SHUTDOWN_FILE, LogManager, RECOVERY_POINT_CHECKPOINT_FILE } from '../../src/storage/log-manager.js';
import { LogSegment } from '../../src/storage/log-segment.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { config, makeBatch, modelBatch, openLog, readAllBatches, useTmpDirs, type ModelBatch } from './helpers.js';

const TOPIC_ID = Buffer.from('916ddb665d7242161d0d99e14b406c6f', 'hex');
const CFG: LogConfig = config({ 'segment.bytes': 1200, 'index.interval.bytes': 100 });

/** Polls `condition` (a background fsync completing) until it holds or 5 s pass. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function fill(log: PartitionLog, n: number, model: ModelBatch[] = []): ModelBatch[] {
  for (let i = 0; i < n; i++) {
    const b = makeBatch(1 + (i % 3), { tag: i, valueSize: 40 });
    log.append(b);
    model.push(modelBatch(b));
  }
  return model;
}

const lastBase = (log: PartitionLog): bigint => log.segmentBaseOffsets().pop()!;

describe('recovery point and flush policy', () => {
  const tmp = useTmpDirs();

  it('moves the recovery point to the base of each new segment once the rolled ones are fsynced', async () => {
    const log = openLog(tmp(), CFG);
    fill(log, 5);
    expect(log.segmentBaseOffsets().length).toBe(1);
    expect(log.recoveryPoint).toBe(0n);
    fill(log, 40);
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(3);
    await until(() => log.recoveryPoint === lastBase(log));
    // The active segment is not flushed by a roll: the recovery point stays below the log end.
    expect(log.recoveryPoint).toBeLessThan(log.logEndOffset);
    log.close();
  });

  it('flush.messages fsyncs synchronously once that many messages are unflushed', () => {
    const log = openLog(tmp(), config({ 'flush.messages': 4 }));
    log.append(makeBatch(3));
    expect(log.recoveryPoint).toBe(0n);
    log.append(makeBatch(1));
    expect(log.recoveryPoint).toBe(4n);
    log.append(makeBatch(5));
    expect(log.recoveryPoint).toBe(9n);
    log.close();
  });

  it('closing a log while a background flush is in flight waits for it before closing the files', async () => {
    const log = openLog(tmp(), CFG);
    fill(log, 20);
    const flushing = log.flushInBackground();
    log.close();
    await flushing;
    expect(log.recoveryPoint).toBe(log.logEndOffset);
  });

  it('flushDirtyLogs flushes the logs whose flush.ms has passed since their last flush, and no others', async () => {
    let now = 1_000_000;
    const manager = LogManager.open({ logDirs: [tmp()], defaults: CFG, clock: () => now });
    const timed = manager.createLog('timed', 0, TOPIC_ID, config({ ...CFG, 'flush.ms': 1000 }));
    const never = manager.createLog('never', 0, TOPIC_ID, CFG);
    fill(timed, 3);
    fill(never, 3);
    now += 999;
    await manager.flushDirtyLogs();
    expect(timed.recoveryPoint).toBe(0n);
    now += 1;
    await manager.flushDirtyLogs();
    expect(timed.recoveryPoint).toBe(timed.logEndOffset);
    expect(timed.lastFlushTime).toBe(now);
    expect(never.recoveryPoint).toBe(0n);
    // Counting starts again from that flush.
    fill(timed, 2);
    now += 500;
    await manager.flushDirtyLogs();
    expect(timed.recoveryPoint).toBeLessThan(timed.logEndOffset);
    now += 500;
    await manager.flushDirtyLogs();
    expect(timed.recoveryPoint).toBe(timed.logEndOffset);
    manager.close();
  });

  it('checkpoints recovery points only when they moved', async () => {
    const dir = tmp();
    const manager = LogManager.open({ logDirs: [dir], defaults: CFG });
    const log = manager.createLog('cp', 0, TOPIC_ID, CFG);
    const file = join(dir, RECOVERY_POINT_CHECKPOINT_FILE);
    manager.checkpointRecoveryPoints();
    expect(readFileSync(file, 'utf8')).toBe('0\n1\ncp 0 0\n');
    rmSync(file);
    manager.checkpointRecoveryPoints();
    expect(existsSync(file)).toBe(false);
    fill(log, 30);
    await until(() => log.recoveryPoint > 0n);
    manager.checkpointRecoveryPoints();
    expect(readFileSync(file, 'utf8')).toBe(`0\n1\ncp 0 ${log.recoveryPoint}\n`);
    manager.close();
  });

  it('after a crash re-validates only the segments from the checkpointed recovery point on', async () => {
    const dir = tmp();
    const manager = LogManager.open({ logDirs: [dir], defaults: CFG, configFor: () => CFG });
    const log = manager.createLog('rp', 0, TOPIC_ID, CFG);
    const model = fill(log, 60);
    const bases = log.segmentBaseOffsets();
    await until(() => log.recoveryPoint === bases[bases.length - 1]);
    manager.checkpointRecoveryPoints();
    // kill -9: no close, no clean-shutdown marker. Corrupt a byte (covered by the CRC) in the
    // first segment, below the recovery point: it is not re-validated, so it stays. The
    // torn tail of the active segment, above it, is found and truncated.
    const first = logFilePath(log.dir, bases[0]!);
    const bytes = readFileSync(first);
    bytes[40]! ^= 0x10;
    writeFileSync(first, bytes);
    const active = logFilePath(log.dir, bases[bases.length - 1]!);
    writeFileSync(active, Buffer.concat([readFileSync(active), makeBatch(4).subarray(0, 50)]));

    const reopened = LogManager.open({ logDirs: [dir], defaults: CFG, configFor: () => CFG });
    const again = reopened.getLog('rp', 0)!;
    expect(again.recoveryPoint).toBe(bases[bases.length - 1]);
    expect(again.logEndOffset).toBe(model[model.length - 1]!.last + 1n);
    expect(readFileSync(active).length).toBe(readAllBatches(again).filter((b) => b.readBigInt64BE(0) >= bases[bases.length - 1]!).reduce((n, b) => n + b.length, 0));
    expect(readdirSync(again.dir).filter((f) => f.endsWith('.log')).length).toBe(bases.length);
    reopened.close();
  });
});

describe('a failed fsync', () => {
  const tmp = useTmpDirs();

  it('takes the log offline: appends fail, the recovery point stays, and close leaves no clean-shutdown marker', async () => {
    const dir = tmp();
    const failures: string[] = [];
    const manager = LogManager.open({ logDirs: [dir], defaults: CFG, configFor: () => CFG, onLogFailure: (log, e) => failures.push(`${log.topic}-${log.partition}: ${e.kafkaError}`) });
    const log = manager.createLog('t', 0, TOPIC_ID, CFG);
    const model = fill(log, 10);
    await until(() => log.recoveryPoint === lastBase(log));
    const recoveryPoint = log.recoveryPoint;
    // The next roll's background fsync fails with EIO, as Linux reports a lost writeback once.
    const spy = vi.spyOn(LogSegment.prototype, 'flushAsync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    try {
      const bases = log.segmentBaseOffsets().length;
      while (log.segmentBaseOffsets().length === bases) fill(log, 1, model);
      await until(() => log.failed !== null);
    } finally {
      spy.mockRestore();
    }
    expect(failures).toEqual(['t-0: KAFKA_STORAGE_ERROR']);
    expect(() => log.append(makeBatch(1))).toThrow(StorageError);
    try {
      log.append(makeBatch(1));
    } catch (e) {
      expect((e as StorageError).kafkaError).toBe('KAFKA_STORAGE_ERROR');
    }
    // Later fsyncs succeed, but prove nothing about the pages the failed one lost.
    await expect(log.flushInBackground()).rejects.toThrow(StorageError);
    expect(() => log.flush()).toThrow(StorageError);
    expect(log.recoveryPoint).toBe(recoveryPoint);
    manager.close();
    expect(existsSync(join(dir, CLEAN_SHUTDOWN_FILE))).toBe(false);
    expect(readFileSync(join(dir, RECOVERY_POINT_CHECKPOINT_FILE), 'utf8')).toBe(`0\n1\nt 0 ${recoveryPoint}\n`);
    // The next start re-validates past the recovery point and has everything that was written.
    const reopened = LogManager.open({ logDirs: [dir], defaults: CFG, configFor: () => CFG });
    expect(readAllBatches(reopened.getLog('t', 0)!)).toEqual(model.map((b) => b.bytes));
    reopened.close();
  });
});
