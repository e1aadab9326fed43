// Colour for terminal output only: a pipe or file gets Kafka's plain text, and NO_COLOR
// (https://no-color.org: present and not empty) turns colour off everywhere.

import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import type { CliContext } from '../context.js';

export type Colors = ChalkInstance;

export function colorsFor(ctx: Pick<CliContext, 'isTTY' | 'env'>): Colors {
  const enabled = ctx.isTTY.stdout && !ctx.env.NO_COLOR;
  // chalk's own detection reads the real process; here only its idea of the terminal's depth is used.
  return new Chalk({ level: enabled ? (supportsColor ? supportsColor.level : 1) : 0 });
}
