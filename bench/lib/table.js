// Plain-text tables for the report: a header row, a rule, right-aligned numbers.

/**
 * @param {Array<{ header: string, value: (row: any) => string, left?: boolean }>} columns
 * @param {any[]} rows
 */
export function formatTable(columns, rows) {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (columns[i].left ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const fmt = {
  int: (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-'),
  fixed: (digits) => (n) => (Number.isFinite(n) ? n.toFixed(digits) : '-'),
  ratio: (n) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-'),
};
