// npm run bench: mq's broker in its own process (bench/broker-process.js, logs in a temp dir) and
// the clients in this one, on this machine. Runs every throughput scenario (record size x acks x
// partitions x codec) with mq's client and then with kafkajs against the same broker, then the
// end-to-end latency runs at a fixed offered rate, sampling the broker's RSS throughout. With
// MQ_BENCH_SOAK_SECONDS it runs only the soak. Knobs: bench/lib/plan.js. Prints tables to stdout
// (progress to stderr) and writes bench/results/<timestamp>.json. Nothing here asserts a timing.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Admin } from '../dist/index.js';
import { startBrokerProcess } from './lib/broker.js';
import { acksName, planFromEnv } from './lib/plan.js';
import { printLatency, printSettings, printSoak, printThroughput } from './lib/report.js';
import { RssSampler } from './lib/rss.js';
import { consumeKafkajs, produceKafkajs } from './workloads/kafkajs-throughput.js';
import { runLatency } from './workloads/latency.js';
import { consumeMq, produceMq } from './workloads/mq-throughput.js';
import { runSoak } from './workloads/soak.js';

/**
 * Broker settings besides the defaults: kafkajs consumers join a group, and Kafka's 3 s
 * group.initial.rebalance.delay.ms (meant for many members starting together) would only add 3 s
 * to each of its runs; Kafka's own development config sets 0 too.
 */
const BROKER_OVERRIDES = { 'group.initial.rebalance.delay.ms': '0' };
const SOAK = { size: 100, acks: -1, partitions: 8 };

const plan = planFromEnv(process.env);
const log = (line) => process.stderr.write(`${line}\n`);

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
  loadAverageAtStart: loadavg(),
};

/** Bytes of a topic's .log files: what the broker stored for it, batch headers and compression included. */
function storedBytes(dir, topic, partitions) {
  let bytes = 0;
  for (let p = 0; p < partitions; p++) {
    const partitionDir = join(dir, `${topic}-${p}`);
    for (const f of readdirSync(partitionDir)) if (f.endsWith('.log')) bytes += statSync(join(partitionDir, f)).size;
  }
  return bytes;
}

async function createTopic(admin, name, partitions) {
  const [result] = await admin.createTopics([{ name, numPartitions: partitions }]);
  if (result.error) throw result.error;
}

async function deleteTopic(admin, name) {
  const [result] = await admin.deleteTopics([name]);
  if (result.error) throw result.error;
}

function rates(records, size, seconds) {
  return { seconds, recordsPerSec: records / seconds, mbPerSec: (records * size) / seconds / 1e6 };
}

/** One client's produce-then-consume run of a scenario on a fresh topic. */
async function throughputRun(ctx, s, client) {
  const { admin, bootstrap, dir, sampler } = ctx;
  const records = client === 'mq' ? s.records : s.kafkajsRecords;
  const topic = `bench-${client}-${s.size}-${acksName(s.acks)}-${s.partitions}-${s.codec}`;
  await createTopic(admin, topic, s.partitions);
  const mark = sampler.sample();
  const args = { bootstrap, topic, records, size: s.size, acks: s.acks, codec: s.codec, partitions: s.partitions };
  const produce = await (client === 'mq' ? produceMq : produceKafkajs)(args);
  const stored = storedBytes(dir, topic, s.partitions);
  const consume = await (client === 'mq' ? consumeMq : consumeKafkajs)(args);
  const rss = sampler.summary(mark, sampler.sample());
  await deleteTopic(admin, topic);
  return {
    records,
    produce: rates(records, s.size, produce.seconds),
    consume: rates(records, s.size, consume.seconds),
    storedBytesPerRecord: stored / records,
    brokerRssMaxMiB: rss.maxMiB,
  };
}

async function throughputScenarios(ctx) {
  const results = [];
  for (const [i, s] of plan.scenarios.entries()) {
    const mq = await throughputRun(ctx, s, 'mq');
    const kafkajs = await throughputRun(ctx, s, 'kafkajs');
    const ratio = { produce: mq.produce.recordsPerSec / kafkajs.produce.recordsPerSec, consume: mq.consume.recordsPerSec / kafkajs.consume.recordsPerSec };
    results.push({ name: s.name, size: s.size, acks: acksName(s.acks), partitions: s.partitions, codec: s.codec, mq, kafkajs, ratio });
    log(
      `[${i + 1}/${plan.scenarios.length}] ${s.name}: mq ${Math.round(mq.produce.recordsPerSec)}/${Math.round(mq.consume.recordsPerSec)} rec/s, ` +
        `kafkajs ${Math.round(kafkajs.produce.recordsPerSec)}/${Math.round(kafkajs.consume.recordsPerSec)} rec/s (produce/consume)`,
    );
  }
  return results;
}

async function latencyRuns(ctx) {
  const results = [];
  for (const run of plan.latency.runs) {
    const topic = `bench-latency-${acksName(run.acks)}`;
    await createTopic(ctx.admin, topic, run.partitions);
    const mark = ctx.sampler.sample();
    const r = await runLatency({ bootstrap: ctx.bootstrap, topic, acks: run.acks, size: run.size, rate: plan.latency.rate, seconds: plan.latency.seconds, warmupSeconds: plan.latency.warmupSeconds });
    const rss = ctx.sampler.summary(mark, ctx.sampler.sample());
    await deleteTopic(ctx.admin, topic);
    results.push({ name: run.name, acks: acksName(run.acks), size: run.size, partitions: run.partitions, ...r, brokerRssMaxMiB: rss.maxMiB });
    log(`${run.name}: p50 ${r.latencyMs.p50.toFixed(3)} ms, p99 ${r.latencyMs.p99.toFixed(3)} ms`);
  }
  return results;
}

async function soak(ctx) {
  const topic = 'bench-soak';
  await createTopic(ctx.admin, topic, SOAK.partitions);
  const reportEverySeconds = Math.max(1, Math.min(10, Math.round(plan.soakSeconds / 30)));
  log(`soak: ${plan.soakSeconds} s of sustained produce + consume, a row every ${reportEverySeconds} s`);
  const r = await runSoak({ bootstrap: ctx.bootstrap, topic, ...SOAK, seconds: plan.soakSeconds, reportEverySeconds, sampler: ctx.sampler });
  await deleteTopic(ctx.admin, topic);
  return { ...SOAK, acks: acksName(SOAK.acks), ...r };
}

const dir = mkdtempSync(join(tmpdir(), 'mq-bench-'));
const broker = await startBrokerProcess(dir, BROKER_OVERRIDES);
const sampler = new RssSampler(broker.pid, plan.rssIntervalMs);
sampler.start();
const admin = new Admin({ bootstrapServers: [broker.bootstrap] });
const ctx = { admin, bootstrap: broker.bootstrap, dir, sampler };
const report = { startedAt: new Date().toISOString(), machine, brokerOverrides: BROKER_OVERRIDES, plan };
try {
  if (plan.soakSeconds > 0) {
    report.soak = await soak(ctx);
  } else {
    report.throughput = await throughputScenarios(ctx);
    report.latency = await latencyRuns(ctx);
  }
} finally {
  await admin.close();
  sampler.stop();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
machine.loadAverageAtEnd = loadavg();
report.brokerRss = { ...sampler.summary(), intervalMs: plan.rssIntervalMs, samples: sampler.samples };

printSettings(report);
if (report.soak) printSoak(report);
else {
  printThroughput(report);
  printLatency(report);
}
const out = new URL('./results/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const file = join(out, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
log(`results written to ${file}`);
