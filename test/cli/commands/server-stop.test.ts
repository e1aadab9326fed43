// mq server-stop with the process table and the signal replaced: which command lines count as mq
// servers, the --node-id / --process-role filters (read from each server's properties file and
// overrides), and kafka-server-stop.sh's `No ... server to stop` with exit 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findServers, serverStartArgs, serverStopCommand, type ServerProcess } from '../../../src/cli/commands/server-stop.js';

const dir = mkdtempSync(join(tmpdir(), 'mq-stop-'));
writeFileSync(join(dir, 'server.properties'), 'node.id=3\nprocess.roles=broker,controller\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stop(args: string[], servers: ServerProcess[]): Promise<{ killed: number[]; error: string | null }> {
  const killed: number[] = [];
  const cmd = serverStopCommand(
    () => servers,
    (pid) => void killed.push(pid),
  ).exitOverride();
  try {
    await cmd.parseAsync(args, { from: 'user' });
    return { killed, error: null };
  } catch (e) {
    return { killed, error: (e as Error).message };
  }
}

const servers: ServerProcess[] = [
  { pid: 10, args: ['--override', 'listeners=PLAINTEXT://:9092'], cwd: null },
  { pid: 11, args: ['server.properties', '--override', 'log.dirs=/x'], cwd: dir },
  { pid: 12, args: ['--override=node.id=5'], cwd: null },
];

describe('mq server-stop', () => {
  it('recognises mq servers by their command line', () => {
    expect(serverStartArgs(['/usr/bin/node', '/opt/mq/bin/mq.js', 'server-start', 'a.properties'])).toEqual(['a.properties']);
    expect(serverStartArgs(['node', '/usr/local/bin/mq', 'server-start'])).toEqual([]);
    expect(serverStartArgs(['node', '/opt/mq/bin/mq.js', 'server-stop'])).toBeNull();
    expect(serverStartArgs(['node', 'other.js', 'server-start'])).toBeNull();
    expect(serverStartArgs(['server-start'])).toBeNull();
    // node's own flags may come before the launcher; a shebang launcher shows as `node <launcher>`.
    expect(serverStartArgs(['nodejs', '--enable-source-maps', '/opt/mq/bin/mq.js', 'server-start', '--override', 'a=b'])).toEqual(['--override', 'a=b']);
    expect(serverStartArgs(['node', './mq', 'server-start', '-daemon'])).toEqual(['-daemon']);
  });
  it('ignores command lines that only mention mq and server-start', () => {
    expect(serverStartArgs(['node', 'bin/mq.js', 'topics', '--topic', 'server-start'])).toBeNull();
    expect(serverStartArgs(['ssh', 'box', 'mq', 'server-start', 'cfg'])).toBeNull();
    expect(serverStartArgs(['screen', '-dmS', 'k', 'mq', 'server-start'])).toBeNull();
    expect(serverStartArgs(['/bin/sh', '-c', 'node', 'mq.js', 'server-start'])).toBeNull();
    expect(serverStartArgs(['node', 'wrapper.js', 'mq.js', 'server-start'])).toBeNull();
    expect(serverStartArgs(['node', 'mq.js'])).toBeNull();
  });
  it('signals every server when no filter is given', async () => {
    expect(await stop([], servers)).toEqual({ killed: [10, 11, 12], error: null });
  });
  it('--node-id: from the properties file, --override, or the default 1', async () => {
    expect((await stop(['--node-id=3'], servers)).killed).toEqual([11]);
    expect((await stop(['--node-id', '5'], servers)).killed).toEqual([12]);
    expect((await stop(['--node-id=1'], servers)).killed).toEqual([10]);
  });
  it('--process-role: process.roles, default broker', async () => {
    expect((await stop(['--process-role=controller'], servers)).killed).toEqual([11]);
    expect((await stop(['--process-role=broker'], servers)).killed).toEqual([10, 11, 12]);
  });
  it('node.id as the broker reads it: broker.id wins while node.id is at its default 1', async () => {
    writeFileSync(join(dir, 'zk.properties'), 'broker.id=7\nnode.id=1\n');
    const zk: ServerProcess[] = [
      { pid: 20, args: ['zk.properties'], cwd: dir },
      { pid: 21, args: ['--override', 'broker.id=8', '--override', 'node.id=4'], cwd: null },
    ];
    expect((await stop(['--node-id=7'], zk)).killed).toEqual([20]);
    expect((await stop(['--node-id=4'], zk)).killed).toEqual([21]);
    expect((await stop(['--node-id=1'], zk)).killed).toEqual([]);
  });
  it('a refused signal does not stop the others; every failure is reported, exit 1', async () => {
    const killed: number[] = [];
    const cmd = serverStopCommand(
      () => servers,
      (pid) => {
        if (pid !== 11) throw Object.assign(new Error(`kill EPERM`), { code: 'EPERM' });
        killed.push(pid);
      },
    ).exitOverride();
    const err = await cmd.parseAsync([], { from: 'user' }).then(
      () => null,
      (e: Error & { exitCode: number }) => e,
    );
    expect(killed).toEqual([11]);
    expect(err?.message).toBe('unable to stop mq server 10: kill EPERM\nunable to stop mq server 12: kill EPERM');
    expect(err?.exitCode).toBe(1);
  });
  it('none found: No mq server to stop', async () => {
    expect(await stop([], [])).toEqual({ killed: [], error: 'No mq server to stop' });
    expect(await stop(['--node-id=9'], servers)).toEqual({ killed: [], error: 'No mq server to stop' });
  });
});

describe('findServers', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });
  /** A process whose command line is `node <dir>/mq.js server-start <tag>`, once exec'd. */
  async function fakeServer(tag: string, uid?: number): Promise<number> {
    const c = spawn(process.execPath, [join(dir, 'mq.js'), 'server-start', tag], { stdio: 'ignore', ...(uid === undefined ? {} : { uid, gid: uid }) });
    children.push(c);
    const deadline = Date.now() + 10_000;
    while (!readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').includes(tag)) {
      if (Date.now() > deadline) throw new Error(`${tag} did not start`);
      await new Promise((r) => setImmediate(r));
    }
    return c.pid!;
  }
  it.runIf(process.platform === 'linux')("finds this user's mq servers only", async () => {
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'mq.js'), 'setInterval(() => {}, 1000);\n', { mode: 0o644 });
    const mine = await fakeServer('mine');
    const pids = () => findServers().map((p) => p.pid);
    expect(pids()).toContain(mine);
    // Another user's broker (tests run as root here, which may start one): not ours to signal.
    if (process.getuid?.() === 0) {
      const theirs = await fakeServer('theirs', 65534);
      expect(pids()).not.toContain(theirs);
    }
  });
});
