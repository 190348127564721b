// The bench's knobs, read once from the environment. `BENCH_QUICK=1` shrinks everything for
// checking the harness (about two minutes; numbers not comparable with a full run, and written to
// bench/results.quick.json instead of bench/results.json; docs are left alone).
const QUICK = process.env.BENCH_QUICK === '1';
const num = (name, full, quick) => Number(process.env[name] ?? (QUICK ? quick : full));

export const config = {
  quick: QUICK,
  /** Length of one measured throughput pass, seconds. */
  seconds: num('BENCH_SECONDS', 2, 1),
  /** Interleaved passes per ratio; each ratio is the median of its per-pass ratios. */
  passes: num('BENCH_PASSES', 10, 3),
  /** Connections of the throughput passes. */
  connections: num('BENCH_CONNECTIONS', 16, 16),
  /** Connection counts of the sweep, its pass length and passes. */
  sweep: (process.env.BENCH_SWEEP ?? '1,4,16,64,256').split(',').map(Number),
  sweepSeconds: num('BENCH_SWEEP_SECONDS', 3, 1),
  sweepPasses: num('BENCH_SWEEP_PASSES', 2, 1),
  /** Keys in the small and the large database. */
  fewKeys: 1_000,
  manyKeys: num('BENCH_KEYS', 1_000_000, 100_000),
  /** Distinct keys of the many-keys scenario, and the longest its cold pass may take. */
  distinctKeys: num('BENCH_DISTINCT_KEYS', 100_000, 10_000),
  coldMaxSeconds: num('BENCH_COLD_MAX_SECONDS', 240, 60),
  /** First uses (and cached repeats) probed one at a time for latency over HTTP. */
  latencySamples: num('BENCH_LATENCY_SAMPLES', 1_000, 300),
  /** Malformed and unknown keys sent by the query-count scenario. */
  probes: num('BENCH_PROBES', 10_000, 2_000),
  /** Fill of the full-cache scenario: the cache's capacity unless set (then at most that). */
  cacheFill: process.env.BENCH_CACHE_FILL ? Number(process.env.BENCH_CACHE_FILL) : QUICK ? 5_000 : undefined,
  /** Principals cached in-process to weigh one. */
  principals: num('BENCH_PRINCIPALS', 20_000, 3_000),
  /** Added to the stamp of the generated docs, e.g. 'validation run on a shared machine'. */
  label: process.env.BENCH_LABEL ?? '',
  /** Whole run watchdog, minutes. */
  watchdogMinutes: num('BENCH_WATCHDOG_MINUTES', 20, 10),
};
