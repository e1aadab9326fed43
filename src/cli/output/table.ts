// Terminal tables (cli-table3). Colour is applied by the caller through chalk so that NO_COLOR
// and non-TTY output are decided in one place (color.ts); cli-table3's own styling is turned off.

import Table from 'cli-table3';
import type { Colors } from './color.js';

export function renderTable(colors: Colors, head: readonly string[], rows: readonly (readonly string[])[]): string {
  const table = new Table({ head: head.map((h) => colors.bold(h)), style: { head: [], border: [] } });
  for (const row of rows) table.push([...row]);
  return `${table.toString()}\n`;
}
