// All partition logs of a broker, across its log.dirs (AK LogManager.scala). Per log dir:
//
//   <dir>/<topic>-<partition>/                   one PartitionLog (see log.ts, log-loader.ts)
//   <dir>/<topic>-<partition>/partition.metadata "version: 0\ntopic_id: <base64url uuid>"
//   <dir>/<topic>-<partition>/<offset>.snapshot  producer state (producer-state.ts)
//   <dir>/recovery-point-offset-checkpoint       per-partition recovery points (checkpoint.ts), written
//                                                periodically (checkpointRecoveryPoints) and at close
//   <dir>/log-start-offset-checkpoint            per-partition log start offsets
//   <dir>/.kafka_cleanshutdown                   written by close(), removed by open(): its
//                                                absence at startup means a crash, so logs are
//                                                re-validated from their recovery points
//   <dir>/<topic>-<partition>.<hex uuid>-delete  a partition directory being deleted
//
// Retention (cleanupLogs, which the broker runs every log.retention.check.interval.ms) deletes
// whole old segments from every log (retention.ts): their files are renamed `.deleted` at once
// and removed file.delete.delay.ms later (or at close; a crash leaves them for the next load to
// remove). The log start offsets it moves are checkpointed straight away.
//
// A partition lives in exactly one dir; new partitions go to the dir holding the fewest.
// Deleting renames the directory to its -delete name first (one atomic step), then removes
// it; a crash in between leaves a -delete directory that the next open() removes.
// Concurrency: single-threaded owner (the broker); no .lock file, so two processes must not
// share a log dir.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { formatOffsetCheckpoint, readOffsetCheckpoint, writeFileAtomic, writeOffsetCheckpoint, type CheckpointEntry } from './checkpoint.js';
import { StorageError } from './errors.js';
import { fsyncDirectory } from './file-io.js';
import type { LogConfig } from './log-config.js';
import { deleteDirName, isDeleteDirName, parsePartitionDirName, partitionDirName } from './log-files.js';
import { loadPartitionLog } from './log-loader.js';
import type { DeletedSegments, LogFailureListener, PartitionLog } from './log.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const PARTITION_METADATA_FILE = 'partition.metadata';

export interface LogManagerOptions {
  logDirs: readonly string[];
  /** Config of logs found on disk whose topic `configFor` does not know (or when it is absent). */
  defaults: LogConfig;
  /** Topic-level config for logs loaded at open (the broker's stored topic configs). */
  configFor?: (topic: string) => LogConfig | undefined;
  /** producer.id.expiration.ms: idle producers are forgotten after it (see removeExpiredProducers). */
  producerIdExpirationMs?: number;
  clock?: () => number;
  /** Told once per log that goes offline after a failed fsync (PartitionLog.failed), to be logged. */
  onLogFailure?: LogFailureListener;
}

/** One log's share of a retention pass: what it deleted, or why it could not. */
export interface RetentionOutcome {
  log: PartitionLog;
  deleted: DeletedSegments['segments'];
  error?: StorageError;
}

/** Kafka's partition.metadata text (PartitionMetadataFileFormatter): no trailing newline. */
function formatPartitionMetadata(topicId: Buffer): string {
  return `version: 0\ntopic_id: ${topicId.toString('base64url')}`;
}

