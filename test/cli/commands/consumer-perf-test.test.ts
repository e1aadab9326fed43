import { describe, expect, it } from 'vitest';
import type { ConsumerConfig, ConsumerRecord, RebalanceListener } from '../../../src/client/index.js';
import { run } from '../../../src/cli/main.js';
import { consumerHeader, intervalRow, summaryRow, timeoutWarning } from '../../../src/cli/perf/consumer-stats.js';
import { dateFormatter } from '../../../src/cli/perf/date-format.js';
import { harness, mq, type ConsumerClient } from '../helpers.js';

const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const utc = dateFormatter('yyyy-MM-dd HH:mm:ss:SSS', () => 0);
/** 2023-11-14 22:13:20.000 UTC */
const T0 = 1_700_000_000_000;

describe('consumer-perf-test output lines', () => {
  it('has Kafka\'s two headers', () => {
    expect(consumerHeader(false)).toBe(HEADER);
    expect(consumerHeader(true)).toBe(DETAILED_HEADER);
  });

  it('formats the summary row: %s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f', () => {
    const row = summaryRow({ startMs: T0, endMs: T0 + 4000, bytes: 200 * 1024 * 1024, messages: 2_000_000, rebalanceTimeMs: 3000 }, utc);
    expect(row).toBe('2023-11-14 22:13:20:000, 2023-11-14 22:13:24:000, 200.0000, 50.0000, 2000000, 500000.0000, 3000, 1000, 200.0000, 2000000.0000');
  });

  it('formats an interval row with thread id 0 and the interval\'s rates', () => {
    const row = intervalRow({ startMs: T0, endMs: T0 + 500, bytes: 3 * 1024 * 1024, lastBytes: 1024 * 1024, messages: 30_000, lastMessages: 10_000, rebalanceTimeMs: 100 }, utc);
    expect(row).toBe('2023-11-14 22:13:20:500, 0, 3.0000, 4.0000, 30000, 40000.0000, 100, 400, 5.0000, 50000.0000');
    // No fetch time at all: Kafka prints 0 rates rather than dividing by zero.
    expect(intervalRow({ startMs: T0, endMs: T0 + 5, bytes: 0, lastBytes: 0, messages: 1, lastMessages: 0, rebalanceTimeMs: 5 }, utc)).toBe(
      '2023-11-14 22:13:20:005, 0, 0.0000, 0.0000, 1, 200.0000, 5, 0, 0.0000, 0.0000',
    );
  });

  it('prints Java\'s NaN and Infinity for an empty run that took no time', () => {
    expect(summaryRow({ startMs: T0, endMs: T0, bytes: 0, messages: 0, rebalanceTimeMs: 0 }, utc)).toBe(
      '2023-11-14 22:13:20:000, 2023-11-14 22:13:20:000, 0.0000, NaN, 0, NaN, 0, 0, NaN, NaN',
    );
  });

  it('has Kafka\'s timeout warning', () => {
    expect(timeoutWarning(10000)).toBe(
      'WARNING: Exiting before consuming the expected number of messages: timeout (10000 ms) exceeded. You can use the --timeout option to increase the timeout.',
    );
  });
});

describe('--date-format (java.text.SimpleDateFormat)', () => {
  const at = T0 + 5 * 3600_000 + 7; // 2023-11-15 03:13:20.007 UTC, a Wednesday
  it.each([
    ['yyyy-MM-dd HH:mm:ss:SSS', 0, '2023-11-15 03:13:20:007'],
    ["yy/M/d h:mm a 'at' S", 0, '23/11/15 3:13 AM at 7'],
    ['EEE, d MMM yyyy', 0, 'Wed, 15 Nov 2023'],
    ['EEEE MMMM D', 0, 'Wednesday November 319'],
    ["HH:mm Z X XX XXX ''", 90, "04:43 +0130 +01 +0130 +01:30 '"],
    ['kk KK hh', 0, '03 03 03'],
    ['XXX', 0, 'Z'],
    ['HH:mm Z', -300, '22:13 -0500'],
  ])('%s at offset %d → %s', (pattern, offset, expected) => {
    expect(dateFormatter(pattern, () => offset)(at)).toBe(expected);
  });

  it('uses the local time zone by default', () => {
    expect(dateFormatter('HH:mm')(at)).toBe(`${String(new Date(at).getHours()).padStart(2, '0')}:13`);
  });
});

