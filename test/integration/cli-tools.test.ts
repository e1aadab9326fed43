// The operator tools against a real broker in this process (port 0), run in-process through the
// CLI harness with real clients: get-offsets, broker-api-versions and log-dirs. Expected text is
// built from the formats in Kafka's tools (GetOffsetShell, NodeApiVersions.toString(true),
// LogDirsCommand), not from mq's renderers.

import { statSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Producer } from '../../src/client/index.js';
import { defaultClients } from '../../src/cli/context.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { mq as runMq } from '../cli/helpers.js';

let b: TestBroker;
let before: bigint;
beforeAll(async () => {
  b = await startTestBroker();
  const admin = new Admin({ bootstrapServers: [b.bootstrap] });
  await admin.createTopics([
    { name: 'tools-a', numPartitions: 12 },
    { name: 'tools-b', numPartitions: 2 },
  ]);
  await admin.close();
  const producer = new Producer({ bootstrapServers: [b.bootstrap] });
  before = BigInt(Date.now());
  await Promise.all([
    ...Array.from({ length: 3 }, (_, i) => producer.send({ topic: 'tools-a', partition: 2, value: `v${i}` })),
    ...Array.from({ length: 5 }, (_, i) => producer.send({ topic: 'tools-a', partition: 10, value: `w${i}` })),
    producer.send({ topic: 'tools-b', partition: 1, key: 'k', value: 'x' }),
  ]);
  await producer.close();
});
afterAll(async () => {
  await b?.close();
});

const mq = (args: string[]) => runMq(args, { clients: defaultClients, env: { MQ_BOOTSTRAP_SERVER: b.bootstrap } });

