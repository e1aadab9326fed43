// The installed `mq` command end to end: `node bin/mq.js ...` as child processes (so the real
// launcher, dist/ build, stdin/stdout pipes and exit codes are exercised) against a broker started
// in this process on port 0. Needs `npm run build` first, which `npm test` does.

import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
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

const mq = (args: string[], input?: string) =>
  run(process.execPath, [BIN, ...args], { input, env: { MQ_BOOTSTRAP_SERVER: b.bootstrap, NO_COLOR: '1' } });

describe('mq against a real broker', () => {
  it('creates, fills, reads, describes and deletes a 3-partition topic', async () => {
    expect(await mq(['topics', '--create', '--topic', 'cli-e2e', '--partitions', '3'])).toEqual({ code: 0, stdout: 'Created topic cli-e2e.\n', stderr: '' });
    expect((await mq(['topics', '--list'])).stdout.split('\n')).toContain('cli-e2e');

    // `seq 1 100000 | mq console-producer`, then every line back exactly once.
    const lines = Array.from({ length: 100_000 }, (_, i) => String(i + 1));
    expect(await mq(['console-producer', '--topic', 'cli-e2e'], `${lines.join('\n')}\n`)).toEqual({ code: 0, stdout: '', stderr: '' });

    const consumed = await mq(['console-consumer', '--topic', 'cli-e2e', '--from-beginning', '--max-messages', '100000']);
    expect(consumed.code).toBe(0);
    expect(consumed.stderr).toBe('Processed a total of 100000 messages\n');
    const got = consumed.stdout.split('\n');
    expect(got.pop()).toBe('');
    expect(got.sort()).toEqual([...lines].sort());

    const described = await mq(['topics', '--describe', '--topic', 'cli-e2e']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(
      new RegExp(
        '^Topic: cli-e2e\\tTopicId: [A-Za-z0-9_-]{22}\\tPartitionCount: 3\\tReplicationFactor: 1\\tConfigs: \\n' +
          [0, 1, 2].map((p) => `\\tTopic: cli-e2e\\tPartition: ${p}\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+\\tElr: N/A\\tLastKnownElr: N/A\\n`).join('') +
          '$',
      ),
    );

    expect(await mq(['topics', '--delete', '--topic', 'cli-e2e'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await mq(['topics', '--describe', '--topic', 'cli-e2e'])).toEqual({ code: 1, stdout: '', stderr: "Topic 'cli-e2e' does not exist as expected\n" });
  });

  it('changes a topic config with `mq configs`, shown by `mq configs --describe` and `mq topics --describe`', async () => {
    await mq(['topics', '--create', '--topic', 'cli-configs']);
    expect(await mq(['configs', '--alter', '--entity-type', 'topics', '--entity-name', 'cli-configs', '--add-config', 'max.message.bytes=1000,retention.ms=60000'])).toEqual({
      code: 0,
      stdout: 'Completed updating config for topic cli-configs.\n',
      stderr: '',
    });
    expect(await mq(['configs', '--describe', '--topic', 'cli-configs'])).toEqual({
      code: 0,
      stdout:
        'Dynamic configs for topic cli-configs are:\n' +
        '  max.message.bytes=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=1000, DEFAULT_CONFIG:message.max.bytes=1048588}\n' +
        '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}\n',
      stderr: '',
    });
    const described = await mq(['topics', '--describe', '--topic', 'cli-configs']);
    expect(described.stdout.split('\n')[0]).toMatch(/\tConfigs: max\.message\.bytes=1000,retention\.ms=60000$/);
    // The change is live: a line above max.message.bytes is refused by the broker.
    const refused = await mq(['console-producer', '--topic', 'cli-configs', '--sync'], `${'x'.repeat(2000)}\n`);
    expect(refused.stderr).toContain('max message size the server will accept');
  });

  it('round-trips keys and headers, and prints them in Kafka format', async () => {
    await mq(['topics', '--create', '--topic', 'cli-keys']);
    const produced = await mq(
      ['console-producer', '--topic', 'cli-keys', '--property', 'parse.key=true', '--property', 'parse.headers=true', '--sync'],
      'h1:a,h2:b\tk1\tv1\nh:\tk2\tv2\n',
    );
    expect(produced).toEqual({ code: 0, stdout: '', stderr: '' });
    const consumed = await mq([
      'console-consumer', '--topic', 'cli-keys', '--from-beginning', '--max-messages', '2',
      '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.offset=true',
    ]);
    expect(consumed.stdout).toBe('Offset:0\th1:a,h2:b\tk1\tv1\nOffset:1\th:\tk2\tv2\n');
  });

  it('reports an existing topic the way kafka-topics does', async () => {
    await mq(['topics', '--create', '--topic', 'cli-twice']);
    expect(await mq(['topics', '--create', '--topic', 'cli-twice'])).toEqual({
      code: 1,
      stdout: "Error while executing topic command : Topic 'cli-twice' already exists.\n",
      stderr: '',
    });
  });

  it('server-start runs a broker until SIGINT and exits 0', async () => {
    const dir = tempDir();
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [BIN, 'server-start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${dir}`]);
    let stdout = '';
    const started = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (stdout.includes('\n')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await started;
    expect(stdout).toMatch(new RegExp(`^mq broker started on 127\\.0\\.0\\.1:\\d+ \\(log\\.dirs=${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\n$`));
    const port = /:(\d+) /.exec(stdout)![1];
    const listed = await run(process.execPath, [BIN, 'topics', '--list', '--bootstrap-server', `127.0.0.1:${port}`]);
    expect(listed).toEqual({ code: 0, stdout: '\n', stderr: '' });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
