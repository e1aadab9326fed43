// Micro-benchmark of the client's record decoder: decodes a fetch-sized buffer of uncompressed
// RecordBatch v2 batches of 100-byte records (built with encodeRecordBatch, as mq's producer
// builds them) over and over and prints records/s. Two passes: decoding alone, and decoding while
// reading each record's offset and value as an application would. Besides wall-clock records/s it
// prints records per second of this process's CPU time, which other load on the machine
// disturbs less. Nothing here asserts a timing.
//
//   npm run build && node bench/decode.js [records-per-batch=8000] [seconds=3] [dist directory]

const dist = new URL(process.argv[4] ? `file://${process.argv[4]}/` : '../dist/', import.meta.url);
const { decodeRecordBatches, encodeRecordBatch } = await import(new URL('protocol/records/record-batch.js', dist).href);

const perBatch = Number(process.argv[2] ?? 8000);
const seconds = Number(process.argv[3] ?? 3);
/** About what one 8 MiB partition fetch of 100-byte records holds. */
const FETCH_RECORDS = 64_000;
const RECORD_SIZE = 100;

const value = Buffer.alloc(RECORD_SIZE, 'x');
const now = BigInt(Date.now());
const batches = [];
for (let base = 0; base < FETCH_RECORDS; base += perBatch) {
  const records = Array.from({ length: perBatch }, (_, i) => ({ key: null, value, timestamp: now + BigInt(i >> 4) }));
  batches.push(encodeRecordBatch(records, { baseOffset: BigInt(base) }));
}
const fetch = Buffer.concat(batches);
const recordsPerFetch = batches.length * perBatch;

function decodeOnly() {
  let n = 0;
  for (const batch of decodeRecordBatches(fetch)) n += batch.records.length;
  return n;
}

function decodeAndRead() {
  let n = 0;
  let bytes = 0;
  let last = 0n;
  for (const batch of decodeRecordBatches(fetch)) {
    for (const r of batch.records) {
      last = r.offset;
      bytes += r.value.length;
      n++;
    }
  }
  if (bytes === 0 || last < 0n) throw new Error('nothing decoded');
  return n;
}

function run(name, pass) {
  // Warm-up, so the optimizing compiler has seen the loop before the clock starts.
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) pass();
  let records = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) records += pass();
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const rate = (n) => Math.round(n).toLocaleString('en-US').padStart(12);
  console.log(`${name.padEnd(16)} ${rate(records / elapsed)} records/s  ${rate(records / cpuSeconds)} records/CPU-s`);
}

console.log(`${recordsPerFetch} records of ${RECORD_SIZE} bytes per pass, ${perBatch} per batch, ${fetch.length} bytes`);
run('decode', decodeOnly);
run('decode + read', decodeAndRead);
