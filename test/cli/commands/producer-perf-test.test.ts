import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProducerConfig, ProducerRecord, RecordMetadata } from '../../../src/client/index.js';
import type { SendCallback } from '../../../src/client/producer.js';
import { run } from '../../../src/cli/main.js';
import { javaDouble, javaFixed } from '../../../src/cli/perf/java-format.js';
import { metricsText } from '../../../src/cli/perf/metrics.js';
import { monotonicPayloads, randomPayloads, splitPayloads } from '../../../src/cli/perf/payload.js';
import { percentiles, ProducerStats, totalLine, windowLine, type WindowView } from '../../../src/cli/perf/producer-stats.js';
import { etaText, startProgress } from '../../../src/cli/perf/progress.js';
import { ThroughputThrottler, type ThrottlerClock } from '../../../src/cli/perf/throttler.js';
import { Capture, harness, mq, type ProducerClient } from '../helpers.js';

describe('Java number formatting', () => {
  it('rounds %.Nf half-up on the shortest decimal, as java.util.Formatter does', () => {
    expect(javaFixed(1.005, 2)).toBe('1.01'); // toFixed gives 1.00
    expect(javaFixed(2.675, 2)).toBe('2.68');
    expect(javaFixed(0.125, 2)).toBe('0.13');
    expect(javaFixed(0.05, 1)).toBe('0.1');
    expect(javaFixed(1234.5, 0)).toBe('1235');
    expect(javaFixed(0.0001, 2)).toBe('0.00');
    expect(javaFixed(99.996, 2)).toBe('100.00');
    expect(javaFixed(102354.14534298, 6)).toBe('102354.145343');
    expect(javaFixed(-1.25, 1)).toBe('-1.3');
    expect(javaFixed(1e21, 1)).toBe('1000000000000000000000.0');
    expect(javaFixed(3, 4)).toBe('3.0000');
  });

  it('prints NaN and Infinity by name', () => {
    expect(javaFixed(0 / 0, 2)).toBe('NaN');
    expect(javaFixed(1 / 0, 1)).toBe('Infinity');
    expect(javaFixed(-1 / 0, 1)).toBe('-Infinity');
  });

  it('prints doubles as Double.toString does', () => {
    expect(javaDouble(17.18906)).toBe('17.18906');
    expect(javaDouble(2)).toBe('2.0');
    expect(javaDouble(0)).toBe('0.0');
    expect(javaDouble(0.0005)).toBe('5.0E-4');
    expect(javaDouble(12345678.9)).toBe('1.23456789E7');
  });
});

describe('producer-perf-test output lines', () => {
  const window: WindowView = { count: 724682, bytes: 72468200, elapsedMs: 5000, totalLatencyMs: 724682 * 1082, maxLatencyMs: 1911 };

  it('formats the 5-second line like ProducerPerformance.printWindow', () => {
    expect(windowLine(window)).toBe('724682 records sent, 144936.4 records/sec (13.82 MB/sec), 1082.0 ms avg latency, 1911.0 ms max latency.');
  });

  it('formats the final line like printTotal: records/sec with %f, percentiles as integers', () => {
    expect(totalLine({ count: 2000000, bytes: 200000000, elapsedMs: 15970, totalLatencyMs: 3478380000, maxLatencyMs: 3135, p50Ms: 1728, p95Ms: 2978, p99Ms: 3079, p999Ms: 3119 })).toBe(
      '2000000 records sent, 125234.815279 records/sec (11.94 MB/sec), 1739.19 ms avg latency, 3135.00 ms max latency, 1728 ms 50th, 2978 ms 95th, 3079 ms 99th, 3119 ms 99.9th.',
    );
  });

  it('prints what Java prints for a run without acknowledged records', () => {
    expect(totalLine({ count: 0, bytes: 0, elapsedMs: 0, totalLatencyMs: 0, maxLatencyMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0 })).toBe(
      '0 records sent, NaN records/sec (NaN MB/sec), NaN ms avg latency, 0.00 ms max latency, 0 ms 50th, 0 ms 95th, 0 ms 99th, 0 ms 99.9th.',
    );
  });

  it('reads percentiles at floor(p × n) of the sorted samples', () => {
    const samples = Int32Array.from([5, 1, 4, 2, 3, 0, 0]);
    expect(percentiles(samples, 5, 0.5, 0.95, 0.99, 0.999)).toEqual([3, 5, 5, 5]);
    expect(percentiles(new Int32Array(3), 0, 0.5)).toEqual([0]);
  });

  it('prints the metrics table like ToolsUtils.printMetrics', () => {
    const tags = { 'client-id': 'c' };
    expect(
      metricsText([
        { group: 'producer-metrics', name: 'record-send-total', tags, value: 20 },
        { group: 'producer-metrics', name: 'record-error-rate', tags, value: 0.0125 },
      ]),
    ).toBe(
      '\nMetric Name                                        Value\n' +
        'producer-metrics:record-error-rate:{client-id=c} : 0.013\n' +
        'producer-metrics:record-send-total:{client-id=c} : 20.000\n',
    );
    expect(metricsText([])).toBe('');
  });
});

