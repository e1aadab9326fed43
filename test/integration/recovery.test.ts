// Startup recovery of a broker process from files damaged by hand after a kill -9: zeroed
// .index files, truncated .timeindex files, garbage after the last batch and a half-written
// last batch. The broker rebuilds the indexes from the .log, truncates the tail to the last
// valid batch, serves every record before it at its offset (by offset and by timestamp) and
// appends after it.
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { tempDir } from '../helpers/broker.js';

const dir = tempDir('mq-recovery-');
let broker: BrokerProcess | undefined;
afterAll(async () => {
  broker?.child.kill('SIGKILL');
  await broker?.exited;
  rmSync(dir, { recursive: true, force: true });
});

const TOPIC = 'damaged';
const CONFIG = { 'log.segment.bytes': '20000', 'log.index.interval.bytes': '500', 'log.flush.offset.checkpoint.interval.ms': '50' };

/** The recovery point the broker last checkpointed for the topic's partition 0 (0 before any). */
function checkpointedRecoveryPoint(): bigint {
  try {
    const m = new RegExp(`^${TOPIC} 0 (\\d+)$`, 'm').exec(readFileSync(join(dir, 'recovery-point-offset-checkpoint'), 'utf8'));
    return m ? BigInt(m[1]!) : 0n;
  } catch {
    return 0n;
  }
}

async function readAll(bootstrap: string, end: bigint): Promise<string[]> {
  const consumer = new Consumer({ bootstrapServers: [bootstrap] });
  try {
    await consumer.assign([{ topic: TOPIC, partition: 0, offset: 'earliest' }]);
    const values: string[] = [];
    while ((consumer.position(TOPIC, 0) ?? 0n) < end) {
      for (const r of await consumer.poll(1000)) {
        expect(r.offset).toBe(BigInt(values.length));
        values.push(r.value!.toString());
      }
    }
    return values;
  } finally {
    await consumer.close();
  }
}

describe('restart after kill -9 with damaged segment files', () => {
  it('rebuilds the indexes, cuts the torn tail, and serves and appends from the last valid batch', async () => {
    broker = await spawnBroker(dir, CONFIG);
    const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
    await admin.createTopics([{ name: TOPIC, numPartitions: 1 }]);
    const producer = new Producer({ bootstrapServers: [broker.bootstrap], acks: -1, lingerMs: 5 });
    const values = Array.from({ length: 600 }, (_, i) => `record-${i}`.padEnd(100, '*'));
    await Promise.all(values.map((value, i) => producer.send({ topic: TOPIC, partition: 0, value, timestamp: 1_000_000 + i })));
    // The last record alone in the last batch: the half-written batch below.
    await producer.send({ topic: TOPIC, partition: 0, value: 'torn', timestamp: 2_000_000 });
    await producer.close();
    // Segments below the checkpointed recovery point are loaded through the index sanity check
    // (and rebuilt when it fails), those above it re-validated batch by batch: damage both kinds.
    const deadline = Date.now() + 10_000;
    while (checkpointedRecoveryPoint() === 0n) {
      if (Date.now() > deadline) throw new Error('no recovery point checkpointed within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    broker.child.kill('SIGKILL');
    await broker.exited;

    const logDir = join(dir, `${TOPIC}-0`);
    const files = readdirSync(logDir);
    const logs = files.filter((f) => f.endsWith('.log')).sort();
    expect(logs.length).toBeGreaterThan(2);
    for (const f of files.filter((f) => f.endsWith('.index'))) writeFileSync(join(logDir, f), Buffer.alloc(statSync(join(logDir, f)).size));
    for (const f of files.filter((f) => f.endsWith('.timeindex'))) truncateSync(join(logDir, f), Math.floor(statSync(join(logDir, f)).size / 2) + 5);
    const active = join(logDir, logs[logs.length - 1]!);
    // The last batch (one record, ~80 bytes) cut in half, then garbage after it.
    truncateSync(active, statSync(active).size - 40);
    appendFileSync(active, Buffer.alloc(300, 0xee));

    broker = await spawnBroker(dir, CONFIG);
    const admin2 = new Admin({ bootstrapServers: [broker.bootstrap] });
    const [end] = await admin2.listOffsets([{ topic: TOPIC, partition: 0, timestamp: -1n }]);
    expect(end!.offset).toBe(600n);
    expect(await readAll(broker.bootstrap, 600n)).toEqual(values);
    // The rebuilt time index answers timestamp lookups.
    const [at] = await admin2.listOffsets([{ topic: TOPIC, partition: 0, timestamp: 1_000_450n }]);
    expect(at!.offset).toBe(450n);
    const again = new Producer({ bootstrapServers: [broker.bootstrap], acks: -1 });
    expect((await again.send({ topic: TOPIC, partition: 0, value: 'after' })).offset).toBe(600n);
    await Promise.all([again.close(), admin.close(), admin2.close()]);
  });
});