/**
 * Joins (calls onPartitionsAssigned on the first poll), then hands out `records` in batches and
 * afterwards returns none, after a short wait.
 */
function fakeConsumer(records: ConsumerRecord[], batch = 1000) {
  const state = { configs: [] as ConsumerConfig[], subscribed: [] as string[][], closed: false };
  let listener: RebalanceListener | undefined;
  let next = 0;
  const consumer: ConsumerClient = {
    async connect() {},
    async assign() {
      throw new Error('consumer-perf-test subscribes');
    },
    async subscribe(topics, l) {
      state.subscribed.push(topics);
      listener = l;
    },
    async seek() {},
    async poll(timeoutMs) {
      if (listener) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await listener.onPartitionsAssigned?.([{ topic: 't', partition: 0 }]);
        listener = undefined;
      }
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

const records = (n: number, size = 10): ConsumerRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: 't',
    partition: 0,
    offset: BigInt(i),
    timestamp: 0n,
    timestampType: 'CreateTime' as const,
    key: i % 2 === 0 ? Buffer.from('kk') : null,
    value: Buffer.alloc(size, 65),
    headers: [],
  }));

const ROW = /^(\S+ \S+), (\S+ \S+), (\d+\.\d{4}), (\d+\.\d{4}|NaN|Infinity), (\d+), (\d+\.\d{4}|NaN|Infinity), (\d+), (\d+), (\S+), (\S+)$/;

async function perf(args: string[], data = records(5000)) {
  const consumer = fakeConsumer(data);
  const result = await mq(['consumer-perf-test', '--bootstrap-server', 'h:1', ...args], { clients: { consumer: consumer.factory } });
  return { ...result, ...consumer.state };
}

