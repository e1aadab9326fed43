import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerConfig, ProducerRecord } from '../../../src/client/index.js';
import { harness, mq, type ProducerClient } from '../helpers.js';
import { run } from '../../../src/cli/main.js';

/**
 * Acknowledges records when flushed, as a producer with a long linger.ms does; `fail` rejects
 * matching records. `events` records the order of sends and flushes.
 */
function fakeProducer(fail?: (r: ProducerRecord) => Error | undefined) {
  const state = { configs: [] as ProducerConfig[], sent: [] as ProducerRecord[], events: [] as string[], closed: false };
  const pending: Array<() => void> = [];
  const producer: ProducerClient = {
    async connect() {},
    send(record) {
      const offset = BigInt(state.sent.push(record) - 1);
      state.events.push(`send ${String(record.value)}`);
      return new Promise((resolve, reject) => {
        pending.push(() => {
          const err = fail?.(record);
          if (err) reject(err);
          else resolve({ topic: record.topic, partition: 0, offset, timestamp: 0n });
        });
      });
    },
    async flush() {
      state.events.push('flush');
      pending.splice(0).forEach((ack) => ack());
    },
    async close() {
      await producer.flush();
      state.closed = true;
    },
  };
  return { state, factory: (config: ProducerConfig) => (state.configs.push(config), producer) };
}

async function produce(args: string[], stdin: string, fail?: (r: ProducerRecord) => Error | undefined) {
  const { state, factory } = fakeProducer(fail);
  const result = await mq(['console-producer', '--topic', 't', ...args], { clients: { producer: factory }, stdin });
  return { ...result, ...state };
}

const values = (records: ProducerRecord[]) => records.map((r) => r.value);

describe('mq console-producer', () => {
  it('sends one record per line, without waiting for each ack, and flushes at EOF', async () => {
    const r = await produce([], '1\n2\r\n\n3');
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '', closed: true });
    expect(r.sent).toEqual(['1', '2', '', '3'].map((value) => ({ topic: 't', key: null, value, headers: [] })));
    expect(r.events).toEqual(['send 1', 'send 2', 'send ', 'send 3', 'flush', 'flush']);
  });

  it('streams a large input', async () => {
    const input = Array.from({ length: 100_000 }, (_, i) => String(i + 1)).join('\n');
    const r = await produce([], `${input}\n`);
    expect(r.code).toBe(0);
    expect(r.sent).toHaveLength(100_000);
    expect(r.sent.at(-1)?.value).toBe('100000');
  });

  it('parses keys and headers with --property', async () => {
    const r = await produce(['--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=NULL'], 'h1:v1,h2:v2\tk\tv\nh:NULL\tNULL\tx\n');
    expect(r.sent).toEqual([
      { topic: 't', key: 'k', value: 'v', headers: [{ key: 'h1', value: 'v1' }, { key: 'h2', value: 'v2' }] },
      { topic: 't', key: null, value: 'x', headers: [{ key: 'h', value: null }] },
    ]);
  });

  it('stops at a malformed line but still delivers the lines before it', async () => {
    const r = await produce(['--property', 'parse.key=true'], 'k\tv\nnokey\nk\tw\n');
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: "unable to produce: No key separator found on line number 2: 'nokey'\n", closed: true });
    expect(values(r.sent)).toEqual(['v']);
    expect(r.events).toContain('flush');
  });

  it('refuses a reader configuration Kafka refuses, before connecting', async () => {
    const r = await produce(['--property', 'headers.delimiter=,'], 'x\n');
    expect(r).toMatchObject({ code: 1, stderr: 'headers.delimiter and headers.separator may not be equal\n' });
    expect(r.configs).toEqual([]);
  });

  it('stops reading after a failed send and reports it', async () => {
    const r = await produce(['--sync'], 'a\nbad\nc\n', (rec) => (rec.value === 'bad' ? new Error('This server does not host this topic-partition.') : undefined));
    expect(r).toMatchObject({ code: 1, stderr: 'unable to produce: This server does not host this topic-partition.\n' });
    expect(values(r.sent)).toEqual(['a', 'bad']);
  });

  it('--sync flushes each record before reading the next line', async () => {
    const r = await produce(['--sync'], 'a\nb\n');
    expect(r.events).toEqual(['send a', 'flush', 'send b', 'flush', 'flush', 'flush']);
  });

  it('prompts with > only when stdin and stdout are terminals', async () => {
    const { factory } = fakeProducer();
    expect((await mq(['console-producer', '--topic', 't'], { clients: { producer: factory }, stdin: 'a\nb\n', tty: true })).stdout).toBe('>>>');
  });

  it('needs --topic', async () => {
    expect(await mq(['console-producer'])).toEqual({ code: 1, stdout: '', stderr: 'Missing required argument "[topic]"\n' });
  });

  it('reports the count with --output json', async () => {
    expect((await produce(['--output', 'json'], 'a\nb\n')).stdout).toBe('{"topic":"t","records":2}\n');
  });

  it('delivers what was read when interrupted (Ctrl-C) and exits 0', async () => {
    const { state, factory } = fakeProducer();
    const stdin = new PassThrough();
    const h = harness({ clients: { producer: factory }, stdin });
    const done = run(['console-producer', '--topic', 't'], h.ctx);
    stdin.write('a\nb\n');
    await h.subscribed();
    await new Promise((resolve) => setImmediate(resolve));
    h.shutdown();
    expect(await done).toBe(0);
    expect(values(state.sent)).toEqual(['a', 'b']);
    expect(state.closed).toBe(true);
  });
});

