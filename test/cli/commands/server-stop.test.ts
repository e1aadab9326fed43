// mq server-stop with the process table and the signal replaced: which command lines count as mq
// servers, the --node-id / --process-role filters (read from each server's properties file and
// overrides), and kafka-server-stop.sh's `No ... server to stop` with exit 1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverStartArgs, serverStopCommand, type ServerProcess } from '../../../src/cli/commands/server-stop.js';

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
  it('none found: No mq server to stop', async () => {
    expect(await stop([], [])).toEqual({ killed: [], error: 'No mq server to stop' });
    expect(await stop(['--node-id=9'], servers)).toEqual({ killed: [], error: 'No mq server to stop' });
  });
});
