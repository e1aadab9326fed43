// The four codecs end to end against a real mq broker: kcat 1.7.1 (librdkafka 2.0.2) and
// kafka-python 2.0.2 (with Debian's python3-snappy, python3-lz4, python3-zstandard) on one side,
// mq's console-producer and console-consumer (`npm run build` first) on the other. Each test also
// reads the batches the broker stored, so a client that quietly sent a batch uncompressed cannot
// pass for one that compressed it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '../../src/client/producer.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { Fetch, type FetchRequest, type FetchResponse } from '../../src/protocol/messages/01-fetch.js';
import { decodeRecordBatches } from '../../src/protocol/records/record-batch.js';
import type { CompressionName } from '../../src/protocol/records/compression.js';
import { FakeCluster } from '../client/fake-broker.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';
import { WireClient } from '../helpers/wire.js';

const MQ = fileURLToPath(new URL('../../bin/mq.js', import.meta.url));
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const COUNT = 300;

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker({ 'num.partitions': '1' });
});
afterAll(() => b.close());

const mq = (args: string[], input?: string) => run(process.execPath, [MQ, ...args, '--bootstrap-server', b.bootstrap], { input, timeoutMs: 60_000 });
const kcat = (args: string[], input?: string) => run('kcat', ['-b', b.bootstrap, ...args], { input, timeoutMs: 60_000 });
const python = (script: string) => run('/usr/bin/python3', ['-c', script], { timeoutMs: 60_000 });

/** Compressible values, distinct per topic. */
function values(topic: string): string[] {
  return Array.from({ length: COUNT }, (_, i) => `${topic} value ${i} ${'lorem ipsum dolor sit amet '.repeat(i % 7)}`.trim());
}

/** The codec of every batch of partition 0 as the broker stored it (its first segment file). */
function storedCodecs(topic: string): CompressionName[] {
  const bytes = readFileSync(join(b.dir, `${topic}-0`, '00000000000000000000.log'));
  return [...new Set(decodeRecordBatches(bytes).map((batch) => batch.compression))];
}

async function consoleConsumer(topic: string): Promise<string[]> {
  const out = await mq(['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', String(COUNT)]);
  expect(out.stderr).toBe(`Processed a total of ${COUNT} messages\n`);
  expect(out.code).toBe(0);
  return out.stdout.split('\n').slice(0, -1);
}

async function kafkaPythonReads(topic: string): Promise<string[]> {
  const out = await python(`
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers='${b.bootstrap}', auto_offset_reset='earliest', consumer_timeout_ms=10000)
c.assign([TopicPartition('${topic}', 0)])
got = []
for m in c:
    got.append(m.value.decode())
    if len(got) == ${COUNT}:
        break
print('\\n'.join(got))
`);
  expect(out.stderr).toBe('');
  return out.stdout.split('\n').slice(0, -1);
}

