import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverStartCommand, type BrokerModule } from '../../../src/cli/commands/server-start.js';
import { harness } from '../helpers.js';

type StartOptions = Parameters<BrokerModule['startBroker']>[0];

/** A broker module that records what it was started with. */
function fakeBroker(fail?: Error) {
  const state = { options: undefined as StartOptions, closed: false };
  const module: BrokerModule = {
    async startBroker(options) {
      state.options = options;
      if (fail) throw fail;
      options?.logger?.('info', 'started');
      options?.logger?.('warn', 'unused key');
      return {
        host: 'localhost',
        port: 9092,
        nodeId: 1,
        clusterId: 'c',
        logDirs: [options?.config?.['log.dirs'] ?? '/home/u/.mq/data'],
        async close() {
          state.closed = true;
        },
      };
    },
  };
  return { state, load: async () => module };
}

describe('mq server-start', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mq-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('merges the properties file with --override (override wins), starts, and closes on Ctrl-C', async () => {
    const file = join(dir, 'server.properties');
    await writeFile(file, 'log.dirs=/from/file\nnode.id=1\n');
    const { state, load } = fakeBroker();
    const h = harness();
    const done = serverStartCommand(h.ctx, load).parseAsync([file, '--override', 'log.dirs=/data', '--override', 'num.partitions=3'], { from: 'user' });
    await h.subscribed();
    expect(state.options?.config).toEqual({ 'log.dirs': '/data', 'node.id': '1', 'num.partitions': '3' });
    expect(h.stdout.text).toBe('mq broker started on localhost:9092 (log.dirs=/data)\n');
    expect(h.stderr.text).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] WARN unused key\n$/);
    expect(state.closed).toBe(false);
    h.shutdown();
    await done;
    expect(state.closed).toBe(true);
  });

  it("prints the broker's info log with --verbose", async () => {
    const { load } = fakeBroker();
    const h = harness();
    const done = serverStartCommand(h.ctx, load).parseAsync(['--verbose'], { from: 'user' });
    await h.subscribed();
    h.shutdown();
    await done;
    expect(h.stdout.text).toMatch(/^\[[^\]]+\] INFO started\nmq broker started on localhost:9092 \(log\.dirs=\/home\/u\/\.mq\/data\)\n$/);
  });

  it('reports a start failure as one line', async () => {
    const { load } = fakeBroker(new Error('cannot listen on PLAINTEXT://:9092: EADDRINUSE'));
    await expect(serverStartCommand(harness().ctx, load).parseAsync([], { from: 'user' })).rejects.toThrow(
      'unable to start broker: cannot listen on PLAINTEXT://:9092: EADDRINUSE',
    );
    await expect(serverStartCommand(harness().ctx, fakeBroker().load).parseAsync([join(dir, 'missing.properties')], { from: 'user' })).rejects.toThrow(
      /^unable to start broker: ENOENT: no such file or directory, open '.*missing\.properties'$/,
    );
  });
});
