// How a command reports failure. Commands throw; main.ts alone turns the error into output and an
// exit code. Two kinds of message exist (DESIGN.md, "CLI conventions"):
// - argument and validation problems found before anything is contacted print the Kafka tool's
//   own message verbatim, so people searching for it find Kafka's documentation;
// - runtime failures print `unable to <verb>: <cause>`.
// kafka-topics is the exception that proves the rule: its runtime errors go to stdout as
// `Error while executing topic command : <msg>`, which scripts parse; `stream` carries that.

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
