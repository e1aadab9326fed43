// producer-perf-test's statistics and its two output lines, as ProducerPerformance.Stats (AK
// tools/.../ProducerPerformance.java) computes and prints them:
// - every record's latency (send → acknowledgement, whole milliseconds) goes into the totals and
//   the current window; every `sampling`-th one into a fixed array of at most 500,000 samples,
//   from which the percentiles are read after sorting (value at index ⌊p × samples⌋);
// - a window line once 5 s have passed since the window began (checked as acks arrive);
// - MB means 1024 × 1024 bytes.
// The final line prints records/sec with %f (six decimals), unlike the window line's %.1f.

import { javaFixed } from './java-format.js';

/** One reporting window, or the whole run; latencies in milliseconds. */
export interface WindowView {
  count: number;
  bytes: number;
  elapsedMs: number;
  totalLatencyMs: number;
  maxLatencyMs: number;
}

export interface TotalView extends WindowView {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

const MB = 1024 * 1024;
/** Kafka's Stats.reportingInterval. */
const REPORTING_INTERVAL_MS = 5000;
const MAX_SAMPLES = 500_000;

function rates(v: WindowView): { recordsPerSec: number; mbPerSec: number; avgLatencyMs: number } {
  return {
    recordsPerSec: (1000 * v.count) / v.elapsedMs,
    mbPerSec: (1000 * v.bytes) / v.elapsedMs / MB,
    avgLatencyMs: v.totalLatencyMs / v.count,
  };
}

/** `%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.` */
export function windowLine(v: WindowView): string {
  const r = rates(v);
  return (
    `${v.count} records sent, ${javaFixed(r.recordsPerSec, 1)} records/sec (${javaFixed(r.mbPerSec, 2)} MB/sec), ` +
    `${javaFixed(r.avgLatencyMs, 1)} ms avg latency, ${javaFixed(v.maxLatencyMs, 1)} ms max latency.`
  );
}

/** The final line: `%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th, ...` */
export function totalLine(v: TotalView): string {
  const r = rates(v);
  return (
    `${v.count} records sent, ${javaFixed(r.recordsPerSec, 6)} records/sec (${javaFixed(r.mbPerSec, 2)} MB/sec), ` +
    `${javaFixed(r.avgLatencyMs, 2)} ms avg latency, ${javaFixed(v.maxLatencyMs, 2)} ms max latency, ` +
    `${v.p50Ms} ms 50th, ${v.p95Ms} ms 95th, ${v.p99Ms} ms 99th, ${v.p999Ms} ms 99.9th.`
  );
}

/** The numbers of the final line for --output json. */
export function totalJson(v: TotalView): Record<string, number> {
  const r = rates(v);
  return {
    records: v.count,
    bytes: v.bytes,
    elapsedMs: v.elapsedMs,
    recordsPerSec: r.recordsPerSec,
    mbPerSec: r.mbPerSec,
    avgLatencyMs: r.avgLatencyMs,
    maxLatencyMs: v.maxLatencyMs,
    p50Ms: v.p50Ms,
    p95Ms: v.p95Ms,
    p99Ms: v.p99Ms,
    p999Ms: v.p999Ms,
  };
}

/**
 * Kafka's Stats.percentiles: sorts the first `count` samples in place and reads the value at
 * ⌊p × count⌋ for each p. With no samples that is the array's initial 0.
 */
export function percentiles(samples: Int32Array, count: number, ...ps: number[]): number[] {
  const size = Math.min(count, samples.length);
  const sorted = samples.subarray(0, size).sort();
  return ps.map((p) => (size === 0 ? samples[0]! : sorted[Math.trunc(p * size)]!));
}

export class ProducerStats {
  private readonly start: number;
  private readonly sampling: number;
  private readonly samples: Int32Array;
  private iteration = 0;
  private index = 0;
  private count = 0;
  private bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowStart: number;
  private windowCount = 0;
  private windowBytes = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;

  /**
   * @param now the wall clock in milliseconds (Date.now), injected for tests.
   * @param onWindow receives each finished 5-second window.
   */
  constructor(
    numRecords: number,
    private readonly now: () => number,
    private readonly onWindow: (w: WindowView) => void,
  ) {
    this.start = now();
    this.windowStart = this.start;
    this.sampling = Math.trunc(numRecords / Math.min(numRecords, MAX_SAMPLES));
    this.samples = new Int32Array(Math.trunc(numRecords / this.sampling) + 1);
  }

  /** One acknowledged record: its latency in ms, its value size and the time of the ack. */
  record(latencyMs: number, bytes: number, time: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latencyMs;
    if (latencyMs > this.maxLatency) this.maxLatency = latencyMs;
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latencyMs;
    if (latencyMs > this.windowMaxLatency) this.windowMaxLatency = latencyMs;
    if (this.iteration % this.sampling === 0) this.samples[this.index++] = latencyMs;
    if (time - this.windowStart >= REPORTING_INTERVAL_MS) {
      this.onWindow({
        count: this.windowCount,
        bytes: this.windowBytes,
        elapsedMs: this.now() - this.windowStart,
        totalLatencyMs: this.windowTotalLatency,
        maxLatencyMs: this.windowMaxLatency,
      });
      this.windowStart = this.now();
      this.windowCount = 0;
      this.windowBytes = 0;
      this.windowTotalLatency = 0;
      this.windowMaxLatency = 0;
    }
    this.iteration++;
  }

  get recorded(): number {
    return this.count;
  }

  /** The whole run so far; sorts the samples, so call it once, at the end. */
  total(): TotalView {
    const [p50Ms, p95Ms, p99Ms, p999Ms] = percentiles(this.samples, this.index, 0.5, 0.95, 0.99, 0.999) as [number, number, number, number];
    return {
      count: this.count,
      bytes: this.bytes,
      elapsedMs: this.now() - this.start,
      totalLatencyMs: this.totalLatency,
      maxLatencyMs: this.maxLatency,
      p50Ms,
      p95Ms,
      p99Ms,
      p999Ms,
    };
  }
}
