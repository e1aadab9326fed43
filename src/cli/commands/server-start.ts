// mq server-start [server.properties] [--override key=value]... — kafka-server-start.sh
// (AK core/src/main/scala/kafka/Kafka.scala): the file's keys, then each --override on top.
// The broker is loaded with a dynamic import(): this is the CLI's only edge to src/broker, so
// the client tools never load broker code. Runs until SIGINT/SIGTERM, then closes cleanly.

import { Command } from 'commander';
import { collect, type CliContext } from '../context.js';
import { unableTo } from '../errors.js';
import { loadProperties, parseKeyValueArgs } from '../properties.js';

export type BrokerModule = Pick<typeof import('../../broker/server.js'), 'startBroker'>;

interface ServerStartOptions {
  override?: string[];
  verbose?: boolean;
}

const loadBrokerModule = (): Promise<BrokerModule> => import('../../broker/server.js');

async function runServerStart(ctx: CliContext, file: string | undefined, o: ServerStartOptions, load: () => Promise<BrokerModule>): Promise<void> {
  const { startBroker } = await load();
  const config = {
    ...(file === undefined ? {} : await loadProperties(file)),
    ...parseKeyValueArgs(o.override ?? []),
  };
  const broker = await startBroker({
    config,
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

export function serverStartCommand(ctx: CliContext, load: () => Promise<BrokerModule> = loadBrokerModule): Command {
  return new Command('server-start')
    .description('Start an mq broker (kafka-server-start.sh)')
    .argument('[server.properties]', 'broker configuration file, in Kafka\'s server.properties format')
    .option('--override <key=value>', 'a broker config that wins over the file (repeatable)', collect)
    .option('--verbose', "print the broker's info log and stack traces with errors")
    .action(async (file: string | undefined, o: ServerStartOptions) => {
      try {
        await runServerStart(ctx, file, o, load);
      } catch (err) {
        throw unableTo('start broker', err);
      }
    });
}
