// consumer-perf-test's output lines, as ConsumerPerformance (AK tools/.../ConsumerPerformance.java)
// prints them: a CSV-like header, then either one summary row for the run or, with
// --show-detailed-stats, one row per reporting interval. MB means 1024 × 1024 bytes of keys and
// values; rates are per second; "fetch" time is the elapsed time less the time spent joining the
// group (rebalance.time.ms).

import { javaFixed } from './java-format.js';

const MB = 1024 * 1024;
const NEW_FIELDS = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export function consumerHeader(detailed: boolean): string {
  return detailed
    ? `time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS}`
    : `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS}`;
}

export interface RunView {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  rebalanceTimeMs: number;
}

/** Totals in MB and the rates of a run or an interval. */
export interface Rates {
  mb: number;
  mbPerSec: number;
  messagesPerSec: number;
  fetchTimeMs: number;
  fetchMbPerSec: number;
  fetchMessagesPerSec: number;
}

export function runNumbers(v: RunView): Rates {
  const elapsedSec = (v.endMs - v.startMs) / 1000;
  const fetchTimeMs = v.endMs - v.startMs - v.rebalanceTimeMs;
  const mb = v.bytes / MB;
  return {
    mb,
    mbPerSec: mb / elapsedSec,
    messagesPerSec: v.messages / elapsedSec,
    fetchTimeMs,
    fetchMbPerSec: mb / (fetchTimeMs / 1000),
    fetchMessagesPerSec: v.messages / (fetchTimeMs / 1000),
  };
}

/** `%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f` */
export function summaryRow(v: RunView, formatDate: (ms: number) => string): string {
  const n = runNumbers(v);
  return [
    formatDate(v.startMs),
    formatDate(v.endMs),
    javaFixed(n.mb, 4),
    javaFixed(n.mbPerSec, 4),
    String(v.messages),
    javaFixed(n.messagesPerSec, 4),
    String(v.rebalanceTimeMs),
    String(n.fetchTimeMs),
    javaFixed(n.fetchMbPerSec, 4),
    javaFixed(n.fetchMessagesPerSec, 4),
  ].join(', ');
}

/** One reporting interval of --show-detailed-stats; totals so far plus the interval's deltas. */
export interface IntervalView {
  /** Start and end of the interval. */
  startMs: number;
  endMs: number;
  bytes: number;
  lastBytes: number;
  messages: number;
  lastMessages: number;
  rebalanceTimeMs: number;
}

export function intervalNumbers(v: IntervalView): Rates {
  const elapsedMs = v.endMs - v.startMs;
  const intervalMb = (v.bytes - v.lastBytes) / MB;
  const intervalMessages = v.messages - v.lastMessages;
  const fetchTimeMs = elapsedMs - v.rebalanceTimeMs;
  return {
    mb: v.bytes / MB,
    mbPerSec: (1000 * intervalMb) / elapsedMs,
    messagesPerSec: (intervalMessages / elapsedMs) * 1000,
    fetchTimeMs,
    fetchMbPerSec: fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs,
    fetchMessagesPerSec: fetchTimeMs <= 0 ? 0 : (1000 * intervalMessages) / fetchTimeMs,
  };
}

/** `%s, %d, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f` with thread id 0 (Kafka's single consumer). */
export function intervalRow(v: IntervalView, formatDate: (ms: number) => string): string {
  const n = intervalNumbers(v);
  return [
    formatDate(v.endMs),
    '0',
    javaFixed(n.mb, 4),
    javaFixed(n.mbPerSec, 4),
    String(v.messages),
    javaFixed(n.messagesPerSec, 4),
    String(v.rebalanceTimeMs),
    String(n.fetchTimeMs),
    javaFixed(n.fetchMbPerSec, 4),
    javaFixed(n.fetchMessagesPerSec, 4),
  ].join(', ');
}

export function timeoutWarning(timeoutMs: number): string {
  return (
    `WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. ` +
    'You can use the --timeout option to increase the timeout.'
  );
}
