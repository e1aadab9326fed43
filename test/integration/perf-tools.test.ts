// The perf tools end to end: `node bin/mq.js ...` as child processes against a broker started in
// this process on port 0. Output shapes and counts are checked; the numbers are measurements, so
// no assertion is made about how fast anything was. Needs `npm run build` first (`npm test` does).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';

const BIN = fileURLToPath(new URL('../../bin/mq.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

let b: TestBroker;
beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
  b = await startTestBroker();
});
afterAll(async () => {
  await b?.close();
});

const mq = (args: string[]) => run(process.execPath, [BIN, ...args], { timeoutMs: 60_000, env: { NO_COLOR: '1' } });

const FINAL =
  /^(\d+) records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/;
const WINDOW = /^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;
const DATE = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}';
const NUM = '\\d+\\.\\d{4}';

describe('perf tools against a real broker', () => {
  it('producer-perf-test sends the records, then consumer-perf-test reads them all', async () => {
    const produced = await mq([
      'producer-perf-test', '--topic', 'p', '--num-records', '20000', '--record-size', '100', '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${b.bootstrap}`,
    ]);
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    const lines = produced.stdout.trimEnd().split('\n');
    // A window line appears only when the run lasts more than 5 s.
    for (const line of lines.slice(0, -1)) expect(line).toMatch(WINDOW);
    expect(FINAL.exec(lines.at(-1)!)?.[1]).toBe('20000');

    const consumed = await mq(['consumer-perf-test', '--bootstrap-server', b.bootstrap, '--topic', 'p', '--messages', '20000']);
    expect(consumed.stderr).toBe('');
    expect(consumed.code).toBe(0);
    const [header, row, end] = consumed.stdout.split('\n');
    expect(header).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    expect(row).toMatch(new RegExp(`^${DATE}, ${DATE}, 1\\.9073, ${NUM}, 20000, ${NUM}, \\d+, \\d+, ${NUM}, ${NUM}$`));
    expect(end).toBe('');
  });

  it('producer-perf-test --output json and consumer-perf-test --output json agree on the count', async () => {
    const produced = await mq([
      'producer-perf-test', '--topic', 'pj', '--num-records', '5000', '--payload-monotonic', '--throughput', '-1',
      '--bootstrap-server', b.bootstrap, '--output', 'json',
    ]);
    expect(produced.code).toBe(0);
    expect(JSON.parse(produced.stdout)).toMatchObject({ topic: 'pj', records: 5000, errors: 0 });
    const consumed = await mq(['consumer-perf-test', '--bootstrap-server', b.bootstrap, '--topic', 'pj', '--messages', '5000', '--output', 'json']);
    expect(consumed.code).toBe(0);
    expect(JSON.parse(consumed.stdout)).toMatchObject({ topic: 'pj', messages: 5000, timedOut: false });
  });

  it('end-to-end-latency measures 200 round trips and prints its results', async () => {
    const r = await mq(['end-to-end-latency', b.bootstrap, 'lat', '200', 'all', '100']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Topic "lat" does not exist. Will create topic with 1 partition(s) and replication factor = 1');
    expect(lines[1]).toMatch(/^0\t\d+\.\d+(E-?\d+)?$/);
    expect(lines[2]).toMatch(/^Avg latency: \d+\.\d{4} ms$/);
    expect(lines[3]).toMatch(/^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$/);
    expect(lines).toHaveLength(4);
  });
});
