import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCount } from '../src/database/query-counter.js';
import { generateApiKey } from '../src/identities/api-key.js';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';

/** Role names in one place (the rename to VSPC's names is one edit here). */
const ROLE = { owner: 'CompanyOwner', administrator: 'CompanyAdministrator', operator: 'PortalOperator' } as const;

/**
 * POST /integration/verify: one test per answer code, the tenant boundary, the caller's rights,
 * bounded input, and the cost of a cached key (no query).
 */
describe('POST /integration/verify', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;
  let acme: string;
  let alice: string;
  /** A provider-side service key: sees every tenant's keys. */
  let provider: string;
  /** Acme's own service key: sees Acme's keys only. */
  let acmeService: string;

  beforeAll(async () => {
    // Bench metrics on: the query counter shows what a verification cost the database.
    t = await startApp({ LATCHKEY_BENCH_METRICS: '1' });
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
    for (const [name, description] of [
      ['vm:read', 'List machines'],
      ['vm:write', 'Create and stop machines'],
    ]) {
      await t.http.post(`${API}/permissions`).set(admin).send({ name, description, roles: ['PortalAdministrator', 'CompanyOwner'] }).expect(200);
    }
    acme = await createCompany(t, admin, 'Acme');
    alice = await createUser(t, admin, userInput('alice', ROLE.owner, { organizationUid: acme }));
    const operator = await createUser(t, admin, userInput('rs', ROLE.operator, { isService: true }));
    provider = (await createKey(t, admin, operator, { scopes: ['integration'], permissions: ['introspect:use'] })).key;
    const acmeSvc = await createUser(t, admin, userInput('acme-rs', ROLE.owner, { organizationUid: acme, isService: true }));
    acmeService = (await createKey(t, admin, acmeSvc, { scopes: ['integration'], permissions: ['introspect:use'] })).key;
  });
  afterAll(async () => t?.close());

  const verify = (body: Record<string, unknown>, caller = provider) => t.http.post(`${API}/integration/verify`).set('Authorization', `Bearer ${caller}`).send(body);
  const answer = async (body: Record<string, unknown>, caller = provider) => {
    const res = await verify(body, caller);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  };
  const aliceKey = (policy: Record<string, unknown> = {}) => createKey(t, admin, alice, { permissions: ['vm:read', 'vm:write'], ...policy });
  const patchKey = (uid: string, id: number, path: string, value: unknown) =>
    t.http.patch(`${API}/users/${uid}/logins/${id}`).set(admin).send([{ op: 'replace', path, value }]).expect(200);

  it('VALID: the subject, its permissions and policy, no-store', async () => {
    const { key, id } = await aliceKey({ scopes: ['rest', 'ui'] });
    const res = await verify({ key, permissions: ['vm:write'], method: 'POST', path: '/api/vms/', clientIp: '203.0.113.7' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      data: {
        valid: true,
        code: 'VALID',
        subject: { identityId: id, userUid: alice, userName: 'alice', companyId: acme, companyName: 'Acme', role: ROLE.owner },
        permissions: ['vm:read', 'vm:write'],
        scopes: ['rest', 'ui'],
        readOnly: false,
        ownObjectsOnly: false,
        expiresAt: null,
        rateLimit: null,
      },
    });
  });

  it('VALID with nothing but the key, when the key restricts nothing', async () => {
    const { key } = await aliceKey();
    expect(await answer({ key })).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('NOT_FOUND: unknown, malformed, an access token, a deleted key', async () => {
    const { key, id } = await aliceKey();
    const session = await login(t);
    await t.http.delete(`${API}/users/${alice}/logins/${id}`).set(admin).expect(200);
    for (const unknown of [generateApiKey(), 'lk_nope', session.accessToken, key]) {
      expect(await answer({ key: unknown })).toEqual({ valid: false, code: 'NOT_FOUND', message: expect.any(String) });
    }
  });

  it('NOT_FOUND for another tenant’s key: a tenant’s service learns only about its own tenant', async () => {
    const other = await createCompany(t, admin, 'Other');
    const bob = await createUser(t, admin, userInput('bob', ROLE.owner, { organizationUid: other }));
    const { key: bobs } = await createKey(t, admin, bob);
    const { key: alices } = await aliceKey();
    expect(await answer({ key: bobs }, acmeService)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(await answer({ key: alices }, acmeService)).toMatchObject({ valid: true });
    expect(await answer({ key: bobs }, provider)).toMatchObject({ valid: true });
    const { key: adminKey } = await createKey(t, admin, adminUid);
    expect(await answer({ key: adminKey }, acmeService)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  });

  it('DISABLED: the key, its user, its company', async () => {
    const carol = await createUser(t, admin, userInput('carol', ROLE.owner, { organizationUid: acme }));
    const { key, id } = await createKey(t, admin, carol);
    expect(await answer({ key })).toMatchObject({ valid: true });
    await patchKey(carol, id, '/status', 'disabled');
    expect(await answer({ key })).toMatchObject({ valid: false, code: 'DISABLED', message: 'The credential is disabled.' });
    await patchKey(carol, id, '/status', 'enabled');
    await t.http.patch(`${API}/users/${carol}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    expect(await answer({ key })).toMatchObject({ valid: false, code: 'DISABLED', message: 'The credential owner is disabled.' });
    const gone = await createCompany(t, admin, 'Gone');
    const dave = await createUser(t, admin, userInput('dave', ROLE.owner, { organizationUid: gone }));
    const { key: daves } = await createKey(t, admin, dave);
    expect(await answer({ key: daves })).toMatchObject({ valid: true });
    await t.http.patch(`${API}/organizations/companies/${gone}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    expect(await answer({ key: daves })).toMatchObject({ valid: false, code: 'DISABLED' });
  });

  it('EXPIRED: a key past its expirationDate', async () => {
    const { key } = await aliceKey({ expirationDate: new Date(Date.now() + 1_500).toISOString() });
    expect(await answer({ key })).toMatchObject({ valid: true, expiresAt: expect.any(String) });
    // Bounded wait for the expiry: the verify answer, not a timer, is what is asserted.
    for (let i = 0; i < 40 && (await answer({ key })).valid; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await answer({ key })).toMatchObject({ valid: false, code: 'EXPIRED' });
  });

  it('IP_NOT_ALLOWED: checked against clientIp; without clientIp an allowlisted key is refused', async () => {
    const { key } = await aliceKey({ allowedIps: ['203.0.113.0/24'] });
    expect(await answer({ key, clientIp: '203.0.113.7' })).toMatchObject({ valid: true });
    expect(await answer({ key, clientIp: '198.51.100.1' })).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });
    expect(await answer({ key })).toMatchObject({ valid: false, code: 'IP_NOT_ALLOWED' });
  });

  it('RATE_LIMITED: every verification consumes; the budget is reported, then when to retry', async () => {
    const { key } = await aliceKey({ rateLimitPerMinute: 2 });
    const first = await answer({ key });
    expect(first).toMatchObject({ valid: true, rateLimit: { limit: 2, remaining: 1, resetAt: expect.any(String) } });
    expect(await answer({ key })).toMatchObject({ valid: true, rateLimit: { remaining: 0 } });
    const third = await answer({ key });
    expect(third).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect(third.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('READ_ONLY: a read-only key may GET, not POST; without a method it is refused', async () => {
    const { key } = await aliceKey({ isReadAccessOnly: true });
    expect(await answer({ key, method: 'GET', permissions: ['vm:read'] })).toMatchObject({ valid: true, readOnly: true, permissions: ['vm:read'] });
    expect(await answer({ key, method: 'POST', permissions: ['vm:write'] })).toMatchObject({ valid: false, code: 'READ_ONLY' });
    expect(await answer({ key })).toMatchObject({ valid: false, code: 'READ_ONLY' });
  });

  it('INSUFFICIENT_PERMISSIONS names every missing permission; a key without the rest surface is refused too', async () => {
    const { key } = await aliceKey({ permissions: ['vm:read'] });
    expect(await answer({ key, permissions: ['vm:read'] })).toMatchObject({ valid: true });
    expect(await answer({ key, permissions: ['vm:read', 'vm:write', 'dns:write'] })).toEqual({
      valid: false,
      code: 'INSUFFICIENT_PERMISSIONS',
      message: 'The credential lacks the "vm:write" and "dns:write" permissions.',
      missingPermissions: ['vm:write', 'dns:write'],
    });
    const { key: consoleOnly } = await aliceKey({ scopes: ['ui'] });
    const refused = await answer({ key: consoleOnly, permissions: ['vm:read'] });
    expect(refused).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS', message: 'The credential is not scoped for the "rest" surface.' });
    expect(refused.missingPermissions).toBeUndefined();
  });

  it('PATH_NOT_ALLOWED: checked against path, at segment boundaries; without a path a limited key is refused', async () => {
    const { key } = await aliceKey({ pathPrefixes: ['/api/vms'] });
    expect(await answer({ key, path: '/api/vms/12/action/' })).toMatchObject({ valid: true });
    expect(await answer({ key, path: '/api/vmsX' })).toMatchObject({ valid: false, code: 'PATH_NOT_ALLOWED' });
    expect(await answer({ key, path: '/api/vms/../volumes' })).toMatchObject({ valid: false, code: 'PATH_NOT_ALLOWED' });
    expect(await answer({ key })).toMatchObject({ valid: false, code: 'PATH_NOT_ALLOWED' });
  });

  it('reports ownObjectsOnly for the resource server to enforce', async () => {
    const { key } = await aliceKey({ ownObjectsOnly: true });
    expect(await answer({ key, permissions: ['vm:read'] })).toMatchObject({ valid: true, ownObjectsOnly: true, subject: { userUid: alice } });
  });

  it('checks the rules in the documented order: disabled before address before read-only before permissions', async () => {
    const { key, id } = await aliceKey({ allowedIps: ['203.0.113.7'], isReadAccessOnly: true, pathPrefixes: ['/x'] });
    const request = { key, method: 'POST', path: '/y', clientIp: '198.51.100.1', permissions: ['dns:write'] };
    expect(await answer(request)).toMatchObject({ code: 'IP_NOT_ALLOWED' });
    expect(await answer({ ...request, clientIp: '203.0.113.7' })).toMatchObject({ code: 'READ_ONLY' });
    expect(await answer({ ...request, clientIp: '203.0.113.7', method: 'GET' })).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS' });
    expect(await answer({ ...request, clientIp: '203.0.113.7', method: 'GET', permissions: [] })).toMatchObject({ code: 'PATH_NOT_ALLOWED' });
    await patchKey(alice, id, '/status', 'disabled');
    expect(await answer(request)).toMatchObject({ code: 'DISABLED' });
  });

  it('costs no database query for a cached key (nor for its company name)', async () => {
    const { key } = await aliceKey();
    await answer({ key, permissions: ['vm:read'] });
    const before = queryCount.total;
    for (let i = 0; i < 5; i++) expect(await answer({ key, permissions: ['vm:read'], method: 'GET', path: '/api/vms/' })).toMatchObject({ valid: true });
    expect(queryCount.total - before).toBe(0);
  });

  it('records the use of a verified key, from the resource server’s client address', async () => {
    const { key, id } = await aliceKey();
    await answer({ key, clientIp: '198.51.100.23' });
    let view: Record<string, unknown> = {};
    for (let i = 0; i < 50 && view.lastUsedFrom !== '198.51.100.23'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = (await t.http.get(`${API}/users/${alice}/logins/${id}`).set(admin).expect(200)).body.data;
    }
    expect(view.lastUsedFrom).toBe('198.51.100.23');
  });

  it('is for service credentials with introspect:use on the integration surface', async () => {
    const { key } = await aliceKey();
    const { key: restOnly } = await createKey(t, admin, adminUid, { scopes: ['rest'] });
    const { key: noPermission } = await createKey(t, admin, adminUid, { scopes: ['integration'], permissions: ['users:read'] });
    expectEnvelopeError(await t.http.post(`${API}/integration/verify`).send({ key }), 401);
    expectEnvelopeError(await verify({ key }, restOnly), 403);
    expectEnvelopeError(await verify({ key }, noPermission), 403);
    const session = await login(t);
    expect((await t.http.post(`${API}/integration/verify`).set('Authorization', `Bearer ${session.accessToken}`).send({ key })).status).toBe(200);
  });

  it.each([
    ['no key', { key: undefined }, 'key'],
    ['a key that is not text', { key: 42 }, 'key'],
    ['an overlong key', { key: 'x'.repeat(513) }, 'key'],
    ['51 permissions', { permissions: Array.from({ length: 51 }, (_, i) => `p${i}:read`) }, 'permissions'],
    ['a malformed permission', { permissions: ['VM:Read'] }, 'permissions'],
    ['an unknown method', { method: 'BREW' }, 'method'],
    ['a path without /', { path: 'api/vms' }, 'path'],
    ['an overlong path', { path: '/' + 'a'.repeat(2048) }, 'path'],
    ['a client address that is none', { clientIp: '300.1.2.3' }, 'clientIp'],
  ])('refuses %s with a 400 naming the field', async (_what, body, field) => {
    const { key } = await aliceKey();
    const res = await verify({ key, ...body });
    expectEnvelopeError(res, 400);
    expect(res.body.errors[0]).toMatchObject({ type: 'logical', propertyName: field });
  });
});
