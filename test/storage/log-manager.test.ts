import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/storage/errors.js';
import { CLEAN_SHUTDOWN_FILE, LogManager } from '../../src/storage/log-manager.js';
import { config, makeBatch, modelBatch, readAllBatches, useTmpDirs, type ModelBatch } from './helpers.js';

const TOPIC_ID = Buffer.from('916ddb665d7242161d0d99e14b406c6f', 'hex');
const CFG = config({ 'segment.bytes': 1200, 'index.interval.bytes': 100 });

function fill(manager: LogManager, topic: string, partitions: number, batches: number): Map<string, ModelBatch[]> {
  const models = new Map<string, ModelBatch[]>();
  for (let p = 0; p < partitions; p++) {
    const log = manager.getLog(topic, p) ?? manager.createLog(topic, p, TOPIC_ID, CFG);
    const model: ModelBatch[] = [];
    for (let i = 0; i < batches; i++) {
      const b = makeBatch(1 + (i % 3), { tag: i + p, valueSize: 40 });
      log.append(b);
      model.push(modelBatch(b));
    }
    models.set(`${topic}-${p}`, model);
  }
  return models;
}

function expectContents(manager: LogManager, models: Map<string, ModelBatch[]>): void {
  for (const [name, model] of models) {
    const [, topic, partition] = /^(.*)-(\d+)$/.exec(name)!;
    const log = manager.getLog(topic!, Number(partition))!;
    expect(log, name).toBeDefined();
    expect(readAllBatches(log)).toEqual(model.map((b) => b.bytes));
  }
}

describe('LogManager', () => {
  const tmp = useTmpDirs();
  const open = (dirs: string[]): LogManager => LogManager.open({ logDirs: dirs, defaults: CFG, configFor: () => CFG });

  it('creates partitions in the log dir holding the fewest, with Kafka partition.metadata', () => {
    const [a, b] = [tmp(), tmp()];
    const manager = open([a, b]);
    for (let p = 0; p < 5; p++) manager.createLog('my-topic', p, TOPIC_ID, CFG);
    expect(readdirSync(a).filter((d) => d.startsWith('my-topic')).length).toBe(3);
    expect(readdirSync(b).filter((d) => d.startsWith('my-topic')).length).toBe(2);
    expect(readFileSync(join(a, 'my-topic-0', 'partition.metadata'), 'utf8')).toBe('version: 0\ntopic_id: kW3bZl1yQhYdDZnhS0Bsbw');
    expect(manager.getLog('my-topic', 4)!.topicId).toEqual(TOPIC_ID);
    expect([...manager.logs()].map((l) => `${l.topic}-${l.partition}`).sort()).toEqual(['my-topic-0', 'my-topic-1', 'my-topic-2', 'my-topic-3', 'my-topic-4']);
    expect(() => manager.createLog('my-topic', 0, TOPIC_ID, CFG)).toThrow(StorageError);
    manager.close();
  });

  it('reopens after a clean close: checkpoints and marker written, marker removed on open', () => {
    const [a, b] = [tmp(), tmp()];
    const manager = open([a, b]);
    const models = fill(manager, 't-x', 3, 30);
    manager.close();
    expect(existsSync(join(a, CLEAN_SHUTDOWN_FILE))).toBe(true);
    const ends = [...models.values()].map((m) => m[m.length - 1]!.last + 1n);
    const checkpoint = readFileSync(join(a, 'recovery-point-offset-checkpoint'), 'utf8');
    expect(checkpoint).toBe(`0\n2\nt-x 0 ${ends[0]}\nt-x 2 ${ends[2]}\n`);
    expect(readFileSync(join(b, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n1\nt-x 1 0\n');

    const reopened = open([a, b]);
    expect(existsSync(join(a, CLEAN_SHUTDOWN_FILE))).toBe(false);
    expectContents(reopened, models);
    expect(reopened.getLog('t-x', 0)!.recoveryPoint).toBe(ends[0]);
    expect(reopened.getLog('t-x', 1)!.topicId).toEqual(TOPIC_ID);
    // New partitions still balance across dirs after reopening.
    reopened.createLog('other', 0, TOPIC_ID, CFG);
    expect(existsSync(join(b, 'other-0'))).toBe(true);
    reopened.close();
  });

  it('recovers after a crash (no close): torn tails truncated, everything acknowledged kept', () => {
    const dir = tmp();
    const manager = open([dir]);
    const models = fill(manager, 'crashy', 2, 25);
    // Simulate a torn write on partition 1: half a batch beyond the acknowledged data.
    const p1 = manager.getLog('crashy', 1)!;
    const active = join(p1.dir, readdirSync(p1.dir).filter((f) => f.endsWith('.log')).sort().pop()!);
    writeFileSync(active, Buffer.concat([readFileSync(active), makeBatch(5).subarray(0, 30)]));

    const reopened = open([dir]);
    expectContents(reopened, models);
    expect(reopened.getLog('crashy', 0)!.recoveryPoint).toBe(0n);
    // Appends continue where the acknowledged data ended.
    const model = models.get('crashy-1')!;
    expect(reopened.getLog('crashy', 1)!.append(makeBatch(1)).baseOffset).toBe(model[model.length - 1]!.last + 1n);
    reopened.close();
  });

  it('deletes a partition by renaming its directory to -delete, then removing it', () => {
    const dir = tmp();
    const manager = open([dir]);
    fill(manager, 'gone', 2, 3);
    fill(manager, 'kept', 1, 3);
    expect(manager.deleteLogs('gone')).toBe(2);
    expect(manager.deleteLog('gone', 0)).toBe(false);
    expect(manager.getLog('gone', 0)).toBeUndefined();
    expect(readdirSync(dir).filter((d) => !d.startsWith('.') && !d.includes('checkpoint'))).toEqual(['kept-0']);
    manager.close();
  });

  it('finishes an interrupted deletion and ignores directories that are not partitions', () => {
    const dir = tmp();
    const doomed = join(dir, 'old-0.0123456789abcdef0123456789abcdef-delete');
    mkdirSync(doomed);
    writeFileSync(join(doomed, '00000000000000000000.log'), 'x');
    mkdirSync(join(dir, 'lost+found'));
    const manager = open([dir]);
    expect(existsSync(doomed)).toBe(false);
    expect([...manager.logs()]).toEqual([]);
    manager.close();
  });

  it('loads logs with the config configFor gives, or the defaults', () => {
    const dir = tmp();
    const first = open([dir]);
    first.createLog('lat', 0, TOPIC_ID, CFG);
    first.createLog('plain', 0, TOPIC_ID, CFG);
    first.close();
    const special = config({ 'message.timestamp.type': 'LogAppendTime' });
    const manager = LogManager.open({ logDirs: [dir], defaults: CFG, configFor: (t) => (t === 'lat' ? special : undefined), clock: () => 42 });
    expect(manager.getLog('lat', 0)!.append(makeBatch(1)).logAppendTime).toBe(42n);
    expect(manager.getLog('plain', 0)!.append(makeBatch(1)).logAppendTime).toBe(-1n);
    manager.close();
  });

  it('refuses the same partition in two log dirs', () => {
    const [a, b] = [tmp(), tmp()];
    mkdirSync(join(a, 'dup-0'));
    mkdirSync(join(b, 'dup-0'));
    expect(() => open([a, b])).toThrow(/dup-0 is in two log dirs/);
  });
});
