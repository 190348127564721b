// `npm run soak`: Latchkey as a user deploys it — N instances behind HAProxy (deploy/haproxy.cfg),
// one PostgreSQL, one Redis, all of them the soak's own, on random loopback ports — under mixed
// traffic and scheduled faults, for SOAK_SECONDS. Prints `name value goal` lines, writes the JSON
// result file, and exits 1 when a goal is missed. See docs/deploy.md, "The soak".
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildIfStale } from './build.mjs';
import { checkDatabase, classifyFailures, missingLogLines } from './checks.mjs';
import { Cluster, freePort, sleep, workFolder } from './cluster.mjs';
import { DRAIN_MIN_MS, Faults, QUIET_MS, schedule, STOP_GRACE_MS } from './faults.mjs';
import { parseLog, renderConfig, setServerState } from './haproxy.mjs';
import { createClient } from './http.mjs';
import { Model } from './model.mjs';
import { Probes } from './probes.mjs';
import { print, save, verdict } from './report.mjs';
import { ADMIN, createKey, seed } from './setup.mjs';
import { Traffic } from './traffic.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const SECONDS = env('SOAK_SECONDS', 300);
const INSTANCES = env('SOAK_INSTANCES', 3);
const KEYS = env('SOAK_KEYS', SECONDS >= 240 ? 300 : 60);
const READS_PER_SECOND = env('SOAK_RPS', 40);
const THROUGHPUT_SECONDS = env('SOAK_THROUGHPUT_SECONDS', SECONDS >= 240 ? 5 : 2);
const RATE_LIMIT = 10;
const RESULTS_FILE = process.env.SOAK_RESULTS ?? join(ROOT, 'bench', 'soak', 'results.json');
const KEEP = process.env.SOAK_KEEP === '1';
const STRICT = process.env.SOAK_STRICT === '1';
/**
 * The instances' drain on SIGTERM: the server's default (5 s) in full runs; 3 s in short ones,
 * still above DRAIN_MIN_MS (what HAProxy needs to take an instance out), to keep CI's run short.
 */
const DRAIN_SECONDS = process.env.SOAK_DRAIN_SECONDS ?? (SECONDS >= 240 ? '' : '3');
/** How the instances hear each other's credential changes (CREDENTIAL_EVENTS): notify (default) or poll. */
const CREDENTIAL_EVENTS = process.env.SOAK_CREDENTIAL_EVENTS || 'notify';
const WORK_PREFIX = 'latchkey-soak-';
/** The last stop of every instance: a shorter wait, the verdict does not depend on it. */
const FINAL_STOP_GRACE_MS = 10_000;

