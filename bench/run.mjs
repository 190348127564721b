// `npm run bench`: builds the server and the peers, then runs every scenario of bench/scenarios/
// against child processes on loopback, prints `name value goal` lines on stdout (progress on
// stderr) and writes bench/results.json with the machine's facts. Every phase is bounded in time
// or request count; the temporary databases are removed at the end. Knobs: bench/config.mjs.
import { randomBytes } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config } from './config.mjs';
import { cacheCapacity } from './latchkey.mjs';
import { cleanup, log, ROOT, startChild, stopChild, work } from './lib/children.mjs';
import { benchMetrics, createTemplateKey, startLatchkey } from './lib/latchkey-server.mjs';
import { Results } from './lib/results.mjs';
import { seedKeys } from './lib/seed-keys.mjs';
import { pickUniform } from './lib/stats.mjs';
import { connectionSweep, writeConnectionDocs } from './scenarios/connections.mjs';
import { dbQueries } from './scenarios/db-queries.mjs';
import { fullCache } from './scenarios/full-cache.mjs';
import { inProcess } from './scenarios/in-process.mjs';
import { manyKeys } from './scenarios/many-keys.mjs';
import { peers } from './scenarios/peers.mjs';
import { resourceServers } from './scenarios/resource-servers.mjs';
import { storedKeys } from './scenarios/stored-keys.mjs';

const peer = (name) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** The order of the printed lines (any line not listed follows). */
const ORDER = [
  'ratio_auth_vs_public', 'ratio_public_vs_fastify', 'ratio_public_vs_bare_nest', 'ratio_auth_vs_usual_recipe',
  'ratio_auth_100k_keys_vs_public', 'auth_100k_keys_cold_rps',
  'verify_cold_p50_us', 'verify_cached_p50_us', 'verify_cold_http_p50_us', 'verify_cached_http_p50_us',
  'p99_ms_auth_16c', 'p99_ms_auth_64c',
  'db_queries_malformed', 'db_queries_unknown', 'ratio_1m_vs_1k', 'ratio_1m_vs_1k_cached',
  'rss_mb_1m_keys', 'rss_mb_1m_keys_full_cache', 'cache_capacity', 'bytes_per_cached_principal',
  'ratio_verify_vs_public', 'ratio_sdk_vs_unauthenticated', 'revocation_to_resource_server_ms',
];

