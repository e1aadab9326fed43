// Bounds the records a producer has sent but not yet seen acknowledged, as the Java producer's
// buffer.memory does (send() blocks when it is full). Counting is done in the acknowledgement
// callbacks; the send loop awaits room() only when the window is full.

export class SendWindow {
  #limit;
  #outstanding = 0;
  #waiting = null;
  #until = 0;
  /** The first failure, if any: a benchmark with failed sends reports nothing. */
  error = null;

  constructor(limit) {
    this.#limit = limit;
  }

  get full() {
    return this.#outstanding >= this.#limit;
  }

  add(n) {
    this.#outstanding += n;
  }

  done(n) {
    this.#outstanding -= n;
    if (this.#waiting && this.#outstanding <= this.#until) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve();
    }
  }

  fail(err, n) {
    this.error ??= err;
    this.done(n);
  }

  /** Resolves once at most half the window is outstanding. */
  room() {
    return this.#wait(Math.floor(this.#limit / 2));
  }

  /** Resolves once everything sent is acknowledged or failed. */
  drained() {
    return this.#wait(0);
  }

  #wait(until) {
    if (this.#outstanding <= until) return Promise.resolve();
    this.#until = until;
    return new Promise((resolve) => (this.#waiting = resolve));
  }
}
