// kcat 1.7.1 (librdkafka 2.0.2, Debian package `kcat`) against a real mq broker: metadata,
// produce, consume, keys, headers, gzip. librdkafka opens with a flexible ApiVersions v3 request
// and uses Metadata v4, Produce v7 and Fetch v11 against our ranges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { run } from '../helpers/run.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker({ 'num.partitions': '3' });
});
afterAll(() => b.close());

const kcat = (args: string[], input?: string) => run('kcat', ['-b', b.bootstrap, ...args], { input, timeoutMs: 30_000 });

describe('kcat', () => {
  it('lists the broker and topics with -L', async () => {
    await kcat(['-P', '-t', 'listed'], 'x\n');
    const out = await kcat(['-L']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('1 brokers:');
    expect(out.stdout).toContain(`broker 1 at 127.0.0.1:${b.port} (controller)`);
    expect(out.stdout).toContain('topic "listed" with 3 partitions:');
    expect(out.stdout).toMatch(/partition 0, leader 1, replicas: 1, isrs: 1/);
  });

  it('produces lines and reads every one back from the beginning', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line-${i}`);
    const produced = await kcat(['-P', '-t', 'lines'], lines.join('\n') + '\n');
    expect(produced.code).toBe(0);
    const consumed = await kcat(['-C', '-t', 'lines', '-o', 'beginning', '-e', '-q']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n').sort()).toEqual([...lines].sort());
  });

  it('keeps keys, headers, partitions and offsets', async () => {
    const produced = await kcat(['-P', '-t', 'keyed', '-K', ':', '-H', 'h1=v1', '-p', '1'], 'k1:v1\nk2:v2\n');
    expect(produced.code).toBe(0);
    const consumed = await kcat(['-C', '-t', 'keyed', '-p', '1', '-o', 'beginning', '-e', '-q', '-f', '%k|%s|%p|%o|%h\n']);
    expect(consumed.stdout).toBe('k1|v1|1|0|h1=v1\nk2|v2|1|1|h1=v1\n');
  });

  it('produces gzip-compressed batches that read back', async () => {
    const produced = await kcat(['-P', '-t', 'zipped', '-z', 'gzip', '-p', '0'], 'a\nb\nc\n');
    expect(produced.code).toBe(0);
    const consumed = await kcat(['-C', '-t', 'zipped', '-p', '0', '-o', 'beginning', '-e', '-q']);
    expect(consumed.stdout).toBe('a\nb\nc\n');
  });

  it('queries offsets by time with -Q', async () => {
    await kcat(['-P', '-t', 'timed', '-p', '0'], 'one\ntwo\n');
    const out = await kcat(['-Q', '-t', 'timed:0:0']);
    expect(out.code).toBe(0);
    expect(out.stdout.trim()).toBe('timed [0] offset 0');
  });
});
