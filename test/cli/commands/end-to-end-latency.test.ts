import { describe, expect, it } from 'vitest';
import type { ConsumerConfig, ConsumerRecord, ProducerConfig, ProducerRecord, TopicDescription } from '../../../src/client/index.js';
import { progressLine, resultLines, summarize } from '../../../src/cli/commands/end-to-end-latency.js';
import type { AdminClient } from '../../../src/cli/context.js';
import { JavaRandom } from '../../../src/cli/perf/java-random.js';
import { mq, type ConsumerClient, type ProducerClient } from '../helpers.js';

describe('java.util.Random', () => {
  it('gives the JDK\'s sequence for seed 0', () => {
    // new Random(0).nextInt() is -1155484576 and then -723955400 (JDK); nextInt(bound) takes the
    // top 31 bits of the same steps: 1569741360 % 26 = 18, 1785505948 % 26 = 18.
    const r = new JavaRandom(0n);
    expect([r.nextInt(26), r.nextInt(26)]).toEqual([18, 18]);
    // A power-of-two bound takes the high bits: (16 × 1569741360) >> 31.
    expect(new JavaRandom(0n).nextInt(16)).toBe(11);
  });
});

describe('end-to-end-latency output lines', () => {
  it('prints a progress line as `i\\t<ms as a Java double>`', () => {
    expect(progressLine(0, 17_189_060n)).toBe('0\t17.18906');
    expect(progressLine(1000, 3_000_000n)).toBe('1000\t3.0');
  });

  it('prints the average and truncated-millisecond percentiles, with microseconds for json', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => BigInt(i + 1) * 10_000n); // 0.01 ms .. 10 ms
    const s = summarize(latencies);
    expect(resultLines(s)).toBe('Avg latency: 5.0050 ms\nPercentiles: 50th = 5, 99th = 9, 99.9th = 10\n');
    expect(s).toMatchObject({ messages: 1000, p50Us: 5010, p99Us: 9910, p999Us: 10000 });
  });
});

/**
 * A topic with one partition: what the producer sends, the consumer returns on its next poll.
 * `echo` may change what comes back.
 */
function fakeCluster(options: { exists?: boolean; echo?: (sent: ProducerRecord) => ConsumerRecord[] } = {}) {
  const state = {
    created: [] as unknown[],
    assigned: [] as unknown[],
    producerConfigs: [] as ProducerConfig[],
    consumerConfigs: [] as ConsumerConfig[],
    sent: 0,
    closed: [] as string[],
  };
  let pending: ProducerRecord | null = null;
  const producer: ProducerClient = {
    async connect() {},
    async send(record) {
      state.sent++;
      pending = record;
      return { topic: record.topic, partition: 0, offset: 0n, timestamp: 0n };
    },
    async flush() {},
    async close() {
      state.closed.push('producer');
    },
  };
  const consumer: ConsumerClient = {
    async connect() {},
    async assign(partitions) {
      state.assigned.push(...partitions);
    },
    async subscribe() {
      throw new Error('end-to-end-latency assigns');
    },
    async seek() {},
    async poll() {
      const sent = pending;
      pending = null;
      if (!sent) return [];
      const echo =
        options.echo ??
        ((r: ProducerRecord) => [
          { topic: r.topic, partition: 0, offset: 0n, timestamp: 0n, timestampType: 'CreateTime' as const, key: null, value: r.value as Buffer, headers: [] },
        ]);
      return echo(sent);
    },
    async close() {
      state.closed.push('consumer');
    },
  };
  const description: TopicDescription & { error: null } = { name: 't', topicId: 'x', isInternal: false, partitions: [], error: null };
  description.partitions.push({ partition: 0, leader: 1, replicas: [1], isr: [1], leaderEpoch: 0, offlineReplicas: [], errorCode: 0 });
  const admin = {
    async listTopics() {
      return options.exists === false && state.created.length === 0 ? [] : ['t'];
    },
    async createTopics(topics: unknown[]) {
      state.created.push(...topics);
      return [{ name: 't', topicId: 'x', numPartitions: 1, replicationFactor: 1, error: null }];
    },
    async describeTopics() {
      return [description];
    },
    async close() {
      state.closed.push('admin');
    },
  } as unknown as AdminClient;
  return {
    state,
    clients: {
      producer: (c: ProducerConfig) => (state.producerConfigs.push(c), producer),
      consumer: (c: ConsumerConfig) => (state.consumerConfigs.push(c), consumer),
      admin: () => admin,
    },
  };
}

