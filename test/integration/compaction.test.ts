// Log compaction end to end: a real broker on port 0 with its log cleaner, mq's client over TCP.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer, type ConsumerRecord } from '../../src/client/index.js';
import { KafkaError } from '../../src/client/errors.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { Produce, type ProduceResponse } from '../../src/protocol/messages/00-produce.js';
import { encodeRecordBatch } from '../../src/protocol/records/record-batch.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../helpers/wire.js';

let b: TestBroker | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await b?.close();
  b = undefined;
});

/** Everything from the log start to the current log end. */
async function readAll(bootstrap: string, topic: string): Promise<ConsumerRecord[]> {
  const a = new Admin({ bootstrapServers: [bootstrap] });
  const [end] = await a.listOffsets([{ topic, partition: 0, timestamp: -1n }]);
  await a.close();
  const c = new Consumer({ bootstrapServers: [bootstrap], maxWaitMs: 50 });
  try {
    await c.assignTopics([topic], 'earliest');
    const out: ConsumerRecord[] = [];
    while ((c.position(topic, 0) ?? -1n) < end!.offset) out.push(...(await c.poll(200)));
    return out;
  } finally {
    await c.close();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The cleaner's first dirty offset for `<topic>-0`, from the log dir's cleaner-offset-checkpoint. */
function cleanerCheckpoint(dir: string, topic: string): bigint | undefined {
  const path = join(dir, 'cleaner-offset-checkpoint');
  if (!existsSync(path)) return undefined;
  const line = readFileSync(path, 'utf8').split('\n').find((l) => l.startsWith(`${topic} 0 `));
  return line === undefined ? undefined : BigInt(line.split(' ')[2]!);
}

describe('log compaction', () => {
  it('reads back exactly the 1,000 latest values of 100,000 writes over 1,000 keys, produce flowing while the cleaner runs', async () => {
    b = await startTestBroker({ 'log.cleaner.backoff.ms': '20' });
    const broker = b;
    const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
    closers.push(() => admin.close());
    const [created] = await admin.createTopics([
      { name: 'table', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '65536', 'segment.ms': '600000' } },
    ]);
    expect(created!.error).toBeNull();

    const producer = new Producer({ bootstrapServers: [broker.bootstrap], lingerMs: 5 });
    closers.push(() => producer.close());
    const latest = new Map<string, string>();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let cleanedWhileProducing = false;
    const N = 100_000;
    for (let start = 0; start < N; start += 5000) {
      const sends: Array<Promise<unknown>> = [];
      for (let i = start; i < start + 5000; i++) {
        const key = `key-${i % 1000}`;
        const value = `value-${i}`;
        latest.set(key, value);
        sends.push(producer.send({ topic: 'table', key, value }));
      }
      await Promise.all(sends);
      if (cleanerCheckpoint(broker.dir, 'table') !== undefined) cleanedWhileProducing = true;
    }
    delay.disable();
    // The cleaner ran between produce requests, and never held the event loop for long.
    expect(cleanedWhileProducing).toBe(true);
    expect(delay.max / 1e6).toBeLessThan(1000);

    // The active segment is never cleaned: a tombstone for a key outside the table, timestamped
    // past segment.ms, rolls it (as Kafka rolls on segment.ms at the next append), so that every
    // write above becomes cleanable. It has to be a key outside the table: the cleaner's map of
    // latest offsets stops at the active segment (as Kafka's does), so a table key written there
    // would leave its older value below it in place. Read as a table, the tombstone deletes a key
    // that is not there: 1,000 entries.
    await producer.send({ topic: 'table', key: 'roll', value: null, timestamp: Date.now() + 1_200_000 });
    const records = await waitFor('the table to be compacted', async () => {
      const all = await readAll(broker.bootstrap, 'table');
      const values = all.filter((r) => r.value !== null);
      return values.length === 1000 ? all : undefined;
    });
    const values = records.filter((r) => r.value !== null);
    expect(new Map(values.map((r) => [r.key!.toString(), r.value!.toString()]))).toEqual(latest);
    // Offsets kept: increasing, with the gaps compaction leaves; the roll tombstone last.
    const offsets = records.map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(records.at(-1)!.key!.toString()).toBe('roll');
    expect(records).toHaveLength(1001);
    expect(values.at(-1)!.offset).toBe(BigInt(N - 1));
  }, 180_000);

  it('refuses keyless records on a compacted topic with INVALID_RECORD', async () => {
    b = await startTestBroker();
    const admin = new Admin({ bootstrapServers: [b.bootstrap] });
    closers.push(() => admin.close());
    await admin.createTopics([{ name: 'keyed-only', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact,delete' } }]);
    const producer = new Producer({ bootstrapServers: [b.bootstrap], retries: 0 });
    closers.push(() => producer.close());
    const error = await producer.send({ topic: 'keyed-only', value: 'no key' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).errorName).toBe('INVALID_RECORD');
    expect((error as KafkaError).brokerMessage).toContain('Compacted topic cannot accept message without key in topic partition keyed-only-0');
    await expect(producer.send({ topic: 'keyed-only', key: 'k', value: 'v' })).resolves.toMatchObject({ offset: 0n });

    // Produce v8+ names each refused record in RecordErrors (batchIndex: its index in the batch).
    const wire = await WireClient.open(b.port);
    try {
      const batch = encodeRecordBatch([
        { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 1n },
        { key: null, value: Buffer.from('2'), timestamp: 1n },
      ]);
      const res = await wire.request<ProduceResponse>(Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'keyed-only', partitionData: [{ index: 0, records: batch }] }] });
      const p = res.responses[0]!.partitionResponses[0]!;
      const message = 'Compacted topic cannot accept message without key in topic partition keyed-only-0';
      expect(p.errorCode).toBe(ErrorCode.INVALID_RECORD);
      expect(p.recordErrors).toEqual([{ batchIndex: 1, batchIndexErrorMessage: message }]);
      expect(p.errorMessage).toBe(`One or more records have been rejected due to 1 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='${message}')]`);
    } finally {
      wire.close();
    }
  });
});

describe('kill -9 while the cleaner rewrites segments', () => {
  it('loses no acknowledged latest value and duplicates no offset over 3 crash cycles', async () => {
    const dir = tempDir('mq-compaction-crash-');
    let proc: BrokerProcess | undefined;
    try {
      proc = await spawnBroker(dir, { 'log.cleaner.backoff.ms': '0' });
      const admin = new Admin({ bootstrapServers: [proc.bootstrap] });
      await admin.createTopics([{ name: 'kv', numPartitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'segment.bytes': '16384' } }]);
      await admin.close();
      const partitionDir = join(dir, 'kv-0');
      // key → [offset, value] of its latest acknowledged write.
      const acked = new Map<string, [bigint, string]>();
      let sawCleaning = 0;
      for (let cycle = 0; cycle < 3; cycle++) {
        const producer = new Producer({ bootstrapServers: [proc.bootstrap], acks: -1, lingerMs: 1, retries: 0, deliveryTimeoutMs: 2000 });
        const b = proc;
        let killed = false;
        let sent = 0;
        let ackedThisCycle = 0;
        let onKilled = (): void => {};
        const kill = (): void => {
          if (killed) return;
          killed = true;
          b.child.kill('SIGKILL');
          onKilled();
        };
        // Kill when the partition directory shows a cleaning in progress (or after enough writes).
        const watch = setInterval(() => {
          if (ackedThisCycle < 5000) return;
          const names = readdirSync(partitionDir);
          if (names.some((n) => n.endsWith('.cleaned') || n.endsWith('.swap'))) {
            sawCleaning++;
            kill();
          } else if (ackedThisCycle > 60_000) kill();
        }, 1);
        await new Promise<void>((resolve) => {
          onKilled = resolve;
          const pump = (): void => {
            while (!killed && sent - ackedThisCycle < 300) {
              const key = `key-${sent % 500}`;
              const value = `c${cycle}-${sent++}`;
              producer.send({ topic: 'kv', partition: 0, key, value }).then(
                (md) => {
                  ackedThisCycle++;
                  const prev = acked.get(key);
                  if (!prev || prev[0] < md.offset) acked.set(key, [md.offset, value]);
                  pump();
                },
                () => {},
              );
            }
          };
          pump();
        });
        clearInterval(watch);
        await b.exited;
        await producer.close().catch(() => {});

        proc = await spawnBroker(dir, { 'log.cleaner.backoff.ms': '0' });
        const records = await readAll(proc.bootstrap, 'kv');
        const offsets = records.map((r) => r.offset);
        expect(new Set(offsets).size).toBe(offsets.length);
        expect(offsets).toEqual([...offsets].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
        // Each key's acknowledged latest write is there, or a later (unacknowledged) write of the key.
        const latest = new Map<string, ConsumerRecord>();
        for (const r of records) latest.set(r.key!.toString(), r);
        for (const [key, [offset, value]] of acked) {
          const r = latest.get(key)!;
          expect(r.offset).toBeGreaterThanOrEqual(offset);
          if (r.offset === offset) expect(r.value!.toString()).toBe(value);
        }
      }
      expect(sawCleaning).toBeGreaterThan(0);
    } finally {
      proc?.child.kill('SIGKILL');
      await proc?.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
