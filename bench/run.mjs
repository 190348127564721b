// `npm run bench`: starts the built server (dist/main.js) and a bare Fastify hello world as child
// processes on loopback, measures, prints `name value goal` lines and writes bench/results.json.
// Every phase is bounded in time or request count; the temporary database is removed at the end.
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generateApiKey } from '../dist/identities/api-key.js';
import { VERIFIER_LIMITS } from '../dist/identities/api-key-verifier.js';
import { createClient, percentile } from './http-client.mjs';
import { seedKeys } from './seed-keys.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const PASSES = Number(process.env.BENCH_PASSES ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MANY_KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const FEW_KEYS = 1_000;
const LATENCY_SAMPLES = 1_000;
const PROBES = 10_000;
/** The verifier's positive-cache bound: filled once to weigh the worst case. */
const CACHE_FILL = Number(process.env.BENCH_CACHE_FILL ?? VERIFIER_LIMITS.positive);
const ADMIN = { username: 'bench-admin', password: 'bench-password-1' };
const API = '/api/v3';

const children = new Set();
const work = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const dbFile = join(work, 'latchkey.sqlite');
const manyDbFile = join(work, 'latchkey-1m.sqlite');

function log(line) {
  process.stderr.write(`[bench] ${line}\n`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a node child and resolves once it prints its listening line. Its output goes to a file
 * in the work folder, not to a pipe: a pipe drained by this process (which also runs the load)
 * would throttle a server that logs every request, and measure the pipe instead of the server.
 */
async function startChild(script, env, readyPattern) {
  const port = await freePort();
  const logFile = join(work, `${basename(script)}-${port}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  children.add(child);
  let exited = null;
  child.on('exit', (code) => {
    exited = code;
    children.delete(child);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const output = readFileSync(logFile, 'utf8');
    if (readyPattern.test(output)) break;
    if (exited !== null) throw new Error(`${script} exited with ${exited}:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${script} did not start in 60 s:\n${output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopChild({ child }) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

function startLatchkey(file = dbFile) {
  return startChild('dist/main.js', {
    DATABASE_URL: `sqlite:${file}`,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LATCHKEY_BENCH_METRICS: '1',
    // The bench sends thousands of bad keys on purpose: lift the per-address throttle of failed
    // authentications, or they would be answered 429 before the format check being measured.
    AUTH_FAILURES_PER_MINUTE: '1000000',
  }, /latchkey listening on/);
}

async function json(res) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** An admin session, a service user and one API key made through the API: the seeding template. */
async function createTemplateKey(base) {
  const token = await json(await fetch(`${base}${API}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', ...ADMIN }),
  }));
  const auth = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
  const user = await json(await fetch(`${base}${API}/users`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ login: 'bench-service', role: 'portalOperator', isService: true }),
  }));
  const key = await json(await fetch(`${base}${API}/users/${user.data.instanceUid}/logins/apikey`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ description: 'bench template key', scopes: ['rest'] }),
  }));
  return { id: key.data.id, key: key.data.parameters };
}

async function throughput(url, headers = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result.requests.average;
}

async function metrics(client) {
  return JSON.parse((await client.get('/__bench/metrics')).body);
}

/**
 * Verification latency through the authenticated ping on two servers at once, one per database,
 * probes alternating between them so that load elsewhere on the machine hits both alike: first
 * use of each key (uncached: the lookup reaches the database index), then the same keys cached.
 */
async function verificationLatency(servers) {
  const clients = servers.map(({ url }) => createClient(url, 1));
  try {
    for (const client of clients) await client.get(`${API}/ping`); // connections opened outside the timings
    const probe = async (i, key) => {
      const res = await clients[i].get(`${API}/ping/authenticated`, { authorization: `Bearer ${key}` });
      if (res.status !== 200) throw new Error(`seeded key refused: ${res.status} ${res.body}`);
      return res.ms;
    };
    const uncached = servers.map(() => []);
    const cached = servers.map(() => []);
    const count = Math.min(...servers.map((s) => s.keys.length));
    for (let k = 0; k < count; k++) for (let i = 0; i < servers.length; i++) uncached[i].push(await probe(i, servers[i].keys[k]));
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < count; k++) for (let i = 0; i < servers.length; i++) cached[i].push(await probe(i, servers[i].keys[k]));
    }
    return servers.map((_, i) => ({ uncached: percentile(uncached[i], 50), cached: percentile(cached[i], 50) }));
  } finally {
    for (const client of clients) client.close();
  }
}

function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

function pickUniform(list, count) {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

async function main() {
  const results = {};
  const loadAtStart = loadavg()[0];
  const round = (n, digits = 2) => Number(n.toFixed(digits));

  // 1-2. Throughput: bare Fastify, Latchkey public ping, the same handler behind the guard.
  const fastify = await startChild('bench/fastify-hello.mjs', {}, /fastify listening on/);
  let latchkey = await startLatchkey();
  const template = await createTemplateKey(latchkey.url);
  const keyHeaders = { authorization: `Bearer ${template.key}` };
  log(`warming up (${SECONDS}s x3)`);
  await throughput(`${fastify.url}/`);
  await throughput(`${latchkey.url}${API}/ping`);
  await throughput(`${latchkey.url}${API}/ping/authenticated`, keyHeaders);
  // Short interleaved passes, a ratio per pass, the median reported: drifting load on a shared
  // machine then moves both sides of each ratio together.
  const passes = { fastify: [], public: [], auth: [] };
  for (let pass = 0; pass < PASSES; pass++) {
    passes.public.push(await throughput(`${latchkey.url}${API}/ping`));
    passes.auth.push(await throughput(`${latchkey.url}${API}/ping/authenticated`, keyHeaders));
    passes.fastify.push(await throughput(`${fastify.url}/`));
  }
  await stopChild(fastify);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const authRatios = passes.auth.map((rate, i) => rate / passes.public[i]);
  const publicRatios = passes.public.map((rate, i) => rate / passes.fastify[i]);
  log(`req/s per pass: fastify ${passes.fastify.map(Math.round).join(' ')}; public ${passes.public.map(Math.round).join(' ')}; authenticated ${passes.auth.map(Math.round).join(' ')}`);
  results.ratio_auth_vs_public = { value: round(median(authRatios)), goal: '>=0.90', detail: { perPass: authRatios.map((r) => round(r, 3)), reqPerSec: { public: passes.public, authenticated: passes.auth } } };
  results.ratio_public_vs_fastify = { value: round(median(publicRatios)), goal: '>=0.45', detail: { perPass: publicRatios.map((r) => round(r, 3)), reqPerSec: { fastify: passes.fastify, public: passes.public } } };

  // 4. Database queries for malformed keys and for unknown well-formed keys.
  const probeClient = createClient(latchkey.url, 8);
  const malformed = (i) => {
    const key = generateApiKey();
    // Alternate a broken checksum, a wrong length and a bad alphabet.
    const bad = [key.slice(0, -1) + (key.at(-1) === 'A' ? 'B' : 'A'), key.slice(0, -2), key.slice(0, 20) + '!' + key.slice(21)][i % 3];
    return bad;
  };
  const unknown = Array.from({ length: PROBES }, () => generateApiKey());
  const countQueries = async (keys, times = 1) => {
    const before = await metrics(probeClient);
    // Each worker sends its key `times` times in a row, so repeats do not depend on timing.
    const res = await probeClient.many(keys.length * times, 8, (i) => [`${API}/ping/authenticated`, { authorization: `Bearer ${keys[Math.floor(i / times)]}` }]);
    if (res.some((r) => r.status !== 401)) throw new Error('a probe key was not refused with 401');
    const after = await metrics(probeClient);
    return after.queries - before.queries;
  };
  const malformedQueries = await countQueries(Array.from({ length: PROBES }, (_, i) => malformed(i)));
  const unknownQueries = await countQueries(unknown, 2);
  probeClient.close();
  results.db_queries_malformed = { value: malformedQueries, goal: '0', detail: { requests: PROBES } };
  results.db_queries_unknown = {
    value: unknownQueries,
    goal: `<=${PROBES} (one lookup per distinct unknown key; its repeat is answered from the negative cache)`,
    detail: { distinctKeys: PROBES, requests: PROBES * 2 },
  };
  await stopChild(latchkey);

  // 3. Verification latency with 1,000 and with 1,000,000 stored keys (two databases).
  log(`seeding ${FEW_KEYS} keys`);
  const few = seedKeys(dbFile, { templateIdentityId: template.id, target: FEW_KEYS, sampleRate: 1 });
  copyFileSync(dbFile, manyDbFile);
  log(`seeding a copy up to ${MANY_KEYS} keys`);
  const seedStarted = Date.now();
  const many = seedKeys(manyDbFile, { templateIdentityId: template.id, target: MANY_KEYS, sampleRate: Math.min(1, (CACHE_FILL * 1.2 + LATENCY_SAMPLES * 4) / MANY_KEYS) });
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  log(`seeded ${many.written} keys in ${seedSeconds.toFixed(1)}s`);
  const fewServer = await startLatchkey(dbFile);
  const manyServer = await startLatchkey(manyDbFile);
  const rssIdle = rssMegabytes(manyServer.child.pid);
  const fewSample = pickUniform([template.key, ...few.sample], LATENCY_SAMPLES);
  // The 1M database holds the first thousand keys too; sample over all of it.
  const manySample = pickUniform([...few.sample, ...many.sample], LATENCY_SAMPLES);
  const [atFew, atMany] = await verificationLatency([
    { url: fewServer.url, keys: fewSample },
    { url: manyServer.url, keys: manySample },
  ]);
  const rssAfter = rssMegabytes(manyServer.child.pid);
  await stopChild(fewServer);
  // Worst case for memory: the positive cache filled to its bound with distinct keys.
  const fill = many.sample.slice(0, CACHE_FILL);
  log(`filling the cache with ${fill.length} distinct keys`);
  const fillClient = createClient(manyServer.url, 8);
  const filled = await fillClient.many(fill.length, 8, (i) => [`${API}/ping/authenticated`, { authorization: `Bearer ${fill[i]}` }]);
  fillClient.close();
  if (filled.some((r) => r.status !== 200)) throw new Error('a seeded key was refused while filling the cache');
  const rssFull = rssMegabytes(manyServer.child.pid);
  await stopChild(manyServer);
  log(`p50 ms: ${FEW_KEYS} keys uncached ${atFew.uncached.toFixed(3)} cached ${atFew.cached.toFixed(3)}; ` +
    `${MANY_KEYS} keys uncached ${atMany.uncached.toFixed(3)} cached ${atMany.cached.toFixed(3)}`);
  results.ratio_1m_vs_1k = {
    value: round(atMany.uncached / atFew.uncached),
    goal: '<=1.2',
    detail: {
      reported: 'p50 of first (uncached) verifications, which reach the database index',
      p50UncachedMs: { few: atFew.uncached, many: atMany.uncached },
      p50CachedMs: { few: atFew.cached, many: atMany.cached },
      storedKeys: { few: FEW_KEYS, many: MANY_KEYS },
      seedSeconds,
    },
  };
  results.ratio_1m_vs_1k_cached = { value: round(atMany.cached / atFew.cached), goal: '<=1.2' };

  // 5. Memory of the server holding 1,000,000 keys, after the latency phase.
  results.rss_mb_1m_keys = { value: round(rssAfter, 1), goal: '<=300', detail: { rssAtStartMb: rssIdle, after: `${LATENCY_SAMPLES * 3} verifications of ${LATENCY_SAMPLES} keys` } };
  results.rss_mb_1m_keys_full_cache = { value: round(rssFull, 1), goal: '<=300', detail: { cachedKeys: fill.length } };

  for (const [name, { value, goal }] of Object.entries(results)) console.log(`${name} ${value} ${goal}`);
  // Other work on the machine skews every ratio: the 1-minute load average is recorded with them.
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage1m: { atStart: loadAtStart, atEnd: loadavg()[0] },
  };
  log(`load average (1 min): ${loadAtStart.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end, on ${machine.cpus} CPUs`);
  writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify({ at: new Date().toISOString(), machine, seconds: SECONDS, connections: CONNECTIONS, results }, null, 2) + '\n');
}

async function cleanup() {
  await Promise.all([...children].map((child) => stopChild({ child })));
  rmSync(work, { recursive: true, force: true });
}

const deadline = setTimeout(() => {
  log('took longer than 15 minutes; stopping');
  cleanup().finally(() => process.exit(1));
}, 15 * 60_000);
deadline.unref();

main()
  .then(cleanup, async (error) => {
    log(`failed: ${error?.stack ?? error}`);
    await cleanup();
    process.exitCode = 1;
  });
