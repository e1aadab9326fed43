// Kafka's ThroughputThrottler (AK server-common/.../util/ThroughputThrottler.java), which
// producer-perf-test uses for --throughput. Between sends the tool asks shouldThrottle(i, now);
// when the average rate since the start is above the target, throttle() adds 1/target seconds
// to a sleep deficit and, once the deficit reaches 2 ms, sleeps it off in one go. A negative
// target never throttles; 0 sleeps until wakeup(), as in Kafka (there the process hangs; here
// Ctrl-C calls wakeup()).
//
// Java blocks its thread in wait(); here throttle() is awaited, which also lets the producer's
// I/O run. The clock is injected so tests drive it without real time passing.

export interface ThrottlerClock {
  /** Monotonic nanoseconds (System.nanoTime). */
  nanoTime(): bigint;
  /** Resolves after about `ms` milliseconds, or earlier when `wake` is called. */
  sleep(ms: number, wake: AbortSignal): Promise<void>;
}

const NS_PER_MS = 1_000_000n;
const NS_PER_SEC = 1000n * NS_PER_MS;
const MIN_SLEEP_NS = 2n * NS_PER_MS;
const LONG_MAX = 0x7fffffffffffffffn;
/** The longest setTimeout delay; a longer one fires at once. */
const MAX_TIMER_MS = 0x7fffffff;

const systemClock: ThrottlerClock = {
  nanoTime: () => process.hrtime.bigint(),
  sleep: (ms, wake) =>
    new Promise((resolve) => {
      if (wake.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake.removeEventListener('abort', done);
        resolve();
      }
      wake.addEventListener('abort', done);
    }),
};

export class ThroughputThrottler {
  private readonly sleepTimeNs: bigint;
  private sleepDeficitNs = 0n;
  private readonly woken = new AbortController();

  /**
   * @param targetThroughput records (or bytes) per second; negative: no throttling.
   * @param startMs wall-clock time of the first send (System.currentTimeMillis).
   */
  constructor(
    private readonly targetThroughput: number,
    private readonly startMs: number,
    private readonly clock: ThrottlerClock = systemClock,
  ) {
    // Java: (long) (NS_PER_SEC / targetThroughput), a truncating double → long conversion.
    this.sleepTimeNs = targetThroughput > 0 ? BigInt(Math.min(Math.trunc(Number(NS_PER_SEC) / targetThroughput), Number(LONG_MAX))) : LONG_MAX;
  }

  /** Whether the rate of `amountSoFar` since the start, as of `sendStartMs`, is above the target. */
  shouldThrottle(amountSoFar: number, sendStartMs: number): boolean {
    if (this.targetThroughput < 0) return false;
    // Java divides by a float here: (sendStartMs - startMs) / 1000.f.
    const elapsedSec = Math.fround(Math.fround(sendStartMs - this.startMs) / 1000);
    return elapsedSec > 0 && amountSoFar / elapsedSec > this.targetThroughput;
  }

  async throttle(): Promise<void> {
    if (this.targetThroughput === 0) {
      while (!this.woken.signal.aborted) await this.clock.sleep(MAX_TIMER_MS, this.woken.signal);
      return;
    }
    this.sleepDeficitNs += this.sleepTimeNs;
    if (this.sleepDeficitNs < MIN_SLEEP_NS) return;
    const sleepStartNs = this.clock.nanoTime();
    let remaining = this.sleepDeficitNs;
    while (!this.woken.signal.aborted && remaining > 0n) {
      // setTimeout has millisecond resolution: round up so the loop does not spin on the rest.
      await this.clock.sleep(Math.min(Number((remaining + NS_PER_MS - 1n) / NS_PER_MS), MAX_TIMER_MS), this.woken.signal);
      remaining = this.sleepDeficitNs - (this.clock.nanoTime() - sleepStartNs);
    }
    this.sleepDeficitNs = 0n;
  }

  /** Ends a sleep in progress and every later one. */
  wakeup(): void {
    this.woken.abort();
  }
}