describe.each(CODECS)('%s', (codec) => {
  it('kcat -z produces and mq console-consumer prints the values', async () => {
    const topic = `kcat-${codec}`;
    const produced = await kcat(['-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=100'], values(topic).join('\n') + '\n');
    expect(produced.code).toBe(0);
    // librdkafka (through 2.11) compresses gzip/snappy/lz4 only when the broker lists Produce v0,
    // lz4 also needs FindCoordinator v0, zstd Produce v7 and Fetch v10 (rdkafka_feature.c): the
    // stored codec proves the broker's ranges turn all of them on.
    expect(storedCodecs(topic)).toEqual([codec]);
    expect(await consoleConsumer(topic)).toEqual(values(topic));
  });

  it('kafka-python produces and mq console-consumer prints the values', async () => {
    const topic = `py-${codec}`;
    const out = await python(`
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers='${b.bootstrap}', compression_type='${codec}', linger_ms=50)
for v in ${JSON.stringify(values(topic))}:
    p.send('${topic}', v.encode())
p.flush()
`);
    expect(out.stderr).toBe('');
    expect(storedCodecs(topic)).toEqual([codec]);
    expect(await consoleConsumer(topic)).toEqual(values(topic));
  });

  it('mq console-producer --compression-codec writes batches kcat and kafka-python read', async () => {
    const topic = `mq-${codec}`;
    const produced = await mq(['console-producer', '--topic', topic, '--compression-codec', codec], values(topic).join('\n') + '\n');
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    expect(storedCodecs(topic)).toEqual([codec]);
    const consumed = await kcat(['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.split('\n').slice(0, -1)).toEqual(values(topic));
    expect(await kafkaPythonReads(topic)).toEqual(values(topic));
  });
});

describe('a topic with compression.type set', () => {
  it('stores gzip-produced batches as lz4, which every client reads', async () => {
    const topic = 'recompressed-lz4';
    const created = await mq(['topics', '--create', '--topic', topic, '--partitions', '1', '--config', 'compression.type=lz4']);
    expect(created.code).toBe(0);
    const produced = await mq(['console-producer', '--topic', topic, '--compression-codec', 'gzip'], values(topic).join('\n') + '\n');
    expect(produced.code).toBe(0);
    expect(storedCodecs(topic)).toEqual(['lz4']);
    expect(await consoleConsumer(topic)).toEqual(values(topic));
    expect(await kafkaPythonReads(topic)).toEqual(values(topic));
  });

  it('answers Fetch below v10 with UNSUPPORTED_COMPRESSION_TYPE when it is zstd, as Kafka does', async () => {
    const topic = 'zstd-topic';
    expect((await mq(['topics', '--create', '--topic', topic, '--partitions', '1', '--config', 'compression.type=zstd'])).code).toBe(0);
    expect((await mq(['console-producer', '--topic', topic], 'a\nb\n')).code).toBe(0);
    expect(storedCodecs(topic)).toEqual(['zstd']);
    const wire = await WireClient.open(b.port);
    try {
      const fetch = (version: number) =>
        wire.request<FetchResponse>(Fetch, version, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: 1 << 20,
          isolationLevel: 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
          forgottenTopicsData: [],
          rackId: '',
        } satisfies Partial<FetchRequest>);
      const old = (await fetch(9)).responses[0]!.partitions[0]!;
      expect(old.errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      expect(old.records).toHaveLength(0);
      const current = (await fetch(10)).responses[0]!.partitions[0]!;
      expect(current.errorCode).toBe(0);
      expect(decodeRecordBatches(current.records as Buffer).flatMap((batch) => batch.records.map((r) => r.value!.toString()))).toEqual(['a', 'b']);
    } finally {
      wire.close();
    }
  });

  it('refuses a batch that recompression makes larger than max.message.bytes', async () => {
    const topic = 'uncompressed-small';
    const created = await mq(['topics', '--create', '--topic', topic, '--partitions', '1', '--config', 'compression.type=uncompressed', '--config', 'max.message.bytes=2000']);
    expect(created.code).toBe(0);
    // One record (a batch of several would be split and retried): 3,000 bytes that gzip to ~100.
    const produced = await mq(['console-producer', '--topic', topic, '--compression-codec', 'gzip'], `${'x'.repeat(3000)}\n`);
    expect(produced.code).not.toBe(0);
    expect(produced.stderr).toMatch(/larger than the max message size/);
    expect(storedCodecs(topic)).toEqual([]);
  });
});

describe('Producer with zstd', () => {
  it('fails its records with UNSUPPORTED_COMPRESSION_TYPE against a broker without Produce v7', async () => {
    const cluster = await FakeCluster.start();
    try {
      cluster.addTopic('t', 1);
      cluster.brokers[0]!.versions.set(0, { min: 3, max: 6 });
      const producer = new Producer({ bootstrapServers: [cluster.bootstrap], compression: 'zstd', retries: 0 });
      await expect(producer.send({ topic: 't', value: 'v' })).rejects.toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE });
      await producer.close();
      expect(cluster.brokers[0]!.requests(0)).toHaveLength(0);
    } finally {
      await cluster.close();
    }
  });
});
