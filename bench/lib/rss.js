// Samples a process's resident set size (VmRSS in /proc/<pid>/status) at a fixed interval.
// The timer only takes readings; nothing waits on it.

import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in KiB, or NaN once the process is gone. */
export function readRssKiB(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

export class RssSampler {
  /** @type {Array<{ t: number, kib: number }>} t: seconds since start() */
  samples = [];
  #timer = null;
  #t0 = 0;

  constructor(pid, intervalMs) {
    this.pid = pid;
    this.intervalMs = intervalMs;
  }

  start() {
    this.#t0 = performance.now();
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop() {
    clearInterval(this.#timer);
    this.sample();
  }

  /** Takes a reading now; returns its index, usable as a mark for summary(). */
  sample() {
    const kib = readRssKiB(this.pid);
    if (!Number.isNaN(kib)) this.samples.push({ t: (performance.now() - this.#t0) / 1000, kib });
    return this.samples.length - 1;
  }

  /** start / max / end in MiB over samples[from..to]. */
  summary(from = 0, to = this.samples.length - 1) {
    const window = this.samples.slice(from, to + 1);
    if (window.length === 0) return { startMiB: NaN, maxMiB: NaN, endMiB: NaN };
    let max = 0;
    for (const s of window) max = Math.max(max, s.kib);
    return { startMiB: window[0].kib / 1024, maxMiB: max / 1024, endMiB: window.at(-1).kib / 1024 };
  }
}
