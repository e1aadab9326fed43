// Record values for the throughput runs. Kafka's producer-perf-test sends one random A-Z payload
// for every record, which lets a codec compress a batch of identical records to almost nothing;
// here each record gets its own slice of a 4 MiB text of words drawn from a 1,000-word vocabulary
// (a fixed PRNG seed, so every run and both clients send the same bytes), which lz4 compresses
// about 2:1, as it would text-like data. The views are made once: sending allocates nothing.

const POOL_BYTES = 4 << 20;
const DISTINCT_VALUES = 4096;

/** xorshift32: a fixed, seedable sequence. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

let pool = null;

function textPool() {
  if (pool) return pool;
  const next = rng(0x6d71);
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const vocabulary = Array.from({ length: 1000 }, () => {
    const len = 3 + Math.floor(next() * 8);
    let w = '';
    for (let i = 0; i < len; i++) w += letters[Math.floor(next() * next() * letters.length)];
    return w;
  });
  const parts = [];
  let bytes = 0;
  while (bytes < POOL_BYTES) {
    const w = vocabulary[Math.floor(next() * next() * vocabulary.length)];
    parts.push(w);
    bytes += w.length + 1;
  }
  pool = Buffer.from(parts.join(' ')).subarray(0, POOL_BYTES);
  return pool;
}

/** Distinct `size`-byte values to cycle through (use values[i & (values.length - 1)]). */
export function recordValues(size) {
  const text = textPool();
  const values = [];
  const stride = Math.floor((text.length - size) / DISTINCT_VALUES);
  for (let i = 0; i < DISTINCT_VALUES; i++) values.push(text.subarray(i * stride, i * stride + size));
  return values;
}
