import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, expectEnvelopeError, login, me } from './support/api.js';
import { databaseText, tableRows } from './support/database-text.js';
import { startApp, type TestApp } from './support/harness.js';

const REPLAYED = 'x-request-replayed';

/** `X-Request-id` idempotence: a retry within the window gets the first answer; nothing runs twice. */
describe('X-Request-id idempotence', () => {
  let t: TestApp;
  let second: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;

  const mint = (app: TestApp, id: string, description = 'idempotent key', auth = admin) =>
    app.http.post(`${API}/users/${adminUid}/logins/apikey`).set(auth).set('X-Request-id', id).query({ description, scopes: 'rest' });
  const keysNamed = async (description: string) => {
    const res = await t.http.get(`${API}/users/${adminUid}/logins`).set(admin);
    return (res.body.data as { description: string; identityProviderName: string }[]).filter((i) => i.identityProviderName === 'AK' && i.description === description);
  };

  beforeAll(async () => {
    t = await startApp({ LOG_LEVEL: 'warn' });
    // A second instance on the same database: records are shared through it.
    second = await startApp({ LOG_LEVEL: 'warn' }, t.db);
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('answers a replayed key creation with the same identity and key, and creates one identity', async () => {
    const id = randomUUID();
    const first = await mint(t, id, 'replayed key');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers[REPLAYED]).toBeUndefined();
    const again = await mint(t, id, 'replayed key');
    expect(again.status).toBe(200);
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.body.data.parameters).toBe(first.body.data.parameters);
    expect(await keysNamed('replayed key')).toHaveLength(1);
    // The replayed key is the real one.
    expect((await t.http.get(`${API}/users/me`).set('Authorization', first.body.data.parameters)).status).toBe(200);
  });

  it('keeps the answer sealed: the key is nowhere in the database in clear', async () => {
    const id = randomUUID();
    const { body } = await mint(t, id, 'sealed key');
    const key = body.data.parameters as string;
    const rows = (await tableRows(t.db, (name) => name === 'idempotency_records')).idempotency_records;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(String(row.outcome)).toMatch(/^v1:/);
      expect(JSON.stringify(row)).not.toContain(id);
    }
    const text = await databaseText(t.db);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(11));
  });

  it('answers a replayed delete with the first answer, not a 404', async () => {
    const { id: loginId } = await createKey(t, admin, adminUid, { description: 'to delete' });
    const requestId = randomUUID();
    const first = await t.http.delete(`${API}/users/${adminUid}/logins/${loginId}`).set(admin).set('X-Request-id', requestId);
    expect(first.status).toBe(200);
    const again = await t.http.delete(`${API}/users/${adminUid}/logins/${loginId}`).set(admin).set('X-Request-id', requestId);
    expect(again.status).toBe(200);
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body).toEqual({ data: true });
    expectEnvelopeError(await t.http.delete(`${API}/users/${adminUid}/logins/${loginId}`).set(admin).set('X-Request-id', randomUUID()), 404);
  });

  it('answers a replayed patch without patching again', async () => {
    const { id: loginId } = await createKey(t, admin, adminUid, { description: 'to patch' });
    const requestId = randomUUID();
    const patch = [{ op: 'replace', path: '/description', value: 'patched once' }];
    const first = await t.http.patch(`${API}/users/${adminUid}/logins/${loginId}`).set(admin).set('X-Request-id', requestId).send(patch);
    expect(first.status).toBe(200);
    await t.http.patch(`${API}/users/${adminUid}/logins/${loginId}`).set(admin).send([{ op: 'replace', path: '/description', value: 'patched twice' }]).expect(200);
    const again = await t.http.patch(`${API}/users/${adminUid}/logins/${loginId}`).set(admin).set('X-Request-id', requestId).send(patch);
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body.data.description).toBe('patched once');
    const now = await t.http.get(`${API}/users/${adminUid}/logins/${loginId}`).set(admin);
    expect(now.body.data.description).toBe('patched twice');
  });

  it('refuses the same id for another body, path or method with a logical 422', async () => {
    const id = randomUUID();
    expect((await mint(t, id, 'first body')).status).toBe(200);
    const otherBody = await mint(t, id, 'second body');
    expectEnvelopeError(otherBody, 422);
    expect(otherBody.body.errors[0]).toMatchObject({ type: 'logical', parameterName: 'X-Request-id' });
    expectEnvelopeError(await t.http.post(`${API}/users/${adminUid}/logins/1/rotate`).set(admin).set('X-Request-id', id).send({}), 422);
    expectEnvelopeError(await t.http.delete(`${API}/users/${adminUid}/logins/1`).set(admin).set('X-Request-id', id), 422);
    expect(await keysNamed('second body')).toHaveLength(0);
  });

  it('keeps callers apart: another credential with the same id runs its own request', async () => {
    const id = randomUUID();
    const key = (await createKey(t, admin, adminUid, { description: 'caller key' })).key;
    const bySession = await mint(t, id, 'per caller');
    const byKey = await mint(t, id, 'per caller', { Authorization: key });
    expect(byKey.status).toBe(200);
    expect(byKey.headers[REPLAYED]).toBeUndefined();
    expect(byKey.body.data.id).not.toBe(bySession.body.data.id);
    // Another session of the same user is the same caller (a retry after a token refresh).
    const other = (await login(t)).auth;
    const retried = await mint(t, id, 'per caller', other);
    expect(retried.headers[REPLAYED]).toBe('true');
    expect(retried.body.data.id).toBe(bySession.body.data.id);
  });

  it('lets concurrent duplicates wait for the first: one identity, one key for all', async () => {
    const id = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => mint(i % 2 ? second : t, id, 'concurrent key')));
    for (const answer of answers) expect([200, 409], JSON.stringify(answer.body)).toContain(answer.status);
    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((answer) => answer.body.data.parameters)).size).toBe(1);
    for (const busy of answers.filter((answer) => answer.status === 409)) {
      expect(busy.body.errors[0].type).toBe('retryableLogical');
      expect(busy.headers['retry-after']).toBe('1');
    }
    expect(await keysNamed('concurrent key')).toHaveLength(1);
  });

  it('shares records between instances on one database', async () => {
    const id = randomUUID();
    const first = await mint(t, id, 'shared key');
    const again = await mint(second, id, 'shared key');
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body.data.parameters).toBe(first.body.data.parameters);
    expectEnvelopeError(await mint(second, id, 'other key'), 422);
    expect(await keysNamed('shared key')).toHaveLength(1);
  });

  it('frees the id of a failed request, so the corrected request runs', async () => {
    const id = randomUUID();
    expectEnvelopeError(await mint(t, id, 'bad <description>'), 400);
    const corrected = await mint(t, id, 'corrected key');
    expect(corrected.status).toBe(200);
    expect(corrected.headers[REPLAYED]).toBeUndefined();
  });

  it('refuses a malformed or repeated id with a 400 naming X-Request-id, and ignores it on reads', async () => {
    for (const bad of ['x'.repeat(65), 'has space', 'semi;colon']) {
      const res = await mint(t, bad);
      expectEnvelopeError(res, 400);
      expect(res.body.errors[0].parameterName).toBe('X-Request-id');
    }
    expect((await t.http.get(`${API}/users/me`).set(admin).set('X-Request-id', 'has space')).status).toBe(200);
    // A proxy's hex id is a valid one.
    expect((await mint(t, randomUUID().replaceAll('-', ''), 'hex id')).status).toBe(200);
  });

  it('replays public revocation per client address, and never replays the token endpoint', async () => {
    const id = randomUUID();
    const first = await t.http.post(`${API}/apikeys/revoke`).set('X-Request-id', id).send({ keys: ['lk_unknown'] });
    expect(first.status).toBe(200);
    const again = await t.http.post(`${API}/apikeys/revoke`).set('X-Request-id', id).send({ keys: ['lk_unknown'] });
    expect(again.headers[REPLAYED]).toBe('true');
    expect(again.body).toEqual({ data: true });

    const grant = () => t.http.post(`${API}/token`).set('X-Request-id', id).type('form').send({ grant_type: 'password', username: 'admin', password: 'admin-password-1' });
    const [one, two] = [await grant(), await grant()];
    expect(two.headers[REPLAYED]).toBeUndefined();
    expect(two.body.refresh_token).not.toBe(one.body.refresh_token);
  });
});