const started = Date.now();
const log = (line) => process.stderr.write(`[soak +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

/** Work folders of earlier soaks that died without cleaning up: stop their PostgreSQL, remove them. */
function sweepStale() {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(WORK_PREFIX))) {
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      process.kill(owner, 0);
      continue; // still running
    } catch {
      // owner gone
    }
    const data = join(dir, 'pg', 'data');
    if (existsSync(join(data, 'postmaster.pid')) && existsSync(join(dir, 'pg', 'bin'))) {
      const bin = readFileSync(join(dir, 'pg', 'bin'), 'utf8').trim();
      const args = ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop'];
      try {
        if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
        else execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
      } catch {
        // not running
      }
    }
    rmSync(dir, { recursive: true, force: true });
    log(`removed the work folder of an earlier soak (${name})`);
  }
}

/** Deadlocks PostgreSQL detected (and broke by aborting one transaction), from its own log. */
function deadlocks(logFile) {
  return existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('ERROR:  deadlock detected')).length : null;
}

async function throughput(lb, key, socket, cluster, passes) {
  const others = cluster.instances.slice(1).map((i) => i.name);
  const measure = async () => {
    const result = await autocannon({ url: `${lb.base}/api/v3/ping/authenticated`, connections: 32, duration: THROUGHPUT_SECONDS, headers: { authorization: `Bearer ${key}` } });
    return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors };
  };
  // A warm-up on every instance first (JIT, key cache), not counted.
  await autocannon({ url: `${lb.base}/api/v3/ping/authenticated`, connections: 32, duration: 2, headers: { authorization: `Bearer ${key}` } });
  const runs = [];
  for (let pass = 0; pass < passes; pass++) {
    // All instances first: a server put back from maintenance ramps up for 5 s (slowstart).
    if (pass) await sleep(6000);
    const all = await measure();
    for (const name of others) await setServerState(socket, name, 'maint');
    await sleep(500);
    const one = await measure();
    for (const name of others) await setServerState(socket, name, 'ready');
    runs.push({ one, all, ratio: all.rps / one.rps });
    log(`throughput: 1 instance ${Math.round(one.rps)} req/s, ${cluster.instances.length} instances ${Math.round(all.rps)} req/s`);
  }
  const ratios = runs.map((r) => r.ratio).sort((a, b) => a - b);
  return { ratio: ratios[Math.floor(ratios.length / 2)], runs };
}

async function main() {
  sweepStale();
  buildIfStale(ROOT, log);
  const work = workFolder(mkdtempSync(join(tmpdir(), WORK_PREFIX)));
  writeFileSync(join(work, 'owner.pid'), String(process.pid));
  mkdirSync(join(work, 'reports'));
  const cluster = new Cluster({ root: ROOT, work, log });
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    cluster.cleanup({ keep: KEEP });
    if (KEEP) log(`kept ${work}`);
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      cleanup();
      process.exit(130);
    });
  }
  const watchdog = setTimeout(() => {
    log('watchdog: the soak ran far past its time; stopping');
    cleanup();
    process.exit(3);
  }, (SECONDS + 900) * 1000);
  watchdog.unref();

  await cluster.startPostgres();
  writeFileSync(join(work, 'pg', 'bin'), cluster.pg.bin);
  await cluster.startRedis();
  const instanceEnv = {
    DATABASE_URL: cluster.databaseUrl,
    REDIS_URL: cluster.redis.url,
    TRUST_PROXY: '127.0.0.1',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info',
    CREDENTIAL_EVENTS,
    ...(DRAIN_SECONDS ? { SHUTDOWN_DRAIN_SECONDS: DRAIN_SECONDS } : {}),
    // SIGUSR2 writes a diagnostic report: used on an instance that does not exit after SIGTERM.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --report-on-signal --report-signal=SIGUSR2 --report-directory=${join(work, 'reports')}`.trim(),
  };
  await cluster.defineInstances(INSTANCES, instanceEnv);
  const notes = [];
  // All at once (migrations are safe to race): starting instances under load is most of a short
  // run's set-up time.
  const startAll = async () => {
    const started = await Promise.allSettled(cluster.instances.map((instance) => cluster.startInstance(instance)));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    await startAll();
  } catch (error) {
    if (!/TRUST_PROXY/.test(error.message)) throw error;
    // This build takes TRUST_PROXY as a boolean only; trust every proxy (HAProxy is the only peer).
    notes.push('TRUST_PROXY=127.0.0.1 refused by this build; ran with TRUST_PROXY=true');
    log(notes.at(-1));
    instanceEnv.TRUST_PROXY = 'true';
    await Promise.all(cluster.instances.map((instance) => cluster.stopInstance(instance, 'SIGKILL')));
    await startAll();
  }
  const lbPort = await freePort();
  const socket = join(work, 'haproxy', 'admin.sock');
  await cluster.startHaproxy(renderConfig(join(ROOT, 'deploy', 'haproxy.cfg'), { port: lbPort, socket, servers: cluster.instances }), lbPort);
  log(`${INSTANCES} instances behind haproxy on ${cluster.haproxy.url} (CREDENTIAL_EVENTS=${CREDENTIAL_EVENTS})`);

  const lb = createClient(cluster.haproxy.url, { sockets: 64 });
  const data = await seed(lb, { keys: KEYS });
  log(`seeded ${data.stable.length} keys`);
  const passes = SECONDS >= 240 ? 2 : 1;
  const speed = await throughput(lb, data.stable[0].key, socket, cluster, passes);

  const model = new Model();
  const probes = new Probes(cluster, model);
  const rateLimit = async () => {
    const res = await createKey(lb, data.session.token, data.services[0], { description: `soak-limit-${Date.now()}`, rateLimitPerMinute: RATE_LIMIT });
    if (res.status !== 200) return { error: res.status };
    return probes.rateLimitBurst(res.body.data.parameters, RATE_LIMIT);
  };
  const faults = new Faults({ cluster, model, probes, lb, data, socket, log, rateLimit });
  const traffic = new Traffic({ lb, model, probes, data, readsPerSecond: READS_PER_SECOND, log });
  model.startedAt = Date.now();
  traffic.start();
  log(`traffic for ${SECONDS} s`);
  const bursts = [];
  await sleep(1500);
  bursts.push(await rateLimit());
  for (const planned of schedule(SECONDS)) {
    await sleep(Math.max(QUIET_MS, model.startedAt + planned.at - Date.now()));
    await faults.inject(planned.kind, planned.round);
  }
  await sleep(QUIET_MS);
  bursts.push(await rateLimit());
  await sleep(Math.max(QUIET_MS, model.startedAt + SECONDS * 1000 - Date.now()));
  await traffic.stop();
  const trafficMs = Date.now() - model.startedAt;
  log(`traffic stopped after ${Math.round(trafficMs / 1000)} s; waiting for the revocation probes`);
  await probes.settle();

  log('checking the database, probing every revoked key once more');
  const db = await checkDatabase(cluster.databaseUrl, model);
  const sweep = [...model.revoked, ...db.revokedInDatabase.map((r) => ({ ...r, ackAt: 0, probes: [], acceptedLate: [] }))];
  await probes.finalSweep(sweep);
  // Then every instance stops gracefully, and the database is read again: what their buffers
  // held must be written by then, as after any rolling restart.
  log(`${sweep.length} revoked keys probed; stopping the instances (SIGTERM)`);
  await Promise.all(cluster.instances.map((instance) => cluster.stopInstance(instance, 'SIGTERM', FINAL_STOP_GRACE_MS)));
  log('instances stopped');
  const afterStop = await checkDatabase(cluster.databaseUrl, model);
  await sleep(300);
  const haproxyLog = parseLog(cluster.haproxy.logFile);
  const failures = classifyFailures(model, haproxyLog);
  const logLines = missingLogLines(cluster.lifetimes, model, probes);
  probes.close();
  lb.close();

  const count = (kind) => model.faults.filter((f) => f.kind === kind).length;
  const late = sweep.filter((e) => e.acceptedLate.length);
  const propagation = [...probes.propagationMs].sort((a, b) => a - b);
  const quiet = bursts.filter((b) => b.limit);
  const overshoot = quiet.length ? Math.max(...quiet.map((b) => b.overshoot)) : null;
  const redisDown = faults.redisBursts.filter((b) => b.limit);
  const recoveries = faults.postgresRecoveries;
  const lostBuffers = (signal) => afterStop.buffers[signal].reduce((n, c) => n + c.missing.length, 0);
  const round = (v, d = 2) => (v === null || v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d);
  const results = {
    revoked_key_accepted_after_1s: { value: late.length, goal: '0', detail: { revocations: sweep.length, late: late.map((e) => ({ how: e.how, identityId: e.identityId, acceptedLate: e.acceptedLate.slice(0, 5) })) } },
    lost_acknowledged_writes: { value: afterStop.lost.length, goal: '0', detail: afterStop.lost.slice(0, 20) },
    half_applied_failed_writes: { value: afterStop.halfApplied.length, goal: '0', detail: afterStop.halfApplied.slice(0, 20) },
    writes_applied_twice: { value: afterStop.twice.length, goal: '0', detail: afterStop.twice.slice(0, 20) },
    audit_entries_lost: { value: afterStop.auditLost.length, goal: '0', detail: afterStop.auditLost.slice(0, 20) },
    responses_5xx_outside_faults: { value: failures.outside.length, goal: '0', detail: failures.outside.slice(0, 30) },
    responses_failed_during_faults: {
      value: Object.values(failures.byKind).reduce((n, list) => n + list.length, 0),
      goal: 'report',
      detail: Object.fromEntries(Object.entries(failures.byKind).map(([kind, list]) => [kind, { count: list.length, sample: list.slice(0, 10) }])),
    },
    failed_not_in_flight_on_killed_instance: { value: failures.unexplainedKill.length, goal: '0', detail: failures.unexplainedKill.slice(0, 20) },
    responses_failed_during_kill: { value: failures.count('kill'), goal: 'report' },
    responses_failed_during_postgres_restart: { value: failures.count('postgres'), goal: 'report' },
    responses_failed_during_redis_outage: { value: failures.count('redis'), goal: '0' },
    responses_failed_during_rolling_restart: { value: failures.count('rolling'), goal: '0' },
    rate_limit_overshoot: { value: overshoot, goal: `<=${INSTANCES - 1}`, detail: bursts },
    rate_limit_overshoot_redis_down: { value: redisDown.length ? Math.max(...redisDown.map((b) => b.overshoot)) : null, goal: 'report', detail: faults.redisBursts },
    ratio_3_instances_vs_1: { value: round(speed.ratio), goal: 'report', detail: speed.runs },
    recovery_ms_after_postgres_restart: { value: recoveries.includes(null) || !recoveries.length ? null : Math.max(...recoveries), goal: 'report', detail: recoveries },
    revocation_propagation_ms_max: { value: propagation.length ? propagation.at(-1) : null, goal: 'report', detail: { probes: propagation.length, p50: propagation[Math.floor(propagation.length / 2)] ?? null, p99: propagation[Math.floor(propagation.length * 0.99)] ?? null } },
    sigterm_without_drain: { value: faults.drains.filter((d) => d.drainMs < DRAIN_MIN_MS).length, goal: '0', detail: faults.drains.map(({ seen, ...d }) => ({ ...d, seen: seen.slice(0, 8) })) },
    sigterm_not_exited_in_time: {
      value: cluster.lifetimes.filter((l) => l.overdue).length,
      goal: '0',
      detail: cluster.lifetimes.filter((l) => l.overdue).map((l) => ({ instance: l.name, generation: l.generation, graceMs: l.graceMs, report: l.report, databaseSessions: l.databaseSessions })),
    },
    sigterm_exit_ms_max: { value: faults.drains.length ? Math.max(...faults.drains.map((d) => d.exitMs)) : null, goal: 'report', detail: faults.drains.map((d) => ({ instance: d.instance, exitMs: d.exitMs, exit: d.exit })) },
    // From the moment it stopped listening to its exit: finishing the requests in flight and flushing.
    sigterm_close_ms_max: { value: faults.drains.length ? Math.max(...faults.drains.map((d) => d.exitMs - (d.msUntilRefused ?? 0))) : null, goal: '<=3000' },
    postgres_deadlocks: { value: deadlocks(cluster.pg.logFile), goal: '0' },
    log_lines_lost_on_sigterm: { value: logLines.SIGTERM.missing, goal: '0', detail: logLines.SIGTERM },
    buffers_lost_on_sigterm: { value: lostBuffers('SIGTERM'), goal: '0', detail: afterStop.buffers.SIGTERM },
    log_lines_lost_on_sigkill: { value: logLines.SIGKILL.missing, goal: 'report', detail: logLines.SIGKILL },
    buffers_lost_on_sigkill: { value: lostBuffers('SIGKILL'), goal: 'report', detail: afterStop.buffers.SIGKILL },
    login_audit_entries_lost: { value: afterStop.logins.acknowledged - afterStop.logins.audited, goal: 'report', detail: afterStop.logins },
    unexpected_4xx: { value: failures.unexpected4xx, goal: 'report' },
    requests_through_haproxy: { value: model.requests.length, goal: 'report' },
    faults_injected: { value: `kill=${count('kill')},postgres=${count('postgres')},redis=${count('redis')},rolling=${count('rolling')}`, goal: 'report' },
  };
  // The checks before the final graceful stop must agree with those after it on the durable writes.
  if (db.lost.length !== afterStop.lost.length) notes.push(`lost writes before the final stop: ${db.lost.length}, after: ${afterStop.lost.length}`);
  const outcome = verdict(results, { strict: STRICT });
  print(results, outcome);
  save(RESULTS_FILE, results, outcome, {
    startedAt: new Date(started).toISOString(),
    seconds: SECONDS,
    credentialEvents: CREDENTIAL_EVENTS,
    trafficMs,
    instances: INSTANCES,
    machine: { cpus: cpus().length, loadavg: loadavg().map((l) => round(l)) },
    notes,
    faults: model.faults.map((f) => ({ kind: f.kind, round: f.round, atMs: f.start - model.startedAt, durationMs: f.end - f.start, details: f.details })),
    drains: faults.drains,
  });
  log(`results in ${RESULTS_FILE}`);
  cleanup();
  return outcome.failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`soak: ${error.stack ?? error}\n`);
    process.exit(2);
  },
);
