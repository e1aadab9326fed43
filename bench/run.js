// npm run bench: produce and consume throughput of the mq client against an mq broker running
// in a separate process on this machine, written to a temp dir. Prints a table and writes
// bench/results/<timestamp>.json. Sizes come from the environment so CI can run a short smoke:
//   MQ_BENCH_RECORDS (default 2000000), MQ_BENCH_SIZE (default 100 bytes).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Admin, Consumer, Producer } from '../dist/index.js';

const records = Number(process.env.MQ_BENCH_RECORDS ?? 2_000_000);
const size = Number(process.env.MQ_BENCH_SIZE ?? 100);

async function startBrokerProcess(dir) {
  const child = spawn(process.execPath, [new URL('./broker-process.js', import.meta.url).pathname, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { child, port: JSON.parse(line).port };
}

async function produce(bootstrap, topic, acks) {
  const producer = new Producer({ bootstrapServers: [bootstrap], acks, lingerMs: 5, batchSize: 1 << 20 });
  await producer.connect();
  const value = Buffer.alloc(size, 'x');
  const start = process.hrtime.bigint();
  let inflight = [];
  for (let i = 0; i < records; i++) {
    inflight.push(producer.send({ topic, partition: 0, value }));
    // Bound memory: wait for a window of sends before queueing more.
    if (inflight.length === 200_000) {
      await Promise.all(inflight);
      inflight = [];
    }
  }
  await Promise.all(inflight);
  await producer.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await producer.close();
  return seconds;
}

async function consume(bootstrap, topic) {
  const consumer = new Consumer({ bootstrapServers: [bootstrap], maxPartitionBytes: 8 << 20, maxBytes: 64 << 20 });
  await consumer.connect();
  await consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
  const start = process.hrtime.bigint();
  let seen = 0;
  while (seen < records) seen += (await consumer.poll(5000)).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await consumer.close();
  return seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'mq-bench-'));
const { child, port } = await startBrokerProcess(dir);
const bootstrap = `127.0.0.1:${port}`;
const results = [];
try {
  const admin = new Admin({ bootstrapServers: [bootstrap] });
  for (const acks of [1, -1]) {
    const topic = `bench-acks${acks === 1 ? '1' : 'all'}`;
    await admin.createTopics([{ name: topic, numPartitions: 1 }]);
    const p = await produce(bootstrap, topic, acks);
    const c = await consume(bootstrap, topic);
    for (const [phase, seconds] of [['produce', p], ['consume', c]]) {
      results.push({ phase, acks: acks === 1 ? '1' : 'all', records, recordBytes: size, seconds, recordsPerSec: records / seconds, mbPerSec: (records * size) / seconds / (1024 * 1024) });
    }
  }
  await admin.close();
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}

console.log(`mq client -> mq broker (separate processes), 1 partition, ${records} records of ${size} bytes, ${cpus().length} cores, node ${process.version}`);
console.log('phase    acks  records/s     MB/s');
for (const r of results) console.log(`${r.phase.padEnd(8)} ${r.acks.padEnd(5)} ${Math.round(r.recordsPerSec).toLocaleString('en-US').padStart(11)} ${r.mbPerSec.toFixed(1).padStart(8)}`);
const out = new URL('./results/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ node: process.version, cores: cpus().length, results }, null, 2));
