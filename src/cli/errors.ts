// How a command reports failure. Commands throw; main.ts alone turns the error into output and an
// exit code. Two kinds of message exist (DESIGN.md, "CLI conventions"):
// - argument and validation problems found before anything is contacted print the Kafka tool's
//   own message verbatim, so people searching for it find Kafka's documentation;
// - runtime failures print `unable to <verb>: <cause>`.
// kafka-topics and kafka-consumer-groups are the exceptions: their runtime errors go to stdout as
// `Error while executing topic command : <msg>` and `Error: Executing consumer group command
// failed due to <msg>`, which scripts parse; `stream` carries that.

import { KafkaError } from '../client/index.js';

export class CliError extends Error {
  readonly exitCode: number;
  readonly stream: 'stdout' | 'stderr';

  constructor(message: string, options: { cause?: unknown; exitCode?: number; stream?: 'stdout' | 'stderr' } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.stream = options.stream ?? 'stderr';
  }
}

/** The message of anything thrown, for the one-line form; stacks are main.ts's business. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `unable to <verb>: <cause>` keeping the cause for --verbose. A CliError passes through unchanged. */
export function unableTo(verb: string, cause: unknown): CliError {
  if (cause instanceof CliError) return cause;
  return new CliError(`unable to ${verb}: ${messageOf(cause)}`, { cause });
}

/**
 * The command has already printed its diagnostics, in Kafka's words and in order with its output
 * (kafka-consumer-groups prints `Error: ...` lines per group and carries on with the others); only
 * the exit status is left to set.
 */
export class ReportedFailure extends CliError {
  constructor() {
    super('already reported');
    this.name = 'ReportedFailure';
  }
}

/** Kafka's tools print the broker's errorMessage alone when there is one, else the code's own message. */
export function kafkaToolMessage(err: unknown): string {
  if (err instanceof KafkaError && err.brokerMessage) return err.brokerMessage;
  return messageOf(err);
}

/** Admin calls answer per item; a command that needs them all throws the first item's error. */
export function throwFirstError(results: ReadonlyArray<{ error: KafkaError | null }>): void {
  const failed = results.find((r) => r.error !== null);
  if (failed?.error) throw failed.error;
}
