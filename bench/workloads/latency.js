// End-to-end latency at a fixed offered rate, with mq's client: one producer and one consumer in
// this process, one partition, 100-byte records. The scheduler works from absolute times
// (record i is due at start + i / rate), so late wake-ups do not accumulate into drift; it wakes
// on timers (1 ms resolution in Node) and sends every record that has come due, so at 10,000
// records/s it sends about ten per wake-up instead of spinning a core that the broker needs.
// Each value starts with the producer's clock at send() (performance.now(), float64, µs
// precision; Kafka's record timestamp only has ms) and a sequence number; latency is the
// consumer's clock when poll() hands the record over minus that timestamp. Records sent during the
// warm-up are consumed but not counted. How late the scheduler sent each record against its due
// time is reported beside the latencies.

import { Consumer, Producer } from '../../dist/index.js';
import { mean, percentiles } from '../lib/percentiles.js';

export const LATENCY_PRODUCER_SETTINGS = { lingerMs: 0, batchSize: 16384, maxInFlightRequests: 5 };
export const LATENCY_CONSUMER_SETTINGS = { maxWaitMs: 500, minBytes: 1 };
export const LATENCY_PERCENTILES = [50, 95, 99, 99.9];
const STALL_MS = 30_000;
const TIMESTAMP_BYTES = 8;

export async function runLatency({ bootstrap, topic, acks, size, rate, seconds, warmupSeconds }) {
  const producer = new Producer({ bootstrapServers: [bootstrap], acks, ...LATENCY_PRODUCER_SETTINGS });
  const consumer = new Consumer({ bootstrapServers: [bootstrap], ...LATENCY_CONSUMER_SETTINGS });
  try {
    await producer.connect();
    await consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
    const warm = Math.round(rate * warmupSeconds);
    const total = warm + Math.max(1, Math.round(rate * seconds));
    const latencies = new Float64Array(total - warm);
    const lateness = new Float64Array(total - warm);
    const filler = Buffer.alloc(size, 'x');
    const intervalMs = 1000 / rate;
    let sendError = null;
    const onSent = (err) => {
      if (err) sendError ??= err;
    };

    const consumed = (async () => {
      let received = 0;
      while (received < total) {
        const batch = await consumer.poll(STALL_MS);
        const now = performance.now();
        if (batch.length === 0) throw new Error(`latency consumer: no records for ${STALL_MS} ms after ${received} of ${total}`);
        for (const r of batch) {
          const seq = r.value.readUInt32LE(TIMESTAMP_BYTES);
          if (seq >= warm) latencies[seq - warm] = now - r.value.readDoubleLE(0);
        }
        received += batch.length;
      }
    })();
    // Awaited below; until then a failure must not count as an unhandled rejection.
    consumed.catch(() => {});

    let sent = 0;
    let lastSendAt = 0;
    const t0 = performance.now();
    const produced = new Promise((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - t0) / intervalMs) + 1);
        while (sent < due) {
          const value = Buffer.allocUnsafe(size);
          filler.copy(value, TIMESTAMP_BYTES + 4, TIMESTAMP_BYTES + 4);
          value.writeUInt32LE(sent, TIMESTAMP_BYTES);
          const at = performance.now();
          value.writeDoubleLE(at, 0);
          if (sent >= warm) lateness[sent - warm] = at - (t0 + sent * intervalMs);
          producer.send({ topic, partition: 0, value }, onSent);
          lastSendAt = at;
          sent++;
        }
        if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * intervalMs - performance.now()));
        else resolve();
      };
      tick();
    });
    await produced;
    await producer.flush();
    await consumed;
    if (sendError) throw sendError;
    const measuredStart = t0 + warm * intervalMs;
    const [p50, p95, p99, p999] = percentiles(latencies, LATENCY_PERCENTILES);
    const [lateP99] = percentiles(lateness, [99]);
    return {
      records: latencies.length,
      offeredRate: rate,
      achievedRate: (total - warm) / ((lastSendAt - measuredStart) / 1000 + intervalMs / 1000),
      latencyMs: { p50, p95, p99, p999, max: percentiles(latencies, [100])[0], mean: mean(latencies) },
      schedulerLatenessMs: { p99: lateP99, max: percentiles(lateness, [100])[0] },
    };
  } finally {
    await producer.close();
    await consumer.close();
  }
}
