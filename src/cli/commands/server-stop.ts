// mq server-stop [--process-role=<role>] [--node-id=<id>] — kafka-server-stop.sh. Kafka's script
// finds its brokers in the process table (`ps ax | grep kafka.Kafka`) and sends each SIGTERM;
// with none it prints `No kafka server to stop` and exits 1. mq does the same with its own
// processes: every process whose command line is mq's launcher (bin/mq.js, or an `mq` link to
// it) followed by `server-start` — read from /proc/<pid>/cmdline on Linux, else from `ps`. No pid
// file is needed, so a broker killed with -9 leaves nothing stale behind, and brokers started in
// the foreground are found as well as -daemon ones.
//
// --node-id and --process-role keep only the servers whose configuration matches, as Kafka's
// script does by reading each process's properties file: the file and --override arguments on
// its command line give node.id (default 1, or broker.id) and process.roles (default broker, the
// only role an mq server has). The signal is sent and the command returns, as Kafka's does; the
// broker then shuts down cleanly (flushes, checkpoints, writes its clean-shutdown marker).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { parseProperties } from '../../properties.js';
import { CliError, messageOf, unableTo } from '../errors.js';
import { parseKeyValueArgs } from '../properties.js';

interface ServerStopOptions {
  processRole?: string;
  nodeId?: string;
}

export interface ServerProcess {
  pid: number;
  /** Arguments after `server-start`. */
  args: string[];
  /** The process's working directory, for a relative properties path; null when unknown. */
  cwd: string | null;
}

/** The arguments after `server-start` when `argv` is an mq server's command line, else null. */
export function serverStartArgs(argv: readonly string[]): string[] | null {
  const i = argv.indexOf('server-start');
  if (i < 1) return null;
  const launcher = argv.slice(0, i).some((a) => basename(a) === 'mq.js' || basename(a) === 'mq');
  return launcher ? argv.slice(i + 1) : null;
}

function fromProc(): ServerProcess[] {
  const out: ServerProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').slice(0, -1);
    } catch {
      continue; // the process ended while we looked, or is not ours to read
    }
    const args = serverStartArgs(argv);
    if (!args) continue;
    let cwd: string | null = null;
    try {
      cwd = readlinkSync(`/proc/${name}/cwd`);
    } catch {
      // another user's process: its relative config path cannot be resolved
    }
    out.push({ pid: Number(name), args, cwd });
  }
  return out;
}

/** Without /proc (macOS, BSD): `ps`, whose args column is the command line joined by spaces. */
function fromPs(): ServerProcess[] {
  const text = execFileSync('ps', ['axww', '-o', 'pid=,args='], { encoding: 'utf8' });
  const out: ServerProcess[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    const args = m ? serverStartArgs(m[2]!.split(/\s+/)) : null;
    if (m && args) out.push({ pid: Number(m[1]), args, cwd: null });
  }
  return out;
}

export function findServers(): ServerProcess[] {
  return existsSync('/proc/self/cmdline') ? fromProc() : fromPs();
}

/** node.id and process.roles of a server from its command line: properties file, then --override. */
export function serverIdentity(p: ServerProcess): { nodeId: string; roles: string[] } {
  let file: string | undefined;
  const overrides: string[] = [];
  for (let i = 0; i < p.args.length; i++) {
    const a = p.args[i]!;
    if (a === '--override') overrides.push(p.args[++i] ?? '');
    else if (a.startsWith('--override=')) overrides.push(a.slice('--override='.length));
    else if (!a.startsWith('-') && file === undefined) file = a;
  }
  let props: Record<string, string> = {};
  if (file !== undefined) {
    try {
      props = parseProperties(readFileSync(p.cwd === null ? file : resolve(p.cwd, file), 'utf8'));
    } catch {
      // unreadable now (moved, another user's): only the overrides tell
    }
  }
  props = { ...props, ...parseKeyValueArgs(overrides) };
  return {
    nodeId: (props['node.id'] ?? props['broker.id'] ?? '1').trim(),
    roles: (props['process.roles'] ?? 'broker').split(',').map((r) => r.trim()),
  };
}

function runServerStop(o: ServerStopOptions, find: () => ServerProcess[], kill: (pid: number) => void): void {
  let servers: ServerProcess[];
  try {
    servers = find();
  } catch (err) {
    throw unableTo('find mq servers', err);
  }
  servers = servers.filter((p) => {
    if (o.nodeId === undefined && o.processRole === undefined) return true;
    const id = serverIdentity(p);
    return (o.nodeId === undefined || id.nodeId === o.nodeId) && (o.processRole === undefined || id.roles.includes(o.processRole));
  });
  if (servers.length === 0) throw new CliError('No mq server to stop', { stream: 'stdout' });
  for (const p of servers) {
    try {
      kill(p.pid);
    } catch (err) {
      // Gone between the scan and the signal: it is stopped, which is what was asked.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw new CliError(`unable to stop mq server ${p.pid}: ${messageOf(err)}`, { cause: err });
    }
  }
}

export function serverStopCommand(
  find: () => ServerProcess[] = findServers,
  kill: (pid: number) => void = (pid) => process.kill(pid, 'SIGTERM'),
): Command {
  return new Command('server-stop')
    .description('Stop the mq brokers running on this machine (kafka-server-stop.sh)')
    .option('--process-role <role>', 'only servers with this role in process.roles (mq servers are brokers)')
    .option('--node-id <id>', 'only the server with this node.id')
    .action((o: ServerStopOptions) => runServerStop(o, find, kill));
}
