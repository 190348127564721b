import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../src/access/roles.js';
import { API, createCompany, createKey, createUser, login, me, type Session, userInput } from './support/api.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { expectVspc, expectVspcError, expectVspcOne, expectVspcPage, type VspcSchema, vspcSchema } from './support/vspc.js';

/**
 * Every answer of the routes Latchkey shares with VSPC, validated against VSPC's published
 * component schemas (test/vspc/): what a client generated from VSPC's document parses.
 */
describe("VSPC conformance: answers validate against VSPC's schemas", () => {
  let t: TestApp;
  let admin: Session;
  let adminUid: string;
  let companyUid: string;
  let userUid: string;

  beforeAll(async () => {
    t = await startApp();
    admin = await login(t);
    adminUid = (await me(t, admin.auth)).instanceUid;
    companyUid = await createCompany(t, admin.auth, 'Conformance Co');
  });
  afterAll(() => t?.close());

  describe('POST /token', () => {
    const token = (form: Record<string, string>) => t.http.post(`${API}/token`).type('form').send(form);

    it('answers OAuth2Result for the password and refresh grants', async () => {
      const issued = await token({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password });
      expect(issued.status).toBe(200);
      expectVspc('OAuth2Result', issued.body, 'password grant');
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: issued.body.refresh_token });
      expect(refreshed.status).toBe(200);
      expectVspc('OAuth2Result', refreshed.body, 'refresh grant');
    });

    it.each([
      ['a wrong password', { grant_type: 'password', username: ADMIN.username, password: 'wrong-password' }],
      ['no grant type', { username: ADMIN.username }],
      ['an unknown grant type', { grant_type: 'client_credentials' }],
      ['a missing refresh token', { grant_type: 'refresh_token' }],
      ['a reused refresh token', { grant_type: 'refresh_token', refresh_token: 'not-a-token' }],
    ])('answers OAuth2Error with 400 for %s', async (_, form) => {
      const res = await token(form as Record<string, string>);
      expect(res.status).toBe(400);
      expectVspc('OAuth2Error', res.body);
    });

    it('answers OAuth2Result with mfa_token, then tokens, for a user with a second factor', async () => {
      await createUser(t, admin.auth, userInput('vspc-mfa', ROLE.PortalReadonlyOperator));
      const session = await login(t, 'vspc-mfa', 'password-123');
      const uid = (await me(t, session.auth)).instanceUid;
      const enrolment = await t.http.post(`${API}/users/${uid}/logins/totp`).set(session.auth).expect(200);
      const secret = new URL(enrolment.body.data.otpauthUrl).searchParams.get('secret') as string;
      await t.http.post(`${API}/users/${uid}/logins/totp/${enrolment.body.data.identity.id}/confirm`).set(session.auth).send({ code: await generate({ secret }) }).expect(200);

      const user = await t.http.get(`${API}/users/${uid}`).set(admin.auth).expect(200);
      expectVspcOne('User', user.body, 'user with a second factor');
      expect(user.body.data).toMatchObject({ mfaPolicyStatus: 'Enabled', mfaPolicyConfigurationStatus: 'Configured' });

      const first = await token({ grant_type: 'password', username: 'vspc-mfa', password: 'password-123' });
      expect(first.status).toBe(200);
      expectVspc('OAuth2Result', first.body, 'mfa_token answer');
      expect(first.body.mfa_token).toEqual(expect.any(String));
      const wrong = await token({ grant_type: 'mfa', mfa_token: first.body.mfa_token, mfa_code: '000000' });
      expect(wrong.status).toBe(400);
      expectVspc('OAuth2Error', wrong.body, 'wrong code');
    });
  });

  describe('users', () => {
    it('POST /users takes a VSPC UserInput and answers a User', async () => {
      const input = userInput('vspc-user', ROLE.CompanyLocationUser, {
        organizationUid: companyUid,
        profile: { firstName: 'Mark', lastName: 'Brown', title: 'Mr', email: 'mark.brown@delta.com', address: '90 West Broad St Columbus OH 43215', phone: '(524) 745-5371' },
      });
      expectVspc('UserInput', input, 'the request');
      const res = await t.http.post(`${API}/users`).set(admin.auth).send(input);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectVspcOne('User', res.body, 'POST /users');
      expect(res.body.data).toMatchObject({ userName: 'vspc-user', status: 'Enabled', role: 'CompanyLocationUser', credentials: { userName: 'vspc-user', password: null } });
      userUid = res.body.data.instanceUid;
    });

    it('GET /users/me, /users and /users/{uid} answer Users', async () => {
      const self = await t.http.get(`${API}/users/me`).set(admin.auth).expect(200);
      expectVspcOne('User', self.body, 'GET /users/me');
      expectVspcPage('User', (await t.http.get(`${API}/users`).set(admin.auth).expect(200)).body, 'GET /users');
      expectVspcOne('User', (await t.http.get(`${API}/users/${userUid}`).set(admin.auth).expect(200)).body, 'GET /users/{uid}');
    });

    it('PATCH /users/{uid} takes JSON Patch on VSPC paths and answers a User', async () => {
      const patch = [
        { op: 'replace', path: '/profile/firstName', value: 'John' },
        { op: 'replace', path: '/profile/lastName', value: 'Smith' },
        { op: 'replace', path: '/status', value: 'Disabled' },
      ];
      patch.forEach((op) => expectVspc('JsonPatch', op, 'the request'));
      const res = await t.http.patch(`${API}/users/${userUid}`).set(admin.auth).send(patch);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectVspcOne('User', res.body, 'PATCH /users/{uid}');
      expect(res.body.data).toMatchObject({ status: 'Disabled', profile: { firstName: 'John', lastName: 'Smith' } });
    });

    it('refuses a patch of a read-only property with an ErrorResponse naming its path', async () => {
      const res = await t.http.patch(`${API}/users/${userUid}`).set(admin.auth).send([{ op: 'replace', path: '/mfaPolicyConfigurationStatus', value: 'NotConfigured' }]);
      expect(res.status).toBe(400);
      expectVspcError(res.body);
      expect(res.body.errors[0]).toMatchObject({ type: 'logical', message: expect.stringContaining('/mfaPolicyConfigurationStatus') });
    });

    it('answers refusals and unknown objects with an ErrorResponse', async () => {
      expectVspcError((await t.http.get(`${API}/users/me`)).body, '401');
      expectVspcError((await t.http.get(`${API}/users/${crypto.randomUUID()}`).set(admin.auth)).body, '404');
      expectVspcError((await t.http.post(`${API}/users`).set(admin.auth).send({ role: 'Nobody' })).body, '400');
    });
  });

  describe('logins', () => {
    let id: number;

    it("POST …/logins/apikey as VSPC's guide sends it (query only, JSON content type, no body) answers a UserLogin", async () => {
      const query = `description=ci&scopes=${encodeURIComponent('["integration","rest"]')}&isReadAccessOnly=true`;
      const res = await t.http.post(`${API}/users/${adminUid}/logins/apikey?${query}`).set(admin.auth).set('Content-type', 'application/json');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectVspcOne('UserLogin', res.body, 'POST apikey');
      expect(res.body.data).toMatchObject({ identityProviderName: 'AK', isReadAccessOnly: true, scopes: ['integration', 'rest'], parameters: expect.stringMatching(/^lk_/) });
      id = res.body.data.id;
    });

    it('GET /users/logins, /users/{uid}/logins and /users/{uid}/logins/{id} answer UserLogins', async () => {
      expectVspcPage('UserLogin', (await t.http.get(`${API}/users/logins`).set(admin.auth).expect(200)).body, 'GET /users/logins');
      expectVspcPage('UserLogin', (await t.http.get(`${API}/users/${adminUid}/logins`).set(admin.auth).expect(200)).body, 'GET /users/{uid}/logins');
      expectVspcOne('UserLogin', (await t.http.get(`${API}/users/${adminUid}/logins/${id}`).set(admin.auth).expect(200)).body, 'GET one login');
    });

    it('PATCH and DELETE one login answer a UserLogin and a boolean', async () => {
      const patched = await t.http.patch(`${API}/users/${adminUid}/logins/${id}`).set(admin.auth).send([{ op: 'replace', path: '/Description', value: 'renamed' }]);
      expect(patched.status).toBe(200);
      expectVspcOne('UserLogin', patched.body, 'PATCH one login');
      const deleted = await t.http.delete(`${API}/users/${adminUid}/logins/${id}`).set(admin.auth).set('Content-Type', 'application/json').expect(200);
      expect(deleted.body.data).toBe(true);
      expectVspcError((await t.http.get(`${API}/users/${adminUid}/logins/${id}`).set(admin.auth)).body, 'deleted login');
    });

    it('DELETE /users/{uid}/tokens answers a boolean in the envelope', async () => {
      const session = await login(t);
      const res = await t.http.delete(`${API}/users/${adminUid}/tokens`).set(session.auth).set('Content-Type', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: true });
      admin = await login(t); // every session of the administrator ended, this suite's too
    });
  });

  describe('organizations and about', () => {
    it('GET /organizations/provider answers a Provider: the organizationUid of provider-side users', async () => {
      const res = await t.http.get(`${API}/organizations/provider`).set(admin.auth).expect(200);
      expectVspcOne('Provider', res.body, 'GET /organizations/provider');
      expect(res.body.data.instanceUid).toBe((await me(t, admin.auth)).organizationUid);
    });

    it('GET /about answers About to the Portal Administrator only', async () => {
      const res = await t.http.get(`${API}/about`).set(admin.auth).expect(200);
      expectVspcOne('About', res.body, 'GET /about');
      expect(res.body.data).toMatchObject({ installationId: expect.any(String), serverVersion: expect.any(String), actualVawVersion: null });
      const again = await t.http.get(`${API}/about`).set(admin.auth).expect(200);
      expect(again.body.data.installationId).toBe(res.body.data.installationId);
      await createUser(t, admin.auth, userInput('vspc-operator', ROLE.PortalOperator));
      const operator = await login(t, 'vspc-operator', 'password-123');
      const refused = await t.http.get(`${API}/about`).set(operator.auth);
      expect(refused.status).toBe(403);
      expectVspcError(refused.body, 'operator');
      const key = await createKey(t, admin.auth, adminUid, { description: 'about key', scopes: ['rest'], permissions: ['users:read'] });
      expect((await t.http.get(`${API}/about`).set('X-API-KEY', key.key)).status).toBe(403);
    });
  });

  describe("Latchkey's OpenAPI document", () => {
    interface Schema {
      properties?: Record<string, Schema>;
      required?: string[];
      enum?: unknown[];
      $ref?: string;
      items?: Schema;
    }
    const enumOf = (schema: Schema | undefined, lookup: (ref: string) => Schema): unknown[] | undefined => {
      if (!schema) return undefined;
      if (schema.$ref) return enumOf(lookup(schema.$ref), lookup);
      return schema.enum ?? schema.items?.enum;
    };

    it.each([
      ['User', 'User'],
      ['UserLogin', 'UserLogin'],
      ['About', 'About'],
      ['Provider', 'Provider'],
    ] as const)("documents %s with VSPC's required properties and no value outside VSPC's enums", async (ours, theirs) => {
      const doc = (await t.http.get(`${API}/openapi.json`).expect(200)).body as { components: { schemas: Record<string, Schema> } };
      const own = doc.components.schemas[ours];
      const vspc = vspcSchema(theirs as VspcSchema) as Schema;
      const ownRef = (ref: string) => doc.components.schemas[ref.split('/').at(-1) as string];
      const vspcRef = (ref: string) => vspcSchema(ref.split('/').at(-1) as VspcSchema) as Schema;
      for (const name of vspc.required ?? []) expect(Object.keys(own.properties ?? {}), `${ours} documents ${name}`).toContain(name);
      for (const [name, property] of Object.entries(vspc.properties ?? {})) {
        const allowed = enumOf(property, vspcRef);
        const documented = enumOf(own.properties?.[name], ownRef);
        if (allowed && documented) expect(allowed, `${ours}.${name}`).toEqual(expect.arrayContaining(documented.filter((value) => value !== null)));
      }
    });
  });
});
