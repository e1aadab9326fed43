// A broker in its own process, started the way a user starts it (`mq server-start`), so tests
// can kill it with SIGKILL and restart it on the same data.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const MQ_BIN = fileURLToPath(new URL('../../bin/mq.js', import.meta.url));

export interface BrokerProcess {
  child: ChildProcess;
  port: number;
  bootstrap: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** `prefix` runs the broker through another command (e.g. nsenter into a namespace holding its log dir). */
export async function spawnBroker(dir: string, overrides: Record<string, string> = {}, prefix: readonly string[] = []): Promise<BrokerProcess> {
  const args = [...prefix.slice(1), ...(prefix.length > 0 ? [process.execPath] : []), MQ_BIN, 'server-start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${dir}`];
  for (const [k, v] of Object.entries(overrides)) args.push('--override', `${k}=${v}`);
  const child = spawn(prefix[0] ?? process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`broker exited with ${code} before it started: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = / started on [^\s]+:(\d+) /.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, port, bootstrap: `127.0.0.1:${port}`, exited };
}
