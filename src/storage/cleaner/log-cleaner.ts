// The broker's one log cleaner (AK LogCleaner + LogCleanerManager, with one cleaner thread): a
// loop that repeatedly picks the filthiest compacted log and cleans it (cleaner.ts), and sleeps
// log.cleaner.backoff.ms when no log needs cleaning.
//
// A log is cleanable when its cleanup.policy includes compact and either its dirty ratio (dirty
// bytes / cleanable bytes) exceeds min.cleanable.dirty.ratio, or tombstones the cleaner stamped
// earlier have passed their delete horizon (KIP-534) and can now be dropped. Among cleanable
// logs the one with the highest ratio goes first. Topic configs are read from the log at each
// pass, so a changed config applies from the next pass on.
//
// Per log dir, `cleaner-offset-checkpoint` (checkpoint.ts format) keeps each log's first dirty
// offset, written after every pass: a restart resumes where cleaning left off. It is read once
// at construction for the logs loaded then; a log created later (or deleted and created again)
// starts dirty from its log start offset.
//
// Where tombstones' delete horizons are is known from the passes since startup only (nothing on
// disk says which logs hold stamped tombstones without reading them): after a restart, expired
// tombstones go at the log's next pass, when it is dirty enough again. KIP-534 promises they stay
// at least delete.retention.ms, not that they go at once.
//
// Concurrency: runs on the event loop, one pass at a time; a pass yields between slices
// (cleaner.ts) so produce and fetch keep flowing. stop() ends the loop; a pass in flight gives up
// at its next slice and removes its files, and stop()'s promise settles once it has, so nothing
// touches the log dirs after the broker's close. Retention skips the log being cleaned
// (`cleaning`), as Kafka's LogCleanerManager keeps deletableLogs off logs in progress.

import { dirname, join } from 'node:path';
import { readOffsetCheckpoint, writeOffsetCheckpoint, type CheckpointEntry } from '../checkpoint.js';
import { partitionDirName } from '../log-files.js';
import type { PartitionLog } from '../log.js';
import { cleanableRange, cleanLog, type CleanableLog, type CleanResult } from './cleaner.js';

export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';

/** The broker's log.cleaner.* settings (AK CleanerConfig). */
export interface LogCleanerConfig {
  /** log.cleaner.enable */
  enable: boolean;
  /** log.cleaner.backoff.ms: sleep when no log needs cleaning. */
  backoffMs: number;
  /** log.cleaner.dedupe.buffer.size */
  dedupeBufferSize: number;
}