describe('ProducerStats', () => {
  it('keeps totals, samples every n-th latency and reports a window once 5 s have passed', () => {
    let now = 1000;
    const windows: WindowView[] = [];
    const stats = new ProducerStats(1_000_000, () => now, (w) => windows.push(w));
    // 1,000,000 records → every 2nd latency is sampled (at most 500,000 samples).
    for (let i = 0; i < 10; i++) stats.record(i, 100, now);
    expect(windows).toEqual([]);
    now = 6000;
    stats.record(50, 100, now);
    expect(windows).toEqual([{ count: 11, bytes: 1100, elapsedMs: 5000, totalLatencyMs: 95, maxLatencyMs: 50 }]);
    now = 7000;
    stats.record(1, 100, now);
    const total = stats.total();
    expect(total).toMatchObject({ count: 12, bytes: 1200, elapsedMs: 6000, totalLatencyMs: 96, maxLatencyMs: 50 });
    // Samples: latencies of iterations 0, 2, 4, 6, 8, 10 = 0, 2, 4, 6, 8, 50.
    expect([total.p50Ms, total.p95Ms, total.p99Ms, total.p999Ms]).toEqual([6, 50, 50, 50]);
  });
});

describe('ThroughputThrottler', () => {
  function fakeClock() {
    const state = { ns: 0n, sleeps: [] as number[] };
    const clock: ThrottlerClock = {
      nanoTime: () => state.ns,
      async sleep(ms, wake) {
        state.sleeps.push(ms);
        if (ms >= 0x7fffffff) {
          await new Promise<void>((resolve) => wake.addEventListener('abort', () => resolve()));
          return;
        }
        state.ns += BigInt(ms) * 1_000_000n;
      },
    };
    return { state, clock };
  }

  it('never throttles with a negative target', () => {
    const t = new ThroughputThrottler(-1, 0);
    expect(t.shouldThrottle(1_000_000, 1)).toBe(false);
  });

  it('throttles while the average rate since the start is above the target', () => {
    const t = new ThroughputThrottler(100, 10_000);
    expect(t.shouldThrottle(5, 10_000)).toBe(false); // no time has passed
    expect(t.shouldThrottle(10, 10_100)).toBe(false); // exactly 100/s
    expect(t.shouldThrottle(11, 10_100)).toBe(true);
    // The elapsed seconds are a Java float: 16777.217 s becomes 16777.2158..., so exactly 1000/s
    // in double arithmetic is a little above it here, as in Kafka.
    expect(new ThroughputThrottler(1000, 0).shouldThrottle(16_777_217, 16_777_217)).toBe(true);
  });

  it('sleeps off the deficit once it reaches 2 ms (1/target per throttle call)', async () => {
    const { state, clock } = fakeClock();
    const t = new ThroughputThrottler(1000, 0, clock); // 1 ms per record
    await t.throttle();
    expect(state.sleeps).toEqual([]);
    await t.throttle();
    expect(state.sleeps).toEqual([2]);
    await t.throttle();
    expect(state.sleeps).toEqual([2]);
  });

  it('with a target of 0 blocks until wakeup()', async () => {
    const { clock } = fakeClock();
    const t = new ThroughputThrottler(0, 0, clock);
    let done = false;
    const p = t.throttle().then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    t.wakeup();
    await p;
    expect(done).toBe(true);
  });
});

