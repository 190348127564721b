// The soak's own parts, all on loopback ports chosen at random: a PostgreSQL cluster in a temporary
// folder (so that restarting it harms nobody), a Redis server, N Latchkey instances and HAProxy.
// Everything started here is stopped by cleanup(), which is synchronous so that it also runs from
// an 'exit' handler, after an error or on SIGINT.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createClient } from './http.mjs';

const run = promisify(execFile);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort() {
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

/** The newest installed PostgreSQL server binaries (Debian layout), or SOAK_PG_BIN. */
function postgresBin() {
  if (process.env.SOAK_PG_BIN) return process.env.SOAK_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql), or set SOAK_PG_BIN');
  return join(root, versions[0], 'bin');
}

const isRoot = process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, its commands run as the postgres user. */
function asPostgres(command, args) {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export class Cluster {
  constructor({ root, work, log }) {
    this.root = root;
    this.work = work;
    this.log = log;
    this.children = new Map(); // pid -> { child, what }
    this.instances = []; // { name, port, process, lifetime }
    this.lifetimes = []; // every start of an instance, in order
    this.pg = null;
    this.redis = null;
    this.haproxy = null;
  }

  // ---- PostgreSQL -------------------------------------------------------------------------

  async startPostgres() {
    const bin = postgresBin();
    const dir = join(this.work, 'pg');
    mkdirSync(join(dir, 'sock'), { recursive: true });
    if (isRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
    const port = await freePort();
    this.pg = { bin, dir, data: join(dir, 'data'), sock: join(dir, 'sock'), port, logFile: join(dir, 'postgresql.log') };
    const [cmd, args] = asPostgres(join(bin, 'initdb'), ['-D', this.pg.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await run(cmd, args, { timeout: 60_000 });
    await this.postgresUp();
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query('create database latchkey');
    await admin.end();
    this.databaseUrl = `postgresql://postgres@127.0.0.1:${port}/latchkey`;
    this.log(`postgresql ${bin} on 127.0.0.1:${port}`);
  }

  async postgresUp() {
    const { bin, data, sock, port, logFile } = this.pg;
    const options = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c max_connections=100`;
    const [cmd, args] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']);
    await run(cmd, args, { timeout: 70_000 });
    this.pg.running = true;
  }

  /** `fast` ends the sessions and checkpoints; `immediate` is a crash (recovery on the next start). */
  async postgresDown(mode = 'fast') {
    const { bin, data } = this.pg;
    const [cmd, args] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    await run(cmd, args, { timeout: 70_000 });
    this.pg.running = false;
  }

  /** PostgreSQL's view of the sessions behind some local ports ("port->remote" strings). */
  async sessionsOf(sockets) {
    const ports = sockets.filter((s) => s.endsWith(`->${this.pg?.port}`)).map((s) => Number(s.split('->')[0]));
    if (!ports.length || !this.pg?.running) return [];
    const client = new pg.Client({ host: '127.0.0.1', port: this.pg.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select client_port, application_name, state, wait_event_type, wait_event, now() - state_change as in_state, left(query, 200) as query
           from pg_stat_activity where client_port = any($1::int[])`,
        [ports],
      );
      return rows.map((r) => ({ ...r, in_state: String(r.in_state?.toPostgres?.() ?? JSON.stringify(r.in_state)) }));
    } finally {
      await client.end();
    }
  }

  // ---- Redis ------------------------------------------------------------------------------

  async startRedis() {
    const port = this.redis?.port ?? (await freePort());
    const dir = join(this.work, 'redis');
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, 'redis.log');
    const child = this.spawnLogged('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], logFile, 'redis');
    this.redis = { port, child, logFile, url: `redis://127.0.0.1:${port}` };
    const deadline = Date.now() + 20_000;
    while (!readFileSync(logFile, 'utf8').includes('Ready to accept connections')) {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start in 20 s');
      await sleep(50);
    }
  }

  async stopRedis(signal = 'SIGTERM') {
    const { child } = this.redis;
    await this.signal(child, signal);
    this.redis.child = null;
  }

  // ---- Latchkey instances -------------------------------------------------------------------

  /** Declares the instances (their ports stay the same across restarts, as HAProxy knows them). */
  async defineInstances(count, env) {
    this.instanceEnv = env;
    for (let i = 1; i <= count; i++) this.instances.push({ name: `latchkey${i}`, port: await freePort(), child: null, lifetime: null });
  }

  instance(name) {
    return this.instances.find((instance) => instance.name === name);
  }

  /** Starts an instance and resolves when its /health/ready answers 200 (or rejects on exit/timeout). */
  async startInstance(instance, { extraEnv = {}, timeoutMs = 90_000 } = {}) {
    const generation = this.lifetimes.filter((l) => l.name === instance.name).length;
    const logFile = join(this.work, `${instance.name}.${generation}.log`);
    const env = { ...process.env, ...this.instanceEnv, ...extraEnv, PORT: String(instance.port), HOST: '127.0.0.1' };
    const child = this.spawnLogged(process.execPath, ['dist/main.js'], logFile, instance.name, { cwd: this.root, env });
    const lifetime = { name: instance.name, generation, logFile, pid: child.pid, startedAt: Date.now(), readyAt: null, stoppedAt: null, endedBy: null, exit: null };
    child.on('exit', (code, signal) => {
      lifetime.exit = { code, signal, at: Date.now() };
    });
    this.lifetimes.push(lifetime);
    instance.child = child;
    instance.lifetime = lifetime;
    const client = createClient(`http://127.0.0.1:${instance.port}`, { sockets: 1, timeoutMs: 2000 });
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (lifetime.exit) throw new Error(`${instance.name} exited (${lifetime.exit.code ?? lifetime.exit.signal}): ${readFileSync(logFile, 'utf8').slice(-3000)}`);
        const res = await client.get('/health/ready', { id: `soak-ready-${instance.name}` });
        if (res.status === 200) break;
        if (Date.now() > deadline) throw new Error(`${instance.name} was not ready in ${timeoutMs} ms`);
        await sleep(100);
      }
    } finally {
      client.close();
    }
    lifetime.readyAt = Date.now();
    return lifetime;
  }

  /**
   * Sends a signal to an instance and resolves when it has exited. One still running `graceMs`
   * after SIGTERM is asked for a Node diagnostic report (SIGUSR2: what holds it open), then
   * killed, as systemd does after TimeoutStopSec.
   */
  async stopInstance(instance, signal, graceMs = 30_000) {
    const lifetime = instance.lifetime;
    const child = instance.child;
    lifetime.stoppedAt = Date.now();
    lifetime.endedBy = signal;
    lifetime.graceMs = graceMs;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      let timer;
      const overdue = new Promise((resolve) => (timer = setTimeout(resolve, graceMs, 'overdue')));
      if ((await Promise.race([exited, overdue])) === 'overdue') {
        lifetime.overdue = true;
        child.kill('SIGUSR2');
        await sleep(1500);
        lifetime.report = diagnosticSummary(join(this.work, 'reports'), child.pid);
        lifetime.databaseSessions = await this.sessionsOf(lifetime.report?.sockets ?? []).catch((error) => error.message);
        child.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    }
    instance.child = null;
    return lifetime;
  }

  // ---- HAProxy ----------------------------------------------------------------------------

  async startHaproxy(configText, port) {
    const dir = join(this.work, 'haproxy');
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'haproxy.cfg');
    writeFileSync(configFile, configText);
    const bin = process.env.SOAK_HAPROXY ?? '/usr/sbin/haproxy';
    await run(bin, ['-c', '-f', configFile], { timeout: 20_000 }).catch((error) => {
      throw new Error(`haproxy rejected its configuration: ${error.stderr || error.message}`);
    });
    const logFile = join(dir, 'haproxy.log');
    const child = this.spawnLogged(bin, ['-db', '-f', configFile], logFile, 'haproxy');
    this.haproxy = { child, logFile, configFile, port, url: `http://127.0.0.1:${port}` };
    const client = createClient(this.haproxy.url, { sockets: 1, timeoutMs: 2000 });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`haproxy exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
        const res = await client.get('/api/v3/ping', { id: 'soak-haproxy-up' });
        if (res.status === 200) break;
        if (Date.now() > deadline) throw new Error('haproxy did not pass a request in 30 s');
        await sleep(100);
      }
    } finally {
      client.close();
    }
  }

  // ---- processes --------------------------------------------------------------------------

  spawnLogged(command, args, logFile, what, options = {}) {
    const out = openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', out, out], ...options });
    closeSync(out);
    child.on('error', (error) => this.log(`${what}: ${error.message}`));
    this.children.set(child.pid, { child, what });
    child.on('exit', () => this.children.delete(child.pid));
    return child;
  }

  async signal(child, signal, graceMs = 30_000) {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops everything this soak started, synchronously; safe to call more than once. */
  cleanup({ keep = false } = {}) {
    for (const { child } of this.children.values()) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    this.children.clear();
    if (this.pg && existsSync(join(this.pg.data, 'postmaster.pid'))) {
      const [cmd, args] = asPostgres(join(this.pg.bin, 'pg_ctl'), ['-D', this.pg.data, '-m', 'immediate', '-w', '-t', '20', 'stop']);
      try {
        execFileSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
      } catch {
        // not running
      }
    }
    if (!keep) rmSync(this.work, { recursive: true, force: true });
  }
}

/**
 * The open handles of a process from its Node diagnostic report (written on SIGUSR2 by
 * --report-on-signal): what kept it from exiting.
 */
function diagnosticSummary(dir, pid) {
  try {
    const file = readdirSync(dir).filter((f) => f.includes(`.${pid}.`)).sort().at(-1);
    if (!file) return null;
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const handles = (report.libuv ?? []).filter((h) => h.is_active || h.is_referenced);
    const counts = {};
    for (const h of handles) counts[h.type] = (counts[h.type] ?? 0) + 1;
    const sockets = handles.filter((h) => h.type === 'tcp').map((h) => `${h.localEndpoint?.port ?? '?'}->${h.remoteEndpoint?.port ?? '?'}`);
    return { file: join(dir, file), counts, sockets: sockets.slice(0, 40), stack: (report.javascriptStack?.stack ?? []).slice(0, 10) };
  } catch (error) {
    return { error: error.message };
  }
}

/** A temporary work folder that the postgres user may enter (its cluster lives inside). */
export function workFolder(base) {
  mkdirSync(base, { recursive: true });
  chmodSync(base, 0o755);
  return base;
}
