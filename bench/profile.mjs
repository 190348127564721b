// `npm run bench:profile`: the built server under `node --cpu-prof` (bench/profile-server.mjs)
// while autocannon sends authenticated pings, then the top self-time frames of the load window.
//
//   BENCH_PROFILE_SECONDS   length of the profiled load (default 20; a 5 s warm-up comes first)
//   BENCH_PROFILE_KEYS      distinct keys sent round robin (default 1: one cached key, the hot
//                           path; e.g. 100000 to profile first uses and cache misses)
//   BENCH_PROFILE_ROUTE     auth (default) or public
//   BENCH_PROFILE_SECTION   before | after: also write the table into docs/performance.md
//
// Prints the table (markdown) on stdout and keeps the .cpuprofile in bench/profiles/ (open it in
// Chrome DevTools, Performance tab, or any .cpuprofile viewer). Only samples taken during the
// profiled load count: boot and warm-up are cut off by time (V8's profile clock and
// process.hrtime are both the monotonic clock).
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, cpuTime, log, ROOT, startChild, stopChild, work } from './lib/children.mjs';
import { replaceSection } from './lib/docs.mjs';
import { ADMIN, API, createTemplateKey, startLatchkey } from './lib/latchkey-server.mjs';
import { run } from './lib/load.mjs';
import { seedKeys } from './lib/seed-keys.mjs';

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 20);
const KEYS = Number(process.env.BENCH_PROFILE_KEYS ?? 1);
const ROUTE = process.env.BENCH_PROFILE_ROUTE ?? 'auth';
const SECTION = process.env.BENCH_PROFILE_SECTION;
const CONNECTIONS = 16;
const TOP = 15;
const now = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time (µs) per frame — function, file, line — over the samples taken in [from, to] (µs on
 * the monotonic clock), idle excluded. Frames without a source location are native.
 */
