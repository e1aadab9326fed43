// --print-metrics output in the layout of Kafka's ToolsUtils.printMetrics: a blank line, a
// `Metric Name   Value` header, then `group:name:{tags} : value` sorted by that key, the names
// padded to the longest. Kafka prints the client's metrics registry; mq's client has none, so
// the perf tools report what they measure themselves under the Java client's metric names where
// the meaning is the same (see each tool's list).

import { javaFixed } from './java-format.js';

export interface Metric {
  group: string;
  name: string;
  tags: Readonly<Record<string, string>>;
  value: number;
}

/** Java's Map.toString for the tags, e.g. `{client-id=perf-producer-client}`. */
function tagsText(tags: Readonly<Record<string, string>>): string {
  return `{${Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}}`;
}

export function metricsText(metrics: readonly Metric[]): string {
  if (metrics.length === 0) return '';
  const rows = metrics.map((m) => ({ key: `${m.group}:${m.name}:${tagsText(m.tags)}`, value: m.value }));
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const width = Math.max(...rows.map((r) => r.key.length));
  // Java's metric values are doubles, printed with %.3f.
  return `\n${'Metric Name'.padEnd(width)}   Value\n${rows.map((r) => `${r.key.padEnd(width)} : ${javaFixed(r.value, 3)}\n`).join('')}`;
}

/** For --output json: `group:name` → value (the tags are the client id, which json shows apart). */
export function metricsJson(metrics: readonly Metric[]): Record<string, number> {
  return Object.fromEntries(metrics.map((m) => [`${m.group}:${m.name}`, m.value]));
}
