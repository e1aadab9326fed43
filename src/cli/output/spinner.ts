// Progress for slow admin calls: an ora spinner on stderr, only when stderr is a terminal, so
// pipes and logs never see control characters. It is stopped before the caller prints results.

import ora from 'ora';
import type { CliContext } from '../context.js';

export async function withSpinner<T>(ctx: Pick<CliContext, 'isTTY' | 'stderr'>, text: string, work: () => Promise<T>): Promise<T> {
  // ora divides by the terminal's width; a pseudo-terminal of width 0 (`script` without a real
  // terminal behind it) would make it clear lines forever, so it gets no spinner either.
  const { columns } = ctx.stderr as { columns?: number };
  if (!ctx.isTTY.stderr || !columns) return work();
  // discardStdin would put stdin into raw mode; console-producer reads stdin, so leave it alone.
  const spinner = ora({ text, stream: ctx.stderr, discardStdin: false }).start();
  try {
    return await work();
  } finally {
    spinner.stop();
  }
}
