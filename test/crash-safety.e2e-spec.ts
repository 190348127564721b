import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { sqliteFile } from './support/database-text.js';
import { ADMIN } from './support/harness.js';

/**
 * Crash safety: the built server runs as a child process while clients create API keys as fast as
 * they can; it is killed with SIGKILL mid-stream and restarted on the same database. Every key
 * whose creation answered 200 must still exist and work, and the database must be consistent
 * (SQLite in WAL mode: integrity_check and foreign_key_check; PostgreSQL: no orphans).
 */
const ROOT = resolve(import.meta.dirname, '..');
const ROUNDS = 2;
const WORKERS = 4;
/** Upper bound on create attempts per round, whatever happens. */
const MAX_ATTEMPTS = 400;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

interface Created {
  id: number;
  key: string;
}

describe('crash safety: SIGKILL while creating identities', () => {
  // A build of src/ one level under the project root, like dist/, so its relative paths to
  // migrations/ and console/ hold; one per run, so the SQLite and PostgreSQL projects never share it.
  const build = join(ROOT, `.crash-build-${process.pid}-${randomBytes(3).toString('hex')}`);
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  let base = '';
  let adminAuth = '';
  let adminUid = '';
  const confirmed: Created[] = [];

  async function start(): Promise<void> {
    const port = await freePort();
    const proc = spawn(process.execPath, [join(build, 'main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!output.includes('latchkey listening')) {
      if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}): ${output}`);
      if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    base = `http://127.0.0.1:${port}/api/v3`;
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  }

  async function signIn(): Promise<void> {
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password }),
    });
    expect(res.status).toBe(200);
    adminAuth = `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
    adminUid = (await call('GET', '/users/me', { authorization: adminAuth })).json.data.instanceUid;
  }

  async function consistency(): Promise<void> {
    if (db.dialect === 'sqlite') {
      const sqlite = new DatabaseSync(sqliteFile(db));
      try {
        expect(sqlite.prepare('pragma integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
        expect(sqlite.prepare('pragma foreign_key_check').all()).toEqual([]);
        expect(sqlite.prepare('pragma journal_mode').get()).toEqual({ journal_mode: 'wal' });
      } finally {
        sqlite.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const orphans = await client.query(`
        select (select count(*) from identities i left join users u on u.instance_uid = i.user_instance_uid where u.instance_uid is null)::int as identities,
               (select count(*) from api_key_secrets s left join identities i on i.id = s.identity_id where i.id is null)::int as secrets,
               (select count(*) from identities i where i.provider = 'AK' and not exists (select 1 from api_key_secrets s where s.identity_id = i.id))::int as keyless`);
      expect(orphans.rows[0]).toEqual({ identities: 0, secrets: 0, keyless: 0 });
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', build, '--incremental', 'false', '--sourceMap', 'false'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    db = await createTestDatabase();
    await start();
    await signIn();
  }, 180_000);

  afterAll(async () => {
    await kill();
    await db?.drop();
    rmSync(build, { recursive: true, force: true });
  });

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: every create that answered 200 survives SIGKILL and a restart`, async () => {
      let attempts = 0;
      let stop = false;
      let inFlightAtKill = 0;
      let inFlight = 0;
      const answered: Created[] = [];
      const worker = async () => {
        while (!stop && attempts < MAX_ATTEMPTS) {
          attempts++;
          inFlight++;
          try {
            const res = await call('POST', `/users/${adminUid}/logins/apikey`, { authorization: adminAuth }, { description: `crash round ${round}`, scopes: ['rest'] });
            if (res.status === 200) answered.push({ id: res.json.data.id, key: res.json.data.parameters });
            else if (!stop) throw new Error(`create answered ${res.status} before the kill: ${JSON.stringify(res.json)}`);
          } catch (error) {
            if (!stop) throw error;
          } finally {
            inFlight--;
          }
        }
      };
      const workers = Array.from({ length: WORKERS }, worker);
      // Let the stream run, then kill the server while requests are in flight.
      const deadline = Date.now() + 10_000;
      while (answered.length < 40 && Date.now() < deadline && attempts < MAX_ATTEMPTS) await new Promise((r) => setTimeout(r, 10));
      stop = true;
      inFlightAtKill = inFlight;
      await kill();
      await Promise.all(workers);
      console.info(`crash round ${round} (${db.dialect}): ${attempts} creates sent, ${answered.length} answered 200, ${inFlightAtKill} in flight at SIGKILL`);
      expect(answered.length).toBeGreaterThan(0);
      confirmed.push(...answered);

      await consistency();
      await start();
      await signIn();
      for (const { id, key } of confirmed) {
        const identity = await call('GET', `/users/${adminUid}/logins/${id}`, { authorization: adminAuth });
        expect(identity.status, `identity ${id}`).toBe(200);
        expect(identity.json.data).toMatchObject({ status: 'enabled', keyPrefix: key.slice(0, 11), parameters: '' });
        const used = await call('GET', '/users/me', { 'x-api-key': key });
        expect(used.status, `key of identity ${id}`).toBe(200);
        expect(used.json.data.instanceUid).toBe(adminUid);
      }
      // The restarted server keeps writing.
      const after = await call('POST', `/users/${adminUid}/logins/apikey`, { authorization: adminAuth }, { description: 'after restart', scopes: ['rest'] });
      expect(after.status).toBe(200);
      await consistency();
    }, 120_000);
  }
});
