import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, login, me } from './support/api.js';
import { createTestDatabase, type TestDatabase, testDialect } from './support/database.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Nothing is lost and nothing is sent twice: deliveries pending when the server is killed with
 * SIGKILL go out after it restarts, and two instances sharing one PostgreSQL database deliver each
 * event once between them, retries included.
 */
const ROOT = resolve(import.meta.dirname, '..');
const KEYS = 12;
const FAST = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_EXPIRY_SCAN_MS: '60000' };

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Each event id the receiver accepted, with how often. */
function acceptedCounts(receiver: WebhookReceiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of receiver.accepted) counts.set(r.json.id, (counts.get(r.json.id) ?? 0) + 1);
  return counts;
}

describe('webhook deliveries survive a crash and are sent once across instances', () => {
  const build = join(ROOT, `.webhook-build-${process.pid}-${randomBytes(3).toString('hex')}`);
  const receivers: WebhookReceiver[] = [];
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  let base = '';

  async function start(): Promise<void> {
    const port = await freePort();
    const proc = spawn(process.execPath, [join(build, 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: String(port), ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn', ...FAST },
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

  async function call(method: string, path: string, auth: string, body?: unknown): Promise<any> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status, `${method} ${path}`).toBe(200);
    return res.json();
  }

  async function signIn(): Promise<string> {
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password }),
    });
    expect(res.status).toBe(200);
    return `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', build, '--incremental', 'false', '--sourceMap', 'false'], { cwd: ROOT, stdio: 'pipe' });
    db = await createTestDatabase();
  }, 180_000);

  afterAll(async () => {
    await kill();
    for (const r of receivers) await r.close();
    await db?.drop();
    rmSync(build, { recursive: true, force: true });
  });

  it('delivers what was pending at SIGKILL once the server is back', async () => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    receiver.answer = () => 503;
    await start();
    let auth = await signIn();
    await call('POST', '/webhooks', auth, { url: receiver.url, events: ['key.created'] });
    const adminUid = (await call('GET', '/users/me', auth)).data.instanceUid;
    const keys: number[] = [];
    for (let i = 0; i < KEYS; i++) keys.push((await call('POST', `/users/${adminUid}/logins/apikey`, auth, { description: `crash ${i}`, scopes: ['rest'] })).data.id);
    // Some attempts have failed, so deliveries are queued (some leased to the process about to die).
    await receiver.waitFor((r) => r.received.length >= KEYS, 'first attempts');
    await kill();
    const refusedBeforeKill = receiver.received.length;
    receiver.answer = () => 200;
    await start();
    await receiver.waitFor((r) => acceptedCounts(r).size === KEYS, 'every pending delivery after the restart', 30_000);
    const counts = acceptedCounts(receiver);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(receiver.accepted.map((r) => r.json.data.identityId))).toEqual(new Set(keys));
    expect(refusedBeforeKill).toBeGreaterThanOrEqual(KEYS);
    // The restarted server keeps delivering new events.
    auth = await signIn();
    const after = (await call('POST', `/users/${adminUid}/logins/apikey`, auth, { description: 'after restart', scopes: ['rest'] })).data.id;
    await receiver.waitFor((r) => r.accepted.some((x) => x.json.data.identityId === after), 'the event after the restart');
    await kill();
  }, 120_000);

  it('finishes and records a delivery in flight when the server shuts down gracefully', async () => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    receiver.delayMs = 800;
    const shared = await createTestDatabase();
    try {
      const first = await startApp(FAST, shared);
      const session = await login(first);
      const hook = await first.http.post(`${API}/webhooks`).set(session.auth).send({ url: receiver.url, events: ['key.created'] }).expect(200);
      await createKey(first, session.auth, (await me(first, session.auth)).instanceUid, { description: 'in flight at shutdown' });
      await receiver.waitFor((r) => r.pending === 1, 'the attempt to start');
      await first.close();
      expect(receiver.received.map((r) => r.status)).toEqual([204]);
      // A new instance on the same database finds the attempt recorded: nothing is sent again.
      const second = await startApp(FAST, shared);
      try {
        const list = await second.http.get(`${API}/webhooks/${hook.body.data.id}/deliveries`).set((await login(second)).auth).expect(200);
        expect(list.body.data).toMatchObject([{ status: 'succeeded', attemptCount: 1 }]);
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.received).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await shared.drop();
    }
  }, 60_000);

  it.runIf(testDialect() === 'postgresql')('two instances on one PostgreSQL deliver each event once between them', async () => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    // Every third request fails, so retries are claimed by either instance too.
    receiver.answer = (n) => (n % 3 === 0 ? 500 : 204);
    const shared = await createTestDatabase();
    const first: TestApp = await startApp(FAST, shared);
    let second: TestApp | undefined;
    try {
      second = await startApp(FAST, shared);
      const sessions = [await login(first), await login(second)];
      const res = await first.http.post(`${API}/webhooks`).set(sessions[0].auth).send({ url: receiver.url, events: ['key.created', 'key.deleted'] });
      expect(res.status).toBe(200);
      const adminUid = (await me(first, sessions[0].auth)).instanceUid;
      const apps = [first, second];
      const made = await Promise.all(
        Array.from({ length: 2 * KEYS }, (_, i) => createKey(apps[i % 2], sessions[i % 2].auth, adminUid, { description: `pair ${i}` })),
      );
      for (let i = 0; i < made.length; i += 3) await apps[(i + 1) % 2].http.delete(`${API}/users/${adminUid}/logins/${made[i].id}`).set(sessions[(i + 1) % 2].auth).expect(200);
      const expected = made.length + Math.ceil(made.length / 3);
      await receiver.waitFor((r) => acceptedCounts(r).size === expected, 'every event', 30_000);
      // Let any duplicate that might be on its way arrive before counting.
      await new Promise((r) => setTimeout(r, 500));
      const counts = acceptedCounts(receiver);
      expect(counts.size).toBe(expected);
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      // One delivery per event in the database, each succeeded.
      const list = await first.http.get(`${API}/webhooks/${res.body.data.id}/deliveries?limit=500`).set(sessions[0].auth).expect(200);
      expect(list.body.meta.pagingInfo.total).toBe(expected);
    } finally {
      await second?.close();
      await first.close();
      await shared.drop();
    }
  }, 120_000);
});
