// The tables npm run bench prints: the run's settings, then throughput, latency or soak results.

import { KAFKAJS_CONSUMER_SETTINGS, KAFKAJS_SEND_BYTES, KAFKAJS_SENDS_IN_FLIGHT } from '../workloads/kafkajs-throughput.js';
import { LATENCY_CONSUMER_SETTINGS, LATENCY_PRODUCER_SETTINGS } from '../workloads/latency.js';
import { MQ_CONSUMER_SETTINGS, MQ_PRODUCER_SETTINGS, MQ_SEND_WINDOW_BYTES, MQ_SEND_YIELD_RECORDS } from '../workloads/mq-throughput.js';
import { fmt, formatTable } from './table.js';

const out = (s = '') => process.stdout.write(`${s}\n`);
const json = (o) => JSON.stringify(o).replace(/"/g, '').replace(/,/g, ', ').replace(/:/g, ': ');

export function printSettings({ machine, brokerOverrides, plan }) {
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  out(`mq bench: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Linux ${machine.kernel}, node ${machine.node}`);
  out(`load average (1/5/15 min) at start ${load(machine.loadAverageAtStart)}, at end ${load(machine.loadAverageAtEnd)}${plan.smoke ? '; SMOKE RUN: counts too small to mean anything' : ''}`);
  out(`broker: own process, default config except ${json(brokerOverrides)}; clients in the bench process; same machine`);
  out(`mq producer: ${json(MQ_PRODUCER_SETTINGS)}, null keys (sticky partitioner), window ${MQ_SEND_WINDOW_BYTES >> 20} MiB of unacknowledged payload, send(record, callback) per record (acks=all: idempotent, the default)`);
  out(`mq consumer: ${json(MQ_CONSUMER_SETTINGS)}, assign() of every partition from earliest, poll() loop`);
  out(`kafkajs 2.2.4: send() of ${KAFKAJS_SEND_BYTES >> 10} KiB of records per call, ${KAFKAJS_SENDS_IN_FLIGHT} calls in flight, default partitioner, not idempotent; consumer ${json(KAFKAJS_CONSUMER_SETTINGS)}, eachBatch, no commits`);
  out(`payload: text of random words, distinct per record (lz4 ~2:1); MB = 10^6 bytes of record values; the send loop yields every ${MQ_SEND_YIELD_RECORDS} records`);
  out();
}

export function printThroughput({ throughput }) {
  const rec = (r) => fmt.int(r.recordsPerSec);
  const mb = (r) => fmt.fixed(1)(r.mbPerSec);
  out('Throughput: produce (first send to last ack), then consume the topic from the beginning');
  out(
    formatTable(
      [
        { header: 'scenario', value: (r) => r.name, left: true },
        { header: 'records', value: (r) => fmt.int(r.mq.records) },
        { header: 'mq prod rec/s', value: (r) => rec(r.mq.produce) },
        { header: 'MB/s', value: (r) => mb(r.mq.produce) },
        { header: 'mq cons rec/s', value: (r) => rec(r.mq.consume) },
        { header: 'MB/s', value: (r) => mb(r.mq.consume) },
        { header: 'B/rec stored', value: (r) => fmt.fixed(1)(r.mq.storedBytesPerRecord) },
        { header: 'kjs records', value: (r) => fmt.int(r.kafkajs.records) },
        { header: 'kjs prod rec/s', value: (r) => rec(r.kafkajs.produce) },
        { header: 'kjs cons rec/s', value: (r) => rec(r.kafkajs.consume) },
        { header: 'mq/kjs prod', value: (r) => fmt.ratio(r.ratio.produce) },
        { header: 'mq/kjs cons', value: (r) => fmt.ratio(r.ratio.consume) },
        { header: 'broker RSS max MiB', value: (r) => fmt.int(Math.max(r.mq.brokerRssMaxMiB, r.kafkajs.brokerRssMaxMiB)) },
      ],
      throughput,
    ),
  );
  out();
}

export function printLatency({ latency, plan, brokerRss }) {
  out(
    `End-to-end latency, mq client, 1 partition, 100-byte records, offered ${fmt.int(plan.latency.rate)} records/s for ${plan.latency.seconds} s after ${plan.latency.warmupSeconds} s warm-up; ` +
      `producer ${json(LATENCY_PRODUCER_SETTINGS)}, consumer ${json(LATENCY_CONSUMER_SETTINGS)} in the same process (ms)`,
  );
  const ms = fmt.fixed(3);
  out(
    formatTable(
      [
        { header: 'run', value: (r) => r.name, left: true },
        { header: 'records', value: (r) => fmt.int(r.records) },
        { header: 'achieved rec/s', value: (r) => fmt.int(r.achievedRate) },
        { header: 'p50', value: (r) => ms(r.latencyMs.p50) },
        { header: 'p95', value: (r) => ms(r.latencyMs.p95) },
        { header: 'p99', value: (r) => ms(r.latencyMs.p99) },
        { header: 'p99.9', value: (r) => ms(r.latencyMs.p999) },
        { header: 'max', value: (r) => ms(r.latencyMs.max) },
        { header: 'mean', value: (r) => ms(r.latencyMs.mean) },
        { header: 'send late p99', value: (r) => ms(r.schedulerLatenessMs.p99) },
        { header: 'send late max', value: (r) => ms(r.schedulerLatenessMs.max) },
      ],
      latency,
    ),
  );
  out();
  out(`Broker RSS over the whole run: start ${fmt.fixed(1)(brokerRss.startMiB)} MiB, max ${fmt.fixed(1)(brokerRss.maxMiB)} MiB, end ${fmt.fixed(1)(brokerRss.endMiB)} MiB (sampled every ${brokerRss.intervalMs} ms)`);
}

export function printSoak({ soak, brokerRss }) {
  out(
    `Soak: ${fmt.fixed(0)(soak.seconds)} s of sustained produce + consume, mq client, ${soak.size}-byte records, acks=${soak.acks}, ${soak.partitions} partitions; ` +
      `${fmt.int(soak.produced)} records produced, ${fmt.int(soak.consumed)} consumed`,
  );
  out(
    formatTable(
      [
        { header: 't (s)', value: (r) => fmt.fixed(0)(r.seconds) },
        { header: 'broker RSS MiB', value: (r) => fmt.fixed(1)(r.rssMiB) },
        { header: 'produced rec/s', value: (r) => fmt.int(r.producedPerSec) },
        { header: 'consumed rec/s', value: (r) => fmt.int(r.consumedPerSec) },
      ],
      soak.rows,
    ),
  );
  out();
  out(`Broker RSS: start ${fmt.fixed(1)(brokerRss.startMiB)} MiB, max ${fmt.fixed(1)(brokerRss.maxMiB)} MiB, end ${fmt.fixed(1)(brokerRss.endMiB)} MiB (sampled every ${brokerRss.intervalMs} ms)`);
  // Flatness after the first tenth of the run, once the broker's buffers and caches have grown to
  // their working size: the spread of the readings and the change from first to last.
  const settled = soak.rows.slice(Math.max(1, Math.floor(soak.rows.length / 10)));
  if (settled.length > 1) {
    const rss = settled.map((r) => r.rssMiB);
    out(
      `After t=${fmt.fixed(0)(settled[0].seconds)} s: RSS min ${fmt.fixed(1)(Math.min(...rss))} MiB, max ${fmt.fixed(1)(Math.max(...rss))} MiB, ` +
        `first ${fmt.fixed(1)(rss[0])} -> last ${fmt.fixed(1)(rss.at(-1))} MiB (${(rss.at(-1) - rss[0] >= 0 ? '+' : '') + fmt.fixed(1)(rss.at(-1) - rss[0])} MiB)`,
    );
  }
}