describe('mq console-producer: producer configuration', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mq-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = async (args: string[]) => {
    const r = await produce(args, '');
    return { ...r, config: r.configs[0] };
  };

  it("uses kafka-console-producer's defaults", async () => {
    expect((await config([])).config).toEqual({
      bootstrapServers: ['localhost:9092'],
      clientId: 'console-producer',
      acks: -1,
      lingerMs: 1000,
      batchSize: 16384,
    });
  });

  it('maps the flags: acks all|-1|0|1, --compression-codec without a value is gzip, --timeout is linger.ms', async () => {
    expect((await config(['--request-required-acks', 'all'])).config?.acks).toBe(-1);
    expect((await config(['--request-required-acks', '0'])).config?.acks).toBe(0);
    expect((await config(['--compression-codec'])).config?.compression).toBe('gzip');
    expect((await config(['--compression-codec', 'lz4'])).config?.compression).toBe('lz4');
    expect((await config(['--timeout', '5', '--batch-size', '100'])).config).toMatchObject({ lingerMs: 5, batchSize: 100 });
  });

  it('rejects bad values with Kafka\'s ConfigException messages', async () => {
    expect((await config(['--request-required-acks', '2'])).stderr).toBe('Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1\n');
    expect((await config(['--compression-codec', 'brotli'])).stderr).toBe(
      'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd\n',
    );
    expect((await config(['--producer-property', 'linger.ms=soon'])).stderr).toBe('Invalid value soon for configuration linger.ms: Not a number of type INT\n');
  });

  it('lets flags beat --producer-property, which beats the config file; unknown keys get a warning', async () => {
    const file = join(dir, 'producer.properties');
    await writeFile(file, 'bootstrap.servers=file:9092\nlinger.ms=1\nbatch.size=2\nclient.id=from-file\nbuffer.memory=1\n');
    const r = await config(['--producer.config', file, '--producer-property', 'batch.size=3', '--producer-property', 'acks=1', '--batch-size', '4']);
    expect(r.config).toEqual({ bootstrapServers: ['file:9092'], clientId: 'from-file', acks: 1, lingerMs: 1, batchSize: 4 });
    expect(r.stderr).toBe("WARN The configuration 'buffer.memory' was supplied but isn't used by mq.\n");
    expect((await config(['--command-config', file, '--producer.config', file])).stderr).toBe(
      'Options --producer.config and --command-config cannot be specified together.\n',
    );
  });

  it('passes a client failure on as one line', async () => {
    const failing = () => {
      throw new Error('compression lz4 is not supported; use none or gzip');
    };
    expect(await mq(['console-producer', '--topic', 't', '--compression-codec', 'lz4'], { clients: { producer: failing } })).toMatchObject({
      code: 1,
      stderr: 'unable to produce: compression lz4 is not supported; use none or gzip\n',
    });
  });
});
