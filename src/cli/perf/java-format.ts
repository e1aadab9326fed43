// Number text as Java prints it, for the perf tools whose output scripts parse. JavaScript's
// toFixed rounds the binary value (1.005 → "1.00"); Java's Formatter (%.Nf) rounds the shortest
// decimal representation half-up (1.005 → "1.01"), and prints NaN and Infinity by name, which a
// division by a zero elapsed time produces. Double.toString differs from String(number) in
// always having a fraction digit and in where it switches to E notation.

/** Java's `String.format("%.<digits>f", x)`. */
export function javaFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const negative = x < 0 || Object.is(x, -0);
  // toExponential() without an argument gives the shortest digits that round-trip, as Java's
  // FloatingDecimal does: d.ddd × 10^exp.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const significand = BigInt(mantissa.replace('.', ''));
  const fractionDigits = mantissa.length - (mantissa.includes('.') ? 2 : 1);
  // x × 10^digits = significand × 10^shift
  const shift = Number(exp) - fractionDigits + digits;
  let scaled: bigint;
  if (shift >= 0) {
    scaled = significand * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    scaled = significand / divisor;
    if ((significand % divisor) * 2n >= divisor) scaled += 1n;
  }
  const text = scaled.toString().padStart(digits + 1, '0');
  const point = text.length - digits;
  const body = digits === 0 ? text : `${text.slice(0, point)}.${text.slice(point)}`;
  return negative ? `-${body}` : body;
}

/** Java's `Double.toString(x)`: plain for 10^-3 ≤ |x| < 10^7, else `d.dddE±n`; always a fraction. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(x);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}
