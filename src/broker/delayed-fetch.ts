// Fetch long polling (max.wait.ms / min.bytes). A fetch that found fewer than min.bytes parks
// here on the partitions it asked for; the produce path reports every append, and a fetch is
// completed as soon as the bytes appended to its partitions cover what it still lacks, or when
// its max wait runs out.
//
// No polling loop and no timer per request: parked fetches sit in a min-heap by deadline and
// one timer is armed for the earliest (Kafka's purgatory likewise shares one timing wheel).
// A fetch completed by an append stays in the heap until its deadline comes up and is skipped
// then; the heap is rebuilt without such entries once they outnumber the live ones, so it stays
// within twice the number of parked fetches. Parking and expiry are O(log n).

interface Waiter {
  readonly keys: readonly string[];
  readonly deadline: number;
  needed: number;
  done: boolean;
  readonly complete: () => void;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class DelayedFetches {
  private readonly byPartition = new Map<string, Set<Waiter>>();
  private heap: Waiter[] = [];
  /** Entries of the heap that are done (completed early), dropped lazily. */
  private doneInHeap = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The deadline the timer is armed for. */
  private timerAt = Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** Parked fetches (for tests and metrics). */
  get size(): number {
    return this.heap.length - this.doneInHeap;
  }

  /** Parks `complete` until `neededBytes` more bytes land on one of the partitions, or timeout. */
  wait(partitions: ReadonlyArray<{ topic: string; partition: number }>, timeoutMs: number, neededBytes: number, complete: () => void): void {
    const w: Waiter = { keys: partitions.map((p) => key(p.topic, p.partition)), deadline: this.now() + timeoutMs, needed: neededBytes, done: false, complete };
    for (const k of w.keys) {
      let set = this.byPartition.get(k);
      if (!set) this.byPartition.set(k, (set = new Set()));
      set.add(w);
    }
    this.push(w);
    this.arm();
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
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap = [];
    this.doneInHeap = 0;
  }

  /** `inHeap` is false for a waiter expire() has already taken off the heap. */
  private finish(w: Waiter, inHeap = true): void {
    if (w.done) return;
    w.done = true;
    for (const k of w.keys) {
      const set = this.byPartition.get(k);
      if (!set) continue;
      set.delete(w);
      if (set.size === 0) this.byPartition.delete(k);
    }
    if (inHeap && ++this.doneInHeap > this.heap.length / 2) this.compact();
    w.complete();
  }

  /** Completes every waiter whose deadline has come, then re-arms for the next one. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    while (this.heap.length > 0 && this.heap[0]!.deadline <= now) {
      const w = this.pop();
      if (w.done) this.doneInHeap--;
      else this.finish(w, false);
    }
    this.arm();
  }

  private arm(): void {
    const first = this.heap[0];
    if (!first || first.deadline >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = first.deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, first.deadline - this.now()));
  }

  private compact(): void {
    const live = this.heap.filter((w) => !w.done);
    this.heap = [];
    this.doneInHeap = 0;
    for (const w of live) this.push(w);
  }

  private push(w: Waiter): void {
    const heap = this.heap;
    let i = heap.push(w) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.deadline <= w.deadline) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = w;
  }

  private pop(): Waiter {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && heap[r]!.deadline < heap[l]!.deadline ? r : l;
        if (heap[c]!.deadline >= last.deadline) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