describe('X-Request-id expiry', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('forgets an answer once the window has passed, and deletes it', async () => {
    t = await startApp({ LOG_LEVEL: 'warn', IDEMPOTENCY_TTL_SECONDS: '1' });
    const admin = (await login(t)).auth;
    const uid = (await me(t, admin)).instanceUid;
    const id = randomUUID();
    const mint = () => t.http.post(`${API}/users/${uid}/logins/apikey`).set(admin).set('X-Request-id', id).query({ description: 'expiring', scopes: 'rest' });
    const first = await mint();
    expect(first.status).toBe(200);
    // Bounded: the window is one second; retry until the answer is no longer a replay.
    let later = await mint();
    for (let i = 0; i < 50 && later.headers[REPLAYED]; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      later = await mint();
    }
    expect(later.status).toBe(200);
    expect(later.headers[REPLAYED]).toBeUndefined();
    expect(later.body.data.parameters).not.toBe(first.body.data.parameters);
    // The sweeper deletes expired answers (every second here).
    let rows = (await tableRows(t.db, (name) => name === 'idempotency_records')).idempotency_records;
    for (let i = 0; i < 50 && rows.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rows = (await tableRows(t.db, (name) => name === 'idempotency_records')).idempotency_records;
    }
    expect(rows).toHaveLength(0);
  });
});