describe('mq consumer-perf-test', () => {
  it('prints the header and one row for the run, counting keys and values', async () => {
    const r = await perf(['--topic', 't', '--messages', '5000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, row, end] = r.stdout.split('\n');
    expect(header).toBe(HEADER);
    expect(end).toBe('');
    const m = ROW.exec(row!)!;
    expect(m[3]).toBe((55000 / 1024 / 1024).toFixed(4)); // 5000 × 10 value bytes + 2500 × 2 key bytes
    expect(m[5]).toBe('5000');
    expect(Number(m[7])).toBeGreaterThanOrEqual(5); // the join took at least the fake's 5 ms
    expect(r.subscribed).toEqual([['t']]);
    expect(r.closed).toBe(true);
  });

  it('consumes in --group, or a perf-consumer-<n> group, from the earliest offset unless --from-latest', async () => {
    const a = await perf(['--topic', 't', '--messages', '10', '--group', 'g1', '--fetch-size', '4096']);
    expect(a.configs[0]).toMatchObject({ bootstrapServers: ['h:1'], groupId: 'g1', autoOffsetReset: 'earliest', maxPartitionBytes: 4096, clientId: 'perf-consumer-client' });
    const b = await perf(['--topic', 't', '--messages', '10', '--from-latest']);
    expect(b.configs[0]!.groupId).toMatch(/^perf-consumer-\d{1,5}$/);
    expect(b.configs[0]).toMatchObject({ autoOffsetReset: 'latest', maxPartitionBytes: 1048576 });
  });

  it('counts every record of the last poll, as Kafka does', async () => {
    const r = await perf(['--topic', 't', '--messages', '1500', '--hide-header']);
    expect(ROW.exec(r.stdout.trim())![5]).toBe('2000');
  });

  it('prints the WARNING line when --timeout passes without records', async () => {
    const r = await perf(['--topic', 't', '--messages', '6000', '--timeout', '30']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines[1]).toBe(timeoutWarning(30));
    expect(ROW.exec(lines[2]!)![5]).toBe('5000');
  });

  it('prints a row per reporting interval and no summary with --show-detailed-stats', async () => {
    const slow = fakeConsumer(records(300), 10);
    const original = slow.factory;
    const h = await mq(['consumer-perf-test', '--topic', 't', '--messages', '300', '--show-detailed-stats', '--reporting-interval', '1', '--date-format', 'HH'], {
      clients: {
        consumer: (config) => {
          const c = original(config);
          const poll = c.poll.bind(c);
          return { ...c, poll: async (ms: number) => (await new Promise((resolve) => setTimeout(resolve, 2)), poll(ms)) };
        },
      },
    });
    const lines = h.stdout.trim().split('\n');
    expect(lines[0]).toBe(DETAILED_HEADER);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(1)) expect(line).toMatch(/^\d\d, 0, \d+\.\d{4}, \d+\.\d{4}, \d+, \d+\.\d{4}, \d+, -?\d+, \d+\.\d{4}, \d+\.\d{4}$/);
  });

  it('prints one JSON object with --output json', async () => {
    const r = await perf(['--topic', 't', '--messages', '5000', '--output', 'json', '--print-metrics']);
    const view = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(view).toMatchObject({ topic: 't', messages: 5000, bytes: 55000, timedOut: false });
    for (const key of ['startMs', 'endMs', 'mb', 'rebalanceTimeMs', 'fetchTimeMs']) expect(typeof view[key]).toBe('number');
    // A rate over no time at all is not a number, which JSON writes as null.
    for (const key of ['mbPerSec', 'messagesPerSec', 'fetchMbPerSec', 'fetchMessagesPerSec']) expect(view[key] === null || typeof view[key] === 'number').toBe(true);
    expect(view.metrics).toMatchObject({ 'consumer-fetch-manager-metrics:records-consumed-total': 5000 });
  });

  it('prints the metrics after the row with --print-metrics', async () => {
    const r = await perf(['--topic', 't', '--messages', '5000', '--print-metrics']);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(ROW);
    expect(lines[2]).toBe('');
    expect(lines[3]).toMatch(/^Metric Name +Value$/);
    expect(lines).toContainEqual(expect.stringMatching(/^consumer-fetch-manager-metrics:records-consumed-total:\{client-id=perf-consumer-client\} +: 5000\.000$/));
  });

  it('stops on Ctrl-C and prints the row for what was read, without the timeout warning', async () => {
    const consumer = fakeConsumer(records(100));
    const h = harness({ clients: { consumer: consumer.factory } });
    const running = run(['consumer-perf-test', '--topic', 't', '--messages', '1000'], h.ctx);
    await h.subscribed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    h.shutdown();
    expect(await running).toBe(0);
    const lines = h.stdout.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(ROW.exec(lines[1]!)![5]).toBe('100');
  });
});

describe('mq consumer-perf-test argument errors', () => {
  it.each([
    [['--messages', '1'], 'Missing required argument "[topic]"'],
    [['--topic', 't'], 'Missing required argument "[messages]"'],
    [['--topic', 't', '--messages', '1', '--reporting-interval', '0'], 'Reporting interval must be greater than 0.'],
    [['--topic', 't', '--messages', '1', '--date-format', 'yyyy-qq'], "Illegal pattern character 'q'"],
    [['--topic', 't', '--messages', '1', '--date-format', "'open"], 'Unterminated quote'],
  ])('%j → %s', async (args, message) => {
    expect(await mq(['consumer-perf-test', ...args])).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('checks --reporting-interval with joptsimple\'s regex message', async () => {
    const r = await mq(['consumer-perf-test', '--topic', 't', '--messages', '1', '--reporting-interval', '-5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Value [-5] did not match regex [^\\d+$]');
  });
});