async function main() {
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  const results = new Results();
  const tables = {};
  const files = { few: join(work, 'latchkey.sqlite'), many: join(work, 'latchkey-1m.sqlite'), recipe: join(work, 'recipe.sqlite') };
  if (config.quick) log('BENCH_QUICK=1: shortened run for checking the harness; numbers are not comparable with a full run');

  // Setup: a template key made through the API, the cache capacity the server states, then the
  // small database seeded to 1,000 keys and a copy of it grown to 1,000,000 (bulk inserts).
  const first = await startLatchkey(files.few);
  const template = await createTemplateKey(first.url);
  const capacity = await cacheCapacity(await benchMetrics(first.url));
  await stopChild(first);
  log(`cache capacity ${capacity.value} (${capacity.source}); seeding ${config.fewKeys} keys`);
  const few = seedKeys(files.few, { templateIdentityId: template.id, target: config.fewKeys, sampleRate: 1 });
  copyFileSync(files.few, files.many);
  const need = Math.max(2 * config.latencySamples + config.distinctKeys, capacity.value, 2200 + config.principals);
  const seedStarted = Date.now();
  log(`seeding a copy up to ${config.manyKeys} keys, keeping about ${need} of them`);
  const many = seedKeys(files.many, {
    templateIdentityId: template.id,
    target: config.manyKeys,
    sampleRate: Math.min(1, (need * 1.05) / Math.max(1, config.manyKeys - config.fewKeys)),
  });
  log(`seeded ${many.written} keys in ${((Date.now() - seedStarted) / 1000).toFixed(1)}s`);
  const pool = pickUniform([...few.sample, ...many.sample], Infinity);
  if (pool.length < need) log(`warning: ${pool.length} plaintext keys kept, fewer than the ${need} wanted`);
  const recipeKeys = Array.from({ length: config.fewKeys }, () => randomBytes(39).toString('base64url'));
  const recipeKeysFile = join(work, 'recipe-keys.txt');
  writeFileSync(recipeKeysFile, recipeKeys.join('\n'));
  const keys = {
    latchkey: template.key,
    recipe: recipeKeys[0],
    fewLatency: pickUniform([template.key, ...few.sample], config.latencySamples),
    manyLatency: pool.slice(0, config.latencySamples),
    httpCold: pool.slice(config.latencySamples, 2 * config.latencySamples),
    distinct: pool.slice(2 * config.latencySamples, 2 * config.latencySamples + config.distinctKeys),
    pool,
  };
  const ctx = { config, results, tables, files, keys, capacity, servers: {} };

  // Phase 1: Latchkey (1,000 keys) and its peers side by side.
  const servers = ctx.servers;
  [servers.latchkey, servers.fastify, servers.bareNest, servers.recipe] = await Promise.all([
    startLatchkey(files.few),
    startChild(peer('peers/fastify-hello.mjs'), { ready: /fastify listening on/ }),
    startChild(peer('.build/peers/bare-nest.js'), { ready: /bare nest listening on/ }),
    startChild(peer('.build/peers/usual-recipe.js'), { env: { RECIPE_DATABASE: files.recipe, RECIPE_KEYS_FILE: recipeKeysFile }, ready: /usual recipe listening on/ }),
  ]);
  await peers(ctx);
  await connectionSweep(ctx);
  await dbQueries(ctx);
  await resourceServers(ctx);
  await Promise.all(['latchkey', 'fastify', 'bareNest', 'recipe'].map((name) => stopChild(servers[name])));

  // Phase 2: the 1,000- and 1,000,000-key servers; then many distinct keys on the large one.
  [servers.few, servers.many] = await Promise.all([startLatchkey(files.few), startLatchkey(files.many)]);
  await storedKeys(ctx);
  await stopChild(servers.few);
  await manyKeys(ctx);
  await stopChild(servers.many);

  // Phase 3: a fresh large server with its cache full; phase 4: the verifier in-process.
  await fullCache(ctx);
  await inProcess(ctx);

  results.print((line) => console.log(line), ORDER);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    // Other work on the machine skews every ratio: the 1-minute load average is kept with them.
    loadAverage1m: { atStart: loadAtStart, atEnd: loadavg()[0] },
  };
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`done in ${seconds}s; load average (1 min) ${loadAtStart.toFixed(2)} at start, ${machine.loadAverage1m.atEnd.toFixed(2)} at end, on ${machine.cpus} CPUs`);
  const report = { at: new Date().toISOString(), quick: config.quick, machine, durationSeconds: seconds, config, results, tables };
  writeFileSync(join(ROOT, config.quick ? 'bench/results.quick.json' : 'bench/results.json'), JSON.stringify(report, null, 2) + '\n');
  if (!config.quick) {
    const stamp = `${report.at.slice(0, 10)}, ${machine.cpus} CPUs ${machine.cpuModel}, Node ${machine.node}, load ${loadAtStart.toFixed(1)}→${machine.loadAverage1m.atEnd.toFixed(1)}${config.label ? `; ${config.label}` : ''}`;
    try {
      writeConnectionDocs(tables.connections, stamp);
    } catch (error) {
      log(`docs not written: ${error.message}`);
    }
  }
}

const deadline = setTimeout(() => {
  log(`took longer than ${config.watchdogMinutes} minutes; stopping`);
  cleanup().finally(() => process.exit(1));
}, config.watchdogMinutes * 60_000);
deadline.unref();

main().then(cleanup, async (error) => {
  log(`failed: ${error?.stack ?? error}`);
  await cleanup();
  process.exitCode = 1;
});