describe('payloads', () => {
  it('are random letters A-Z of the record size, the same on every run', () => {
    const a = randomPayloads(100);
    const b = randomPayloads(100);
    const values = Array.from({ length: 50 }, (_, i) => a(i));
    expect(values.every((v) => v.length === 100 && /^[A-Z]+$/.test(v.toString('latin1')))).toBe(true);
    expect(values.map((v) => v.toString('latin1'))).toEqual(Array.from({ length: 50 }, (_, i) => b(i).toString('latin1')));
    expect(new Set(values.map((v) => v.toString('latin1'))).size).toBe(50);
  });

  it('are the record number with --payload-monotonic', () => {
    expect(monotonicPayloads(42).toString()).toBe('42');
  });

  it('split a payload file as java.util.Scanner does with the delimiter', () => {
    expect(splitPayloads('a\nb\nc', '\n')).toEqual(['a', 'b', 'c']);
    expect(splitPayloads('a\nb\n', '\n')).toEqual(['a', 'b']);
    expect(splitPayloads('\na\n\nb', '\n')).toEqual(['a', '', 'b']);
    expect(splitPayloads('a\n\n', '\n')).toEqual(['a', '']);
    expect(splitPayloads('x1,,x2', ',+')).toEqual(['x1', 'x2']);
    expect(splitPayloads('', '\n')).toEqual([]);
  });
});