export interface LogCleanerOptions {
  config: LogCleanerConfig;
  logDirs: readonly string[];
  /** The broker's logs, asked at every pass. */
  logs: () => Iterable<PartitionLog>;
  clock?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class LogCleaner {
  private readonly firstDirty = new WeakMap<PartitionLog, bigint>();
  /** Earliest delete horizon of tombstones a pass left in the log. */
  private readonly horizons = new WeakMap<PartitionLog, bigint>();
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private pass: Promise<boolean> | null = null;
  private _cleaning: PartitionLog | null = null;
  private stopped = false;
  private started = false;

  constructor(private readonly opts: LogCleanerOptions) {
    this.clock = opts.clock ?? Date.now;
    const saved = new Map<string, bigint>();
    for (const dir of opts.logDirs) {
      for (const [name, offset] of readOffsetCheckpoint(join(dir, CLEANER_OFFSET_CHECKPOINT_FILE))) saved.set(join(dir, name), offset);
    }
    for (const log of opts.logs()) {
      const offset = saved.get(log.dir);
      if (offset !== undefined) this.firstDirty.set(log, offset);
    }
  }

  /** Starts the loop (nothing happens unless log.cleaner.enable). */
  start(): void {
    if (!this.opts.config.enable || this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /**
   * Ends the loop; a pass in flight abandons its work at its next slice. Resolves once that pass
   * has settled and removed its files (its failure, if any, was the loop's to log).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = null;
    await this.pass?.catch(() => {});
  }

  /** The log a pass is working on, if any: retention leaves it alone until the pass ends. */
  get cleaning(): PartitionLog | null {
    return this._cleaning;
  }

  /** New log.cleaner.* settings (dynamic broker configs), used from the next pass or sleep on. */
  updateConfig(config: LogCleanerConfig): void {
    this.opts.config = config;
  }

  /** The first dirty offset the cleaner holds for `log` (its checkpoint), if any. */
  checkpointOf(log: PartitionLog): bigint | undefined {
    return this.firstDirty.get(log);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = delayMs === 0 ? setImmediate(() => this.loop()) : setTimeout(() => this.loop(), delayMs).unref();
  }

  private loop(): void {
    this.timer = null;
    void this.cleanFilthiestLog().then(
      (cleaned) => this.schedule(cleaned ? 0 : this.opts.config.backoffMs),
      (e: unknown) => {
        this.opts.log?.('error', `Log cleaner pass failed: ${(e as Error).message}`);
        this.schedule(this.opts.config.backoffMs);
      },
    );
  }

  /** The log to clean next and its range, or null (AK LogCleanerManager.grabFilthiestCompactedLog). */
  private filthiest(now: number): { log: PartitionLog; range: CleanableLog } | null {
    let best: { log: PartitionLog; range: CleanableLog } | null = null;
    for (const log of this.opts.logs()) {
      // An offline log (a failed fsync) is left as it is, as Kafka leaves an offline log dir.
      if (log.failed || !log.config['cleanup.policy'].includes('compact')) continue;
      const range = cleanableRange(log, this.firstDirty.get(log), now);
      const dirtyEnough = range.dirtyBytes > 0 && range.ratio > log.config['min.cleanable.dirty.ratio'];
      const horizon = this.horizons.get(log);
      const tombstonesDue = horizon !== undefined && BigInt(now) >= horizon;
      if (!dirtyEnough && !tombstonesDue) continue;
      if (!best || range.ratio > best.range.ratio) best = { log, range };
    }
    return best;
  }

  /**
   * One pass: cleans the filthiest log, if any; true when one was cleaned. The loop calls it;
   * tests may too (one pass at a time: a second call waits for the first).
   */
  async cleanFilthiestLog(): Promise<boolean> {
    while (this.pass) await this.pass;
    this.pass = this.runPass();
    try {
      return await this.pass;
    } finally {
      this.pass = null;
    }
  }

  private async runPass(): Promise<boolean> {
    if (this.stopped) return false;
    const now = this.clock();
    const picked = this.filthiest(now);
    if (!picked) return false;
    const { log, range } = picked;
    const started = this.clock();
    this._cleaning = log;
    let result: CleanResult | null;
    try {
      result = await cleanLog(log, range, {
        dedupeBufferSize: this.opts.config.dedupeBufferSize,
        clock: this.clock,
        stopped: () => this.stopped,
      });
    } finally {
      this._cleaning = null;
    }
    if (!result) {
      // Abandoned (stop, or its segments left the log): the horizon, if any, is tried again later.
      return false;
    }
    this.firstDirty.set(log, result.firstDirtyOffset);
    if (result.nextDeleteHorizon === null) this.horizons.delete(log);
    else this.horizons.set(log, result.nextDeleteHorizon);
    this.writeCheckpoint(dirname(log.dir));
    this.report(log, result, this.clock() - started);
    return true;
  }

  private writeCheckpoint(logDir: string): void {
    const entries: CheckpointEntry[] = [];
    for (const log of this.opts.logs()) {
      const offset = this.firstDirty.get(log);
      if (offset !== undefined && dirname(log.dir) === logDir) entries.push({ topic: log.topic, partition: log.partition, offset });
    }
    writeOffsetCheckpoint(join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE), entries);
  }

  private report(log: PartitionLog, r: CleanResult, ms: number): void {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    this.opts.log?.(
      'info',
      `Cleaned log ${partitionDirName(log.topic, log.partition)} up to offset ${r.firstDirtyOffset} in ${ms} ms: ` +
        `${mb(r.bytesRead)} MB read, ${mb(r.bytesWritten)} MB written, ${r.recordsRetained} of ${r.recordsRead} records kept`,
    );
  }
}
