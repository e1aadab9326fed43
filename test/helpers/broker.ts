// A real broker for tests: port 0 on loopback, a fresh temp log dir, removed on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '../../src/broker/server.js';

export interface TestBroker {
  broker: RunningBroker;
  port: number;
  bootstrap: string;
  dir: string;
  /** Stops the broker; the data dir stays until `cleanup()` so a test can restart on it. */
  stop(): Promise<void>;
  /** Stops the broker and removes its data dir. */
  close(): Promise<void>;
}

export function tempDir(prefix = 'mq-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestBroker(config: Record<string, string> = {}, dir = tempDir()): Promise<TestBroker> {
  const broker = await startBroker({
    config: { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir, ...config },
    logger: () => {},
  });
  return {
    broker,
    port: broker.port,
    bootstrap: `127.0.0.1:${broker.port}`,
    dir,
    stop: () => broker.close(),
    async close() {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
