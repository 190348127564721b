import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../src/access/roles.js';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';
import { RawClient, type RawResponse } from './support/raw-http.js';

/** Requests as VSPC's clients send them: JSON content type without a body, and `select` on every resource GET. */
describe('VSPC requests: empty JSON bodies and select', () => {
  let t: TestApp;
  let raw: RawClient;
  let admin: Record<string, string>;
  let adminUid: string;
  let companyUid: string;
  let keyId: number;

  beforeAll(async () => {
    t = await startApp();
    raw = new RawClient(t.url);
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
    companyUid = await createCompany(t, admin, 'Select Co');
    keyId = (await createKey(t, admin, adminUid, { description: 'select key' })).id;
  });
  afterAll(async () => {
    raw?.close();
    await t?.close();
  });

  describe('a JSON content type with no body is no body', () => {
    /** Both ways of sending nothing: `Content-Length: 0` and a chunked body with no chunk. */
    const variants: { name: string; headers: Record<string, string>; body?: string }[] = [
      { name: 'Content-Length: 0', headers: { 'content-type': 'application/json' }, body: '' },
      { name: 'chunked, no chunk', headers: { 'content-type': 'application/json; charset=utf-8', 'transfer-encoding': 'chunked' } },
    ];
    const send = (method: string, path: string, variant: (typeof variants)[number], headers: Record<string, string> = admin): Promise<RawResponse> =>
      raw.send({ method, path: `${API}${path}`, headers: { ...headers, ...variant.headers }, body: variant.body });
    const empty = async (method: string, path: string, headers: Record<string, string> = admin): Promise<RawResponse[]> => [
      await send(method, path, variants[0], headers),
      await send(method, path, variants[1], headers),
    ];
    const throwaway = async (name: string) => createUser(t, admin, userInput(name, ROLE.PortalReadonlyOperator));

    it("answers the routes that need no body as if none had been sent, VSPC's key request among them", async () => {
      const cases: [string, string, () => Promise<string>][] = [
        ['POST', '/users/{admin}/logins/apikey?description=ci&scopes=%5B%22integration%22%2C%22rest%22%5D&isReadAccessOnly=true', async () => adminUid],
        ['POST', '/users/{admin}/logins/{key}/rotate', async () => adminUid],
        ['DELETE', '/users/{user}/tokens', () => throwaway(`tokens-${Math.random().toString(36).slice(2, 8)}`)],
        ['DELETE', '/users/{user}', () => throwaway(`gone-${Math.random().toString(36).slice(2, 8)}`)],
      ];
      for (const [method, template, user] of cases) {
        for (const variant of variants) {
          const path = template.replace('{admin}', adminUid).replace('{key}', String(keyId)).replace('{user}', await user());
          const res = await send(method, path, variant);
          expect(res.status, `${method} ${path} (${variant.name}): ${res.text}`).toBe(200);
        }
      }
      const company = await createCompany(t, admin, 'Empty Body Co');
      expect((await empty('DELETE', `/organizations/companies/${company}`))[0].status).toBe(200);
      const key = await createKey(t, admin, adminUid, { description: 'to delete' });
      expect((await empty('DELETE', `/users/${adminUid}/logins/${key.id}`))[0].status).toBe(200);
    });

    it('refuses the routes that need a body for what is missing, never for the empty body itself', async () => {
      const routes: [string, string, number][] = [
        ['POST', '/users', 400],
        ['PATCH', `/users/${adminUid}`, 400],
        ['POST', '/organizations/companies', 400],
        ['PATCH', `/organizations/companies/${companyUid}`, 400],
        ['PATCH', `/users/${adminUid}/logins/${keyId}`, 400],
        ['POST', `/users/${adminUid}/logins/apikey`, 400],
        ['POST', '/apikeys/revoke', 400],
        ['DELETE', '/apikeys', 400],
        ['POST', '/integration/introspect', 400],
      ];
      for (const [method, path, status] of routes) {
        for (const res of await empty(method, path)) {
          expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
          expect(res.text).not.toMatch(/cannot be empty/i);
          expect((res.json as { errors: { type: string }[] }).errors[0].type).toBe('logical');
        }
      }
      const [token] = await empty('POST', '/token', {});
      expect(token.status).toBe(400);
      expect(token.json).toMatchObject({ error: 'invalid_request' });
    });

    it('still refuses a body that is present and broken', async () => {
      for (const body of ['{"role":', ' ', 'null x']) {
        const res = await raw.send({ method: 'POST', path: `${API}/users`, headers: { ...admin, 'content-type': 'application/json' }, body });
        expect(res.status, body).toBe(400);
        expect((res.json as { errors: { type: string; message: string }[] }).errors[0]).toMatchObject({ type: 'logical', message: expect.stringMatching(/not valid JSON/) });
      }
    });
  });

  describe('select on every GET that answers a resource or a collection', () => {
    const keysOf = (value: unknown) => Object.keys(value as object).sort();
    const select = (...paths: string[]) => `select=${encodeURIComponent(JSON.stringify(paths.map((propertyPath) => ({ propertyPath }))))}`;

    it.each([
      ['/users', ['userName', 'profile.email'], { userName: expect.any(String), profile: { email: null } }],
      ['/users/me', ['instanceUid', 'Permissions'], { instanceUid: expect.any(String), permissions: expect.any(Array) }],
      ['/users/{admin}', ['Role', 'credentials'], { role: ROLE.PortalAdministrator, credentials: { userName: 'admin', password: null } }],
      ['/users/logins', ['id', 'description'], { id: expect.any(Number), description: expect.any(String) }],
      ['/users/{admin}/logins', ['identityProviderName'], { identityProviderName: expect.any(String) }],
      ['/users/{admin}/logins/{key}', ['status', 'keyPrefix'], { status: 'enabled', keyPrefix: expect.any(String) }],
      ['/organizations/companies', ['name'], { name: expect.any(String) }],
      ['/organizations/companies/{company}', ['status'], { status: 'Active' }],
      ['/organizations/provider', ['instanceUid'], { instanceUid: expect.any(String) }],
      ['/about', ['serverVersion'], { serverVersion: expect.any(String) }],
      ['/audit', ['action'], { action: expect.any(String) }],
      ['/permissions', ['name'], { name: expect.any(String) }],
    ] as const)('GET %s answers only the selected properties', async (template, paths, expected) => {
      const path = template.replace('{admin}', adminUid).replace('{key}', String(keyId)).replace('{company}', companyUid);
      const res = await t.http.get(`${API}${path}?${select(...paths)}`).set(admin);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const items = Array.isArray(res.body.data) ? res.body.data : [res.body.data];
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(keysOf(item)).toEqual(keysOf(expected));
        expect(item).toMatchObject(expected);
      }
      if (Array.isArray(res.body.data) && path !== '/permissions') expect(res.body.meta.pagingInfo).toBeDefined();
    });

    it('refuses a select it cannot apply, naming the parameter', async () => {
      for (const query of [select('password'), select('profile.nope'), select('userName.length'), 'select=not-json', 'select=[]', select(...Array.from({ length: 51 }, () => 'userName')), 'select=[1]']) {
        const res = await t.http.get(`${API}/users/me?${query}`).set(admin);
        expectEnvelopeError(res, 400);
        expect(res.body.errors[0]).toMatchObject({ type: 'logical', parameterName: 'select' });
      }
      expectEnvelopeError(await t.http.get(`${API}/users?select=${'x'.repeat(3000)}`).set(admin), 400);
      expectEnvelopeError(await t.http.get(`${API}/users/me?select=a&select=b`).set(admin), 400);
    });
  });
});
