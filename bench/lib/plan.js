// What a run does, from the environment:
//   MQ_BENCH_SMOKE=1            tiny counts: every scenario runs once, for CI (checks completion only)
//   MQ_BENCH_RECORDS            records per throughput scenario with 100-byte records (default
//                               5,000,000); 1 KiB scenarios send a quarter as many
//   MQ_BENCH_KAFKAJS_RECORDS    the same for the kafkajs runs (default 1,000,000)
//   MQ_BENCH_LATENCY_SECONDS    measured seconds of each latency run (default 30)
//   MQ_BENCH_LATENCY_RATE       offered rate of the latency runs, records/s (default 10,000)
//   MQ_BENCH_SOAK_SECONDS       run only the soak: sustained produce + consume for this long
//   MQ_BENCH_ONLY               a regular expression: only scenarios whose name matches

export const SIZES = [100, 1024];
export const ACKS = [1, -1];
export const PARTITIONS = [1, 8];
export const CODECS = ['none', 'lz4'];

function number(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

export function acksName(acks) {
  return acks === -1 ? 'all' : String(acks);
}

export function scenarioName(s) {
  return `${s.size === 1024 ? '1KiB' : `${s.size}B`} acks=${acksName(s.acks)} p=${s.partitions} ${s.codec}`;
}

export function planFromEnv(env) {
  const smoke = env.MQ_BENCH_SMOKE === '1';
  const records = Math.max(1, Math.floor(number(env, 'MQ_BENCH_RECORDS', smoke ? 2000 : 5_000_000)));
  const kafkajsRecords = Math.max(1, Math.floor(number(env, 'MQ_BENCH_KAFKAJS_RECORDS', smoke ? 2000 : 1_000_000)));
  const only = env.MQ_BENCH_ONLY ? new RegExp(env.MQ_BENCH_ONLY) : null;
  const scenarios = [];
  for (const size of SIZES) {
    for (const acks of ACKS) {
      for (const partitions of PARTITIONS) {
        for (const codec of CODECS) {
          const s = { size, acks, partitions, codec };
          s.name = scenarioName(s);
          // 1 KiB records: a quarter of the count, about 2.5x the bytes of the 100-byte runs.
          s.records = size === 100 ? records : Math.max(1, Math.ceil(records / 4));
          s.kafkajsRecords = size === 100 ? kafkajsRecords : Math.max(1, Math.ceil(kafkajsRecords / 4));
          if (!only || only.test(s.name)) scenarios.push(s);
        }
      }
    }
  }
  const latencyRuns = ACKS.map((acks) => ({ acks, size: 100, partitions: 1, name: `latency acks=${acksName(acks)}` })).filter((r) => !only || only.test(r.name));
  return {
    smoke,
    only: env.MQ_BENCH_ONLY || null,
    scenarios,
    latency: {
      runs: latencyRuns,
      rate: number(env, 'MQ_BENCH_LATENCY_RATE', 10_000),
      seconds: number(env, 'MQ_BENCH_LATENCY_SECONDS', smoke ? 1 : 30),
      warmupSeconds: smoke ? 0 : 3,
    },
    soakSeconds: number(env, 'MQ_BENCH_SOAK_SECONDS', 0),
    rssIntervalMs: smoke ? 100 : 250,
  };
}
