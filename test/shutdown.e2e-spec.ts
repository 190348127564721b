import { request } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { sqliteFile } from './support/database-text.js';
import { ADMIN } from './support/harness.js';
import { buildServer, type ServerProcess, startServer } from './support/server-process.js';

/**
 * A graceful stop, on the built server as systemd runs it: on SIGTERM it drains (not ready, still
 * serving, every answer closing its connection), then stops, writes what it buffered (last-used
 * times, their audit entries, folded refusals) and its last log lines, and exits 0.
 */
interface Answer {
  id: string;
  status: number;
  connection?: string;
}

/** One request on a connection of its own (no keep-alive: each shows whether new ones are accepted). */
function call(base: string, method: string, path: string, id: string, headers: Record<string, string> = {}, body?: string): Promise<Answer & { body: string }> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { method, agent: false, headers: { 'x-request-id': id, ...headers }, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ id, status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', () => resolve({ id, status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

async function rows(db: TestDatabase, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  if (db.dialect === 'sqlite') {
    const sqlite = new DatabaseSync(sqliteFile(db));
    try {
      return sqlite.prepare(sql.replace(/\$\d+/g, '?')).all(...(params as string[])) as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('graceful shutdown on SIGTERM', () => {
  let build: ReturnType<typeof buildServer>;
  let db: TestDatabase;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    build = buildServer('shutdown');
    db = await createTestDatabase();
  }, 180_000);
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await db?.drop();
    build?.remove();
  });

  it('drains, finishes, writes its buffers and last log lines, and exits 0', async () => {
    server = await startServer(build.dir, {
      DATABASE_URL: db.url,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_SECONDS: '2',
      SHUTDOWN_TIMEOUT_SECONDS: '10',
      LOGIN_FAILURES_PER_15_MINUTES: '1000',
    });
    const base = server.url;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const token = await call(base, 'POST', '/api/v3/token', 'login', form, new URLSearchParams({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password }).toString());
    expect(token.status).toBe(200);
    const auth = { authorization: `Bearer ${(JSON.parse(token.body) as { access_token: string }).access_token}` };
    const me = JSON.parse((await call(base, 'GET', '/api/v3/users/me', 'me', auth)).body) as { data: { instanceUid: string } };
    const keys: { id: number; key: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const created = await call(base, 'POST', `/api/v3/users/${me.data.instanceUid}/logins/apikey?description=shutdown-${i}&scopes=rest`, `create-${i}`, auth);
      expect(created.status).toBe(200);
      const { id, parameters } = (JSON.parse(created.body) as { data: { id: number; parameters: string } }).data;
      keys.push({ id, key: parameters });
    }

    const answers: (Answer & { path: string })[] = [];
    const rounds: { ready: number; use: number }[] = [];
    const used = new Set<number>();
    server.child.kill('SIGTERM');
    // Bounded: each key once (a new last-used entry each time), until the port is closed.
    for (let i = 0; i < keys.length; i++) {
      const probe = await call(base, 'GET', '/health/ready', `ready-${i}`);
      const use = await call(base, 'GET', '/api/v3/ping/authenticated', `use-${i}`, { authorization: `Bearer ${keys[i].key}` });
      answers.push({ ...use, path: 'ping' });
      if (use.status === 200) used.add(keys[i].id);
      rounds.push({ ready: probe.status, use: use.status });
      const refused = await call(base, 'POST', '/api/v3/token', `refused-${i}`, form, 'grant_type=password&username=nobody&password=wrong-password');
      answers.push({ ...refused, path: 'token' });
      if (use.status === 0 && probe.status === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const exit = await server.exited(30_000);
    expect(exit).toEqual({ code: 0, signal: null, killed: false });

    // Drained: not ready (and never ready again) while keys were still accepted, every answer
    // closing its connection. (The first probe may be answered before the signal is handled.)
    const draining = rounds.findIndex((r) => r.ready === 503);
    expect(draining, JSON.stringify(rounds)).toBeGreaterThanOrEqual(0);
    expect(rounds.slice(draining).filter((r) => r.ready === 200)).toEqual([]);
    expect(rounds.slice(draining).filter((r) => r.use === 200).length, JSON.stringify(rounds)).toBeGreaterThan(0);
    const served = answers.filter((a) => a.status !== 0);
    expect(served.filter((a) => a.connection !== 'close')).toEqual([]);
    expect(served.filter((a) => a.status >= 500)).toEqual([]);

    // Every answer has its request line, and the last line says it shut down.
    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; reqId?: string });
    const logged = new Set(lines.filter((l) => l.msg === 'request completed').map((l) => l.reqId));
    expect(served.map((a) => a.id).filter((id) => !logged.has(id))).toEqual([]);
    expect(lines.at(-1)?.msg).toBe('shut down');

    // Buffered writes reached the database before it was closed.
    const ids = [...used];
    const identities = await rows(db, `select id, last_used_at from identities where id in (${ids.map((_, i) => `$${i + 1}`).join(',')})`, ids);
    expect(identities.filter((r) => !r.last_used_at)).toEqual([]);
    const audited = await rows(db, `select target_id from audit_entries where action = 'identity.used'`, []);
    expect(ids.filter((id) => !audited.some((r) => String(r.target_id) === String(id)))).toEqual([]);
    const refusals = await rows(db, `select details from audit_entries where action = 'login.failed'`, []);
    const counted = refusals.reduce((n, r) => n + Number((typeof r.details === 'string' ? JSON.parse(r.details) : r.details).count ?? 1), 0);
    expect(counted).toBe(served.filter((a) => a.path === 'token').length);
  });
});