describe('mq end-to-end-latency', () => {
  it('sends one message at a time, prints every 1000th latency and the results', async () => {
    const cluster = fakeCluster();
    const r = await mq(['end-to-end-latency', 'h:1', 't', '2001', 'all', '20'], { clients: cluster.clients });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^0\t\d+\.\d+(E-?\d+)?$/);
    expect(lines[1]).toMatch(/^1000\t\d+\.\d+(E-?\d+)?$/);
    expect(lines[2]).toMatch(/^2000\t\d+\.\d+(E-?\d+)?$/);
    expect(lines[3]).toMatch(/^Avg latency: \d+\.\d{4} ms$/);
    expect(lines[4]).toMatch(/^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$/);
    expect(lines[5]).toBe('');
    expect(cluster.state.sent).toBe(2001);
    expect(cluster.state.assigned).toEqual([{ topic: 't', partition: 0, offset: 'latest' }]);
    expect(cluster.state.producerConfigs[0]).toMatchObject({ bootstrapServers: ['h:1'], lingerMs: 0, acks: -1 });
    expect(cluster.state.consumerConfigs[0]).toMatchObject({ bootstrapServers: ['h:1'], maxWaitMs: 0, autoOffsetReset: 'latest' });
    expect(cluster.state.closed.sort()).toEqual(['admin', 'consumer', 'producer']);
  });

  it('sends what Kafka sends: the whole message one letter from Random(0)', async () => {
    const values: string[] = [];
    const cluster = fakeCluster({
      echo: (r) => {
        values.push(String(r.value));
        return [{ topic: 't', partition: 0, offset: 0n, timestamp: 0n, timestampType: 'CreateTime', key: null, value: r.value as Buffer, headers: [] }];
      },
    });
    await mq(['end-to-end-latency', 'h:1', 't', '2', '1', '5'], { clients: cluster.clients });
    expect(values).toEqual(['SSSSS', 'SSSSS']);
  });

  it('creates a missing topic with one partition and says so', async () => {
    const cluster = fakeCluster({ exists: false });
    const r = await mq(['end-to-end-latency', 'h:1', 't', '1', '1', '5'], { clients: cluster.clients });
    expect(r.stdout.split('\n')[0]).toBe('Topic "t" does not exist. Will create topic with 1 partition(s) and replication factor = 1');
    expect(cluster.state.created).toEqual([{ name: 't', numPartitions: 1, replicationFactor: 1 }]);
  });

  it('prints one JSON object with the percentiles in milliseconds and microseconds', async () => {
    const r = await mq(['end-to-end-latency', 'h:1', 't', '10', '1', '5', '--output', 'json'], { clients: fakeCluster().clients });
    const view = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(view).toMatchObject({ topic: 't', messages: 10 });
    for (const key of ['avgMs', 'p50Ms', 'p99Ms', 'p999Ms', 'p50Us', 'p99Us', 'p999Us']) expect(typeof view[key]).toBe('number');
  });

  it('fails with Kafka\'s messages when the record read is not the one sent', async () => {
    const other = fakeCluster({
      echo: (r) => [{ topic: 't', partition: 0, offset: 0n, timestamp: 0n, timestampType: 'CreateTime', key: null, value: Buffer.from('x'), headers: [] }, { topic: r.topic, partition: 0, offset: 1n, timestamp: 0n, timestampType: 'CreateTime', key: null, value: null, headers: [] }],
    });
    expect(await mq(['end-to-end-latency', 'h:1', 't', '3', '1', '2'], { clients: other.clients })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'unable to measure latency: The message read [x] did not match the message sent [SS]\n',
    });
    const two = fakeCluster({
      echo: (r) => [0n, 1n].map((offset) => ({ topic: 't', partition: 0, offset, timestamp: 0n, timestampType: 'CreateTime' as const, key: null, value: r.value as Buffer, headers: [] })),
    });
    expect((await mq(['end-to-end-latency', 'h:1', 't', '3', '1', '2'], { clients: two.clients })).stderr).toBe(
      'unable to measure latency: Only one result was expected during this test. We found [2]\n',
    );
  });
});

describe('mq end-to-end-latency argument errors', () => {
  const usage = 'USAGE: mq end-to-end-latency broker_list topic num_messages producer_acks message_size_bytes [optional] properties_file';
  it.each([
    [[], usage],
    [['h:1', 't', '10', '1'], usage],
    [['h:1', 't', '10', '1', '5', 'f', 'extra'], usage],
    [['h:1', 't', 'ten', '1', '5'], 'For input string: "ten"'],
    [['h:1', 't', '10', '1', '5.5'], 'For input string: "5.5"'],
    [['h:1', 't', '10', '0', '5'], 'Latency testing requires synchronous acknowledgement. Please use 1 or all'],
    [['h:1', 't', '0', '1', '5'], 'num_messages must be greater than 0'],
    [['nohost', 't', '10', '1', '5'], 'Please provide valid host:port like host1:9091,host2:9092'],
  ])('%j → %s', async (args, message) => {
    expect(await mq(['end-to-end-latency', ...args])).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });
});
