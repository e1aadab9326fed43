// The mq command line: wiring only. Builds the commander program from the command factories,
// turns errors into output and an exit code, and is the only module that touches `process`
// (streams, signals, exit). run() is the same program without `process`, for tests.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { brokerApiVersionsCommand } from './commands/broker-api-versions.js';
import { consoleConsumerCommand } from './commands/console-consumer.js';
import { consoleProducerCommand } from './commands/console-producer.js';
import { consumerGroupsCommand } from './commands/consumer-groups.js';
import { consumerPerfTestCommand } from './commands/consumer-perf-test.js';
import { deleteRecordsCommand } from './commands/delete-records.js';
import { dumpLogCommand } from './commands/dump-log.js';
import { endToEndLatencyCommand } from './commands/end-to-end-latency.js';
import { getOffsetsCommand } from './commands/get-offsets.js';
import { logDirsCommand } from './commands/log-dirs.js';
import { producerPerfTestCommand } from './commands/producer-perf-test.js';
import { serverStartCommand } from './commands/server-start.js';
import { serverStopCommand } from './commands/server-stop.js';
import { topicsCommand } from './commands/topics.js';
import { configsCommand } from './commands/configs.js';
import { defaultClients, type CliContext } from './context.js';
import { CliError, messageOf, ReportedFailure } from './errors.js';

// The same relative path from src/cli/ (tests) and dist/cli/ (the installed bin).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function program(ctx: CliContext): Command {
  const root = new Command('mq')
    .description("mq: a Kafka-compatible message queue. The tools mirror Kafka's kafka-*.sh scripts.")
    .version(version, '--version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void ctx.stdout.write(s), writeErr: (s) => void ctx.stderr.write(s) });
  const commands = [
    topicsCommand(ctx),
    configsCommand(ctx),
    consoleProducerCommand(ctx),
    consoleConsumerCommand(ctx),
    consumerGroupsCommand(ctx),
    producerPerfTestCommand(ctx),
    consumerPerfTestCommand(ctx),
    endToEndLatencyCommand(ctx),
    deleteRecordsCommand(ctx),
    serverStartCommand(ctx),
    serverStopCommand(),
    getOffsetsCommand(ctx),
    brokerApiVersionsCommand(ctx),
    logDirsCommand(ctx),
    dumpLogCommand(ctx),
  ];
  for (const cmd of commands) {
    // addCommand does not copy settings the way .command() does: usage errors must not exit.
    root.addCommand(cmd.copyInheritedSettings(root));
  }
  return root;
}

/** Prints the error (stack traces and causes only with --verbose) and returns the exit code. */
function report(ctx: CliContext, err: unknown, verbose: boolean): number {
  // commander has already printed its usage error, help or version.
  if (err instanceof CommanderError) return err.exitCode;
  const failure = err instanceof CliError ? err : new CliError(`unable to run mq: ${messageOf(err)}`, { cause: err });
  if (!(failure instanceof ReportedFailure)) (failure.stream === 'stdout' ? ctx.stdout : ctx.stderr).write(`${failure.message}\n`);
  if (verbose) {
    for (let e: unknown = failure.cause; e !== undefined; e = e instanceof Error ? e.cause : undefined) {
      ctx.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }
  return failure.exitCode;
}

/** Runs one mq command line (without the node and script arguments); resolves to the exit code. */
export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const root = program(ctx);
  let verbose = false;
  root.hook('preAction', (_root, action) => {
    verbose = action.opts().verbose === true;
  });
  try {
    await root.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (err) {
    return report(ctx, err, verbose);
  }
}

function processContext(): CliContext {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    clients: defaultClients,
    onShutdown(listener) {
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}

/** Resolves once everything written so far has been handed to the OS (or the stream failed). */
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => void stream.write('', () => resolve()));
}

export async function main(argv: readonly string[]): Promise<void> {
  // EPIPE (`mq ... | head`): the reader is gone and there is nobody left to tell; not a crash.
  process.stdout.on('error', () => undefined);
  const code = await run(argv.slice(2), processContext());
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // Exit explicitly: a client socket or timer still winding down must not keep a finished command alive.
  process.exit(code);
}
