import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';
import { ROLE } from '../src/access/roles.js';

/** Poll (bounded) until the check passes; batched writes land within a few seconds. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe('key policy beyond VSPC', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;
  let company: string;
  let ownerUid: string;
  let owner: Record<string, string>;
  let workerUid: string;

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
    company = await createCompany(t, admin, 'Policy Co');
    ownerUid = await createUser(t, admin, userInput('p-owner', ROLE.CompanyOwner, { organizationUid: company }));
    workerUid = await createUser(t, admin, userInput('p-worker', ROLE.CompanyLocationUser, { organizationUid: company }));
    owner = (await login(t, 'p-owner', 'password-123')).auth;
  });
  afterAll(async () => t?.close());

  describe('permissions', () => {
    it('lists the catalogue', async () => {
      const res = await t.http.get(`${API}/permissions`).set(admin);
      const names = res.body.data.map((p: { name: string }) => p.name);
      expect(names).toEqual(expect.arrayContaining(['users:read', 'users:write', 'identities:read', 'identities:write', 'companies:read', 'companies:write', 'audit:read']));
    });

    it('narrows a key to the permissions it carries', async () => {
      const { key, body } = await createKey(t, owner, ownerUid, { permissions: ['users:read'] });
      expect(body.permissions).toEqual(['users:read']);
      expect((await t.http.get(`${API}/users`).set('X-API-KEY', key)).status).toBe(200);
      expectEnvelopeError(await t.http.get(`${API}/users/logins`).set('X-API-KEY', key), 403);
    });

    it('refuses to mint or patch a key with a permission its creator lacks', async () => {
      const worker = (await login(t, 'p-worker', 'password-123')).auth;
      const res = await t.http.post(`${API}/users/${workerUid}/logins/apikey`).set(worker).send({ description: 'x', scopes: ['rest'], permissions: ['audit:read'] });
      expectEnvelopeError(res, 403);
      const narrow = await createKey(t, owner, ownerUid, { permissions: ['identities:read', 'identities:write'] });
      // The narrow key cannot widen a key (itself or another) beyond what it holds.
      const other = await createKey(t, owner, ownerUid);
      const widen = await t.http
        .patch(`${API}/users/${ownerUid}/logins/${other.id}`)
        .set('X-API-KEY', narrow.key)
        .send([{ op: 'replace', path: '/permissions', value: ['audit:read'] }]);
      expectEnvelopeError(widen, 403);
      // A key minted by the narrow key without a list inherits the narrow set, not the user's role.
      const child = await t.http.post(`${API}/users/${ownerUid}/logins/apikey`).set('X-API-KEY', narrow.key).send({ description: 'child', scopes: ['rest'] });
      expect(child.status).toBe(200);
      expect(child.body.data.permissions.sort()).toEqual(['identities:read', 'identities:write']);
    });

    it('refuses unknown permissions with 400', async () => {
      const res = await t.http.post(`${API}/users/${ownerUid}/logins/apikey`).set(owner).send({ description: 'x', scopes: ['rest'], permissions: ['vm:launch'] });
      expectEnvelopeError(res, 400);
      // A patch is held to the same rules as creation.
      const { id } = await createKey(t, owner, ownerUid);
      const patched = await t.http.patch(`${API}/users/${ownerUid}/logins/${id}`).set(owner).send([{ op: 'replace', path: '/permissions', value: ['vm:launch'] }]);
      expectEnvelopeError(patched, 400);
      expect(patched.body.errors[0].propertyName).toBe('permissions');
      expectEnvelopeError(await t.http.patch(`${API}/users/${ownerUid}/logins/${id}`).set(owner).send([{ op: 'replace', path: '/scopes', value: [] }]), 400);
      expectEnvelopeError(await t.http.patch(`${API}/users/${ownerUid}/logins/${id}`).set(owner).send([{ op: 'replace', path: '/pathPrefixes', value: ['no-slash'] }]), 400);
    });
  });

  it('lets administrators create service users that own keys but cannot log in', async () => {
    const res = await t.http.post(`${API}/users`).set(owner).send(userInput('p-robot', ROLE.CompanyLocationUser, { isService: true }));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ isService: true, organizationUid: company });
    const robot = res.body.data.instanceUid;
    const token = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'p-robot', password: 'whatever-it-is' });
    expect(token.body.error).toBe('invalid_grant');
    const { key } = await createKey(t, owner, robot);
    const whoami = await t.http.get(`${API}/users/me`).set('Authorization', `Bearer ${key}`);
    expect(whoami.body.data).toMatchObject({ userName: 'p-robot', isService: true });
  });

  describe('path restriction', () => {
    it('limits a key to its prefixes, with = for one exact path', async () => {
      const { key } = await createKey(t, owner, ownerUid, { pathPrefixes: ['/api/v3/users', '=/api/v3/permissions'] });
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key)).status).toBe(200);
      expect((await t.http.get(`${API}/permissions`).set('X-API-KEY', key)).status).toBe(200);
      expect((await t.http.get(`${API}/permissions?x=1`).set('X-API-KEY', key)).status).toBe(200);
      expectEnvelopeError(await t.http.get(`${API}/organizations/companies`).set('X-API-KEY', key), 403);
    });

    it('is not fooled by traversal or encoded slashes', async () => {
      const { key } = await createKey(t, owner, ownerUid, { pathPrefixes: ['/api/v3/users'] });
      for (const path of ['/api/v3/users/%2e%2e/organizations/companies', '/api/v3/users%2F..%2Forganizations%2Fcompanies', '/api/v3/users/..%2Forganizations/companies']) {
        const res = await t.http.get(path).set('X-API-KEY', key);
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.status, path).toBeLessThan(500);
        expect(res.body.data, path).toBeUndefined();
      }
    });

    it('refuses a malformed prefix', async () => {
      expectEnvelopeError(await t.http.post(`${API}/users/${ownerUid}/logins/apikey`).set(owner).send({ description: 'x', scopes: ['rest'], pathPrefixes: ['users'] }), 400);
    });
  });

  it('limits an own-objects key to its own identities and users it created (404 otherwise)', async () => {
    const workerKey = await createKey(t, admin, workerUid, { description: 'worker key' });
    const { key } = await createKey(t, owner, ownerUid, { ownObjectsOnly: true });
    expectEnvelopeError(await t.http.get(`${API}/users/${workerUid}/logins/${workerKey.id}`).set('X-API-KEY', key), 404);
    const created = await t.http.post(`${API}/users`).set('X-API-KEY', key).send(userInput('p-mine', ROLE.CompanyLocationUser));
    expect(created.status).toBe(200);
    const users = await t.http.get(`${API}/users`).set('X-API-KEY', key);
    const logins = users.body.data.map((u: { userName: string }) => u.userName);
    expect(logins).toEqual(expect.arrayContaining(['p-mine', 'p-owner']));
    expect(logins).not.toContain('p-worker'); // same company, but created by the administrator
    expectEnvelopeError(await t.http.get(`${API}/users/${workerUid}`).set('X-API-KEY', key), 404);
    const identities = await t.http.get(`${API}/users/logins`).set('X-API-KEY', key);
    const ids = identities.body.data.map((i: { id: number }) => i.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(workerKey.id);
    expectEnvelopeError(await t.http.get(`${API}/audit`).set('X-API-KEY', key), 403);
  });

  describe('expiry', () => {
    it('refuses a key after its expirationDate with 401', async () => {
      const { key } = await createKey(t, owner, ownerUid, { expirationDate: new Date(Date.now() + 1500).toISOString() });
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key)).status).toBe(200);
      await sleep(1700);
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', key), 401);
    });

    it('refuses a date in the past or not a date', async () => {
      expectEnvelopeError(await t.http.post(`${API}/users/${ownerUid}/logins/apikey`).set(owner).send({ description: 'x', scopes: ['rest'], expirationDate: '2000-01-01T00:00:00Z' }), 400);
      expectEnvelopeError(await t.http.post(`${API}/users/${ownerUid}/logins/apikey`).set(owner).send({ description: 'x', scopes: ['rest'], expirationDate: 'tomorrow' }), 400);
    });
  });

  describe('IP allowlist', () => {
    it('admits listed addresses and ranges (IPv4 and IPv6) and refuses others with 403', async () => {
      const allowed = await createKey(t, owner, ownerUid, { allowedIps: ['127.0.0.0/8', '::1'] });
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', allowed.key)).status).toBe(200);
      const elsewhere = await createKey(t, owner, ownerUid, { allowedIps: ['10.20.0.0/16', '2001:db8::/32'] });
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', elsewhere.key), 403);
      // Without TRUST_PROXY a forwarded header changes nothing.
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', elsewhere.key).set('X-Forwarded-For', '10.20.1.1'), 403);
    });

    it('refuses entries that are not addresses', async () => {
      expectEnvelopeError(await t.http.post(`${API}/users/${ownerUid}/logins/apikey`).set(owner).send({ description: 'x', scopes: ['rest'], allowedIps: ['10.0.0.0/99'] }), 400);
    });
  });

  describe('rotation', () => {
    it('returns a new key; the old one works only until the grace period ends', async () => {
      const old = await createKey(t, owner, ownerUid);
      const rotated = await t.http.post(`${API}/users/${ownerUid}/logins/${old.id}/rotate`).set(owner).send({ gracePeriodSeconds: 1 });
      expect(rotated.status).toBe(200);
      const fresh: string = rotated.body.data.parameters;
      expect(fresh).toMatch(/^lk_/);
      expect(fresh).not.toBe(old.key);
      expect(rotated.body.data.id).toBe(old.id);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', old.key)).status).toBe(200);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', fresh)).status).toBe(200);
      await sleep(1300);
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', old.key), 401);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', fresh)).status).toBe(200);
    });

    it('revokes the old key at once without a grace period', async () => {
      const old = await createKey(t, owner, ownerUid);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', old.key)).status).toBe(200);
      await t.http.post(`${API}/users/${ownerUid}/logins/${old.id}/rotate`).set(owner).expect(200);
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', old.key), 401);
    });
  });

  describe('revocation by value', () => {
    it('lets anyone kill a leaked key and says nothing about whether keys existed', async () => {
      const leaked = await createKey(t, owner, ownerUid);
      const res = await t.http.post(`${API}/apikeys/revoke`).send({ keys: [leaked.key, 'lk_not_a_key', 'lk_' + '1'.repeat(49)] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: true });
      const unknown = await t.http.post(`${API}/apikeys/revoke`).send({ keys: ['lk_' + '2'.repeat(49)] });
      expect(unknown.body).toEqual(res.body);
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', leaked.key), 401);
      expectEnvelopeError(await t.http.post(`${API}/apikeys/revoke`).send({ keys: 'x' }), 400);
    });

    it('lets the owner delete a key by its value, and hides it from other tenants', async () => {
      const mine = await createKey(t, owner, ownerUid);
      const stranger = await createKey(t, admin, adminUid, { scopes: ['rest'] });
      const other = await createCompany(t, admin, 'Stranger Co');
      await createUser(t, admin, userInput('p-stranger', ROLE.CompanyOwner, { organizationUid: other }));
      const strangerAuth = (await login(t, 'p-stranger', 'password-123')).auth;
      expectEnvelopeError(await t.http.delete(`${API}/apikeys`).set(strangerAuth).send({ key: mine.key }), 404);
      expect((await t.http.delete(`${API}/apikeys`).set(owner).send({ key: mine.key })).body).toEqual({ data: true });
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', mine.key), 401);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', stranger.key)).status).toBe(200);
    });
  });

  it('records the last use time and address off the request path', async () => {
    const { id, key } = await createKey(t, owner, ownerUid);
    expect((await t.http.get(`${API}/users/${ownerUid}/logins/${id}`).set(owner)).body.data.lastUsedAt).toBe('');
    await t.http.get(`${API}/users/me`).set('X-API-KEY', key).expect(200);
    const identity = await eventually(
      async () => (await t.http.get(`${API}/users/${ownerUid}/logins/${id}`).set(owner)).body.data,
      (data) => data.lastUsedAt !== '',
    );
    expect(Date.parse(identity.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(identity.lastUsedFrom).toBe('127.0.0.1');
  });

  describe('audit log', () => {
    it('records changes, logins, refusals and revocations, never the key', async () => {
      const { key, id } = await createKey(t, owner, ownerUid, { description: 'audited' });
      await t.http.get(`${API}/users/me`).set('X-API-KEY', 'lk_' + '3'.repeat(49));
      await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'p-owner', password: 'wrong-password' });
      await t.http.post(`${API}/apikeys/revoke`).send({ keys: [key] }).expect(200);
      const entries = await eventually(
        async () => (await t.http.get(`${API}/audit?limit=500`).set(admin)).body.data as { action: string; outcome: string; targetId: string; fromAddress: string }[],
        (rows) => ['identity.created', 'identity.revokedByValue', 'login.failed', 'auth.failed', 'login.succeeded'].every((a) => rows.some((r) => r.action === a)),
      );
      const actions = new Set(entries.map((e) => e.action));
      for (const action of ['identity.created', 'identity.revokedByValue', 'login.failed', 'auth.failed', 'login.succeeded', 'user.created', 'company.created']) {
        expect(actions.has(action), action).toBe(true);
      }
      expect(entries.find((e) => e.action === 'identity.created' && e.targetId === String(id))).toMatchObject({ outcome: 'success', fromAddress: '127.0.0.1' });
      expect(JSON.stringify(entries)).not.toContain(key);
    });

    it('folds a burst of the same refusal into one entry with a count', async () => {
      for (let i = 0; i < 6; i++) await t.http.get(`${API}/users/me`).set('X-API-KEY', 'lk_burst');
      const entries = await eventually(
        async () => (await t.http.get(`${API}/audit?action=auth.failed&limit=500`).set(admin)).body.data as { details: { count?: number } }[],
        (rows) => rows.some((r) => (r.details.count ?? 0) >= 6),
      );
      expect(entries.some((r) => (r.details.count ?? 0) >= 6)).toBe(true);
      expect(entries.length).toBeLessThan(20);
    });

    it('filters, pages and scopes entries to the tenant', async () => {
      const filtered = await t.http.get(`${API}/audit?action=company.created&limit=1`).set(admin);
      expect(filtered.body.data).toHaveLength(1);
      expect(filtered.body.data[0].action).toBe('company.created');
      expect(filtered.body.meta.pagingInfo.total).toBeGreaterThanOrEqual(2);
      const tenant = await t.http.get(`${API}/audit?limit=500`).set(owner);
      expect(tenant.status).toBe(200);
      expect(tenant.body.data.length).toBeGreaterThan(0);
      expect(tenant.body.data.every((e: { companyUid: string }) => e.companyUid === company)).toBe(true);
      const worker = (await login(t, 'p-worker', 'password-123')).auth;
      expectEnvelopeError(await t.http.get(`${API}/audit`).set(worker), 403);
      expectEnvelopeError(await t.http.get(`${API}/audit?action=DROP TABLE`).set(admin), 400);
    });
  });
});

describe('key policy settings from the environment', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;

  beforeAll(async () => {
    t = await startApp({ KEYS_OWN_OBJECTS_DEFAULT: 'true', KEYS_MAX_LIFETIME_DAYS: '7', TRUST_PROXY: 'true' });
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
  });
  afterAll(async () => t?.close());

  it('makes keys own-objects-only by default when KEYS_OWN_OBJECTS_DEFAULT=true', async () => {
    expect((await createKey(t, admin, adminUid)).body.ownObjectsOnly).toBe(true);
    expect((await createKey(t, admin, adminUid, { ownObjectsOnly: false })).body.ownObjectsOnly).toBe(false);
  });

  it('bounds key lifetime with KEYS_MAX_LIFETIME_DAYS', async () => {
    const { body } = await createKey(t, admin, adminUid);
    const days = (Date.parse(body.expirationDate as string) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const tooLong = new Date(Date.now() + 30 * 86_400_000).toISOString();
    expectEnvelopeError(await t.http.post(`${API}/users/${adminUid}/logins/apikey`).set(admin).send({ description: 'x', scopes: ['rest'], expirationDate: tooLong }), 400);
  });

  it('takes the client address from X-Forwarded-For when TRUST_PROXY=true', async () => {
    const { key } = await createKey(t, admin, adminUid, { allowedIps: ['10.20.0.0/16'] });
    expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key).set('X-Forwarded-For', '10.20.1.1')).status).toBe(200);
    expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', key).set('X-Forwarded-For', '10.30.1.1'), 403);
  });
});
