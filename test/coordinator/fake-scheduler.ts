// A manual clock and timer queue for the coordinator: time moves only when a test calls
// advance(), and due tasks run in deadline order (ties in scheduling order), each seeing the clock
// at its own deadline.
import type { Scheduler } from '../../src/coordinator/group-state.js';

interface Task {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

export class FakeScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private tasks: Task[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, run: () => void): () => void {
    const task: Task = { at: this.time + delayMs, seq: this.seq++, run, cancelled: false };
    this.tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  }

  /** Moves the clock forward by `ms`, running every task that falls due on the way. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => !t.cancelled);
      let next: Task | undefined;
      for (const t of this.tasks) if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.tasks.splice(this.tasks.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.run();
    }
    this.time = target;
  }

  /** Timers scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
}