describe('the progress line', () => {
  it('is drawn on a terminal only and cleared before stdout lines', () => {
    vi.useFakeTimers();
    try {
      const stdout = new Capture();
      const stderr = Object.assign(new Capture(), { columns: 20 });
      const progress = startProgress({ isTTY: { stdin: false, stdout: true, stderr: true }, stdout, stderr }, () => '12345678901234567890-too-long');
      vi.advanceTimersByTime(200);
      progress.print('line\n');
      progress.stop();
      expect(stderr.text).toBe('\r\x1b[K1234567890123456789\r\x1b[K');
      expect(stdout.text).toBe('line\n');

      const piped = new Capture();
      const quiet = startProgress({ isTTY: { stdin: false, stdout: false, stderr: false }, stdout: piped, stderr: piped }, () => 'x');
      vi.advanceTimersByTime(1000);
      quiet.print('data\n');
      quiet.stop();
      expect(piped.text).toBe('data\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('estimates the remaining time from the rate so far', () => {
    expect(etaText(0, 100, 1000)).toBe('?');
    expect(etaText(50, 100, 1000)).toBe('1s');
    expect(etaText(1, 100, 1000)).toBe('1m39s');
  });
});

/**
 * Acknowledges each record on a later turn of the event loop; `hold` keeps acknowledgements back
 * until release() so a test can see how many records are outstanding.
 */
function fakeProducer(options: { fail?: (r: ProducerRecord, i: number) => Error | undefined; hold?: boolean } = {}) {
  const state = { configs: [] as ProducerConfig[], sent: [] as ProducerRecord[], outstanding: 0, maxOutstanding: 0, closed: false };
  let held: Array<() => void> = [];
  const producer: ProducerClient = {
    async connect() {},
    // Both forms of send(): the tool uses the callback form.
    send: ((record: ProducerRecord, callback?: SendCallback) => {
      const i = state.sent.push(record) - 1;
      state.outstanding++;
      state.maxOutstanding = Math.max(state.maxOutstanding, state.outstanding);
      const acknowledged = new Promise<RecordMetadata>((resolve, reject) => {
        const ack = (): void => {
          state.outstanding--;
          const err = options.fail?.(record, i);
          if (err) reject(err);
          else resolve({ topic: record.topic, partition: 0, offset: BigInt(i), timestamp: 0n });
        };
        if (options.hold) held.push(ack);
        else setImmediate(ack);
      });
      if (!callback) return acknowledged;
      acknowledged.then(
        (metadata) => callback(null, metadata),
        (err: Error) => callback(err),
      );
      return undefined;
    }) as ProducerClient['send'],
    async flush() {},
    async close() {
      state.closed = true;
    },
  };
  const release = (): void => {
    const acks = held;
    held = [];
    acks.forEach((a) => a());
  };
  return { state, release, factory: (config: ProducerConfig) => (state.configs.push(config), producer) };
}

// A fake producer can finish within the same millisecond it started: Java then prints Infinity.
const FINAL =
  /^(\d+) records sent, (?:\d+\.\d{6}|Infinity) records\/sec \((?:\d+\.\d{2}|Infinity) MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;

async function perf(args: string[], producer = fakeProducer()) {
  const result = await mq(['producer-perf-test', ...args], { clients: { producer: producer.factory } });
  return { ...result, ...producer.state };
}

const BASE = ['--topic', 'p', '--num-records', '1000', '--throughput', '-1'];

describe('mq producer-perf-test', () => {
  it('sends --num-records random records and prints the final line', async () => {
    const r = await perf([...BASE, '--record-size', '10', '--producer-props', 'bootstrap.servers=h:1', 'acks=1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(FINAL.exec(r.stdout.trim())?.[1]).toBe('1000');
    expect(r.sent).toHaveLength(1000);
    expect(r.sent.every((s) => s.topic === 'p' && (s.value as Buffer).length === 10)).toBe(true);
    expect(r.configs[0]).toMatchObject({ bootstrapServers: ['h:1'], acks: 1, clientId: 'perf-producer-client' });
    expect(r.closed).toBe(true);
  });

  it('takes --bootstrap-server (KIP-1147) and props from --producer.config, which --producer-props override', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mq-perf-'));
    try {
      const file = join(dir, 'p.properties');
      await writeFile(file, 'linger.ms=7\nclient.id=from-file\nacks=0\n');
      const r = await perf([...BASE, '--record-size', '1', '--bootstrap-server', 'b:2', '--producer.config', file, '--producer-props', 'acks=1']);
      expect(r.code).toBe(0);
      expect(r.configs[0]).toMatchObject({ bootstrapServers: ['b:2'], lingerMs: 7, clientId: 'from-file', acks: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends the record number with --payload-monotonic', async () => {
    const r = await perf(['--topic', 'p', '--num-records', '3', '--throughput', '-1', '--payload-monotonic']);
    expect(r.sent.map((s) => String(s.value))).toEqual(['0', '1', '2']);
  });

  describe('--payload-file', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mq-perf-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('sends random entries of the file and prints where they came from', async () => {
      const file = join(dir, 'payloads.txt');
      await writeFile(file, 'alpha|beta|gamma');
      const r = await perf(['--topic', 'p', '--num-records', '50', '--throughput', '-1', '--payload-file', file, '--payload-delimiter', '\\|']);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines.slice(0, 2)).toEqual([`Reading payloads from: ${file}`, 'Number of messages read: 3']);
      expect(lines[2]).toMatch(FINAL);
      expect(new Set(r.sent.map((s) => String(s.value)))).toEqual(new Set(['alpha', 'beta', 'gamma']));
    });

    it('refuses a missing or empty file with Kafka\'s message', async () => {
      const file = join(dir, 'empty.txt');
      await writeFile(file, '');
      const r = await perf(['--topic', 'p', '--num-records', '5', '--throughput', '-1', '--payload-file', file]);
      expect(r).toMatchObject({ code: 1, stdout: `Reading payloads from: ${file}\n`, stderr: 'File does not exist or empty file provided.\n' });
    });
  });

  it('keeps the records awaiting acknowledgement within buffer.memory', async () => {
    const producer = fakeProducer({ hold: true });
    // Each record counts as its 100 bytes plus 512 of bookkeeping: 10,000 bytes hold 17 of them.
    const running = mq(['producer-perf-test', ...BASE, '--record-size', '100', '--producer-props', 'buffer.memory=10000'], {
      clients: { producer: producer.factory },
    });
    const timer = setInterval(producer.release, 1);
    try {
      const r = await running;
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    } finally {
      clearInterval(timer);
    }
    expect(producer.state.sent).toHaveLength(1000);
    expect(producer.state.maxOutstanding).toBeLessThanOrEqual(17);
    expect(producer.state.maxOutstanding).toBeGreaterThan(1);
  });

  it('prints one JSON object with --output json', async () => {
    const r = await perf([...BASE, '--record-size', '10', '--output', 'json', '--print-metrics']);
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(view).toMatchObject({ topic: 'p', records: 1000, bytes: 10000, errors: 0 });
    for (const key of ['elapsedMs', 'recordsPerSec', 'mbPerSec', 'avgLatencyMs', 'maxLatencyMs', 'p50Ms', 'p95Ms', 'p99Ms', 'p999Ms']) {
      expect(typeof view[key]).toBe('number');
    }
    expect(view.metrics).toMatchObject({ 'producer-metrics:record-send-total': 1000, 'producer-metrics:record-error-total': 0 });
  });

  it('prints the metrics after the final line with --print-metrics', async () => {
    const r = await perf([...BASE, '--record-size', '10', '--print-metrics']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(FINAL);
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^Metric Name +Value$/);
    expect(lines).toContainEqual(expect.stringMatching(/^producer-metrics:record-send-total:\{client-id=perf-producer-client\} +: 1000\.000$/));
  });

  it('reports failed records once per cause, counts only acknowledged ones and exits 1', async () => {
    const r = await perf([...BASE, '--record-size', '10'], fakeProducer({ fail: (_r, i) => (i % 10 === 0 ? new Error('NOT_LEADER_OR_FOLLOWER') : undefined) }));
    expect(r.code).toBe(1);
    expect(FINAL.exec(r.stdout.trim())![1]).toBe('900');
    expect(r.stderr).toBe('unable to produce a record: NOT_LEADER_OR_FOLLOWER\nunable to produce: 100 of 1000 records failed\n');
  });

  it('stops sending on Ctrl-C and still prints the final line', async () => {
    const producer = fakeProducer();
    const h = harness({ clients: { producer: producer.factory } });
    const running = run(['producer-perf-test', '--topic', 'p', '--num-records', '100000000', '--throughput', '-1', '--record-size', '1'], h.ctx);
    await h.subscribed();
    await new Promise((resolve) => setTimeout(resolve, 20));
    h.shutdown();
    expect(await running).toBe(0);
    const sent = Number(FINAL.exec(h.stdout.text.trim())![1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBe(producer.state.sent.length);
  });

  it('wakes a throttled run on Ctrl-C', async () => {
    const producer = fakeProducer();
    const h = harness({ clients: { producer: producer.factory } });
    // A target of 0 lets through what is sent within the first millisecond, then blocks.
    const running = run(['producer-perf-test', '--topic', 'p', '--num-records', '100000000', '--throughput', '0', '--record-size', '1'], h.ctx);
    await h.subscribed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = producer.state.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(producer.state.sent.length).toBe(sent);
    h.shutdown();
    expect(await running).toBe(0);
    expect(FINAL.exec(h.stdout.text.trim())?.[1]).toBe(String(sent));
  });
});

describe('mq producer-perf-test argument errors (argparse4j and ProducerPerformance messages)', () => {
  const cases: Array<[string[], string]> = [
    [['--num-records', '1', '--throughput', '1', '--record-size', '1'], 'argument --topic is required'],
    [['--topic', 't', '--throughput', '1', '--record-size', '1'], 'argument --num-records is required'],
    [['--topic', 't', '--num-records', '1', '--record-size', '1'], 'argument --throughput is required'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1'], 'one of the arguments --record-size --payload-file --payload-monotonic is required'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1', '--payload-monotonic'], 'argument --payload-monotonic: not allowed with argument --record-size'],
    [['--topic', 't', '--num-records', '0', '--throughput', '1', '--record-size', '1'], '--num-records should be greater than zero'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '0'], '--record-size should be greater than zero'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1', '--producer-props', 'acks'], 'Invalid property: acks'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1', '--producer-props', 'a=b=c'], 'Invalid property: a=b=c'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1', '--transaction-duration-ms', '0'], '--transaction-duration-ms should be greater than zero'],
    [['--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1', '--producer-props', 'buffer.memory=lots'], 'Invalid value lots for configuration buffer.memory: Not a number of type LONG'],
  ];
  it.each(cases)('%j → %s', async (args, message) => {
    expect(await mq(['producer-perf-test', ...args])).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('refuses transactions in one line, as mq has none yet', async () => {
    const refusal = 'unable to produce: transactions are not supported by mq yet (--transactional-id, --transaction-duration-ms, transactional.id)\n';
    for (const extra of [['--transactional-id', 'tx'], ['--transaction-duration-ms', '100'], ['--producer-props', 'transactional.id=tx']]) {
      expect(await mq(['producer-perf-test', '--topic', 't', '--num-records', '1', '--throughput', '1', '--record-size', '1', ...extra])).toEqual({
        code: 1,
        stdout: '',
        stderr: refusal,
      });
    }
  });

  it('rejects a --throughput that is not a number', async () => {
    const r = await mq(['producer-perf-test', '--topic', 't', '--num-records', '1', '--throughput', 'fast', '--record-size', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could not convert 'fast' to Double");
  });
});
