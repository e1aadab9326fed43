import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ConsumerConfig, ConsumerRecord } from '../../../src/client/index.js';
import { run } from '../../../src/cli/main.js';
import { harness, mq, type ConsumerClient } from '../helpers.js';

const record = (offset: number, over: Partial<ConsumerRecord> = {}): ConsumerRecord => ({
  topic: 't',
  partition: offset % 3,
  offset: BigInt(offset),
  timestamp: 1700000000000n + BigInt(offset),
  timestampType: 'CreateTime',
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(`v${offset}`),
  headers: [],
  ...over,
});

/** Hands out `records` in batches, then waits (briefly, in test time) and returns no records. */
function fakeConsumer(records: ConsumerRecord[], batch = 500) {
  const state = { configs: [] as ConsumerConfig[], assigned: [] as unknown[], seeks: [] as string[], closed: false };
  let next = 0;
  const consumer: ConsumerClient = {
    async connect() {},
    async assign(partitions) {
      state.assigned.push({ assign: partitions });
    },
    async subscribe(topics) {
      state.assigned.push({ subscribe: topics });
    },
    async seek(topic, partition, offset) {
      state.seeks.push(`${topic}-${partition}@${offset}`);
    },
    async poll(timeoutMs) {
      if (next < records.length) {
        const out = records.slice(next, next + batch);
        next += out.length;
        return out;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, 5)));
      return [];
    },
    async close() {
      state.closed = true;
    },
  };
  return { state, factory: (config: ConsumerConfig) => (state.configs.push(config), consumer) };
}

async function consume(args: string[], records: ConsumerRecord[] = [], batch?: number) {
  const { state, factory } = fakeConsumer(records, batch);
  const result = await mq(['console-consumer', '--topic', 't', ...args], { clients: { consumer: factory } });
  return { ...result, ...state };
}

const three = [record(0), record(1), record(2)];

