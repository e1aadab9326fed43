// Sustained load for the broker-memory check: an mq producer sends 100-byte records as fast as
// the broker takes them (same window and batching as the throughput runs) while a consumer in
// this process reads the same partitions, for a fixed time. Every `reportEverySeconds` a row
// records the broker's RSS and the records produced and consumed since the previous row.

import { Consumer, Producer } from '../../dist/index.js';
import { recordValues } from '../lib/payload.js';
import { SendWindow } from '../lib/window.js';
import { MQ_CONSUMER_SETTINGS, MQ_PRODUCER_SETTINGS, MQ_SEND_WINDOW_BYTES, MQ_SEND_YIELD_RECORDS } from './mq-throughput.js';

const STALL_MS = 30_000;
const POLL_MS = 200;
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

export async function runSoak({ bootstrap, topic, partitions, size, acks, seconds, reportEverySeconds, sampler }) {
  const producer = new Producer({ bootstrapServers: [bootstrap], acks, ...MQ_PRODUCER_SETTINGS });
  const consumer = new Consumer({ bootstrapServers: [bootstrap], ...MQ_CONSUMER_SETTINGS });
  const rows = [];
  let produced = 0;
  let consumed = 0;
  let report = null;
  try {
    await producer.connect();
    await consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' })));
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    let last = { t: t0, produced: 0, consumed: 0 };
    report = setInterval(() => {
      const t = performance.now();
      const i = sampler.sample();
      rows.push({
        seconds: (t - t0) / 1000,
        rssMiB: sampler.samples[i].kib / 1024,
        producedPerSec: ((produced - last.produced) * 1000) / (t - last.t),
        consumedPerSec: ((consumed - last.consumed) * 1000) / (t - last.t),
      });
      last = { t, produced, consumed };
    }, reportEverySeconds * 1000);

    let producing = true;
    // Short polls, so the loop sees the producer finish; a long silence while records are
    // missing fails the run.
    const consuming = (async () => {
      let progressAt = performance.now();
      while (producing || consumed < produced) {
        const batch = await consumer.poll(POLL_MS);
        const now = performance.now();
        if (batch.length > 0) progressAt = now;
        else if (now - progressAt > STALL_MS) throw new Error(`soak consumer: no records for ${STALL_MS} ms after ${consumed} of ${produced}`);
        consumed += batch.length;
      }
    })();
    // Awaited below; until then a failure must not count as an unhandled rejection.
    consuming.catch(() => {});

    const values = recordValues(size);
    const mask = values.length - 1;
    const window = new SendWindow(Math.max(1, Math.floor(MQ_SEND_WINDOW_BYTES / size)));
    const onSent = (err) => {
      if (err) return window.fail(err, 1);
      produced++;
      window.done(1);
    };
    for (let i = 0; ; i++) {
      producer.send({ topic, value: values[i & mask] }, onSent);
      window.add(1);
      if (window.full) await window.room();
      else if ((i & (MQ_SEND_YIELD_RECORDS - 1)) === MQ_SEND_YIELD_RECORDS - 1) {
        await yieldToEventLoop();
        if (performance.now() >= deadline || window.error) break;
      }
    }
    await producer.flush();
    await window.drained();
    producing = false;
    if (window.error) throw window.error;
    await consuming;
    clearInterval(report);
    return { seconds: (performance.now() - t0) / 1000, produced, consumed, rows };
  } finally {
    clearInterval(report);
    await producer.close();
    await consumer.close();
  }
}
