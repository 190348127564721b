// Authenticated requests spread over many distinct keys (100,000 by default: more than a cache of
// 20,000 holds), round robin, on the server holding 1,000,000 keys. A cold pass sends each key
// once; then warm passes continue the round robin, interleaved with passes on the public ping
// that put a header of the same size on every request (so the load generator's per-request work
// is the same on both sides). The server's lookup counter tells how many warm requests missed.
//
// Lines: auth_100k_keys_cold_rps, ratio_auth_100k_keys_vs_public.
import { log } from '../lib/children.mjs';
import { interleave, ratioOf, run } from '../lib/load.mjs';
import { API, benchMetrics } from '../lib/latchkey-server.mjs';
import { median, round } from '../lib/stats.mjs';

export async function manyKeys({ config, results, servers, keys }) {
  const { connections, seconds, passes, coldMaxSeconds } = config;
  const base = servers.many.url;
  const distinct = keys.distinct;
  const format = (key) => `Bearer ${key}`;
  const authCursor = { next: 0 };
  const publicCursor = { next: 0 };
  const pid = servers.many.child.pid;
  const auth = (options) => run({ url: `${base}${API}/ping/authenticated`, connections, pid, rotate: { header: 'authorization', values: distinct, cursor: authCursor, format }, ...options });
  const pub = () => run({ url: `${base}${API}/ping`, connections, seconds, pid, rotate: { header: 'x-bench-key', values: distinct, cursor: publicCursor, format } });

  log(`many keys: cold pass over ${distinct.length} distinct keys (at most ${coldMaxSeconds}s)`);
  const before = await benchMetrics(base);
  const cold = await auth({ amount: distinct.length, maxSeconds: coldMaxSeconds });
  const afterCold = await benchMetrics(base);
  log(`many keys: cold ${Math.round(cold.rps)} req/s over ${cold.requests} requests${cold.stoppedEarly ? ' (stopped at the time limit)' : ''}; ${passes} warm passes`);

  await pub(); // the public route's warm-up
  const lookups = [];
  const out = await interleave(passes, {
    auth: async () => {
      const m0 = await benchMetrics(base);
      const r = await auth({ seconds });
      const m1 = await benchMetrics(base);
      lookups.push((m1.keyLookups - m0.keyLookups) / r.requests);
      return r;
    },
    public: pub,
  });
  const { value, perPass, rps, cpu } = ratioOf(out.auth, out.public);
  const coverage = `${cold.requests} of ${distinct.length} keys`;
  results.record('auth_100k_keys_cold_rps', Math.round(cold.rps), 'reported', {
    distinctKeys: distinct.length,
    requests: cold.requests,
    seconds: round(cold.seconds, 1),
    stoppedAtTimeLimit: cold.stoppedEarly,
    keyLookups: afterCold.keyLookups - before.keyLookups,
    p50Ms: round(cold.p50Ms, 3),
    p99Ms: round(cold.p99Ms, 3),
    cpuUsPerRequest: round(cold.cpuUsPerRequest, 1),
    vsPublicMedian: round(cold.rps / median(out.public.map((r) => r.rps))),
  });
  results.record('ratio_auth_100k_keys_vs_public', round(value), '>=0.85', {
    distinctKeys: distinct.length,
    coldPassCovered: coverage,
    perPass: perPass.map((r) => round(r, 3)),
    reqPerSec: { auth: rps.numerator, public: rps.denominator },
    cpuRatio: round(cpu.ratio, 3),
    cpuUsPerRequest: { auth: cpu.usPerRequest.numerator, public: cpu.usPerRequest.denominator },
    lookupsPerRequest: lookups.map((l) => round(l, 3)),
    note: 'lookupsPerRequest near 0 means the warm passes were answered from the cache; near 1, every request missed',
  });
}