describe('mq console-consumer: output', () => {
  it('prints values, one per line, and the count on stderr', async () => {
    const r = await consume(['--from-beginning', '--max-messages', '3'], three);
    expect(r).toMatchObject({ code: 0, stdout: 'v0\nv1\nv2\n', stderr: 'Processed a total of 3 messages\n', closed: true });
    expect(r.assigned).toEqual([{ subscribe: ['t'] }]);
    expect(r.configs[0]!.autoOffsetReset).toBe('earliest');
  });

  it("formats with DefaultMessageFormatter's properties", async () => {
    const args = ['--max-messages', '1', '--property', 'print.timestamp=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true', '--property', 'print.headers=true'];
    expect((await consume(args, [record(5, { headers: [{ key: 'h', value: Buffer.from('x') }] })])).stdout).toBe(
      'CreateTime:1700000000005\tPartition:2\tOffset:5\th:x\tk5\tv5\n',
    );
  });

  it('stops at --max-messages in the middle of a fetched batch, so that only printed records are committed', async () => {
    const r = await consume(['--max-messages', '4'], Array.from({ length: 10 }, (_, i) => record(i)));
    expect(r.stdout).toBe('v0\nv1\nv2\nv3\n');
    expect(r.stderr).toBe('Processed a total of 4 messages\n');
    // Partition = offset % 3: the first unprinted records are 4 (p1), 5 (p2) and 6 (p0).
    expect(r.seeks).toEqual(['t-1@4', 't-2@5', 't-0@6']);
    expect(r.closed).toBe(true);
  });

  it('exits when nothing arrives within --timeout-ms', async () => {
    const r = await consume(['--timeout-ms', '30'], three, 2);
    expect(r).toMatchObject({ code: 0, stdout: 'v0\nv1\nv2\n', stderr: 'Processed a total of 3 messages\n' });
  });

  it('writes one JSON document per record with --output json', async () => {
    const r = await consume(['--max-messages', '1', '--output', 'json'], [record(7, { key: null })]);
    expect(r.stdout).toBe('{"topic":"t","partition":1,"offset":7,"timestamp":1700000000007,"timestampType":"CreateTime","key":null,"value":"v7","headers":[]}\n');
  });

  it('prints 100000 records', async () => {
    const records = Array.from({ length: 100_000 }, (_, i) => record(i));
    const r = await consume(['--max-messages', '100000'], records);
    expect(r.stdout.length).toBe(records.reduce((n, rec) => n + rec.value!.length + 1, 0));
    expect(r.stdout.endsWith('v99999\n')).toBe(true);
    expect(r.stderr).toBe('Processed a total of 100000 messages\n');
  });

  it('stops on Ctrl-C and still reports the count', async () => {
    const { state, factory } = fakeConsumer(three);
    const h = harness({ clients: { consumer: factory } });
    const done = run(['console-consumer', '--topic', 't'], h.ctx);
    await h.subscribed();
    while (!h.stdout.text.includes('v2')) await new Promise((resolve) => setTimeout(resolve, 1));
    h.shutdown();
    expect(await done).toBe(0);
    expect(h.stderr.text).toBe('Processed a total of 3 messages\n');
    expect(state.closed).toBe(true);
  });

  it('closes when stdout goes away', async () => {
    const { factory } = fakeConsumer(Array.from({ length: 10 }, (_, i) => record(i)), 1);
    const broken = new Writable({ write: (_chunk, _enc, cb) => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const h = harness({ clients: { consumer: factory }, stdout: broken });
    expect(await run(['console-consumer', '--topic', 't'], h.ctx)).toBe(0);
    expect(h.stderr.text).toMatch(/^Unable to write to standard out, closing consumer\.\nProcessed a total of \d+ messages\n$/);
  });
});

describe('mq console-consumer: where to start and argument checks', () => {
  it('subscribes without a group as a throw-away console-consumer-<n> group that commits nothing', async () => {
    const r = await consume(['--timeout-ms', '0']);
    expect(r.assigned).toEqual([{ subscribe: ['t'] }]);
    expect(r.configs).toHaveLength(1);
    expect(r.configs[0]).toMatchObject({ autoOffsetReset: 'latest', enableAutoCommit: false });
    expect(r.configs[0]!.groupId).toMatch(/^console-consumer-\d{1,5}$/);
    // The user's enable.auto.commit wins, as in Kafka.
    expect((await consume(['--timeout-ms', '0', '--consumer-property', 'enable.auto.commit=true'])).configs[0]!.enableAutoCommit).toBe(true);
  });

  it('reads as the --group (or group.id) member, auto-committing unless told otherwise', async () => {
    const r = await consume(['--timeout-ms', '0', '--group', 'g', '--from-beginning']);
    expect(r.assigned).toEqual([{ subscribe: ['t'] }]);
    expect(r.configs[0]).toEqual({ bootstrapServers: ['localhost:9092'], clientId: 'console-consumer', autoOffsetReset: 'earliest', groupId: 'g' });
    const props = ['--consumer-property', 'group.id=g', '--consumer-property', 'enable.auto.commit=false', '--consumer-property', 'auto.commit.interval.ms=100'];
    expect((await consume(['--timeout-ms', '0', '--group', 'g', ...props])).configs[0]).toMatchObject({
      groupId: 'g',
      enableAutoCommit: false,
      autoCommitIntervalMs: 100,
    });
    expect((await consume(['--timeout-ms', '0', '--consumer-property', 'group.id=h'])).configs[0]).toMatchObject({ groupId: 'h' });
  });

  it("maps the Java consumer's group properties", async () => {
    const props = {
      'group.instance.id': 'i-1',
      'session.timeout.ms': '10000',
      'heartbeat.interval.ms': '1000',
      'max.poll.interval.ms': '60000',
      'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor, cooperative-sticky',
    };
    const args = Object.entries(props).flatMap(([k, v]) => ['--consumer-property', `${k}=${v}`]);
    expect((await consume(['--timeout-ms', '0', '--group', 'g', ...args])).configs[0]).toMatchObject({
      groupInstanceId: 'i-1',
      sessionTimeoutMs: 10000,
      heartbeatIntervalMs: 1000,
      rebalanceTimeoutMs: 60000,
      partitionAssignors: ['roundrobin', 'cooperative-sticky'],
    });
    expect((await mq(['console-consumer', '--topic', 't', '--consumer-property', 'enable.auto.commit=yes'])).stderr).toBe(
      'Invalid value yes for configuration enable.auto.commit: Expected value to be either true or false\n',
    );
    expect((await mq(['console-consumer', '--topic', 't', '--consumer-property', 'partition.assignment.strategy=org.apache.kafka.clients.consumer.StickyAssignor'])).stderr).toBe(
      'Invalid value org.apache.kafka.clients.consumer.StickyAssignor for configuration partition.assignment.strategy: ' +
        "mq's consumer offers org.apache.kafka.clients.consumer.RangeAssignor, org.apache.kafka.clients.consumer.RoundRobinAssignor, " +
        'org.apache.kafka.clients.consumer.CooperativeStickyAssignor\n',
    );
  });

  it('reads one partition from --offset, or its end, or its start with --from-beginning', async () => {
    const one = async (args: string[]) => (await consume(['--timeout-ms', '0', '--partition', '2', ...args])).assigned;
    expect(await one(['--offset', '5'])).toEqual([{ assign: [{ topic: 't', partition: 2, offset: 5n }] }]);
    expect(await one(['--offset', 'Earliest'])).toEqual([{ assign: [{ topic: 't', partition: 2, offset: 'earliest' }] }]);
    expect(await one([])).toEqual([{ assign: [{ topic: 't', partition: 2, offset: 'latest' }] }]);
    expect(await one(['--from-beginning'])).toEqual([{ assign: [{ topic: 't', partition: 2, offset: 'earliest' }] }]);
    expect(await one(['--consumer-property', 'auto.offset.reset=earliest'])).toEqual([{ assign: [{ topic: 't', partition: 2, offset: 'latest' }] }]);
  });

  it("refuses what ConsoleConsumerOptions refuses, with Kafka's messages", async () => {
    const err = async (args: string[]) => {
      const r = await mq(['console-consumer', ...args]);
      expect(r.code).toBe(1);
      return r.stderr;
    };
    expect(await err([])).toBe('Missing required argument "[topic]"\n');
    expect(await err(['--topic', 't', '--offset', '5'])).toBe('The partition is required when offset is specified.\n');
    expect(await err(['--topic', 't', '--partition', '0', '--offset', '5', '--from-beginning'])).toBe('Options from-beginning and offset cannot be specified together.\n');
    expect(await err(['--topic', 't', '--partition', '0', '--offset', '-1'])).toBe(
      "The provided offset value '-1' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.\n",
    );
    expect(await err(['--topic', 't', '--from-beginning', '--consumer-property', 'auto.offset.reset=latest'])).toBe(
      "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option\n",
    );
    expect(await err(['--topic', 't', '--group', 'g', '--partition', '0'])).toBe('Options group and partition cannot be specified together.\n');
    expect(await err(['--topic', 't', '--group', 'a', '--consumer-property', 'group.id=b'])).toBe(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'\n",
    );
  });

  it('configures the consumer as kafka-console-consumer does', async () => {
    const r = await consume(['--timeout-ms', '0', '--isolation-level', 'read_committed', '--consumer-property', 'fetch.max.wait.ms=100']);
    expect(r.configs).toEqual([
      {
        bootstrapServers: ['localhost:9092'],
        clientId: 'console-consumer',
        autoOffsetReset: 'latest',
        isolationLevel: 'read_committed',
        maxWaitMs: 100,
        enableAutoCommit: false,
        groupId: expect.stringMatching(/^console-consumer-\d+$/),
      },
    ]);
  });

  it('reports a failure to subscribe as one line, after the count', async () => {
    const { factory } = fakeConsumer([]);
    const failing = (config: ConsumerConfig) => ({ ...factory(config), subscribe: () => Promise.reject(new Error('This server does not host this topic-partition.')) });
    expect(await mq(['console-consumer', '--topic', 'nope'], { clients: { consumer: failing } })).toMatchObject({
      code: 1,
      stderr: 'Processed a total of 0 messages\nunable to consume: This server does not host this topic-partition.\n',
    });
  });
});
