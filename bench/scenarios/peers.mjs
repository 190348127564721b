// Throughput of Latchkey's public and authenticated ping beside its peers, all running at once:
// bare Fastify, a bare Nest 12 app on Fastify, and the usual Nest + passport-headerapikey +
// MikroORM recipe. One warm-up run each, then interleaved passes; every ratio is the median of
// its per-pass ratios.
//
// Lines: ratio_auth_vs_public, ratio_public_vs_fastify, ratio_public_vs_bare_nest,
// ratio_auth_vs_usual_recipe, p99_ms_auth_16c (16 = BENCH_CONNECTIONS).
import { interleave, ratioOf, run } from '../lib/load.mjs';
import { log } from '../lib/children.mjs';
import { API } from '../lib/latchkey-server.mjs';
import { median, round } from '../lib/stats.mjs';

export async function peers({ config, results, servers, keys }) {
  const { seconds, connections, passes } = config;
  const bearer = (key) => ({ authorization: `Bearer ${key}` });
  const on = (server) => ({ connections, seconds, pid: server.child.pid });
  const targets = {
    public: () => run({ url: `${servers.latchkey.url}${API}/ping`, ...on(servers.latchkey) }),
    auth: () => run({ url: `${servers.latchkey.url}${API}/ping/authenticated`, headers: bearer(keys.latchkey), ...on(servers.latchkey) }),
    fastify: () => run({ url: `${servers.fastify.url}/`, ...on(servers.fastify) }),
    bareNest: () => run({ url: `${servers.bareNest.url}${API}/ping`, ...on(servers.bareNest) }),
    recipe: () => run({ url: `${servers.recipe.url}${API}/ping/authenticated`, headers: bearer(keys.recipe), ...on(servers.recipe) }),
  };
  log(`peers: warming up (${Object.keys(targets).length} x ${seconds}s), then ${passes} interleaved passes`);
  for (const target of Object.values(targets)) await target();
  const out = await interleave(passes, targets, (pass, sofar) => {
    log(`peers pass ${pass + 1}/${passes} req/s: ` + Object.entries(sofar).map(([n, r]) => `${n} ${Math.round(r.at(-1).rps)}`).join(', '));
  });

  const line = (name, a, b, goal) => {
    const { value, perPass, rps, cpu } = ratioOf(out[a], out[b]);
    results.record(name, round(value), goal, {
      perPass: perPass.map((r) => round(r, 3)),
      reqPerSec: { [a]: rps.numerator, [b]: rps.denominator },
      cpuRatio: round(cpu.ratio, 3),
      cpuUsPerRequest: { [a]: cpu.usPerRequest.numerator, [b]: cpu.usPerRequest.denominator },
    });
    log(`${name} ${round(value)} (per pass ${perPass.map((r) => r.toFixed(2)).join(' ')}; server CPU per request ratio ${cpu.ratio.toFixed(2)})`);
  };
  line('ratio_auth_vs_public', 'auth', 'public', '>=0.95');
  line('ratio_public_vs_fastify', 'public', 'fastify', '>=0.45');
  line('ratio_public_vs_bare_nest', 'public', 'bareNest', '>=0.95');
  line('ratio_auth_vs_usual_recipe', 'auth', 'recipe', '>=8');
  results.record(`p99_ms_auth_${connections}c`, round(median(out.auth.map((r) => r.p99Ms))), 'reported', {
    perPass: out.auth.map((r) => round(r.p99Ms, 3)),
    p50MsPerPass: out.auth.map((r) => round(r.p50Ms, 3)),
    recipeP99MsPerPass: out.recipe.map((r) => round(r.p99Ms, 3)),
  });
}
