import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';
import { ROLE } from '../src/access/roles.js';

describe('POST /integration/introspect (RFC 7662)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;
  let service: string;

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
    service = (await createKey(t, admin, adminUid, { description: 'resource server', scopes: ['integration'] })).key;
  });
  afterAll(async () => t?.close());

  const introspect = (caller: string, token: unknown) => t.http.post(`${API}/integration/introspect`).set('X-API-KEY', caller).type('form').send({ token });

  it('describes an active key with its policy', async () => {
    const expires = new Date(Date.now() + 3_600_000);
    const { key, id } = await createKey(t, admin, adminUid, {
      scopes: ['rest', 'ui'],
      isReadAccessOnly: true,
      permissions: ['users:read'],
      pathPrefixes: ['/api/v3/users'],
      ownObjectsOnly: true,
      expirationDate: expires.toISOString(),
    });
    const res = await introspect(service, key);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      active: true,
      sub: adminUid,
      username: 'admin',
      token_type: 'api_key',
      scope: 'rest ui',
      exp: Math.floor(expires.getTime() / 1000),
      identity_id: id,
      company_id: expect.any(String),
      company_name: 'Provider',
      role: ROLE.PortalAdministrator,
      permissions: ['users:read'],
      read_only: true,
      path_prefixes: ['/api/v3/users'],
      own_objects_only: true,
      allowed_ips_restricted: false,
    });
  });

  it('describes an access token too', async () => {
    const session = await login(t);
    const res = await introspect(service, session.accessToken);
    expect(res.body).toMatchObject({ active: true, token_type: 'access_token', sub: adminUid, scope: 'integration rest ui' });
  });

  it('says only active:false for unknown, malformed, disabled or deleted credentials', async () => {
    const { key, id } = await createKey(t, admin, adminUid);
    for (const token of ['lk_' + '4'.repeat(49), 'garbage', 'eyJhbGciOiJIUzI1NiJ9.e30.x']) {
      expect((await introspect(service, token)).body).toEqual({ active: false });
    }
    await t.http.patch(`${API}/users/${adminUid}/logins/${id}`).set(admin).send([{ op: 'replace', path: '/status', value: 'disabled' }]).expect(200);
    expect((await introspect(service, key)).body).toEqual({ active: false });
    await t.http.delete(`${API}/users/${adminUid}/logins/${id}`).set(admin).expect(200);
    expect((await introspect(service, key)).body).toEqual({ active: false });
  });

  it('is forbidden to credentials without the integration scope', async () => {
    const rest = (await createKey(t, admin, adminUid, { scopes: ['rest'] })).key;
    expectEnvelopeError(await introspect(rest, service), 403);
    expectEnvelopeError(await t.http.post(`${API}/integration/introspect`).send({ token: service }), 401);
    expectEnvelopeError(await introspect(service, ''), 400);
  });

  it("keeps a tenant's service to its own tenant's credentials", async () => {
    const companyA = await createCompany(t, admin, 'Intro A');
    const companyB = await createCompany(t, admin, 'Intro B');
    const ownerA = await createUser(t, admin, userInput('intro-a', ROLE.CompanyOwner, { organizationUid: companyA }));
    const ownerB = await createUser(t, admin, userInput('intro-b', ROLE.CompanyOwner, { organizationUid: companyB }));
    const serviceA = (await createKey(t, admin, ownerA, { scopes: ['integration'] })).key;
    const keyA = (await createKey(t, admin, ownerA)).key;
    const keyB = (await createKey(t, admin, ownerB)).key;
    expect((await introspect(serviceA, keyA)).body.active).toBe(true);
    expect((await introspect(serviceA, keyB)).body).toEqual({ active: false });
  });
});
