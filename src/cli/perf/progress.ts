// The perf tools' live progress line: redrawn in place on stderr a few times a second, only when
// stderr is a terminal (DESIGN.md: progress goes to stderr on a TTY only), so pipes and logs see
// exactly Kafka's output. When stdout is the same terminal, a line printed there would land in
// the middle of the progress line, so the tools print through `print`, which clears it first;
// the next tick draws it again.

import type { CliContext } from '../context.js';

const REDRAW_MS = 200;
const CLEAR_LINE = '\r\x1b[K';

export interface Progress {
  /** Writes `text` to stdout, around the progress line. */
  print(text: string): void;
  /** Removes the line for good. */
  stop(): void;
}

/** `text()` is asked for the current line on every redraw. */
export function startProgress(ctx: Pick<CliContext, 'isTTY' | 'stdout' | 'stderr'>, text: () => string): Progress {
  // A pseudo-terminal of width 0 (`script` without a real terminal) cannot show a line in place.
  const { columns } = ctx.stderr as { columns?: number };
  if (!ctx.isTTY.stderr || !columns) {
    return { print: (s) => void ctx.stdout.write(s), stop: () => undefined };
  }
  let shown = false;
  const clear = (): void => {
    if (shown) ctx.stderr.write(CLEAR_LINE);
    shown = false;
  };
  const timer = setInterval(() => {
    // Longer than the terminal, the line would wrap and \r would no longer reach its start.
    ctx.stderr.write(`${CLEAR_LINE}${text().slice(0, columns - 1)}`);
    shown = true;
  }, REDRAW_MS);
  // The line is decoration: it must not keep a finished command alive.
  timer.unref();
  return {
    print(s) {
      clear();
      ctx.stdout.write(s);
    },
    stop() {
      clearInterval(timer);
      clear();
    },
  };
}

/** `1m05s`, `42s`: the remaining time at the current rate; `?` while the rate is unknown. */
export function etaText(done: number, total: number, elapsedMs: number): string {
  if (done <= 0 || elapsedMs <= 0) return '?';
  const seconds = Math.max(0, Math.round(((total - done) * elapsedMs) / done / 1000));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
