// SQL statements (the server's MikroORM onQuery counter) while sending malformed keys, then
// distinct unknown well-formed keys, each twice in a row.
//
// Lines: db_queries_malformed, db_queries_unknown.
import { generateApiKey } from '../latchkey.mjs';
import { createClient } from '../lib/http-client.mjs';
import { API, benchMetrics } from '../lib/latchkey-server.mjs';

/** A broken checksum, a wrong length and a bad alphabet, in turn. */
function malformed(i) {
  const key = generateApiKey();
  return [key.slice(0, -1) + (key.at(-1) === 'A' ? 'B' : 'A'), key.slice(0, -2), key.slice(0, 20) + '!' + key.slice(21)][i % 3];
}

export async function dbQueries({ config, results, servers }) {
  const { probes } = config;
  const base = servers.latchkey.url;
  const client = createClient(base, 8);
  try {
    const countQueries = async (keys, times = 1) => {
      const before = await benchMetrics(base);
      // Each worker sends its key `times` times in a row, so repeats do not depend on timing.
      const res = await client.many(keys.length * times, 8, (i) => [`${API}/ping/authenticated`, { authorization: `Bearer ${keys[Math.floor(i / times)]}` }]);
      if (res.some((r) => r.status !== 401)) throw new Error('a probe key was not refused with 401');
      const after = await benchMetrics(base);
      return { queries: after.queries - before.queries, keyLookups: after.keyLookups - before.keyLookups };
    };
    const bad = await countQueries(Array.from({ length: probes }, (_, i) => malformed(i)));
    const unknown = await countQueries(Array.from({ length: probes }, () => generateApiKey()), 2);
    results.record('db_queries_malformed', bad.queries, '0', { requests: probes, keyLookups: bad.keyLookups });
    results.record('db_queries_unknown', unknown.queries, `<=${probes} (one lookup per distinct unknown key; its repeat is answered from the negative cache)`, {
      distinctKeys: probes,
      requests: probes * 2,
      keyLookups: unknown.keyLookups,
    });
  } finally {
    client.close();
  }
}
