// mq server-start [-daemon] [server.properties] [--override key=value]... — kafka-server-start.sh
// (AK core/src/main/scala/kafka/Kafka.scala): the file's keys, then each --override on top.
// The broker is loaded with a dynamic import(): this is the CLI's only edge to src/broker, so
// the client tools never load broker code. Runs until SIGINT/SIGTERM, then closes cleanly.
//
// -daemon (kafka-run-class.sh's `nohup ... > $LOG_DIR/kafkaServer.out 2>&1 &`): the same command
// line is started again without -daemon as a detached process (its own session, so closing the
// terminal does not stop it) whose output goes to $LOG_DIR/mqServer.out, truncated first as Kafka
// does. LOG_DIR defaults to the broker's first log dir (a plain file there is ignored by the log
// loader). Kafka's script returns at once; this one waits until the broker has printed its
// `mq broker started on host:port` line and prints it with the pid, so the caller learns where
// it listens and a broker that fails to start fails the command. `mq server-stop` stops it.

import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { collect, type CliContext } from '../context.js';
import { CliError, unableTo } from '../errors.js';
import { loadProperties, parseKeyValueArgs } from '../properties.js';

export type BrokerModule = Pick<typeof import('../../broker/server.js'), 'startBroker'>;

interface ServerStartOptions {
  override?: string[];
  verbose?: boolean;
  daemon?: boolean;
}

const loadBrokerModule = (): Promise<BrokerModule> => import('../../broker/server.js');

/** The launcher, the same relative path from src/cli/commands (tests) and dist/cli/commands. */
const MQ_BIN = fileURLToPath(new URL('../../../bin/mq.js', import.meta.url));
export const DAEMON_OUTPUT_FILE = 'mqServer.out';
const STARTED = /^mq broker started on .*$/m;
const DAEMON_START_TIMEOUT_MS = 60_000;

async function brokerConfig(file: string | undefined, o: ServerStartOptions): Promise<Record<string, string>> {
  return { ...(file === undefined ? {} : await loadProperties(file)), ...parseKeyValueArgs(o.override ?? []) };
}

async function runServerStart(ctx: CliContext, file: string | undefined, o: ServerStartOptions, load: () => Promise<BrokerModule>): Promise<void> {
  const { startBroker } = await load();
  const broker = await startBroker({
    config: await brokerConfig(file, o),
    // Warnings and errors always reach stderr; the broker's info and debug lines only with --verbose.
    logger: (level, message) => {
      const line = `[${new Date().toISOString()}] ${level.toUpperCase()} ${message}\n`;
      if (level === 'warn' || level === 'error') ctx.stderr.write(line);
      else if (o.verbose) ctx.stdout.write(line);
    },
  });
  ctx.stdout.write(`mq broker started on ${broker.host}:${broker.port} (log.dirs=${broker.logDirs.join(',')})\n`);
  await new Promise<void>((resolve) => {
    const unsubscribe = ctx.onShutdown(() => {
      unsubscribe();
      resolve();
    });
  });
  await broker.close();
}

/** Where -daemon writes the broker's output: $LOG_DIR, else the broker's first log dir. */
async function daemonLogDir(ctx: CliContext, config: Record<string, string>): Promise<string> {
  if (ctx.env.LOG_DIR) return ctx.env.LOG_DIR;
  const first = (config['log.dirs'] ?? config['log.dir'] ?? '').split(',').map((s) => s.trim()).find(Boolean);
  return first ?? (await import('../../broker/config.js')).DEFAULT_LOG_DIR;
}

async function runDaemon(ctx: CliContext, file: string | undefined, o: ServerStartOptions): Promise<void> {
  const dir = await daemonLogDir(ctx, await brokerConfig(file, o));
  mkdirSync(dir, { recursive: true });
  const outPath = join(dir, DAEMON_OUTPUT_FILE);
  const out = openSync(outPath, 'w');
  const args = [MQ_BIN, 'server-start', ...(file === undefined ? [] : [file]), ...(o.override ?? []).flatMap((kv) => ['--override', kv])];
  if (o.verbose) args.push('--verbose');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: { ...ctx.env } });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const watcher = watch(outPath);
  try {
    const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
    for (;;) {
      const text = readFileSync(outPath, 'utf8');
      const started = STARTED.exec(text);
      if (started) {
        ctx.stdout.write(`${started[0]} (pid ${child.pid}, output in ${outPath})\n`);
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new CliError(`unable to start broker: no start line in ${outPath} after ${DAEMON_START_TIMEOUT_MS} ms (pid ${child.pid})`);
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'changed'>((resolve) => {
          watcher.once('change', () => resolve('changed'));
          timer = setTimeout(() => resolve('changed'), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (code !== 'changed') {
        const last = readFileSync(outPath, 'utf8').trim().split('\n').at(-1) ?? '';
        throw new CliError(`unable to start broker: the daemon exited with code ${code}${last ? `: ${last}` : ''} (output in ${outPath})`);
      }
    }
  } finally {
    watcher.close();
    child.unref();
  }
}

/** Kafka's script takes `-daemon` with one dash, which commander would read as -d -a -e ...; it becomes --daemon. */
class ServerStartCommand extends Command {
  override parseOptions(argv: string[]): { operands: string[]; unknown: string[] } {
    return super.parseOptions(argv.map((a) => (a === '-daemon' ? '--daemon' : a)));
  }
}

export function serverStartCommand(ctx: CliContext, load: () => Promise<BrokerModule> = loadBrokerModule): Command {
  return new ServerStartCommand('server-start')
    .description('Start an mq broker (kafka-server-start.sh)')
    .argument('[server.properties]', 'broker configuration file, in Kafka\'s server.properties format')
    .option('--daemon', '(also -daemon, as Kafka spells it) run in the background, output to $LOG_DIR/mqServer.out; stop it with mq server-stop')
    .option('--override <key=value>', 'a broker config that wins over the file (repeatable)', collect)
    .option('--verbose', "print the broker's info log and stack traces with errors")
    .action(async (file: string | undefined, o: ServerStartOptions) => {
      try {
        if (o.daemon) await runDaemon(ctx, file, o);
        else await runServerStart(ctx, file, o, load);
      } catch (err) {
        throw unableTo('start broker', err);
      }
    });
}
