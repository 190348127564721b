// Verification without HTTP: bench/inprocess-verify.mjs (its own process, --expose-gc) builds the
// app on the 1,000,000-key database without listening and calls its ApiKeyVerifier directly:
// first uses of distinct keys (cold) alternated with cached keys, then the live heap per cached
// principal.
//
// Lines: verify_cold_p50_us, verify_cached_p50_us, bytes_per_cached_principal.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, runChild, work } from '../lib/children.mjs';
import { round } from '../lib/stats.mjs';

const SCRIPT = fileURLToPath(new URL('../inprocess-verify.mjs', import.meta.url));

export async function inProcess({ config, results, files, keys, capacity }) {
  const principals = Math.min(config.principals, capacity.value);
  const list = keys.pool.slice(0, 200 + 2000 + principals);
  const keysFile = join(work, 'inprocess-keys.json');
  writeFileSync(keysFile, JSON.stringify(list));
  log(`in-process: 1000 cold and 1000 cached verifications, then ${principals} principals weighed`);
  const out = JSON.parse(await runChild(SCRIPT, { nodeArgs: ['--expose-gc'], args: [files.many, keysFile, String(principals)] }));
  const us = (v) => round(v, 1);
  results.record('verify_cold_p50_us', us(out.coldUs.p50), '<=300', {
    reported: 'ApiKeyVerifier.verify() of a key used for the first time, in-process, 1,000,000 keys stored',
    p90Us: us(out.coldUs.p90),
    p99Us: us(out.coldUs.p99),
    samples: out.samples,
  });
  results.record('verify_cached_p50_us', us(out.cachedUs.p50), 'reported', {
    p90Us: us(out.cachedUs.p90),
    p99Us: us(out.cachedUs.p99),
    samples: out.samples,
  });
  results.record('bytes_per_cached_principal', Math.round(out.bytesPerPrincipal), 'reported', {
    reported: 'live heap freed by clearing the cache after that many first uses, per principal (gc forced)',
    principals: out.principals,
    cachedAfterFill: out.cachedAfterFill,
    fromEmpty: Math.round(out.bytesPerPrincipalFromEmpty),
    heapMb: Object.fromEntries(Object.entries(out.heapMb).map(([k, v]) => [k, round(v, 1)])),
    keysPerUser: 1000,
  });
}
