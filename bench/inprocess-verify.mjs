// In-process verification, run as its own process by scenarios/in-process.mjs with `--expose-gc`:
// builds the app from dist/ without listening, takes its ApiKeyVerifier and calls `verify()`
// directly, so the numbers hold no HTTP, no guard and no load generator.
//
//   node --expose-gc bench/inprocess-verify.mjs <sqlite file> <keys.json> <principals>
//
// keys.json: plaintext keys stored in that database, all distinct. Prints one JSON object.
import { readFileSync } from 'node:fs';
import { loadServer } from './latchkey.mjs';
import { percentile } from './lib/stats.mjs';

const [file, keysFile, principalsArg] = process.argv.slice(2);
const keys = JSON.parse(readFileSync(keysFile, 'utf8'));
const WARMUP = 200;
const SAMPLES = 1_000;
const principals = Math.min(Number(principalsArg), keys.length - WARMUP - 2 * SAMPLES);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const silent = { log() {}, error() {}, warn() {}, debug() {}, verbose() {}, fatal() {} };
const { createApp, loadConfig, ApiKeyVerifier } = await loadServer();
const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'warn' });
const app = await createApp(config, { logger: silent, logDestination: { write() {} } });
await app.init();
const verifier = app.get(ApiKeyVerifier);
// The verifier's KeyCache (a protected member in TypeScript; plain JavaScript reaches it).
const cache = verifier.cache;

const us = (fromMs) => (performance.now() - fromMs) * 1000;
async function timed(key) {
  const started = performance.now();
  const principal = await verifier.verify(key);
  const elapsed = us(started);
  if (!principal) throw new Error('a stored key was refused in-process');
  return elapsed;
}
function heapAfterGc() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

let next = 0;
const take = (n) => keys.slice(next, (next += n));

// Warm-up: JIT, the ORM's metadata and statement caches, SQLite's page cache. Not measured.
for (const key of take(WARMUP)) await verifier.verify(key);
// A set of keys made cached, then cold (first use, distinct keys) and cached samples alternated.
const warm = take(SAMPLES);
for (const key of warm) await verifier.verify(key);
const cold = take(SAMPLES);
const coldUs = [];
const cachedUs = [];
for (let i = 0; i < SAMPLES; i++) {
  coldUs.push(await timed(cold[i]));
  cachedUs.push(await timed(warm[i]));
}

// Heap per cached principal: the live heap the cache holds after `principals` distinct first
// uses, measured as what clearing the cache frees (and, as a check, the growth from empty).
cache.clear();
const empty = heapAfterGc();
const fill = take(principals);
for (let i = 0; i < fill.length; i += 8) await Promise.all(fill.slice(i, i + 8).map((key) => verifier.verify(key)));
const full = heapAfterGc();
const cached = cache.size.positive;
cache.clear();
const cleared = heapAfterGc();
await app.close();

process.stdout.write(JSON.stringify({
  coldUs: { p50: percentile(coldUs, 50), p90: percentile(coldUs, 90), p99: percentile(coldUs, 99) },
  cachedUs: { p50: percentile(cachedUs, 50), p90: percentile(cachedUs, 90), p99: percentile(cachedUs, 99) },
  samples: SAMPLES,
  principals: fill.length,
  cachedAfterFill: cached,
  bytesPerPrincipal: (full - cleared) / cached,
  bytesPerPrincipalFromEmpty: (full - empty) / cached,
  heapMb: { empty: empty / 2 ** 20, full: full / 2 ** 20, cleared: cleared / 2 ** 20 },
}) + '\n');
process.exit(0);