function readPartitionMetadata(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StorageError('KAFKA_STORAGE_ERROR', `unable to read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const fields = new Map(text.split('\n').map((line) => line.split(/:\s+/, 2) as [string, string]));
  const id = fields.get('topic_id');
  if (fields.get('version') !== '0' || id === undefined || Buffer.from(id, 'base64url').length !== 16) {
    throw new StorageError('KAFKA_STORAGE_ERROR', `malformed ${path}: ${JSON.stringify(text)}`);
  }
  return Buffer.from(id, 'base64url');
}

/** setTimeout's largest delay (2^31 - 1 ms). */
const MAX_TIMEOUT_MS = 0x7fffffff;

/**
 * Best effort: a file that cannot be removed now is a `.deleted` file, which the next load
 * removes. Runs from a timer, where a throw would take the broker down.
 */
function removeFiles(files: readonly string[]): void {
  for (const file of files) {
    try {
      rmSync(file, { force: true });
    } catch {
      // Left for the next load.
    }
  }
}

export class LogManager {
  private readonly byName = new Map<string, { log: PartitionLog; dir: string }>();
  private readonly clock: () => number;
  /** `.deleted` files of segments retention removed, waiting for file.delete.delay.ms. */
  private readonly pendingDeletes = new Set<string[]>();
  private closed = false;
  /** Per log dir, the recovery-point checkpoint text last written. */
  private readonly recoveryCheckpoints = new Map<string, string>();

  private constructor(
    readonly logDirs: readonly string[],
    private readonly defaults: LogConfig,
    clock: (() => number) | undefined,
    private readonly producerIdExpirationMs: number | undefined,
    private readonly onLogFailure: LogFailureListener | undefined,
  ) {
    if (logDirs.length === 0) throw new StorageError('KAFKA_STORAGE_ERROR', 'log.dirs is empty');
    this.clock = clock ?? Date.now;
  }

  /** Loads (and after a crash, recovers) every partition directory in every log dir. */
  static open(opts: LogManagerOptions): LogManager {
    const manager = new LogManager(opts.logDirs, opts.defaults, opts.clock, opts.producerIdExpirationMs, opts.onLogFailure);
    for (const dir of opts.logDirs) manager.loadDir(dir, opts.configFor);
    return manager;
  }

  private loadDir(dir: string, configFor: LogManagerOptions['configFor']): void {
    mkdirSync(dir, { recursive: true });
    const marker = join(dir, CLEAN_SHUTDOWN_FILE);
    const cleanShutdown = existsSync(marker);
    const recoveryPoints = readOffsetCheckpoint(join(dir, RECOVERY_POINT_CHECKPOINT_FILE));
    const logStartOffsets = readOffsetCheckpoint(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE));
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (isDeleteDirName(entry.name)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      const tp = parsePartitionDirName(entry.name);
      if (!tp) continue;
      const other = this.byName.get(entry.name);
      if (other) throw new StorageError('KAFKA_STORAGE_ERROR', `partition ${entry.name} is in two log dirs: ${other.dir} and ${dir}`);
      const log = loadPartitionLog({
        dir: path,
        topic: tp.topic,
        partition: tp.partition,
        topicId: readPartitionMetadata(join(path, PARTITION_METADATA_FILE)),
        config: configFor?.(tp.topic) ?? this.defaults,
        cleanShutdown,
        recoveryPoint: recoveryPoints.get(entry.name) ?? 0n,
        logStartOffset: logStartOffsets.get(entry.name) ?? 0n,
        producerIdExpirationMs: this.producerIdExpirationMs,
        clock: this.clock,
        onFailure: this.onLogFailure,
      });
      this.byName.set(entry.name, { log, dir });
    }
    // From here on a crash must be noticed at the next start.
    if (cleanShutdown) {
      unlinkSync(marker);
      fsyncDirectory(dir);
    }
  }

  /** Creates the directory and an empty log; the partition must not exist yet. */
  createLog(topic: string, partition: number, topicId: Buffer, config: LogConfig): PartitionLog {
    const name = partitionDirName(topic, partition);
    if (this.byName.has(name)) throw new StorageError('TOPIC_ALREADY_EXISTS', `log ${name} already exists in ${this.byName.get(name)!.dir}`);
    if (topicId.length !== 16) throw new RangeError(`topic id must be 16 bytes, got ${topicId.length}`);
    const dir = this.leastLoadedDir();
    const path = join(dir, name);
    try {
      mkdirSync(path, { recursive: true });
      writeFileAtomic(join(path, PARTITION_METADATA_FILE), formatPartitionMetadata(topicId));
      fsyncDirectory(dir);
    } catch (e) {
      if (e instanceof StorageError) throw e;
      throw new StorageError('KAFKA_STORAGE_ERROR', `unable to create ${path}: ${(e as Error).message}`, { cause: e });
    }
    const log = loadPartitionLog({ dir: path, topic, partition, topicId, config, cleanShutdown: true, recoveryPoint: 0n, logStartOffset: 0n, producerIdExpirationMs: this.producerIdExpirationMs, clock: this.clock, onFailure: this.onLogFailure });
    this.byName.set(name, { log, dir });
    return log;
  }

  /**
   * Forgets, in every log, producers that have not written for producer.id.expiration.ms (AK
   * LogManager's PeriodicProducerExpirationCheck, every producer.id.expiration.check.interval.ms).
   */
  removeExpiredProducers(): void {
    const now = this.clock();
    for (const { log } of this.byName.values()) log.producerState.removeExpired(now);
  }

  private leastLoadedDir(): string {
    const counts = new Map(this.logDirs.map((d) => [d, 0]));
    for (const { dir } of this.byName.values()) counts.set(dir, counts.get(dir)! + 1);
    let best = this.logDirs[0]!;
    for (const d of this.logDirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.byName.get(partitionDirName(topic, partition))?.log;
  }

  *logs(): IterableIterator<PartitionLog> {
    for (const { log } of this.byName.values()) yield log;
  }

  /** Closes the log and removes its directory (renamed to `-delete` first); false if there is no such log. */
  deleteLog(topic: string, partition: number): boolean {
    const name = partitionDirName(topic, partition);
    const entry = this.byName.get(name);
    if (!entry) return false;
    this.byName.delete(name);
    entry.log.close({ flush: false });
    const doomed = join(entry.dir, deleteDirName(topic, partition, randomUUID().replaceAll('-', '')));
    try {
      renameSync(entry.log.dir, doomed);
      fsyncDirectory(entry.dir);
      rmSync(doomed, { recursive: true, force: true });
    } catch (e) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `unable to delete ${entry.log.dir}: ${(e as Error).message}`, { cause: e });
    }
    return true;
  }

  /** Deletes every partition log of `topic`; returns how many there were. */
  deleteLogs(topic: string): number {
    let n = 0;
    for (const log of [...this.logs()]) if (log.topic === topic && this.deleteLog(topic, log.partition)) n++;
    return n;
  }

  /** Writes each dir's recovery-point and log-start-offset checkpoints. */
  checkpoint(): void {
    this.checkpointRecoveryPoints();
    this.checkpointLogStartOffsets();
  }

  /**
   * Writes each dir's recovery-point-offset-checkpoint (AK checkpointLogRecoveryOffsets, run
   * every log.flush.offset.checkpoint.interval.ms): what lets an unclean start re-validate only
   * the segments written since the last roll. A dir whose recovery points have not moved since
   * the last write is skipped, so an idle broker does not rewrite (and fsync) the same file.
   */
  checkpointRecoveryPoints(): void {
    for (const dir of this.logDirs) {
      const text = formatOffsetCheckpoint(this.offsetsIn(dir, (log) => log.recoveryPoint));
      if (this.recoveryCheckpoints.get(dir) === text) continue;
      writeFileAtomic(join(dir, RECOVERY_POINT_CHECKPOINT_FILE), text);
      this.recoveryCheckpoints.set(dir, text);
    }
  }

  /**
   * Writes each dir's log-start-offset-checkpoint. Kafka writes it every
   * log.flush.start.offset.checkpoint.interval.ms; here it is written whenever a log start offset
   * moves (retention, DeleteRecords), which is rare and so costs little.
   */
  checkpointLogStartOffsets(): void {
    for (const dir of this.logDirs) writeOffsetCheckpoint(join(dir, LOG_START_OFFSET_CHECKPOINT_FILE), this.offsetsIn(dir, (log) => log.logStartOffset));
  }

  private offsetsIn(dir: string, offset: (log: PartitionLog) => bigint): CheckpointEntry[] {
    const entries: CheckpointEntry[] = [];
    for (const entry of this.byName.values()) {
      if (entry.dir === dir) entries.push({ topic: entry.log.topic, partition: entry.log.partition, offset: offset(entry.log) });
    }
    return entries;
  }

  /**
   * AK LogManager.flushDirtyLogs, run every log.flush.scheduler.interval.ms: every log whose
   * last flush is flush.ms or more ago (its config as it is now) is flushed in the background
   * (PartitionLog.flushInBackground). Resolves when those flushes are done; rejects with the
   * first failure once all have settled.
   */
  async flushDirtyLogs(): Promise<void> {
    const now = this.clock();
    const flushes: Array<Promise<void>> = [];
    for (const { log } of this.byName.values()) {
      if (now - log.lastFlushTime >= log.config['flush.ms']) flushes.push(log.flushInBackground());
    }
    const failed = (await Promise.allSettled(flushes)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * One retention pass over every log (AK LogManager.cleanupLogs): each deletes what its own
   * current config says is expired (retention.ts). A log that fails is reported and the others
   * carry on. `skip` names a log to leave alone this pass: the one the log cleaner is working
   * on, whose segments it reads by path (AK LogCleanerManager keeps such logs out of
   * deletableLogs). Returns the logs that deleted something or failed.
   */
  cleanupLogs(skip?: PartitionLog | null): RetentionOutcome[] {
    const now = this.clock();
    const outcomes: RetentionOutcome[] = [];
    for (const { log } of this.byName.values()) {
      if (log === skip) continue;
      try {
        const { segments, files, error } = log.deleteOldSegments(now);
        if (files.length > 0) this.deleteLater(files, log.config['file.delete.delay.ms']);
        if (segments.length > 0 || error) outcomes.push(error ? { log, deleted: segments, error } : { log, deleted: segments });
      } catch (e) {
        if (!(e instanceof StorageError)) throw e;
        outcomes.push({ log, deleted: [], error: e });
      }
    }
    // Whenever a log start moved, failure or not: the next start must not bring those segments' offsets back.
    if (outcomes.some((o) => o.deleted.length > 0)) this.checkpointLogStartOffsets();
    return outcomes;
  }

  /** Removes `.deleted` files after the delay, as Kafka's scheduler does; close() removes what is still waiting. */
  private deleteLater(files: string[], delayMs: number): void {
    this.pendingDeletes.add(files);
    // Node fires longer timeouts at once; 24.8 days is as good as forever here.
    setTimeout(() => {
      if (this.pendingDeletes.delete(files)) removeFiles(files);
    }, Math.min(delayMs, MAX_TIMEOUT_MS)).unref();
  }

  /**
   * Clean shutdown: every log is flushed and closed, the checkpoints written, and only then the
   * clean-shutdown marker, so the next start trusts the indexes. A dir holding a log that is
   * offline (a failed fsync, at close or before) gets no marker: its logs are re-validated from
   * their recovery points at the next start.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const unclean = new Set<string>();
    for (const { log, dir } of this.byName.values()) {
      try {
        log.close();
      } catch (e) {
        // Not closed cleanly (a failed flush also took the log offline): the others still close.
        if (!(e instanceof StorageError)) throw e;
        unclean.add(dir);
      }
      if (log.failed) unclean.add(dir);
    }
    for (const files of this.pendingDeletes) removeFiles(files);
    this.pendingDeletes.clear();
    this.checkpoint();
    for (const dir of this.logDirs) if (!unclean.has(dir)) writeFileAtomic(join(dir, CLEAN_SHUTDOWN_FILE), '');
    this.byName.clear();
  }
}
