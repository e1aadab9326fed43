// `mq consumer-groups` and `mq console-consumer --group` end to end: `node bin/mq.js` child
// processes against a broker in this process (port 0), with groups driven by kafka-python 2.0.2
// (Debian's python3-kafka, for /usr/bin/python3). Each step waits for an event (a line printed,
// a process exit), never for time. Needs `npm run build` first, which `npm test` does.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Producer } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';
import { javaFormat } from '../cli/helpers.js';

const BIN = fileURLToPath(new URL('../../bin/mq.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const PYTHON = '/usr/bin/python3';

let b: TestBroker;
beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
  b = await startTestBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
afterAll(async () => {
  await b?.close();
});

const mq = (args: string[], input?: string) =>
  run(process.execPath, [BIN, ...args], { input, env: { MQ_BOOTSTRAP_SERVER: b.bootstrap, NO_COLOR: '1' } });

/** Writes `counts[p]` records to each partition p of `topic`, values `p-<n>`. */
async function produce(topic: string, counts: number[], first = 0): Promise<void> {
  const producer = new Producer({ bootstrapServers: [b.bootstrap] });
  try {
    await Promise.all(
      counts.flatMap((n, partition) => Array.from({ length: n }, (_, i) => producer.send({ topic, partition, value: `${partition}-${first + i}` }))),
    );
  } finally {
    await producer.close();
  }
}

/** A process whose stdout is read line by line; killed (by its pid) when the test ends. */
function start(cmd: string, args: string[]): { child: ChildProcessWithoutNullStreams; line: () => Promise<string>; exited: Promise<number | null> } {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, MQ_BOOTSTRAP_SERVER: b.bootstrap } });
  onTestFinished(() => void (child.exitCode === null && child.kill('SIGKILL')));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const line = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error(`${cmd} ended without printing a line: ${stderr}`);
    return next.value;
  };
  return { child, line, exited };
}

/**
 * A kafka-python member of `group`: reads `count` records from the start, commits synchronously,
 * prints its member id, then stays in the group (heartbeating on its own thread) until a line
 * arrives on stdin, and leaves.
 */
const MEMBER = (topic: string, group: string, count: number) => `
import sys
from kafka import KafkaConsumer
c = KafkaConsumer('${topic}', bootstrap_servers='${b.bootstrap}', group_id='${group}', auto_offset_reset='earliest', enable_auto_commit=False)
seen = 0
while seen < ${count}:
    for records in c.poll(timeout_ms=500).values():
        seen += len(records)
c.commit()
print(c._coordinator._generation.member_id, flush=True)
sys.stdin.readline()
c.close()
`;

/** ConsumerGroupCommand.printOffsetFormat, for group and topic names under 16 characters. */
const OFFSETS_FORMAT = (consumerIdWidth: number) => `%-15s %-15s %-10s %-15s %-15s %-15s %-${consumerIdWidth}s %-15s %s%n`;
const OFFSETS_HEAD = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'] as const;

