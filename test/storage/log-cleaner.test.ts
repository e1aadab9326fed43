import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { cleanableRange } from '../../src/storage/cleaner/cleaner.js';
import { CLEANER_OFFSET_CHECKPOINT_FILE, LogCleaner } from '../../src/storage/cleaner/log-cleaner.js';
import { loadPartitionLog } from '../../src/storage/log-loader.js';
import type { PartitionLog } from '../../src/storage/log.js';
import { config, useTmpDirs } from './helpers.js';

function openNamed(logDir: string, topic: string, compact = true): PartitionLog {
  return loadPartitionLog({
    dir: join(logDir, `${topic}-0`),
    topic,
    partition: 0,
    topicId: null,
    config: config({ 'segment.bytes': 1500, 'cleanup.policy': compact ? ['compact'] : ['delete'] }),
    cleanShutdown: true,
    recoveryPoint: 0n,
    logStartOffset: 0n,
    clock: Date.now,
  });
}

function fill(log: PartitionLog, records: number, keys: number): void {
  for (let i = 0; i < records; i++) log.append(encodeRecordBatch([{ key: Buffer.from(`k${i % keys}`), value: Buffer.alloc(60, i), timestamp: 1n }]));
}

describe('LogCleaner', () => {
  const tmp = useTmpDirs();

  it('cleans the dirtiest compacted log first, skips logs below their ratio and logs that are not compacted, and checkpoints', async () => {
    const dir = tmp();
    const a = openNamed(dir, 'a');
    const b = openNamed(dir, 'b');
    const plain = openNamed(dir, 'plain', false);
    fill(a, 100, 5);
    fill(b, 100, 100);
    fill(plain, 100, 5);
    const logs = [plain, a, b];
    const cleaner = new LogCleaner({ config: { enable: true, backoffMs: 10, dedupeBufferSize: 1 << 20 }, logDirs: [dir], logs: () => logs });
    // Both are wholly dirty (ratio 1); the first found goes first.
    expect(await cleaner.cleanFilthiestLog()).toBe(true);
    expect(cleaner.checkpointOf(a)).toBe(a.segmentBaseOffsets().at(-1));
    expect(cleaner.checkpointOf(b)).toBeUndefined();
    expect(await cleaner.cleanFilthiestLog()).toBe(true);
    expect(cleaner.checkpointOf(b)).toBe(b.segmentBaseOffsets().at(-1));
    expect(await cleaner.cleanFilthiestLog()).toBe(false);
    expect(cleaner.checkpointOf(plain)).toBeUndefined();
    expect(readFileSync(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE), 'utf8')).toBe(`0\n2\na 0 ${cleaner.checkpointOf(a)}\nb 0 ${cleaner.checkpointOf(b)}\n`);
    // A little more data in b: its dirty ratio is below 0.5, so nothing is cleaned.
    fill(b, 20, 100);
    expect(await cleaner.cleanFilthiestLog()).toBe(false);
    // Much more in b: it is dirty enough again.
    fill(b, 300, 100);
    expect(await cleaner.cleanFilthiestLog()).toBe(true);
    expect(cleaner.checkpointOf(b)).toBe(b.segmentBaseOffsets().at(-1));
    // Both dirty again, to different degrees: the higher ratio goes first.
    fill(a, 200, 5);
    fill(b, 150, 100);
    const ratio = (log: PartitionLog) => cleanableRange(log, cleaner.checkpointOf(log), Date.now()).ratio;
    const [first, second] = ratio(a) > ratio(b) ? [a, b] : [b, a];
    expect(ratio(first)).not.toBe(ratio(second));
    const secondBefore = cleaner.checkpointOf(second);
    expect(await cleaner.cleanFilthiestLog()).toBe(true);
    expect(cleaner.checkpointOf(first)).toBe(first.segmentBaseOffsets().at(-1));
    expect(cleaner.checkpointOf(second)).toBe(secondBefore);
    for (const log of logs) log.close();
  });

  it('runs on its own once started, and stop() ends the loop', async () => {
    const dir = tmp();
    const a = openNamed(dir, 'a');
    fill(a, 100, 5);
    const cleaner = new LogCleaner({ config: { enable: true, backoffMs: 5, dedupeBufferSize: 1 << 20 }, logDirs: [dir], logs: () => [a] });
    cleaner.start();
    const deadline = Date.now() + 10_000;
    while (cleaner.checkpointOf(a) === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cleaner.checkpointOf(a)).toBe(a.segmentBaseOffsets().at(-1));
    await cleaner.stop();
    fill(a, 300, 5);
    expect(await cleaner.cleanFilthiestLog()).toBe(false);
    a.close();
  });

  it('cleans a log only when its dirty ratio exceeds min.cleanable.dirty.ratio (AK grabFilthiestCompactedLog)', async () => {
    const dir = tmp();
    const a = openNamed(dir, 'a');
    fill(a, 100, 5);
    const cleaner = new LogCleaner({ config: { enable: true, backoffMs: 10, dedupeBufferSize: 1 << 20 }, logDirs: [dir], logs: () => [a] });
    const ratio = cleanableRange(a, undefined, Date.now()).ratio;
    a.updateConfig({ ...a.config, 'min.cleanable.dirty.ratio': ratio });
    expect(await cleaner.cleanFilthiestLog()).toBe(false);
    a.updateConfig({ ...a.config, 'min.cleanable.dirty.ratio': ratio - 0.01 });
    expect(await cleaner.cleanFilthiestLog()).toBe(true);
    a.close();
  });

  it('names the log it is cleaning, and stop() resolves only once the pass in flight has given up and removed its files', async () => {
    const dir = tmp();
    const a = openNamed(dir, 'a');
    fill(a, 300, 50);
    const cleaner = new LogCleaner({ config: { enable: true, backoffMs: 10, dedupeBufferSize: 1 << 20 }, logDirs: [dir], logs: () => [a] });
    expect(cleaner.cleaning).toBeNull();
    let settled = false;
    const pass = cleaner.cleanFilthiestLog().finally(() => (settled = true));
    // Into the pass, past its first slices.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(cleaner.cleaning).toBe(a);
    await cleaner.stop();
    expect(settled).toBe(true);
    expect(await pass).toBe(false);
    expect(cleaner.cleaning).toBeNull();
    expect(readdirSync(a.dir).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))).toEqual([]);
    a.close();
  });
});
