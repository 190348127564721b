// Verification latency over HTTP with 1,000 and with 1,000,000 stored keys: one server per
// database, single requests on one keep-alive connection each, alternating between the two
// servers so that other load on the machine hits both alike. First use of each key (cold: the
// lookup reaches the database index), then the same keys twice more (cached). The servers start
// cold (JIT, statement caches) and both alike, which the ratio cancels; the absolute HTTP lines
// come from a second round on the large server, now warm: first uses of further distinct keys
// alternated with cached keys. RSS of the large server before and after.
//
// Lines: ratio_1m_vs_1k, ratio_1m_vs_1k_cached, verify_cold_http_p50_us,
// verify_cached_http_p50_us, rss_mb_1m_keys.
import { log, rssMegabytes } from '../lib/children.mjs';
import { createClient } from '../lib/http-client.mjs';
import { API } from '../lib/latchkey-server.mjs';
import { percentile, round } from '../lib/stats.mjs';

async function verificationLatency(servers) {
  const clients = servers.map(({ url }) => createClient(url, 1));
  try {
    for (const client of clients) await client.get(`${API}/ping`); // connections opened outside the timings
    const probe = async (i, key) => {
      const res = await clients[i].get(`${API}/ping/authenticated`, { authorization: `Bearer ${key}` });
      if (res.status !== 200) throw new Error(`seeded key refused: ${res.status} ${res.body}`);
      return res.ms;
    };
    const cold = servers.map(() => []);
    const cached = servers.map(() => []);
    const count = Math.min(...servers.map((s) => s.keys.length));
    for (let k = 0; k < count; k++) for (let i = 0; i < servers.length; i++) cold[i].push(await probe(i, servers[i].keys[k]));
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < count; k++) for (let i = 0; i < servers.length; i++) cached[i].push(await probe(i, servers[i].keys[k]));
    }
    return servers.map((_, i) => ({ cold: summary(cold[i]), cached: summary(cached[i]) }));
  } finally {
    for (const client of clients) client.close();
  }
}

const summary = (ms) => ({ p50: percentile(ms, 50), p90: percentile(ms, 90), p99: percentile(ms, 99) });

/** On a warm server: a first use of a new key, then a cached key, in turn. */
async function coldVsCached(url, coldKeys, cachedKeys) {
  const client = createClient(url, 1);
  try {
    const probe = async (key) => {
      const res = await client.get(`${API}/ping/authenticated`, { authorization: `Bearer ${key}` });
      if (res.status !== 200) throw new Error(`seeded key refused: ${res.status} ${res.body}`);
      return res.ms;
    };
    const cold = [];
    const cached = [];
    for (let i = 0; i < coldKeys.length; i++) {
      cold.push(await probe(coldKeys[i]));
      cached.push(await probe(cachedKeys[i % cachedKeys.length]));
    }
    return { cold: summary(cold), cached: summary(cached) };
  } finally {
    client.close();
  }
}

export async function storedKeys({ config, results, servers, keys }) {
  const { fewKeys, manyKeys, latencySamples } = config;
  const rssIdle = rssMegabytes(servers.many.child.pid);
  log(`stored keys: ${latencySamples} cold then cached probes on the ${fewKeys}-key and ${manyKeys}-key servers`);
  const [atFew, atMany] = await verificationLatency([
    { url: servers.few.url, keys: keys.fewLatency },
    { url: servers.many.url, keys: keys.manyLatency },
  ]);
  const rssAfter = rssMegabytes(servers.many.child.pid);
  const warm = await coldVsCached(servers.many.url, keys.httpCold, keys.manyLatency);
  log(`p50 ms: ${fewKeys} keys cold ${atFew.cold.p50.toFixed(3)} cached ${atFew.cached.p50.toFixed(3)}; ` +
    `${manyKeys} keys cold ${atMany.cold.p50.toFixed(3)} cached ${atMany.cached.p50.toFixed(3)}; ` +
    `warm server: cold ${warm.cold.p50.toFixed(3)} cached ${warm.cached.p50.toFixed(3)}`);
  const us = (ms) => round(ms * 1000, 0);
  results.record('ratio_1m_vs_1k', round(atMany.cold.p50 / atFew.cold.p50), '<=1.2', {
    reported: 'p50 of first (cold) verifications over HTTP, which reach the database index',
    coldMs: { few: atFew.cold, many: atMany.cold },
    cachedMs: { few: atFew.cached, many: atMany.cached },
    storedKeys: { few: fewKeys, many: manyKeys },
  });
  results.record('ratio_1m_vs_1k_cached', round(atMany.cached.p50 / atFew.cached.p50), '<=1.2');
  results.record('verify_cold_http_p50_us', us(warm.cold.p50), 'reported', {
    reported: `client-side time of one authenticated ping with a key used for the first time, warm server, ${manyKeys} keys stored, one connection`,
    p90Us: us(warm.cold.p90),
    p99Us: us(warm.cold.p99),
    samples: keys.httpCold.length,
    coldServerP50Us: us(atMany.cold.p50),
  });
  results.record('verify_cached_http_p50_us', us(warm.cached.p50), 'reported', {
    reported: 'the same with a cached key, alternated with the cold ones (HTTP and the pipeline around a cached verification)',
    p90Us: us(warm.cached.p90),
    p99Us: us(warm.cached.p99),
    samples: keys.httpCold.length,
  });
  results.record('rss_mb_1m_keys', round(rssAfter, 1), '<=300', { rssAtStartMb: round(rssIdle, 1), after: `${latencySamples * 3} verifications of ${latencySamples} keys` });
}
