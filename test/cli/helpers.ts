// In-process harness for CLI tests: a CliContext with string stdin, captured stdout/stderr, a
// controllable shutdown signal and fake clients; run() returns the exit code and both outputs.

import { PassThrough, Readable, Writable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import type { AdminClient, CliContext, ClientFactory, ConsumerClient, ProducerClient } from '../../src/cli/context.js';

export class Capture extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    callback();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface Harness {
  ctx: CliContext;
  stdout: Capture;
  stderr: Capture;
  /** Simulates SIGINT: calls every current onShutdown listener. */
  shutdown(): void;
  /** Resolves once a command has subscribed to shutdown (it is then running). */
  subscribed(): Promise<void>;
}

export interface HarnessOptions {
  clients?: Partial<ClientFactory>;
  /** A string is the whole input (then EOF); a stream stays open until the test ends it. */
  stdin?: string | Readable;
  tty?: boolean;
  env?: Record<string, string>;
  stdout?: Writable;
}

const unused = (what: string) => (): never => {
  throw new Error(`test did not expect a ${what} client`);
};

export function harness(opts: HarnessOptions = {}): Harness {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = opts.stdin instanceof Readable ? opts.stdin : new PassThrough().end(opts.stdin ?? '');
  const listeners = new Set<() => void>();
  let onSubscribe: () => void = () => undefined;
  const firstSubscription = new Promise<void>((resolve) => (onSubscribe = resolve));
  const tty = opts.tty ?? false;
  const ctx: CliContext = {
    stdin,
    stdout: opts.stdout ?? stdout,
    stderr,
    isTTY: { stdin: tty, stdout: tty, stderr: false },
    env: opts.env ?? {},
    clients: {
      admin: opts.clients?.admin ?? unused('admin'),
      producer: opts.clients?.producer ?? unused('producer'),
      consumer: opts.clients?.consumer ?? unused('consumer'),
    },
    onShutdown(listener) {
      listeners.add(listener);
      onSubscribe();
      return () => listeners.delete(listener);
    },
  };
  return {
    ctx,
    stdout,
    stderr,
    shutdown: () => [...listeners].forEach((l) => l()),
    subscribed: () => firstSubscription,
  };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export async function mq(args: string[], opts: HarnessOptions = {}): Promise<Result> {
  const h = harness(opts);
  const code = await run(args, h.ctx);
  return { code, stdout: h.stdout.text, stderr: h.stderr.text };
}

export type { AdminClient, ConsumerClient, ProducerClient };

/**
 * Java's String.format for the conversions Kafka's tools print tables with (`%-Ns`, `%s`, `%n`),
 * so expected output is built from the format strings in Kafka's source rather than from mq's
 * renderer.
 */
export function javaFormat(format: string, ...args: Array<string | number | bigint>): string {
  let i = 0;
  return format.replace(/%(-?)(\d*)([sn])/g, (_m, left: string, width: string, conv: string) => {
    if (conv === 'n') return '\n';
    const v = String(args[i++]);
    const w = Number(width || 0);
    return left ? v.padEnd(w) : v.padStart(w);
  });
}
