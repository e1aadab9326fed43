// Durability under kill -9: a broker process killed (SIGKILL) while a producer writes with
// acks=all, then restarted on the same log dir, still has every acknowledged record at the
// offset it was acknowledged with, has no record twice, and serves produce and fetch again.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { tempDir } from '../helpers/broker.js';

const dir = tempDir('mq-crash-');
let broker: BrokerProcess | undefined;
afterAll(async () => {
  broker?.child.kill('SIGKILL');
  await broker?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const CYCLES = Number(process.env.MQ_CRASH_CYCLES ?? 3);
const ACKED_BEFORE_KILL = 3000;

async function readAll(bootstrap: string, topic: string, end: bigint): Promise<Map<bigint, string>> {
  const consumer = new Consumer({ bootstrapServers: [bootstrap] });
  try {
    await consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
    const seen = new Map<bigint, string>();
    while ((consumer.position(topic, 0) ?? 0n) < end) {
      for (const r of await consumer.poll(1000)) {
        expect(seen.has(r.offset)).toBe(false);
        seen.set(r.offset, r.value!.toString());
      }
    }
    return seen;
  } finally {
    await consumer.close();
  }
}

describe('kill -9 during acks=all production', () => {
  it(`loses no acknowledged record over ${CYCLES} crash cycles`, async () => {
    broker = await spawnBroker(dir);
    const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
    await admin.createTopics([{ name: 'crash', numPartitions: 1 }]);
    await admin.close();

    const acked = new Map<bigint, string>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const producer = new Producer({ bootstrapServers: [broker.bootstrap], acks: -1, lingerMs: 1, retries: 0, deliveryTimeoutMs: 2000 });
      let ackedThisCycle = 0;
      let killed = false;
      const b = broker;
      const done = new Promise<void>((resolve) => {
        let i = 0;
        const pump = (): void => {
          // Keep a window of sends in flight so the kill lands mid-request.
          while (!killed && i - ackedThisCycle < 200) {
            const value = `c${cycle}-r${i++}`;
            producer.send({ topic: 'crash', partition: 0, value }).then(
              (md) => {
                acked.set(md.offset, value);
                if (++ackedThisCycle === ACKED_BEFORE_KILL && !killed) {
                  killed = true;
                  b.child.kill('SIGKILL');
                  resolve();
                }
                pump();
              },
              () => {},
            );
          }
        };
        pump();
      });
      await done;
      await b.exited;
      await producer.close().catch(() => {});

      broker = await spawnBroker(dir);
      const admin2 = new Admin({ bootstrapServers: [broker.bootstrap] });
      const [latest] = await admin2.listOffsets([{ topic: 'crash', partition: 0, timestamp: -1n }]);
      await admin2.close();
      const maxAcked = [...acked.keys()].reduce((a, b) => (a > b ? a : b), -1n);
      expect(latest!.offset).toBeGreaterThan(maxAcked);
      const stored = await readAll(broker.bootstrap, 'crash', latest!.offset);
      expect(stored.size).toBe(Number(latest!.offset));
      for (const [offset, value] of acked) expect(stored.get(offset)).toBe(value);
    }

    // And it serves new writes after the last restart.
    const producer = new Producer({ bootstrapServers: [broker.bootstrap], acks: -1 });
    const md = await producer.send({ topic: 'crash', partition: 0, value: 'after' });
    await producer.close();
    const stored = await readAll(broker.bootstrap, 'crash', md.offset + 1n);
    expect(stored.get(md.offset)).toBe('after');
  });
});
