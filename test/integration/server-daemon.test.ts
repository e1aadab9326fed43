// `mq server-start -daemon` and `mq server-stop` as a user runs them: `node bin/mq.js` child
// processes (needs `npm run build`). The daemon gets a node.id no other test uses, and server-stop
// is always filtered by it: other tests (and other checkouts) run mq brokers on this machine too,
// and an unfiltered server-stop would stop them all, exactly as kafka-server-stop.sh would.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Consumer, Producer } from '../../src/client/index.js';
import { tempDir } from '../helpers/broker.js';
import { run } from '../helpers/run.js';

const BIN = fileURLToPath(new URL('../../bin/mq.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const NODE_ID = String(4000 + (process.pid % 50000));

const dir = tempDir('mq-daemon-');
let pid: number | undefined;
const env = { LOG_DIR: '', NO_COLOR: '1' };
const mq = (args: string[]) => run(process.execPath, [BIN, ...args], { env });

function alive(p: number): boolean {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('mq server-start -daemon / mq server-stop', () => {
  it('starts in the background, serves, and stops cleanly on server-stop', async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
    const started = await mq([
      'server-start',
      '-daemon',
      '--override',
      'listeners=PLAINTEXT://127.0.0.1:0',
      '--override',
      `log.dirs=${dir}`,
      '--override',
      `node.id=${NODE_ID}`,
    ]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const m = /^mq broker started on 127\.0\.0\.1:(\d+) \(log\.dirs=.*\) \(pid (\d+), output in (.*)\)\n$/.exec(started.stdout);
    expect(m, started.stdout).not.toBeNull();
    const port = Number(m![1]);
    pid = Number(m![2]);
    expect(m![3]).toBe(join(dir, 'mqServer.out'));
    expect(readFileSync(join(dir, 'mqServer.out'), 'utf8')).toContain('mq broker started on');
    expect(alive(pid)).toBe(true);

    // The command has returned; the broker keeps serving.
    const producer = new Producer({ bootstrapServers: [`127.0.0.1:${port}`] });
    await producer.send({ topic: 'daemon', partition: 0, value: 'hello' });
    await producer.close();
    const consumer = new Consumer({ bootstrapServers: [`127.0.0.1:${port}`] });
    try {
      await consumer.assign([{ topic: 'daemon', partition: 0, offset: 'earliest' }]);
      const got: string[] = [];
      for (const deadline = Date.now() + 10_000; got.length === 0 && Date.now() < deadline; ) {
        for (const r of await consumer.poll(1000)) got.push(r.value!.toString());
      }
      expect(got).toEqual(['hello']);
    } finally {
      await consumer.close();
    }

    // Another node id matches nothing: Kafka's message, exit 1, and the daemon is untouched.
    expect(await mq(['server-stop', `--node-id=${NODE_ID}0`])).toEqual({ code: 1, stdout: 'No mq server to stop\n', stderr: '' });
    expect(alive(pid)).toBe(true);

    expect(await mq(['server-stop', `--node-id=${NODE_ID}`, '--process-role=broker'])).toEqual({ code: 0, stdout: '', stderr: '' });
    for (const deadline = Date.now() + 20_000; alive(pid) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(dir, '.kafka_cleanshutdown'))).toBe(true);
  }, 60_000);
});
