// The broker's storage timers: the flusher (log.flush.scheduler.interval.ms) fsyncs a topic whose
// flush.ms has passed and leaves the others, and the recovery-point checkpoint
// (log.flush.offset.checkpoint.interval.ms) writes down where each log's recovery point got to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Admin, Producer } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

describe('flush.ms and the recovery-point checkpoint', () => {
  let t: TestBroker | undefined;
  afterAll(() => t?.close());

  it('flushes the topic whose flush.ms passed, not the one whose has not, and checkpoints both', async () => {
    t = await startTestBroker({
      'log.flush.scheduler.interval.ms': '20',
      'log.flush.interval.ms': '3600000',
      'log.flush.offset.checkpoint.interval.ms': '20',
    });
    const admin = new Admin({ bootstrapServers: [t.bootstrap] });
    await admin.createTopics([
      { name: 'timed', numPartitions: 1, configs: { 'flush.ms': '50' } },
      { name: 'hourly', numPartitions: 1 },
    ]);
    await admin.close();
    const producer = new Producer({ bootstrapServers: [t.bootstrap], acks: -1 });
    for (const topic of ['timed', 'hourly']) {
      for (let i = 0; i < 5; i++) await producer.send({ topic, partition: 0, value: `v${i}` });
    }
    await producer.close();
    const file = join(t.dir, 'recovery-point-offset-checkpoint');
    const deadline = Date.now() + 10_000;
    const read = (): string => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    while (!read().includes('timed 0 5\n')) {
      if (Date.now() > deadline) throw new Error(`checkpoint never showed timed at 5: ${JSON.stringify(read())}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(read()).toContain('hourly 0 0\n');
  });
});
