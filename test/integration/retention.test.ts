// The log's start moving, end to end against a real broker: retention by time shrinking a topic on
// disk, DeleteRecords (mq's Admin, the mq CLI, kafkajs), the log start offset surviving restarts
// (clean, and kill -9), and consumers positioned below it resetting per auto.offset.reset.
// The CLI and kill -9 cases spawn bin/mq.js, which needs `npm run build` first.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { Admin, Consumer, KafkaError, Producer, type ConsumerConfig } from '../../src/client/index.js';
import { spawnBroker, type BrokerProcess } from '../helpers/broker-process.js';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';

const BIN = fileURLToPath(new URL('../../bin/mq.js', import.meta.url));
const EARLIEST = -2n;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(config: Record<string, string> = {}, dir?: string): Promise<TestBroker> {
  const b = await startTestBroker(config, dir);
  cleanups.push(() => b.close());
  return b;
}

function admin(bootstrap: string): Admin {
  const a = new Admin({ bootstrapServers: [bootstrap] });
  cleanups.push(() => a.close());
  return a;
}

/** Polls `check` until it returns true; fails after `ms`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function produce(bootstrap: string, topic: string, n: number, size = 100): Promise<void> {
  // Batches stay well below the topics' small segment.bytes.
  const producer = new Producer({ bootstrapServers: [bootstrap], batchSize: 400, lingerMs: 0 });
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic, partition: 0, value: `${i}`.padEnd(size, '.') })));
  } finally {
    await producer.close();
  }
}

async function earliest(a: Admin, topic: string): Promise<bigint> {
  const [r] = await a.listOffsets([{ topic, partition: 0, timestamp: EARLIEST }]);
  if (r!.error) throw r!.error;
  return r!.offset;
}

describe('retention by time', () => {
  it('takes a retention.ms set by `mq configs --alter` at once, and keeps it across a restart', async () => {
    const config = { 'log.retention.check.interval.ms': '200' };
    let b = await broker(config);
    const dir = b.dir;
    let a = admin(b.bootstrap);
    await a.createTopics([{ name: 'live-ret', numPartitions: 1, configs: { 'segment.bytes': '1024', 'file.delete.delay.ms': '0' } }]);
    // An hour old: kept under the default 7 days, expired under one minute.
    const produceOld = async (bootstrap: string, n: number) => {
      const producer = new Producer({ bootstrapServers: [bootstrap], batchSize: 400, lingerMs: 0 });
      try {
        await Promise.all(Array.from({ length: n }, (_, i) => producer.send({ topic: 'live-ret', partition: 0, value: `${i}`.padEnd(100, '.'), timestamp: Date.now() - 3_600_000 })));
      } finally {
        await producer.close();
      }
    };
    await produceOld(b.bootstrap, 100);
    expect(await earliest(a, 'live-ret')).toBe(0n);
    const mq = (args: string[]) => run(process.execPath, [BIN, 'configs', '--bootstrap-server', b.bootstrap, ...args], { env: { NO_COLOR: '1' } });
    const altered = await mq(['--alter', '--entity-type', 'topics', '--entity-name', 'live-ret', '--add-config', 'retention.ms=60000']);
    expect(altered).toMatchObject({ code: 0, stdout: 'Completed updating config for topic live-ret.\n' });
    await waitFor('retention to apply the altered retention.ms', async () => (await earliest(a, 'live-ret')) === 100n);

    await b.stop();
    b = await broker(config, dir);
    a = admin(b.bootstrap);
    const described = await mq(['--describe', '--entity-type', 'topics', '--entity-name', 'live-ret']);
    expect(described.stdout).toContain('retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000');
    await produceOld(b.bootstrap, 50);
    await waitFor('retention to apply the persisted retention.ms', async () => (await earliest(a, 'live-ret')) === 150n);
  });

  it('shrinks a retention.ms=10000 topic on disk within a minute and moves its earliest offset', async () => {
    const b = await broker({ 'log.retention.check.interval.ms': '200' });
    const a = admin(b.bootstrap);
    const [created] = await a.createTopics([{ name: 'ret', numPartitions: 1, configs: { 'retention.ms': '10000', 'segment.bytes': '1024', 'file.delete.delay.ms': '300' } }]);
    expect(created!.error).toBeNull();
    await produce(b.bootstrap, 'ret', 200);
    const partitionDir = join(b.dir, 'ret-0');
    const files = () => readdirSync(partitionDir);
    const bytesOnDisk = () => files().reduce((sum, f) => sum + statSync(join(partitionDir, f)).size, 0);
    const segmentsBefore = files().filter((f) => f.endsWith('.log')).length;
    const bytesBefore = bytesOnDisk();
    expect(segmentsBefore).toBeGreaterThan(10);
    expect(await earliest(a, 'ret')).toBe(0n);

    // Every record is 10 s old soon: every segment goes, the active one rolled first.
    await waitFor('the earliest offset to reach the log end', async () => (await earliest(a, 'ret')) === 200n);
    await waitFor('the .deleted files to go', () => !files().some((f) => f.endsWith('.deleted')));
    expect(files().filter((f) => f.endsWith('.log'))).toEqual(['00000000000000000200.log']);
    expect(bytesOnDisk()).toBeLessThan(bytesBefore / 10);

    // The log carries on from there.
    await produce(b.bootstrap, 'ret', 3);
    const [latest] = await a.listOffsets([{ topic: 'ret', partition: 0, timestamp: -1n }]);
    expect(latest!.offset).toBe(203n);
  }, 90_000);

  it('leaves a compact-only topic alone while a delete topic beside it expires', async () => {
    const b = await broker({ 'log.retention.check.interval.ms': '100' });
    const a = admin(b.bootstrap);
    const configs = { 'retention.ms': '0', 'segment.bytes': '1024' };
    await a.createTopics([
      { name: 'kept', numPartitions: 1, configs: { ...configs, 'cleanup.policy': 'compact' } },
      { name: 'gone', numPartitions: 1, configs },
    ]);
    const producer = new Producer({ bootstrapServers: [b.bootstrap], batchSize: 400 });
    const sends = [];
    for (let i = 0; i < 30; i++) for (const topic of ['kept', 'gone']) sends.push(producer.send({ topic, partition: 0, key: `k${i}`, value: 'x'.repeat(100) }));
    await Promise.all(sends);
    await producer.close();
    // Retention has run over both logs once 'gone' is empty.
    await waitFor("'gone' to expire", async () => (await earliest(a, 'gone')) === 30n);
    expect(await earliest(a, 'kept')).toBe(0n);
    // Its first segment is still there (a cleaner may merge segments, but keeps the first base offset).
    expect(readdirSync(join(b.dir, 'kept-0'))).toContain('00000000000000000000.log');
  });
});

describe('DeleteRecords', () => {
  it('moves the low watermark (mq Admin), refuses what Kafka refuses, and the start survives a clean restart', async () => {
    const dir = tempDir();
    let b = await startTestBroker({ 'offsets.topic.num.partitions': '1' }, dir);
    let a = new Admin({ bootstrapServers: [b.bootstrap] });
    await a.createTopics([
      { name: 'dr', numPartitions: 2, configs: { 'segment.bytes': '1024' } },
      { name: 'dr-compact', numPartitions: 1, configs: { 'cleanup.policy': 'compact' } },
    ]);
    await produce(b.bootstrap, 'dr', 50);
    const results = await a.deleteRecords([
      { topic: 'dr', partition: 0, offset: 17n },
      { topic: 'dr', partition: 1, offset: -1n },
      { topic: 'dr-compact', partition: 0, offset: 0n },
      { topic: 'nope', partition: 0, offset: 1n },
    ]);
    expect(results.map((r) => [r.lowWatermark, r.error?.errorName ?? null])).toEqual([
      [17n, null],
      [0n, null],
      [-1n, 'POLICY_VIOLATION'],
      [-1n, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    // Looking for a group's coordinator creates __consumer_offsets.
    await a.describeGroups(['g']);
    const beyond = await a.deleteRecords([
      { topic: 'dr', partition: 0, offset: 51n },
      { topic: 'dr', partition: 1, offset: -2n },
      { topic: '__consumer_offsets', partition: 0, offset: 0n },
    ]);
    expect(beyond.map((r) => [r.lowWatermark, r.error?.errorName ?? null])).toEqual([
      [-1n, 'OFFSET_OUT_OF_RANGE'],
      [-1n, 'OFFSET_OUT_OF_RANGE'],
      [-1n, 'INVALID_TOPIC_EXCEPTION'],
    ]);
    expect(await earliest(a, 'dr')).toBe(17n);
    await a.close();
    await b.stop();

    b = await startTestBroker({ 'offsets.topic.num.partitions': '1' }, dir);
    cleanups.push(() => b.close());
    a = admin(b.bootstrap);
    expect(await earliest(a, 'dr')).toBe(17n);
  });

  it('keeps a mid-segment log start offset across kill -9 (it is checkpointed before the answer)', async () => {
    const dir = tempDir('mq-dr-crash-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let p: BrokerProcess = await spawnBroker(dir);
    const kill = async (bp: BrokerProcess) => {
      bp.child.kill('SIGKILL');
      await bp.exited;
    };
    cleanups.push(() => kill(p));
    let a = new Admin({ bootstrapServers: [p.bootstrap] });
    await a.createTopics([{ name: 'drk', numPartitions: 1 }]);
    await produce(p.bootstrap, 'drk', 20);
    const [r] = await a.deleteRecords([{ topic: 'drk', partition: 0, offset: 7n }]);
    expect(r!.lowWatermark).toBe(7n);
    await a.close();
    await kill(p);
    p = await spawnBroker(dir);
    a = admin(p.bootstrap);
    expect(await earliest(a, 'drk')).toBe(7n);
  });

  it('works from mq delete-records (the installed CLI) and from kafkajs 2.2.4', async () => {
    const b = await broker({ 'log.retention.check.interval.ms': '100' });
    const a = admin(b.bootstrap);
    await a.createTopics([{ name: 'drc', numPartitions: 2, configs: { 'segment.bytes': '1024' } }]);
    await produce(b.bootstrap, 'drc', 60);
    const file = join(b.dir, 'offsets.json');
    writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'drc', partition: 0, offset: 33 }, { topic: 'drc', partition: 1, offset: 5 }], version: 1 }));
    const cli = await run(process.execPath, [BIN, 'delete-records', '--bootstrap-server', b.bootstrap, '--offset-json-file', file], { env: { NO_COLOR: '1' } });
    expect(cli).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'Executing records delete operation\n' +
        'Records delete operation completed:\n' +
        'partition: drc-0\tlow_watermark: 33\n' +
        'partition: drc-1\terror: org.apache.kafka.common.errors.OffsetOutOfRangeException: The requested offset is not within the range of offsets maintained by the server.\n',
    });
    expect(await earliest(a, 'drc')).toBe(33n);
    // The next retention pass deletes the segments wholly below 33.
    const partitionDir = join(b.dir, 'drc-0');
    await waitFor('segments below the log start offset to go', () => readdirSync(partitionDir).filter((f) => f.endsWith('.log')).every((f) => BigInt(f.slice(0, 20)) > 0n));
    const bases = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).map((f) => BigInt(f.slice(0, 20)));
    expect(bases[0]! <= 33n).toBe(true);

    const kafka = new Kafka({ brokers: [b.bootstrap], clientId: 'kafkajs-dr', logLevel: logLevel.NOTHING });
    const kadmin = kafka.admin();
    await kadmin.connect();
    try {
      // kafkajs finds leaders from metadata it must have loaded already.
      await kadmin.fetchTopicMetadata({ topics: ['drc'] });
      await kadmin.deleteTopicRecords({ topic: 'drc', partitions: [{ partition: 0, offset: '40' }] });
      const offsets = await kadmin.fetchTopicOffsets('drc');
      expect(offsets.find((o) => o.partition === 0)!.low).toBe('40');
      const refused = await kadmin.deleteTopicRecords({ topic: 'drc', partitions: [{ partition: 0, offset: '1000' }] }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ cause: { name: 'KafkaJSDeleteTopicRecordsError', partitions: [{ partition: 0, offset: '1000', error: { type: 'OFFSET_OUT_OF_RANGE' } }] } });
    } finally {
      await kadmin.disconnect();
    }
  });
});

describe('a consumer below the log start offset', () => {
  async function setUp(): Promise<TestBroker> {
    const b = await broker();
    const a = admin(b.bootstrap);
    await a.createTopics([{ name: 'low', numPartitions: 1 }]);
    await produce(b.bootstrap, 'low', 10, 10);
    const [r] = await a.deleteRecords([{ topic: 'low', partition: 0, offset: 6n }]);
    expect(r!.error).toBeNull();
    return b;
  }
  function consumer(b: TestBroker, reset: ConsumerConfig['autoOffsetReset']): Consumer {
    const c = new Consumer({ bootstrapServers: [b.bootstrap], autoOffsetReset: reset, maxWaitMs: 100 });
    cleanups.push(() => c.close());
    return c;
  }
  async function pollUntil(c: Consumer, n: number) {
    const got: bigint[] = [];
    await waitFor(`${n} records`, async () => {
      for (const r of await c.poll(200)) got.push(r.offset);
      return got.length >= n;
    }, 15_000);
    return got;
  }

  it('resets to the log start offset with auto.offset.reset=earliest', async () => {
    const b = await setUp();
    const c = consumer(b, 'earliest');
    await c.assign([{ topic: 'low', partition: 0, offset: 2n }]);
    expect(await pollUntil(c, 4)).toEqual([6n, 7n, 8n, 9n]);
  });

  it('resets to the log end with auto.offset.reset=latest', async () => {
    const b = await setUp();
    const c = consumer(b, 'latest');
    await c.assign([{ topic: 'low', partition: 0, offset: 2n }]);
    await waitFor('the reset to the end', async () => {
      await c.poll(100);
      return c.position('low', 0) === 10n;
    }, 15_000);
    await produce(b.bootstrap, 'low', 1, 10);
    expect(await pollUntil(c, 1)).toEqual([10n]);
  });

  it('fails with OFFSET_OUT_OF_RANGE under auto.offset.reset=none', async () => {
    const b = await setUp();
    const c = consumer(b, 'none');
    await c.assign([{ topic: 'low', partition: 0, offset: 2n }]);
    let error: unknown;
    await waitFor('the error', async () => {
      try {
        await c.poll(200);
        return false;
      } catch (e) {
        error = e;
        return true;
      }
    }, 15_000);
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).errorName).toBe('OFFSET_OUT_OF_RANGE');
  });
});
