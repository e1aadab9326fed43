// java.util.Random: the 48-bit linear congruential generator of the JDK, exactly, so that
// end-to-end-latency sends the same message bytes as Kafka's EndToEndLatency (new Random(0)).
// One call per message, so BigInt arithmetic is fast enough.

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (seed ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + ADDEND) & MASK;
    // (int) (seed >>> (48 - bits)): the low 32 bits as a signed int.
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  /** Uniform in [0, bound), bound > 0. */
  nextInt(bound: number): number {
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
    // Rejects the top partial range: `u - r + m` overflowing int means u fell into it.
    for (let u = r; ; u = this.next(31)) {
      r = u % bound;
      if (((u - r + m) | 0) >= 0) return r;
    }
  }
}
