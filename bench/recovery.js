// Startup time of a broker after kill -9 with a large log (issue #5), not part of `npm run bench`
// or CI: it writes gigabytes. Run after `npm run build`:
//
//   node bench/recovery.js            MQ_RECOVERY_GIB (default 2) of 1 KiB records into one partition
//
// One broker process (bench/broker-process.js) with Kafka's default segment.bytes (1 GiB) and a
// 5 s log.flush.offset.checkpoint.interval.ms (Kafka's is 60 s; shorter only so the run need
// not wait a minute for the checkpoint that follows the last roll). After the writes it waits
// until the recovery-point checkpoint covers every rolled segment, then measures, from spawning
// the broker process to its first answer to ListOffsets:
//
//   crash restart        kill -9, restart: re-validates only the segments from the checkpointed
//                        recovery point on (the active segment)
//   clean restart        SIGTERM (clean shutdown), restart: indexes trusted, nothing re-validated
//   crash, rp 0          kill -9 with the recovery-point checkpoint removed: every segment is
//                        re-validated, which is what every crash restart did before recovery
//                        points followed rolls (they moved only at a clean shutdown, so a log
//                        written since the last start was recovered from its first segment)
//
// The log is in the page cache throughout (the machine's RAM permitting), so the restarts
// measure CPU (CRC-32C of every re-validated byte, index rebuilding), not the disk.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Admin } from '../dist/index.js';
import { startBrokerProcess } from './lib/broker.js';
import { formatTable, fmt } from './lib/table.js';
import { produceMq } from './workloads/mq-throughput.js';

const GIB = 2 ** 30;
const RECORD_BYTES = 1024;
const TOPIC = 'recovery';
const OVERRIDES = { 'log.flush.offset.checkpoint.interval.ms': '5000' };
const gib = Number(process.env.MQ_RECOVERY_GIB ?? 2);
const log = (line) => process.stderr.write(`${line}\n`);

const dir = mkdtempSync(join(process.env.MQ_RECOVERY_DIR ?? tmpdir(), 'mq-recovery-bench-'));
const checkpointFile = join(dir, 'recovery-point-offset-checkpoint');

function checkpointedRecoveryPoint() {
  try {
    const m = new RegExp(`^${TOPIC} 0 (\\d+)$`, 'm').exec(readFileSync(checkpointFile, 'utf8'));
    return m ? BigInt(m[1]) : 0n;
  } catch {
    return 0n;
  }
}

/** Spawns the broker and times it until it answers ListOffsets; returns the broker and the seconds. */
async function timedStart() {
  const start = performance.now();
  const broker = await startBrokerProcess(dir, OVERRIDES);
  const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
  const [latest] = await admin.listOffsets([{ topic: TOPIC, partition: 0, timestamp: -1n }]);
  const seconds = (performance.now() - start) / 1000;
  await admin.close();
  return { broker, seconds, end: latest.offset };
}

function kill9(broker) {
  process.kill(broker.pid, 'SIGKILL');
  return broker.stop();
}

try {
  let broker = await startBrokerProcess(dir, OVERRIDES);
  const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
  await admin.createTopics([{ name: TOPIC, numPartitions: 1 }]);
  await admin.close();
  const records = Math.ceil((gib * GIB) / RECORD_BYTES);
  log(`writing ${records.toLocaleString('en-US')} records of ${RECORD_BYTES} bytes (${gib} GiB) to ${dir} ...`);
  const { seconds: writeSeconds } = await produceMq({ bootstrap: broker.bootstrap, topic: TOPIC, records, size: RECORD_BYTES, acks: 1, codec: 'none' });
  log(`written in ${writeSeconds.toFixed(1)} s; waiting for the recovery-point checkpoint ...`);
  // The checkpoint covers the rolled segments once it reaches the active segment's base.
  const partitionDir = join(dir, `${TOPIC}-0`);
  const logs = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).sort();
  const activeBase = BigInt(logs[logs.length - 1].slice(0, 20));
  const logBytes = logs.reduce((n, f) => n + statSync(join(partitionDir, f)).size, 0);
  const activeBytes = statSync(join(partitionDir, logs[logs.length - 1])).size;
  const deadline = Date.now() + 120_000;
  while (checkpointedRecoveryPoint() < activeBase) {
    if (Date.now() > deadline) throw new Error(`recovery point checkpoint stuck at ${checkpointedRecoveryPoint()} below ${activeBase}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  await kill9(broker);
  const crash = await timedStart();
  log(`crash restart: ${crash.seconds.toFixed(2)} s`);
  broker = crash.broker;

  await broker.stop();
  const clean = await timedStart();
  log(`clean restart: ${clean.seconds.toFixed(2)} s`);
  broker = clean.broker;

  await kill9(broker);
  unlinkSync(checkpointFile);
  const full = await timedStart();
  log(`crash restart from recovery point 0: ${full.seconds.toFixed(2)} s`);
  await full.broker.stop();

  for (const r of [crash, clean, full]) if (r.end !== BigInt(records)) throw new Error(`log end ${r.end} after restart, expected ${records}`);

  const rows = [
    { run: 'crash restart (recovery point at the active segment)', revalidated: activeBytes, seconds: crash.seconds },
    { run: 'clean restart', revalidated: 0, seconds: clean.seconds },
    { run: 'crash restart, recovery point 0 (before)', revalidated: logBytes, seconds: full.seconds },
  ];
  console.log(`Recovery after kill -9: ${fmt.int(logBytes / 2 ** 20)} MiB in ${logs.length} segments (segment.bytes 1 GiB), ${fmt.int(records)} records`);
  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / GIB)} GiB, Linux ${release()}, Node ${process.version}`);
  console.log(`Write: ${writeSeconds.toFixed(1)} s (${fmt.int(logBytes / 2 ** 20 / writeSeconds)} MiB/s, acks=1)\n`);
  console.log(
    formatTable(
      [
        { header: 'restart', value: (r) => r.run, left: true },
        { header: 're-validated MiB', value: (r) => fmt.int(r.revalidated / 2 ** 20) },
        { header: 'time to serve (s)', value: (r) => fmt.fixed(2)(r.seconds) },
      ],
      rows,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