describe('mq consumer-groups with a kafka-python group', () => {
  it('shows the offsets and lag the group committed, and --to-earliest makes it read everything again', async () => {
    expect((await mq(['topics', '--create', '--topic', 'cg-py', '--partitions', '2'])).code).toBe(0);
    await produce('cg-py', [6, 4]);

    const member = start(PYTHON, ['-c', MEMBER('cg-py', 'py-group', 10)]);
    const memberId = await member.line();
    expect(memberId).toMatch(/^kafka-python-2\.0\.2-[0-9a-f-]{36}$/);
    // Records the group has not read yet: lag.
    await produce('cg-py', [3, 2], 100);

    const live = await mq(['consumer-groups', '--describe', '--group', 'py-group']);
    const format = OFFSETS_FORMAT(memberId.length);
    expect(live).toEqual({
      code: 0,
      stdout:
        javaFormat(`%n${format}`, ...OFFSETS_HEAD) +
        javaFormat(format, 'py-group', 'cg-py', 0, 6, 9, 3, memberId, '/127.0.0.1', 'kafka-python-2.0.2') +
        javaFormat(format, 'py-group', 'cg-py', 1, 4, 6, 2, memberId, '/127.0.0.1', 'kafka-python-2.0.2'),
      stderr: '',
    });
    expect((await mq(['consumer-groups', '--describe', '--group', 'py-group', '--members', '--verbose'])).stdout).toBe(
      javaFormat(`%n%-15s %-${memberId.length}s %-15s %-18s %-15s %s%n`, 'GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT') +
        javaFormat(`%-15s %-${memberId.length}s %-15s %-18s %-15s %s%n`, 'py-group', memberId, '/127.0.0.1', 'kafka-python-2.0.2', 2, 'cg-py(0,1)'),
    );
    const lag = JSON.parse((await mq(['consumer-groups', '--describe', '--group', 'py-group', '--output', 'json'])).stdout);
    expect(lag).toMatchObject([{ group: 'py-group', state: 'Stable', totalLag: 5, lagByTopic: { 'cg-py': 5 } }]);

    // A group with a live member is not reset.
    expect(await mq(['consumer-groups', '--reset-offsets', '--group', 'py-group', '--topic', 'cg-py', '--to-earliest', '--execute'])).toEqual({
      code: 1,
      stdout:
        "\nError: Assignments can only be reset if the group 'py-group' is inactive, but the current state is Stable.\n" +
        javaFormat('%n%-30s %-30s %-10s %-15s%n', 'GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'),
      stderr: '',
    });

    member.child.stdin.end('close\n');
    expect(await member.exited).toBe(0);

    const left = await mq(['consumer-groups', '--describe', '--group', 'py-group']);
    expect(left).toEqual({
      code: 0,
      stdout:
        javaFormat(`%n${OFFSETS_FORMAT(15)}`, ...OFFSETS_HEAD) +
        javaFormat(OFFSETS_FORMAT(15), 'py-group', 'cg-py', 0, 6, 9, 3, '-', '-', '-') +
        javaFormat(OFFSETS_FORMAT(15), 'py-group', 'cg-py', 1, 4, 6, 2, '-', '-', '-'),
      stderr: "\nConsumer group 'py-group' has no active members.\n",
    });

    const reset = await mq(['consumer-groups', '--reset-offsets', '--group', 'py-group', '--topic', 'cg-py', '--to-earliest', '--execute']);
    expect(reset).toEqual({
      code: 0,
      stdout: javaFormat('%n%-30s %-30s %-10s %-15s%n%-30s %-30s %-10s %-15s%n%-30s %-30s %-10s %-15s%n', 'GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET', 'py-group', 'cg-py', 0, 0, 'py-group', 'cg-py', 1, 0),
      stderr: '',
    });

    // A new member of the group starts from the reset offsets: all 15 records again.
    const reread = await run(
      PYTHON,
      [
        '-c',
        `
from kafka import KafkaConsumer
c = KafkaConsumer('cg-py', bootstrap_servers='${b.bootstrap}', group_id='py-group', auto_offset_reset='latest', enable_auto_commit=False)
got = []
while len(got) < 15:
    for records in c.poll(timeout_ms=500).values():
        got += [(r.partition, r.offset) for r in records]
c.close()
print(sorted(got))
`,
      ],
      { timeoutMs: 60_000 },
    );
    expect(reread.stderr).toBe('');
    const all = [...Array.from({ length: 9 }, (_, o) => `(0, ${o})`), ...Array.from({ length: 6 }, (_, o) => `(1, ${o})`)];
    expect(reread.stdout).toBe(`[${all.join(', ')}]\n`);
  });
});

describe('mq console-consumer in a group', () => {
  it('commits as --group and resumes there; consumer-groups sees it', async () => {
    expect((await mq(['topics', '--create', '--topic', 'cg-console'])).code).toBe(0);
    await produce('cg-console', [5]);

    const first = await mq(['console-consumer', '--topic', 'cg-console', '--group', 'console-group', '--from-beginning', '--max-messages', '3']);
    expect(first).toEqual({ code: 0, stdout: '0-0\n0-1\n0-2\n', stderr: 'Processed a total of 3 messages\n' });
    // Closing commits what was read.
    expect((await mq(['consumer-groups', '--describe', '--group', 'console-group'])).stdout).toBe(
      javaFormat(`%n${OFFSETS_FORMAT(15)}`, ...OFFSETS_HEAD) + javaFormat(OFFSETS_FORMAT(15), 'console-group', 'cg-console', 0, 3, 5, 2, '-', '-', '-'),
    );
    // --from-beginning only applies without a committed offset.
    const second = await mq(['console-consumer', '--topic', 'cg-console', '--group', 'console-group', '--from-beginning', '--max-messages', '2']);
    expect(second.stdout).toBe('0-3\n0-4\n');
  });

  it('reads without --group as a throw-away console-consumer-<n> group that commits nothing', async () => {
    expect((await mq(['topics', '--create', '--topic', 'cg-anon'])).code).toBe(0);
    await produce('cg-anon', [1]);
    const consumer = start(process.execPath, [BIN, 'console-consumer', '--topic', 'cg-anon', '--from-beginning', '--max-messages', '2']);
    // Reading the first record means it has joined its group.
    expect(await consumer.line()).toBe('0-0');

    const listed = (await mq(['consumer-groups', '--list'])).stdout.split('\n');
    const anon = listed.filter((g) => /^console-consumer-\d{1,5}$/.test(g));
    expect(anon).toHaveLength(1);
    const state = await mq(['consumer-groups', '--describe', '--group', anon[0]!, '--state']);
    expect(state.stdout).toMatch(new RegExp(`^\\n.*\\n${anon[0]} +${b.bootstrap.replace(/\./g, '\\.')} {2}\\(\\d+\\) +range +Stable +1\\n$`));

    await produce('cg-anon', [1], 1);
    expect(await consumer.line()).toBe('0-1');
    expect(await consumer.exited).toBe(0);
    // enable.auto.commit=false: the group is left empty, without a committed offset.
    expect(await mq(['consumer-groups', '--describe', '--group', anon[0]!, '--output', 'json'])).toEqual({
      code: 0,
      stdout: `[{"group":"${anon[0]}","state":"Empty","rows":[],"totalLag":0,"lagByTopic":{}}]\n`,
      stderr: `Consumer group '${anon[0]}' has no active members.\n`,
    });
  });
});
