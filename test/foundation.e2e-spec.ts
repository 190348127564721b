import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { ROLE } from '../src/access/roles.js';

describe('foundation: tokens, users, companies, envelope', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
  });
  afterAll(async () => t?.close());

  describe('POST /token', () => {
    it('issues a bearer token pair for the first Portal Administrator', async () => {
      const res = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, access_token: expect.any(String), refresh_token: expect.any(String) });
      expect(res.headers['cache-control']).toBe('no-store');
      const user = await me(t, { Authorization: `Bearer ${res.body.access_token}` });
      expect(user).toMatchObject({ userName: 'admin', role: ROLE.PortalAdministrator, companyName: 'Provider' });
    });

    it('accepts JSON as well as forms', async () => {
      const res = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: ADMIN.username, password: ADMIN.password });
      expect(res.status).toBe(200);
    });

    it.each([
      [{ grant_type: 'password', username: 'admin', password: 'wrong-password' }, 400, 'invalid_grant'],
      [{ grant_type: 'password', username: 'nobody', password: 'wrong-password' }, 400, 'invalid_grant'],
      [{ grant_type: 'password', username: 'admin' }, 400, 'invalid_request'],
      [{ grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
      [{}, 400, 'invalid_request'],
      [{ grant_type: 'refresh_token', refresh_token: 'nope' }, 400, 'invalid_grant'],
    ])('refuses %j with an RFC 6749 error', async (body, status, error) => {
      const res = await t.http.post(`${API}/token`).type('form').send(body);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
    });

    it('rotates refresh tokens and revokes the family when one is reused', async () => {
      const first = await login(t);
      const second = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: first.refreshToken });
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.refreshToken);
      const replay = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: first.refreshToken });
      expect(replay.body.error).toBe('invalid_grant');
      const descendant = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
      expect(descendant.body.error).toBe('invalid_grant');
    });

    it('gives a GET-only session with readOnly=true', async () => {
      const session = await login(t, ADMIN.username, ADMIN.password, { readOnly: 'true' });
      expect((await t.http.get(`${API}/users`).set(session.auth)).status).toBe(200);
      expectEnvelopeError(await t.http.post(`${API}/organizations/companies`).set(session.auth).send({ name: 'RO Co' }), 403);
    });
  });

  describe('envelope and errors', () => {
    it('answers unknown routes with 404 in the envelope', async () => {
      expectEnvelopeError(await t.http.get(`${API}/nothing-here`).set(admin), 404);
      expectEnvelopeError(await t.http.get('/nothing'), 404);
    });

    it('answers 401 with WWW-Authenticate when no credential is sent', async () => {
      const res = await t.http.get(`${API}/users`);
      expectEnvelopeError(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/Bearer/);
    });

    it('refuses malformed JSON with 400 and oversized bodies with 413', async () => {
      expectEnvelopeError(await t.http.post(`${API}/users`).set(admin).set('content-type', 'application/json').send('{"role":'), 400);
      expectEnvelopeError(await t.http.post(`${API}/users`).set(admin).set('content-type', 'application/json').send(`{"role":"${'x'.repeat(2 * 1024 * 1024)}"}`), 413);
    });

    it('validates DTOs at the edge and names the property', async () => {
      const res = await t.http.post(`${API}/users`).set(admin).send(userInput('bad login!', ROLE.CompanyLocationUser));
      expectEnvelopeError(res, 400);
      expect(res.body.errors[0]).toMatchObject({ type: 'logical', propertyName: 'credentials.userName' });
      const unknown = await t.http.post(`${API}/users`).set(admin).send({ ...userInput('x1', ROLE.PortalOperator), admin: true });
      expectEnvelopeError(unknown, 400);
      const nested = await t.http.post(`${API}/users`).set(admin).send(userInput('x2', ROLE.PortalOperator, { profile: { email: 'a@b.c' } }));
      expect(nested.body.errors[0]).toMatchObject({ type: 'logical', propertyName: 'profile.email' });
      const paging = await t.http.get(`${API}/users?limit=501`).set(admin);
      expectEnvelopeError(paging, 400);
      expect(paging.body.errors[0].parameterName).toBe('limit');
    });

    it('pages collections with limit and offset', async () => {
      const res = await t.http.get(`${API}/users?limit=1&offset=0`).set(admin);
      expect(res.status).toBe(200);
      expect(res.body.meta.pagingInfo).toMatchObject({ count: 1, offset: 0 });
      expect(res.body.meta.pagingInfo.total).toBeGreaterThanOrEqual(1);
    });
  });

  describe('companies and tenants', () => {
    let companyA: string;
    let companyB: string;
    let ownerA: Record<string, string>;

    beforeAll(async () => {
      companyA = await createCompany(t, admin, 'Alpha');
      companyB = await createCompany(t, admin, 'Beta');
      await createUser(t, admin, userInput('owner-a', ROLE.CompanyOwner, { organizationUid: companyA }));
      await createUser(t, admin, userInput('user-b', ROLE.CompanyLocationUser, { organizationUid: companyB }));
      ownerA = (await login(t, 'owner-a', 'password-123')).auth;
    });

    it('lets a tenant see only its own company and users', async () => {
      const companies = await t.http.get(`${API}/organizations/companies`).set(ownerA);
      expect(companies.body.data.map((c: { name: string }) => c.name)).toEqual(['Alpha']);
      expectEnvelopeError(await t.http.get(`${API}/organizations/companies/${companyB}`).set(ownerA), 404);
      const users = await t.http.get(`${API}/users`).set(ownerA);
      expect(users.body.data.map((u: { userName: string }) => u.userName)).toEqual(['owner-a']);
    });

    it('keeps tenant managers inside their company and below their role', async () => {
      expectEnvelopeError(await t.http.post(`${API}/users`).set(ownerA).send(userInput('x-b', ROLE.CompanyLocationUser, { organizationUid: companyB })), 404);
      expectEnvelopeError(await t.http.post(`${API}/users`).set(ownerA).send(userInput('x-admin', ROLE.PortalAdministrator)), 403);
      const created = await t.http.post(`${API}/users`).set(ownerA).send(userInput('worker-a', ROLE.CompanyLocationUser));
      expect(created.status).toBe(200);
      expect(created.body.data.organizationUid).toBe(companyA);
    });

    it('patches users with JSON Patch and refuses read-only properties', async () => {
      const uid = await createUser(t, admin, userInput('patchme', ROLE.PortalReadonlyOperator));
      const ok = await t.http.patch(`${API}/users/${uid}`).set(admin).send([{ op: 'replace', path: '/Profile/FirstName', value: 'Pat' }]);
      expect(ok.status).toBe(200);
      expect(ok.body.data.profile.firstName).toBe('Pat');
      for (const path of ['/userName', '/credentials/userName', '/mfaPolicyConfigurationStatus']) {
        const readOnly = await t.http.patch(`${API}/users/${uid}`).set(admin).send([{ op: 'replace', path, value: 'x' }]);
        expectEnvelopeError(readOnly, 400);
        expect(readOnly.body.errors[0].message).toContain(`"${path}"`);
      }
      expectEnvelopeError(await t.http.patch(`${API}/users/${uid}`).set(admin).send([{ op: 'replace', path: '/profile', value: {} }]), 400);
      expectEnvelopeError(await t.http.patch(`${API}/users/${uid}`).set(admin).send({ op: 'replace' }), 400);
    });

    it('refuses login to disabled users and disabled companies', async () => {
      const uid = await createUser(t, admin, userInput('tobedisabled', ROLE.PortalReadonlyOperator));
      await login(t, 'tobedisabled', 'password-123');
      await t.http.patch(`${API}/users/${uid}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
      const res = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'tobedisabled', password: 'password-123' });
      expect(res.body.error).toBe('invalid_grant');
      const company = await createCompany(t, admin, 'Gamma');
      await createUser(t, admin, userInput('gamma-user', ROLE.CompanyLocationUser, { organizationUid: company }));
      await t.http.patch(`${API}/organizations/companies/${company}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
      expect((await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'gamma-user', password: 'password-123' })).body.error).toBe('invalid_grant');
    });

    it('keeps service users from logging in with a password', async () => {
      await t.http.post(`${API}/users`).set(admin).send(userInput('robot', ROLE.PortalReadonlyOperator, { isService: true })).expect(200);
      const res = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'robot', password: 'anything-at-all' });
      expect(res.body.error).toBe('invalid_grant');
    });

    it('revokes all sessions of a user', async () => {
      const session = await login(t, 'owner-a', 'password-123');
      const { instanceUid } = await me(t, session.auth);
      await t.http.delete(`${API}/users/${instanceUid}/tokens`).set(session.auth).expect(200);
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set(session.auth), 401);
      const refresh = await t.http.post(`${API}/token`).send({ grant_type: 'refresh_token', refresh_token: session.refreshToken });
      expect(refresh.body.error).toBe('invalid_grant');
    });
  });
});
