// Memory with the positive cache full: a fresh server on the 1,000,000-key database, its cache
// filled to the capacity the server states with distinct keys (one burst of first uses), RSS
// read from /proc. Then the first keys filled are sent again: if none of them needs a lookup, the
// cache did hold everything that was filled.
//
// Lines: cache_capacity, rss_mb_1m_keys_full_cache.
import { log, rssMegabytes, stopChild } from '../lib/children.mjs';
import { run } from '../lib/load.mjs';
import { API, benchMetrics, startLatchkey } from '../lib/latchkey-server.mjs';
import { round } from '../lib/stats.mjs';

export async function fullCache({ config, results, files, keys, capacity }) {
  const server = await startLatchkey(files.many);
  try {
    const rssIdle = rssMegabytes(server.child.pid);
    const target = Math.min(capacity.value, config.cacheFill ?? Infinity);
    const fill = keys.pool.slice(0, target);
    log(`full cache: filling ${fill.length} of ${capacity.value} entries with distinct keys`);
    const m0 = await benchMetrics(server.url);
    const filled = await run({
      url: `${server.url}${API}/ping/authenticated`,
      connections: 8,
      amount: fill.length,
      maxSeconds: config.coldMaxSeconds * 2,
      rotate: { header: 'authorization', values: fill, cursor: { next: 0 }, format: (k) => `Bearer ${k}` },
    });
    if (filled.stoppedEarly) throw new Error(`filling the cache stopped at the time limit after ${filled.requests} keys`);
    const rssFull = rssMegabytes(server.child.pid);
    const m1 = await benchMetrics(server.url);
    const again = fill.slice(0, Math.min(1000, fill.length));
    await run({ url: `${server.url}${API}/ping/authenticated`, connections: 4, amount: again.length, rotate: { header: 'authorization', values: again, cursor: { next: 0 }, format: (k) => `Bearer ${k}` } });
    const m2 = await benchMetrics(server.url);
    results.record('cache_capacity', capacity.value, '>=100000', { source: capacity.source });
    results.record('rss_mb_1m_keys_full_cache', round(rssFull, 1), '<=300', {
      cachedKeys: fill.length,
      full: fill.length === capacity.value,
      rssAtStartMb: round(rssIdle, 1),
      fillSeconds: round(filled.seconds, 1),
      fillLookups: m1.keyLookups - m0.keyLookups,
      refetchedKeys: again.length,
      refetchLookups: m2.keyLookups - m1.keyLookups,
    });
  } finally {
    await stopChild(server);
  }
}
