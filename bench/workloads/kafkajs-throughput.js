// The same produce and consume workload driven by kafkajs 2.2.4 against the same mq broker.
// To be fair to kafkajs: batch sends (send({ topic, messages }) with a few hundred KiB of records
// each, several in flight, as mq's client has requests in flight), the consumer's eachBatch
// handler, no offset commits (mq's consumer commits nothing either), and its clock starts when
// the group is joined. kafkajs has no lz4 codec of its own: it gets one here from lz4-napi (the
// library mq uses), called synchronously as kafkajs-lz4 does. kafkajs's producer is not
// idempotent by default (it would need one request in flight); mq's is with acks=all.

import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import kafkajs, { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { recordValues } from '../lib/payload.js';

// CompressionCodecs is not among the names Node finds in kafkajs's CommonJS exports.
kafkajs.CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder) => compressFrameSync(encoder.buffer),
  decompress: async (buffer) => decompressFrameSync(buffer),
});

/** Payload bytes per send() call, and send() calls in flight. */
export const KAFKAJS_SEND_BYTES = 256 << 10;
export const KAFKAJS_SENDS_IN_FLIGHT = 5;
/** The fetch sizes mq's consumer gets (MQ_CONSUMER_SETTINGS). */
export const KAFKAJS_CONSUMER_SETTINGS = { maxWaitTimeInMs: 500, maxBytesPerPartition: 2 << 20, maxBytes: 16 << 20 };
const STALL_MS = 30_000;

const CODEC = { none: CompressionTypes.None, lz4: CompressionTypes.LZ4 };

function client(bootstrap) {
  return new Kafka({ clientId: 'mq-bench', brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

/** @returns {Promise<{ seconds: number }>} from the first send() to the last acknowledgement */
export async function produceKafkajs({ bootstrap, topic, records, size, acks, codec }) {
  const producer = client(bootstrap).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const perSend = Math.max(1, Math.floor(KAFKAJS_SEND_BYTES / size));
    const values = recordValues(size);
    const mask = values.length - 1;
    let next = 0;
    const sendOne = () => {
      const n = Math.min(perSend, records - next);
      const messages = new Array(n);
      for (let i = 0; i < n; i++) messages[i] = { value: values[(next + i) & mask] };
      next += n;
      return producer.send({ topic, acks, compression: CODEC[codec], messages });
    };
    const start = performance.now();
    // KAFKAJS_SENDS_IN_FLIGHT loops, each sending its next call when the previous one is answered.
    await Promise.all(
      Array.from({ length: KAFKAJS_SENDS_IN_FLIGHT }, async () => {
        while (next < records) await sendOne();
      }),
    );
    return { seconds: (performance.now() - start) / 1000 };
  } finally {
    await producer.disconnect();
  }
}

/** @returns {Promise<{ seconds: number }>} from joining the group to the last record */
export async function consumeKafkajs({ bootstrap, topic, records, size }) {
  const consumer = client(bootstrap).consumer({ groupId: `bench-${topic}`, ...KAFKAJS_CONSUMER_SETTINGS });
  await consumer.connect();
  try {
    let start = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      start ||= performance.now();
    });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    let bytes = 0;
    let stall = null;
    const done = new Promise((resolve, reject) => {
      const armStall = () => {
        clearTimeout(stall);
        stall = setTimeout(() => reject(new Error(`kafkajs consumer: no records for ${STALL_MS} ms after ${seen} of ${records} from ${topic}`)), STALL_MS);
      };
      armStall();
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          for (const m of batch.messages) bytes += m.value.length;
          armStall();
          if (seen >= records) resolve(performance.now());
        },
      }).catch(reject);
    });
    const end = await done.finally(() => clearTimeout(stall));
    if (seen !== records || bytes !== records * size) throw new Error(`kafkajs consumer read ${seen} records (${bytes} bytes) of ${topic}, expected ${records} of ${size} bytes`);
    return { seconds: (end - start) / 1000 };
  } finally {
    await consumer.disconnect();
  }
}
