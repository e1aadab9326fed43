// The broker's periodic storage work (AK LogManager.startup's scheduled tasks), one timer per
// task for all logs, never one per log:
//
//   log.flush.scheduler.interval.ms          flushDirtyLogs: logs whose flush.ms has passed
//                                            since their last flush are fsynced in the background
//   log.flush.offset.checkpoint.interval.ms  checkpointRecoveryPoints: the recovery points that
//                                            rolls and flushes moved are written down, so an
//                                            unclean start re-validates only what came after
//
// Kafka's defaults: the flusher every Long.MAX_VALUE ms (never: flush.ms on a topic needs the
// broker to set a scheduler interval), the checkpoint every 60 s. An interval above what a
// Node timer can hold (2^31 - 1 ms, about 24.8 days) means never. A task that fails is logged
// and runs again at its next tick; a flush still running when the next tick comes is not
// started twice.

import type { LogManager } from '../storage/log-manager.js';
import type { Logger } from './broker.js';

/** setInterval fires at once for a delay above this (and warns): Node timers hold an int32. */
const MAX_TIMER_MS = 0x7fffffff;

export interface LogTaskIntervals {
  flushCheckMs: number;
  recoveryPointCheckpointMs: number;
}

export class LogTasks {
  private readonly timers: NodeJS.Timeout[] = [];
  private flushing = false;

  constructor(
    private readonly logs: LogManager,
    intervals: LogTaskIntervals,
    private readonly log: Logger,
  ) {
    this.every(intervals.flushCheckMs, () => this.flushDirtyLogs());
    this.every(intervals.recoveryPointCheckpointMs, () => {
      try {
        this.logs.checkpointRecoveryPoints();
      } catch (e) {
        this.log('error', `Disk error while writing the recovery point checkpoint: ${(e as Error).message}`);
      }
    });
  }

  private every(ms: number, task: () => void): void {
    if (ms > MAX_TIMER_MS) return;
    this.timers.push(setInterval(task, Math.max(1, ms)).unref());
  }

  private flushDirtyLogs(): void {
    if (this.flushing) return;
    this.flushing = true;
    this.logs
      .flushDirtyLogs()
      .catch((e: unknown) => this.log('error', `Error flushing logs: ${(e as Error).message}`))
      .finally(() => (this.flushing = false));
  }

  close(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }
}
