// Percentiles by the nearest-rank method over every sample (no histogram buckets).

/**
 * @param {Float64Array} values unsorted; a sorted copy is made
 * @param {number[]} ps percentiles in (0, 100]
 * @returns {number[]}
 */
export function percentiles(values, ps) {
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]));
}

export function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? NaN : sum / values.length;
}
