// Idempotent producers of other clients against a real mq broker:
// - kcat 1.7.1 / librdkafka 2.0.2 with enable.idempotence=true (InitProducerId v4, flexible; its
//   IDEMPOTENT_PRODUCER feature needs InitProducerId v0 in the broker's range);
// - kafkajs 2.2.4 with idempotent: true (InitProducerId v1);
// - kafka-python 2.0.2, which has no idempotence, still produces and consumes with key 22 advertised.
// The stored batches are read back over the wire to check they carry the producer's stamp.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Fetch } from '../../src/protocol/messages/index.js';
import type { FetchResponse } from '../../src/protocol/messages/01-fetch.js';
import { decodeRecordBatches, type DecodedBatch } from '../../src/protocol/records/record-batch.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';
import { WireClient } from '../helpers/wire.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(() => b.close());

async function storedBatches(topic: string): Promise<DecodedBatch[]> {
  const c = await WireClient.open(b.port);
  try {
    const res = await c.request<FetchResponse>(Fetch, 4, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    const records = res.responses[0]!.partitions[0]!.records as Buffer | Buffer[];
    return decodeRecordBatches(Array.isArray(records) ? Buffer.concat(records) : records);
  } finally {
    c.close();
  }
}

/** Producer id, epoch and sequence of every stored batch, and that sequences continue batch to batch. */
function expectSequenced(batches: DecodedBatch[]): void {
  expect(batches.length).toBeGreaterThan(0);
  const producerId = batches[0]!.header.producerId;
  expect(producerId).toBeGreaterThanOrEqual(0n);
  let next = 0;
  for (const batch of batches) {
    expect(batch.header).toMatchObject({ producerId, producerEpoch: 0, baseSequence: next });
    next += batch.records.length;
  }
}

const values = (batches: DecodedBatch[]) => batches.flatMap((bt) => bt.records.map((r) => r.value!.toString()));

describe('idempotent producers of other clients', () => {
  it('kcat produces with -X enable.idempotence=true and reads the values back', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `idem-${i}`);
    const produced = await run('kcat', ['-b', b.bootstrap, '-P', '-t', 'kcat-idem', '-p', '0', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'], {
      input: lines.join('\n') + '\n',
      timeoutMs: 30_000,
    });
    expect(produced.code).toBe(0);
    expect(produced.stderr).toBe('');
    const consumed = await run('kcat', ['-b', b.bootstrap, '-C', '-t', 'kcat-idem', '-p', '0', '-o', 'beginning', '-e', '-q'], { timeoutMs: 30_000 });
    expect(consumed.stdout).toBe(lines.join('\n') + '\n');
    const batches = await storedBatches('kcat-idem');
    expectSequenced(batches);
    expect(values(batches)).toEqual(lines);
  });

  it('kafkajs produces with idempotent: true', async () => {
    const kafka = new Kafka({ clientId: 'kjs-idem', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await producer.connect();
    try {
      for (let i = 0; i < 5; i++) {
        await producer.send({ topic: 'kafkajs-idem', messages: [{ value: `j${i}a` }, { value: `j${i}b` }].map((m) => ({ ...m, partition: 0 })) });
      }
    } finally {
      await producer.disconnect();
    }
    const batches = await storedBatches('kafkajs-idem');
    expectSequenced(batches);
    expect(values(batches)).toEqual(['j0a', 'j0b', 'j1a', 'j1b', 'j2a', 'j2b', 'j3a', 'j3b', 'j4a', 'j4b']);
  });

  it('kafka-python 2.0.2 (no idempotence) still produces and consumes', async () => {
    const out = await run(
      '/usr/bin/python3',
      [
        '-c',
        `
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
producer = KafkaProducer(bootstrap_servers='${b.bootstrap}', acks='all')
for i in range(20):
    producer.send('py-plain', value=('p%d' % i).encode(), partition=0)
producer.flush()
consumer = KafkaConsumer(bootstrap_servers='${b.bootstrap}', auto_offset_reset='earliest', consumer_timeout_ms=3000)
consumer.assign([TopicPartition('py-plain', 0)])
print(' '.join(m.value.decode() for m in consumer))
`,
      ],
      { timeoutMs: 60_000 },
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(Array.from({ length: 20 }, (_, i) => `p${i}`).join(' ') + '\n');
    const batches = await storedBatches('py-plain');
    expect(batches.every((bt) => bt.header.producerId === -1n)).toBe(true);
  });
});
