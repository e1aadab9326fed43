// A broker process whose log dir is a small tmpfs that fills up: producers get
// KAFKA_STORAGE_ERROR (retriable, so an idempotent producer with retries rides it out), fetch
// and metadata keep working, produce works again once space is freed, and after a kill -9 and
// restart every acknowledged record is there, once, at the offset it was acknowledged with.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, KafkaError, Producer } from '../../src/client/index.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { fillDisk, smallDisk, type SmallDisk } from '../helpers/tmpfs.js';

const disk = await smallDisk(8 * 1024 * 1024);
const skip = 'reason' in disk ? disk.reason : null;
if (skip) console.warn(`full-disk broker test skipped: ${skip}`);

const TOPIC = 'full';

async function readAll(bootstrap: string, end: bigint): Promise<Map<bigint, string>> {
  const consumer = new Consumer({ bootstrapServers: [bootstrap] });
  try {
    await consumer.assign([{ topic: TOPIC, partition: 0, offset: 'earliest' }]);
    const seen = new Map<bigint, string>();
    const deadline = Date.now() + 20_000;
    while ((consumer.position(TOPIC, 0) ?? 0n) < end) {
      if (Date.now() > deadline) throw new Error(`read ${seen.size} records, not up to offset ${end}`);
      for (const r of await consumer.poll(500)) {
        expect(seen.has(r.offset)).toBe(false);
        seen.set(r.offset, r.value!.toString());
      }
    }
    return seen;
  } finally {
    await consumer.close();
  }
}

describe.skipIf(skip !== null)('a broker whose disk fills up', () => {
  const tmpfs = disk as SmallDisk;
  let broker: BrokerProcess | undefined;
  afterAll(async () => {
    broker?.child.kill('SIGKILL');
    await broker?.exited;
    tmpfs.release();
  });

  it('answers KAFKA_STORAGE_ERROR, keeps serving reads, and accepts produce again once space frees up', async () => {
    const dir = join(tmpfs.dir, 'data');
    broker = await spawnBroker(dir, {}, tmpfs.prefix);
    const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
    await admin.createTopics([{ name: TOPIC, numPartitions: 1 }]);

    const acked = new Map<bigint, string>();
    const plain = new Producer({ bootstrapServers: [broker.bootstrap], acks: -1, retries: 0, lingerMs: 0 });
    const value = (tag: string): string => tag.padEnd(2000, '.');
    const send = async (p: Producer, v: string): Promise<void> => {
      const md = await p.send({ topic: TOPIC, partition: 0, value: v });
      acked.set(md.offset, v);
    };
    for (let i = 0; i < 20; i++) await send(plain, value(`before-${i}`));

    const filler = tmpfs.local(join(tmpfs.dir, 'filler'));
    fillDisk(filler);
    let refused: unknown = null;
    for (let i = 0; refused === null && i < 1000; i++) await send(plain, value(`filling-${i}`)).catch((e: unknown) => (refused = e));
    expect(refused).toBeInstanceOf(KafkaError);
    expect((refused as KafkaError).errorName).toBe('KAFKA_STORAGE_ERROR');
    expect((refused as KafkaError).retriable).toBe(true);
    await expect(send(plain, value('still-full'))).rejects.toMatchObject({ errorName: 'KAFKA_STORAGE_ERROR' });

    // Reads and metadata are served while the disk is full.
    const [latest] = await admin.listOffsets([{ topic: TOPIC, partition: 0, timestamp: -1n }]);
    expect(latest!.offset).toBe(BigInt(acked.size));
    expect((await admin.listTopics()).includes(TOPIC)).toBe(true);
    expect(await readAll(broker.bootstrap, latest!.offset)).toEqual(acked);

    // An idempotent producer retries the retriable error until the space is back.
    const idempotent = new Producer({ bootstrapServers: [broker.bootstrap], acks: -1, idempotence: true, retries: 1000, deliveryTimeoutMs: 60_000 });
    const pending = send(idempotent, value('retried'));
    await new Promise((r) => setTimeout(r, 300));
    unlinkSync(filler);
    await pending;
    for (let i = 0; i < 20; i++) await send(plain, value(`after-${i}`));
    await Promise.all([plain.close(), idempotent.close(), admin.close()]);

    // kill -9 and restart: exactly the acknowledged records, each once.
    broker.child.kill('SIGKILL');
    await broker.exited;
    broker = await spawnBroker(dir, {}, tmpfs.prefix);
    const admin2 = new Admin({ bootstrapServers: [broker.bootstrap] });
    const [end] = await admin2.listOffsets([{ topic: TOPIC, partition: 0, timestamp: -1n }]);
    await admin2.close();
    expect(end!.offset).toBe(BigInt(acked.size));
    expect(await readAll(broker.bootstrap, end!.offset)).toEqual(acked);
  });
});