describe('mq get-offsets', () => {
  it('prints topic:partition:offset sorted by the string topic-partition (t-10 before t-2)', async () => {
    const r = await mq(['get-offsets', '--topic', 'tools-a', '--partitions', '2,10,3']);
    expect(r).toEqual({ code: 0, stdout: 'tools-a:10:5\ntools-a:2:3\ntools-a:3:0\n', stderr: '' });
  });
  it('--topic-partitions: regex topics and ranges (lower inclusive, upper exclusive)', async () => {
    const r = await mq(['get-offsets', '--topic-partitions', 'tools-.*:1-3,tools-a:11-', '--time', 'earliest']);
    expect(r.stdout).toBe('tools-a:1:0\ntools-a:11:0\ntools-a:2:0\ntools-b:1:0\n');
    const last = await mq(['get-offsets', '--topic-partitions', 'tools-b:-1,tools-b:1', '--time', '-1']);
    expect(last.stdout).toBe('tools-b:0:0\ntools-b:1:1\n');
  });
  it("a trailing comma adds no rule (Java's split drops trailing empty strings)", async () => {
    expect(await mq(['get-offsets', '--topic-partitions', 'tools-b:1,', '--time', '-1'])).toEqual({ code: 0, stdout: 'tools-b:1:1\n', stderr: '' });
    expect(await mq(['get-offsets', '--topic', 'tools-a', '--partitions', '2,'])).toEqual({ code: 0, stdout: 'tools-a:2:3\n', stderr: '' });
  });
  it('a timestamp: the first offset at or after it; none past the end', async () => {
    expect((await mq(['get-offsets', '--topic-partitions', 'tools-a:2', '--time', String(before)])).stdout).toBe('tools-a:2:0\n');
    expect(await mq(['get-offsets', '--topic-partitions', 'tools-a:2', '--time', String(Date.now() + 3_600_000)])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
  it('max-timestamp and --output json', async () => {
    const r = await mq(['get-offsets', '--topic-partitions', 'tools-a:10', '--time', 'max-timestamp', '--output', 'json']);
    const [line] = JSON.parse(r.stdout) as Array<{ topic: string; partition: number; offset: number }>;
    expect(line).toMatchObject({ topic: 'tools-a', partition: 10 });
    expect(line!.offset).toBeGreaterThanOrEqual(0);
    expect(line!.offset).toBeLessThan(5);
  });
  it('earliest-local is the log start offset; latest-tiered is -1 (nothing is tiered), so nothing is printed', async () => {
    expect(await mq(['get-offsets', '--topic-partitions', 'tools-b', '--time', 'earliest-local'])).toEqual({ code: 0, stdout: 'tools-b:0:0\ntools-b:1:0\n', stderr: '' });
    expect(await mq(['get-offsets', '--topic-partitions', 'tools-b', '--time', 'latest-tiered'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });
  it("Kafka's errors for bad arguments and filters", async () => {
    expect(await mq(['get-offsets', '--time', 'yesterday'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Error occurred: Malformed time argument yesterday. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp\n',
    });
    expect((await mq(['get-offsets', '--topic-partitions', 'a', '--topic', 'b'])).stderr).toBe('Error occurred: --topic-partitions cannot be used with --topic or --partitions\n');
    expect((await mq(['get-offsets', '--topic', 'nope-.*'])).stderr).toBe('Error occurred: Could not match any topic-partitions with the specified filters\n');
    expect((await mq(['get-offsets', '--topic', 'tools-a', '--partitions', 'x'])).stderr).toBe(
      'Error occurred: --partitions expects a comma separated list of numeric partition ids, but received: x\n',
    );
    expect((await mq(['get-offsets', '--topic-partitions', 'a:b:c'])).stderr).toBe('Error occurred: Invalid rule specification: a:b:c\n');
  });
});

describe('mq broker-api-versions', () => {
  it("prints NodeApiVersions.toString(true) for the broker, with Kafka's client APIs it lacks as UNSUPPORTED", async () => {
    const r = await mq(['broker-api-versions']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`127.0.0.1:${b.port} (id: ${b.broker.nodeId} rack: null) -> (`);
    expect(lines).toContain('\tProduce(0): 0 to 9 [usable: 9],');
    expect(lines).toContain('\tApiVersions(18): 0 to 3 [usable: 3],');
    expect(lines).toContain('\tDescribeLogDirs(35): 0 to 4 [usable: 4],');
    expect(lines).toContain('\tOffsetForLeaderEpoch(23): UNSUPPORTED,');
    expect(lines.at(-3)).toBe('\tReadShareGroupStateSummary(87): UNSUPPORTED');
    expect(lines.at(-2)).toBe(')');
    expect(lines.at(-1)).toBe('');
    // Ascending API keys, every entry but the last followed by a comma.
    const keys = lines.slice(1, -2).map((l) => Number(/\((\d+)\): /.exec(l)![1]));
    expect(keys).toEqual([...keys].sort((x, y) => x - y));
    expect(lines.slice(1, -3).every((l) => l.endsWith(','))).toBe(true);
  });
  it('--output json', async () => {
    const [view] = JSON.parse((await mq(['broker-api-versions', '--output', 'json'])).stdout) as Array<{ apis: Array<{ apiKey: number; usableVersion: number | null }> }>;
    expect(view!.apis.find((a) => a.apiKey === 60)).toMatchObject({ apiKey: 60, usableVersion: 1 });
  });
});

describe('mq log-dirs --describe', () => {
  it("prints Kafka's two lines and one JSON line; sizes are the bytes of the .log files", async () => {
    const r = await mq(['log-dirs', '--describe', '--topic-list', 'tools-b']);
    expect(r.code).toBe(0);
    const [q, received, json, end] = r.stdout.split('\n');
    expect(q).toBe('Querying brokers for log directories information');
    expect(received).toBe(`Received log directory information from brokers ${b.broker.nodeId}`);
    expect(end).toBe('');
    const size = (p: number) =>
      readdirSync(join(b.dir, `tools-b-${p}`))
        .filter((f) => f.endsWith('.log'))
        .reduce((sum, f) => sum + statSync(join(b.dir, `tools-b-${p}`, f)).size, 0);
    expect(size(1)).toBeGreaterThan(0);
    // Kafka's HashMap order: brokers before version, partitions before error before logDir; the
    // TopicPartition hashes of tools-b-0 and tools-b-1 fall in buckets 10 and 11 (worked out by hand).
    expect(json).toBe(
      `{"brokers":[{"broker":${b.broker.nodeId},"logDirs":[{"partitions":[` +
        `{"partition":"tools-b-0","size":0,"offsetLag":0,"isFuture":false},` +
        `{"partition":"tools-b-1","size":${size(1)},"offsetLag":0,"isFuture":false}` +
        `],"error":null,"logDir":${JSON.stringify(resolve(b.dir))}}]}],"version":1}`,
    );
  });
  it("an unknown broker in --broker-list: Kafka's error, exit 1", async () => {
    const r = await mq(['log-dirs', '--describe', '--broker-list', `${b.broker.nodeId},5`]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `ERROR: The given brokers do not exist from --broker-list: 5. Current existent brokers: ${b.broker.nodeId}\n`,
    });
  });
  it('without --describe: a one-line usage error', async () => {
    expect(await mq(['log-dirs'])).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[describe]"\n' });
  });
});

describe('on a terminal: tables', () => {
  const tty = (args: string[]) => runMq(args, { clients: defaultClients, tty: true, env: { MQ_BOOTSTRAP_SERVER: b.bootstrap, NO_COLOR: '1' } });
  it('get-offsets, log-dirs and broker-api-versions draw tables with the same facts', async () => {
    const offsets = await tty(['get-offsets', '--topic-partitions', 'tools-a:10']);
    expect(offsets.stdout).toMatch(/TOPIC.*PARTITION.*OFFSET/);
    expect(offsets.stdout).toMatch(/tools-a\s*│\s*10\s*│\s*5/);
    const dirs = await tty(['log-dirs', '--describe', '--topic-list', 'tools-b']);
    expect(dirs.stdout).toMatch(/BROKER.*LOG DIR.*PARTITION/);
    expect(dirs.stdout).toContain('tools-b-1');
    expect(dirs.stdout).not.toContain('Querying brokers');
    const versions = await tty(['broker-api-versions']);
    expect(versions.stdout).toMatch(/Produce\(0\)\s*│\s*0 to 9\s*│\s*9/);
    expect(versions.stdout).toMatch(/SaslHandshake\(17\)\s*│\s*UNSUPPORTED/);
  });
});

describe('Admin.describeCluster uses DescribeCluster', () => {
  it('reports the cluster id, controller and broker', async () => {
    const admin = new Admin({ bootstrapServers: [b.bootstrap] });
    try {
      const d = await admin.describeCluster();
      expect(d).toEqual({ clusterId: b.broker.clusterId, controllerId: b.broker.nodeId, brokers: [{ nodeId: b.broker.nodeId, host: '127.0.0.1', port: b.port, rack: null }] });
    } finally {
      await admin.close();
    }
  });
});
