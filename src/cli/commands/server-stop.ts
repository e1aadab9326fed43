// mq server-stop [--process-role=<role>] [--node-id=<id>] — kafka-server-stop.sh. Kafka's script
// finds its brokers in the process table (`ps ax | grep kafka.Kafka`) and sends each SIGTERM;
// with none it prints `No kafka server to stop` and exits 1. mq does the same with its own
// processes: every process of this user whose command line is node running mq's launcher
// (bin/mq.js, or an `mq` link to it) with `server-start` — read from /proc/<pid>/cmdline on
// Linux, else from `ps`. No pid file is needed, so a broker killed with -9 leaves nothing stale
// behind, and brokers started in the foreground are found as well as -daemon ones.
//
// --node-id and --process-role keep only the servers whose configuration matches, as Kafka's
// script does by reading each process's properties file: the file and --override arguments on
// its command line give node.id (default 1, or broker.id) and process.roles (default broker, the
// only role an mq server has). The signal is sent and the command returns, as Kafka's does; the
// broker then shuts down cleanly (flushes, checkpoints, writes its clean-shutdown marker).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
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

/** Names a node binary runs under: `node`, `nodejs` (Debian's), or this process's own. */
const NODE_NAMES = new Set(['node', 'nodejs', basename(process.execPath)]);

/**
 * The arguments after `server-start` when `argv` is an mq server's command line, else null. Only
 * node running mq's launcher counts: node, its own flags, the launcher (bin/mq.js or an `mq`
 * link to it; a `#!/usr/bin/env node` launcher run directly shows as `node <launcher>` too),
 * then `server-start` at once. `mq topics --topic server-start`, `ssh box mq server-start` or
 * `screen ... mq server-start` are not brokers of this machine to signal.
 */
export function serverStartArgs(argv: readonly string[]): string[] | null {
  if (argv.length === 0 || !NODE_NAMES.has(basename(argv[0]!))) return null;
  let i = 1;
  while (i < argv.length && argv[i]!.startsWith('-')) i++;
  const launcher = argv[i];
  if (launcher === undefined || (basename(launcher) !== 'mq.js' && basename(launcher) !== 'mq')) return null;
  return argv[i + 1] === 'server-start' ? argv.slice(i + 2) : null;
}

function fromProc(): ServerProcess[] {
  const out: ServerProcess[] = [];
  const uid = process.getuid?.();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      if (uid !== undefined && statSync(`/proc/${name}`).uid !== uid) continue;
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
  const text = execFileSync('ps', ['axww', '-o', 'pid=,uid=,args='], { encoding: 'utf8' });
  const uid = process.getuid?.();
  const out: ServerProcess[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m || (uid !== undefined && Number(m[2]) !== uid)) continue;
    const args = serverStartArgs(m[3]!.split(/\s+/));
    if (args) out.push({ pid: Number(m[1]), args, cwd: null });
  }
  return out;
}

/** This user's mq servers: another user's broker is not ours to stop (kill would be refused). */
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
  // As BrokerConfig.nodeId decides (src/broker/config.ts; the CLI may not import the broker
  // statically, and this is too small to load it for): broker.id wins while node.id is at its
  // default 1, set or not.
  const nodeId = props['broker.id'] !== undefined && (props['node.id'] ?? '1') === '1' ? props['broker.id'] : (props['node.id'] ?? '1');
  return {
    nodeId: nodeId.trim(),
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
  // Every server is signalled even when one refuses, as `kill -s TERM $PIDS` does; the failures
  // are reported together and make the exit status 1.
  const failures: string[] = [];
  let cause: unknown;
  for (const p of servers) {
    try {
      kill(p.pid);
    } catch (err) {
      // Gone between the scan and the signal: it is stopped, which is what was asked.
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') continue;
      failures.push(`unable to stop mq server ${p.pid}: ${messageOf(err)}`);
      cause ??= err;
    }
  }
  if (failures.length > 0) throw new CliError(failures.join('\n'), { cause });
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