function selfTimes(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = byId.get(profile.samples[i]).callFrame;
    if (functionName === '(idle)') continue;
    total += dt;
    const file = url ? url.replace(/^file:\/\//, '') : '';
    const where = file ? `${file.startsWith(ROOT) ? relative(ROOT, file) : file}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}\t${where}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return { self, total };
}

function frame(key, us, total) {
  const [fn, where] = key.split('\t');
  return { fn, where, ms: us / 1000, share: us / total };
}

/** The `top` frames by self time; with `jsOnly`, frames with a source location only. */
function topFrames({ self, total }, { top = TOP, jsOnly = false } = {}) {
  return [...self].filter(([key]) => !jsOnly || !key.endsWith('\t')).sort((a, b) => b[1] - a[1]).slice(0, top).map(([key, us]) => frame(key, us, total));
}

/** Frames by how much more self time per request they take in `a` than in `b` (µs per request). */
function costlierFrames(a, aRequests, b, bRequests, top = TOP) {
  const keys = new Set([...a.self.keys(), ...b.self.keys()]);
  return [...keys]
    .map((key) => ({ key, a: (a.self.get(key) ?? 0) / aRequests, b: (b.self.get(key) ?? 0) / bRequests }))
    .sort((x, y) => y.a - y.b - (x.a - x.b))
    .slice(0, top)
    .map(({ key, a: ua, b: ub }) => ({ ...frame(key, 0, 1), a: ua, b: ub }));
}

/** Busy time per package (node_modules/<name>), Latchkey's own code, Node internals, V8. */
function byPackage(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url } = byId.get(profile.samples[i]).callFrame;
    if (functionName === '(idle)') continue;
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const group = m ? m[1] : url.includes('/dist/') ? 'latchkey (dist/)' : url.startsWith('node:') ? "Node's lib" : url ? 'other' : `native ${functionName}`;
    out.set(group, (out.get(group) ?? 0) + dt);
    total += dt;
  }
  return [...out].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([group, us]) => ({ group, share: us / total }));
}

/** One profiled window: the load's result, its time span and the server's CPU split. */
async function window(server, options) {
  const cpu0 = cpuTime(server.child.pid);
  const from = now();
  const load = await run(options);
  const to = now();
  const cpu1 = cpuTime(server.child.pid);
  return { load, from, to, user: cpu1.user - cpu0.user, system: cpu1.system - cpu0.system };
}

async function main() {
  const db = join(work, 'profile.sqlite');
  const first = await startLatchkey(db);
  const template = await createTemplateKey(first.url);
  await stopChild(first);
  const keys = KEYS > 1 ? seedKeys(db, { templateIdentityId: template.id, target: KEYS, sampleRate: 1 }).sample : [template.key];
  const profDir = join(work, 'cpuprofile');
  const server = await startChild(fileURLToPath(new URL('./profile-server.mjs', import.meta.url)), {
    env: { DATABASE_URL: `sqlite:${db}`, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, AUTH_FAILURES_PER_MINUTE: '1000000' },
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=100'],
    ready: /latchkey listening on/,
  });
  const format = (k) => `Bearer ${k}`;
  const target = (route) => ({
    url: `${server.url}${API}/${route === 'public' ? 'ping' : 'ping/authenticated'}`,
    connections: CONNECTIONS,
    // The public route gets a header of the same size, so the load generator works alike.
    rotate: { header: route === 'public' ? 'x-bench-key' : 'authorization', values: keys, cursor: { next: 0 }, format },
  });
  const what = `${ROUTE === 'public' ? 'public' : 'authenticated'} pings, ${keys.length} distinct key${keys.length > 1 ? 's' : ''}, ${CONNECTIONS} connections`;
  log(`warming up 5s, then profiling ${SECONDS}s of ${what}${ROUTE === 'auth' ? `, then ${SECONDS / 2}s of public pings to compare` : ''}`);
  await run({ ...target(ROUTE), seconds: 5 });
  const main = await window(server, { ...target(ROUTE), seconds: SECONDS });
  const baseline = ROUTE === 'auth' ? await window(server, { ...target('public'), seconds: SECONDS / 2 }) : null;
  await stopChild(server, 'SIGUSR2');
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
  const kept = join(ROOT, 'bench/profiles', `${ROUTE}-${keys.length}keys-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  mkdirSync(join(ROOT, 'bench/profiles'), { recursive: true });
  copyFileSync(join(profDir, file), kept);

  const times = selfTimes(profile, main.from, main.to);
  const busyMs = times.total / 1000;
  const wallMs = (main.to - main.from) / 1000;
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  const where = (f) => (f.where ? `\`${f.where}\`` : 'native');
  const rows = (list) => [
    '| # | self | self % | function | where |',
    '|---:|---:|---:|---|---|',
    ...list.map((f, i) => `| ${i + 1} | ${f.ms.toFixed(0)} ms | ${pct(f.share)} | \`${f.fn}\` | ${where(f)} |`),
  ];
  const lines = [
    `\`npm run bench:profile\` (${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs, Node ${process.version}, load ${loadavg()[0].toFixed(1)}): ` +
      `${SECONDS} s of ${what}, ${Math.round(main.load.rps)} req/s; the server's main thread was busy ${Math.round((busyMs / wallMs) * 100)} % of the window ` +
      `(${((busyMs * 1000) / main.load.requests).toFixed(1)} µs per request); its CPU time (/proc, all threads) was ` +
      `${Math.round((100 * main.system) / (main.user + main.system))} % system (kernel), ${Math.round((100 * main.user) / (main.user + main.system))} % user.`,
    '',
    `Top ${TOP} frames by self time (native frames have no location; shares are of the main thread's busy time):`,
    '',
    ...rows(topFrames(times)),
    '',
    `Top ${TOP} JavaScript frames (frames with a source location only):`,
    '',
    ...rows(topFrames(times, { jsOnly: true })),
    '',
    'Self time by package: ' + byPackage(profile, main.from, main.to).map((p) => `${p.group} ${pct(p.share)}`).join(', ') + '.',
  ];
  if (baseline) {
    const base = selfTimes(profile, baseline.from, baseline.to);
    const perRequest = (t, w) => (t.total / w.load.requests).toFixed(1);
    lines.push(
      '',
      `What an authenticated request costs more than a public one (the same server, then ${SECONDS / 2} s of public pings at ` +
        `${Math.round(baseline.load.rps)} req/s): ${perRequest(times, main)} against ${perRequest(base, baseline)} µs of main-thread time per request; ` +
        `the ${TOP} frames with the largest difference, µs of self time per request:`,
      '',
      '| # | authenticated | public | difference | function | where |',
      '|---:|---:|---:|---:|---|---|',
      ...costlierFrames(times, main.load.requests, base, baseline.load.requests).map(
        (f, i) => `| ${i + 1} | ${f.a.toFixed(2)} | ${f.b.toFixed(2)} | ${(f.a - f.b).toFixed(2)} | \`${f.fn}\` | ${where(f)} |`,
      ),
    );
  }
  const table = lines.join('\n');
  console.log(table);
  log(`profile kept in ${relative(ROOT, kept)}`);
  if (SECTION) replaceSection(join(ROOT, 'docs/performance.md'), `profile-${SECTION}`, table);
}

main().then(cleanup, async (error) => {
  log(`failed: ${error?.stack ?? error}`);
  await cleanup();
  process.exitCode = 1;
});
