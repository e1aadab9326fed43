// Produce and consume throughput with mq's own client. The producer sends each record with
// send(record, callback) (no promise per record, as Java's send(record, Callback)), keeps a
// window of unacknowledged records (like Java's buffer.memory) and lets the client batch: null
// keys, so the sticky partitioner fills one partition's batch at a time. The consumer reads the
// topic back from the beginning with a manual assignment of every partition.

import { Consumer, Producer } from '../../dist/index.js';
import { recordValues } from '../lib/payload.js';
import { SendWindow } from '../lib/window.js';

export const MQ_PRODUCER_SETTINGS = { lingerMs: 5, batchSize: 1_000_000, maxInFlightRequests: 5 };
/** Unacknowledged payload bytes the send loop allows (Java's buffer.memory default). */
export const MQ_SEND_WINDOW_BYTES = 32 << 20;
/** The send loop yields to the event loop this often, so batches leave while it keeps sending. */
export const MQ_SEND_YIELD_RECORDS = 2048;
/**
 * Fetch sizes: one Fetch is in flight per broker, so the broker's read and send and this
 * process's decoding of a response take turns; 16 MiB responses kept both busier than the Java
 * defaults (1 MiB / 50 MiB) or 8 MiB / 64 MiB did on this machine.
 */
export const MQ_CONSUMER_SETTINGS = { maxWaitMs: 500, maxPartitionBytes: 2 << 20, maxBytes: 16 << 20 };
/** A consumer that sees nothing for this long has lost records: the run fails instead of hanging. */
const STALL_MS = 30_000;

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** @returns {Promise<{ seconds: number }>} from the first send() to the last acknowledgement */
export async function produceMq({ bootstrap, topic, records, size, acks, codec }) {
  const producer = new Producer({ bootstrapServers: [bootstrap], acks, compression: codec, ...MQ_PRODUCER_SETTINGS });
  try {
    await producer.connect();
    const values = recordValues(size);
    const mask = values.length - 1;
    const window = new SendWindow(Math.max(1, Math.floor(MQ_SEND_WINDOW_BYTES / size)));
    const onSent = (err) => (err ? window.fail(err, 1) : window.done(1));
    const start = performance.now();
    for (let i = 0; i < records; i++) {
      producer.send({ topic, value: values[i & mask] }, onSent);
      window.add(1);
      if (window.full) await window.room();
      else if ((i & (MQ_SEND_YIELD_RECORDS - 1)) === MQ_SEND_YIELD_RECORDS - 1) await yieldToEventLoop();
    }
    await producer.flush();
    await window.drained();
    const seconds = (performance.now() - start) / 1000;
    if (window.error) throw window.error;
    return { seconds };
  } finally {
    await producer.close();
  }
}

/** @returns {Promise<{ seconds: number }>} from assignment to the last record */
export async function consumeMq({ bootstrap, topic, partitions, records, size }) {
  const consumer = new Consumer({ bootstrapServers: [bootstrap], ...MQ_CONSUMER_SETTINGS });
  try {
    await consumer.connect();
    const start = performance.now();
    await consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' })));
    let seen = 0;
    let bytes = 0;
    while (seen < records) {
      const batch = await consumer.poll(STALL_MS);
      if (batch.length === 0) throw new Error(`mq consumer: no records for ${STALL_MS} ms after ${seen} of ${records} from ${topic}`);
      seen += batch.length;
      for (const r of batch) bytes += r.value.length;
    }
    const seconds = (performance.now() - start) / 1000;
    if (seen !== records || bytes !== records * size) throw new Error(`mq consumer read ${seen} records (${bytes} bytes) of ${topic}, expected ${records} of ${size} bytes`);
    return { seconds };
  } finally {
    await consumer.close();
  }
}
