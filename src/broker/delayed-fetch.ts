// Fetch long polling (max.wait.ms / min.bytes). A fetch that found fewer than min.bytes parks
// here on the partitions it asked for; the produce path reports every append, and a fetch is
// completed as soon as the bytes appended to its partitions cover what it still lacks, or when
// its max wait runs out. No polling loop: the only timer is the one max-wait timer per parked
// request.

interface Waiter {
  readonly keys: readonly string[];
  needed: number;
  done: boolean;
  timer: NodeJS.Timeout | undefined;
  readonly complete: () => void;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class DelayedFetches {
  private readonly byPartition = new Map<string, Set<Waiter>>();

  /** Parks `complete` until `neededBytes` more bytes land on one of the partitions, or timeout. */
  wait(partitions: ReadonlyArray<{ topic: string; partition: number }>, timeoutMs: number, neededBytes: number, complete: () => void): void {
    const w: Waiter = { keys: partitions.map((p) => key(p.topic, p.partition)), needed: neededBytes, done: false, timer: undefined, complete };
    for (const k of w.keys) {
      let set = this.byPartition.get(k);
      if (!set) this.byPartition.set(k, (set = new Set()));
      set.add(w);
    }
    w.timer = setTimeout(() => this.finish(w), timeoutMs);
  }

  /** The produce path calls this after each append. */
  appended(topic: string, partition: number, bytes: number): void {
    const set = this.byPartition.get(key(topic, partition));
    if (!set) return;
    for (const w of [...set]) {
      w.needed -= bytes;
      if (w.needed <= 0) this.finish(w);
    }
  }

  /** A deleted partition answers its waiters now (with UNKNOWN_TOPIC_OR_PARTITION on re-read). */
  partitionGone(topic: string, partition: number): void {
    const set = this.byPartition.get(key(topic, partition));
    if (set) for (const w of [...set]) this.finish(w);
  }

  /** Shutdown: answer everything that waits with what is there now. */
  closeAll(): void {
    for (const set of [...this.byPartition.values()]) for (const w of [...set]) this.finish(w);
  }

  private finish(w: Waiter): void {
    if (w.done) return;
    w.done = true;
    clearTimeout(w.timer);
    for (const k of w.keys) {
      const set = this.byPartition.get(k);
      if (!set) continue;
      set.delete(w);
      if (set.size === 0) this.byPartition.delete(k);
    }
    w.complete();
  }
}
