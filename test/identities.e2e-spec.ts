import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { databaseText } from './support/database-text.js';
import { startApp, type TestApp } from './support/harness.js';
import { ROLE } from '../src/access/roles.js';

describe('API-key identities (VSPC logins)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;
  const issued: string[] = [];

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
  });
  afterAll(async () => t?.close());

  it('replays the VSPC flow end to end', async () => {
    // Create exactly as the VSPC guide does: everything in the query, scopes as a JSON-array literal.
    const created = await t.http
      .post(`${API}/users/${adminUid}/logins/apikey`)
      .query('description=Portal Operator API Key&scopes=["integration","rest"]&isReadAccessOnly=true')
      .set(admin);
    expect(created.status).toBe(200);
    const key: string = created.body.data.parameters;
    issued.push(key);
    expect(created.body.data).toMatchObject({
      id: expect.any(Number),
      userUid: adminUid,
      userName: 'admin',
      companyId: expect.any(String),
      companyName: 'Provider',
      identityProviderName: 'AK',
      description: 'Portal Operator API Key',
      isReadAccessOnly: true,
      scopes: ['integration', 'rest'],
      status: 'enabled',
      identifierInProvider: expect.any(String),
      creationDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(key).toMatch(/^lk_[0-9A-Za-z]{49}$/);
    const id: number = created.body.data.id;
    const path = `${API}/users/${adminUid}/logins/${id}`;

    // Shown once: later reads say "".
    const read = await t.http.get(path).set(admin);
    expect(read.body.data.parameters).toBe('');
    expect(read.body.data.keyPrefix).toBe(key.slice(0, 11));

    // The four transports are equivalent.
    const transports: [string, (r: ReturnType<TestApp['http']['get']>) => ReturnType<TestApp['http']['get']>][] = [
      ['bearer', (r) => r.set('Authorization', `Bearer ${key}`)],
      ['raw', (r) => r.set('Authorization', key)],
      ['x-api-key', (r) => r.set('X-API-KEY', key)],
      ['basic', (r) => r.auth('anyone', key)],
    ];
    for (const [name, send] of transports) {
      const res = await send(t.http.get(`${API}/users/me`));
      expect(res.status, name).toBe(200);
      expect(res.body.data.instanceUid, name).toBe(adminUid);
    }

    // Read-only: GET served, writes refused with 403.
    expectEnvelopeError(await t.http.post(`${API}/users/${adminUid}/logins/apikey`).set('X-API-KEY', key).send({ description: 'x', scopes: ['rest'] }), 403);
    expectEnvelopeError(await t.http.patch(path).set('X-API-KEY', key).send([{ op: 'replace', path: '/description', value: 'x' }]), 403);
    expectEnvelopeError(await t.http.delete(path).set('X-API-KEY', key), 403);
    expect((await t.http.get(path).set('X-API-KEY', key)).status).toBe(200);

    // Disable → refused on the very next request; enable → works; delete → refused.
    const disabled = await t.http.patch(path).set(admin).send([{ op: 'replace', path: '/status', value: 'disabled' }]);
    expect(disabled.status).toBe(200);
    expect(disabled.body.data.status).toBe('disabled');
    expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', key), 401);
    await t.http.patch(path).set(admin).send([{ op: 'replace', path: '/Status', value: 'enabled' }]).expect(200);
    expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key)).status).toBe(200);
    const deleted = await t.http.delete(path).set(admin);
    expect(deleted.body).toEqual({ data: true });
    expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', key), 401);
    expectEnvelopeError(await t.http.get(path).set(admin), 404);
  });

  it('accepts scopes as repeated query keys and in a JSON body', async () => {
    const repeated = await t.http.post(`${API}/users/${adminUid}/logins/apikey?description=rep&scopes=rest&scopes=ui`).set(admin);
    expect(repeated.status).toBe(200);
    expect(repeated.body.data.scopes).toEqual(['rest', 'ui']);
    const body = await createKey(t, admin, adminUid, { description: 'json', scopes: ['integration'] });
    expect(body.body.scopes).toEqual(['integration']);
    issued.push(repeated.body.data.parameters, body.key);
  });

  it.each([
    ['missing description', '?scopes=rest', 'description'],
    ['missing scopes', '?description=x', 'scopes'],
    ['unknown scope', '?description=x&scopes=admin', 'scopes'],
    ['non-boolean flag', '?description=x&scopes=rest&isReadAccessOnly=maybe', 'isReadAccessOnly'],
    ['description with <', '?description=%3Cb%3E&scopes=rest', 'description'],
    ['bad JSON-array literal', '?description=x&scopes=["rest"', 'scopes'],
  ])('refuses %s with a logical 400', async (_name, query, parameter) => {
    const res = await t.http.post(`${API}/users/${adminUid}/logins/apikey${query}`).set(admin);
    expectEnvelopeError(res, 400);
    expect(res.body.errors[0]).toMatchObject({ type: 'logical', parameterName: parameter });
  });

  it('refuses malformed keys and keys with a wrong checksum with 401', async () => {
    const { key } = await createKey(t, admin, adminUid);
    issued.push(key);
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [key.slice(0, -1) + last, 'lk_tooshort', 'lk_' + '0'.repeat(49), 'not-a-key', key + 'x', `${key}, ${key}`]) {
      const res = await t.http.get(`${API}/users/me`).set('X-API-KEY', bad);
      expectEnvelopeError(res, 401);
      expect(res.headers['www-authenticate']).toBeDefined();
    }
    expectEnvelopeError(await t.http.get(`${API}/users/me`).set('Authorization', 'Bearer '), 401);
    expectEnvelopeError(await t.http.get(`${API}/users/me`).set('Authorization', 'Basic !!!'), 401);
  });

  it('refuses a ui-only key on the REST surface', async () => {
    const { key } = await createKey(t, admin, adminUid, { scopes: ['ui'] });
    issued.push(key);
    const res = await t.http.get(`${API}/users/me`).set('X-API-KEY', key);
    expectEnvelopeError(res, 403);
    expect(res.body.errors[0].type).toBe('security');
  });

  it('rejects patches of read-only properties and changes nothing', async () => {
    const { id, key } = await createKey(t, admin, adminUid, { description: 'keep me' });
    issued.push(key);
    const path = `${API}/users/${adminUid}/logins/${id}`;
    for (const property of ['id', 'userUid', 'identityProviderName', 'parameters', 'identifierInProvider', 'creationDate']) {
      const res = await t.http.patch(path).set(admin).send([
        { op: 'replace', path: '/description', value: 'changed' },
        { op: 'replace', path: `/${property}`, value: 'x' },
      ]);
      expectEnvelopeError(res, 400);
      expect(res.body.errors[0].type).toBe('logical');
    }
    expectEnvelopeError(await t.http.patch(path).set(admin).send([{ op: 'replace', path: '/status', value: 'disabledDueToUser' }]), 400);
    expectEnvelopeError(await t.http.patch(path).set(admin).send([{ op: 'test', path: '/description', value: 'nope' }, { op: 'replace', path: '/description', value: 'changed' }]), 400);
    const after = await t.http.get(path).set(admin);
    expect(after.body.data.description).toBe('keep me');
    const tested = await t.http.patch(path).set(admin).send([{ op: 'test', path: '/description', value: 'keep me' }, { op: 'replace', path: '/description', value: 'changed' }]);
    expect(tested.body.data.description).toBe('changed');
  });

  describe('across users and companies', () => {
    let companyA: string;
    let ownerA: Record<string, string>;
    let workerA: string;
    let userB: string;
    let userBAuth: Record<string, string>;

    beforeAll(async () => {
      companyA = await createCompany(t, admin, 'Keys Alpha');
      const companyB = await createCompany(t, admin, 'Keys Beta');
      await createUser(t, admin, userInput('k-owner-a', ROLE.CompanyOwner, { organizationUid: companyA }));
      workerA = await createUser(t, admin, userInput('k-worker-a', ROLE.CompanyLocationUser, { organizationUid: companyA }));
      userB = await createUser(t, admin, userInput('k-user-b', ROLE.CompanyAdministrator, { organizationUid: companyB }));
      ownerA = (await login(t, 'k-owner-a', 'password-123')).auth;
      userBAuth = (await login(t, 'k-user-b', 'password-123')).auth;
    });

    it('lets a company owner manage identities of its users, and hides other companies (404)', async () => {
      const { id, key } = await createKey(t, ownerA, workerA, { description: 'for worker' });
      issued.push(key);
      expect((await t.http.get(`${API}/users/${workerA}/logins/${id}`).set(ownerA)).status).toBe(200);
      expectEnvelopeError(await t.http.get(`${API}/users/${workerA}/logins/${id}`).set(userBAuth), 404);
      expectEnvelopeError(await t.http.get(`${API}/users/${workerA}/logins`).set(userBAuth), 404);
      expectEnvelopeError(await t.http.delete(`${API}/users/${workerA}/logins/${id}`).set(userBAuth), 404);
      expectEnvelopeError(await t.http.post(`${API}/users/${workerA}/logins/apikey`).set(userBAuth).send({ description: 'x', scopes: ['rest'] }), 404);
      const listB = await t.http.get(`${API}/users/logins`).set(userBAuth);
      expect(listB.body.data.every((identity: { companyName: string }) => identity.companyName === 'Keys Beta')).toBe(true);
    });

    it('keeps a company user to its own identities', async () => {
      const worker = (await login(t, 'k-worker-a', 'password-123')).auth;
      const own = await createKey(t, worker, workerA);
      issued.push(own.key);
      expectEnvelopeError(await t.http.post(`${API}/users/${userB}/logins/apikey`).set(worker).send({ description: 'x', scopes: ['rest'] }), 404);
      const list = await t.http.get(`${API}/users/logins`).set(worker);
      expect(list.body.data.every((identity: { userUid: string }) => identity.userUid === workerA)).toBe(true);
    });

    it('lets a key act as its user and never more: it cannot mint keys for users its user could not', async () => {
      const { key } = await createKey(t, userBAuth, userB);
      issued.push(key);
      expectEnvelopeError(await t.http.post(`${API}/users/${workerA}/logins/apikey`).set('X-API-KEY', key).send({ description: 'x', scopes: ['rest'] }), 404);
      const mint = await t.http.post(`${API}/users/${userB}/logins/apikey`).set('X-API-KEY', key).send({ description: 'child', scopes: ['rest'] });
      expect(mint.status).toBe(200);
      issued.push(mint.body.data.parameters);
      const wider = await t.http.post(`${API}/users/${userB}/logins/apikey`).set('X-API-KEY', key).send({ description: 'child', scopes: ['rest', 'integration'] });
      expectEnvelopeError(wider, 403);
    });

    it('reports disabledDueToUser and disabledDueToCompany, and refuses those keys with 401', async () => {
      const { id, key } = await createKey(t, admin, workerA);
      issued.push(key);
      const worker = await t.http.get(`${API}/users/${workerA}/logins/${id}`).set(admin);
      expect(worker.body.data.status).toBe('enabled');
      await t.http.patch(`${API}/users/${workerA}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
      expect((await t.http.get(`${API}/users/${workerA}/logins/${id}`).set(admin)).body.data.status).toBe('disabledDueToUser');
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', key), 401);
      await t.http.patch(`${API}/users/${workerA}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Enabled' }]).expect(200);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key)).status).toBe(200);
      await t.http.patch(`${API}/organizations/companies/${companyA}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
      expect((await t.http.get(`${API}/users/${workerA}/logins/${id}`).set(admin)).body.data.status).toBe('disabledDueToCompany');
      expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', key), 401);
      await t.http.patch(`${API}/organizations/companies/${companyA}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Active' }]).expect(200);
    });
  });

  it('filters, sorts and selects logins with VSPC JSON query parameters', async () => {
    await createKey(t, admin, adminUid, { description: 'alpha filter' });
    await createKey(t, admin, adminUid, { description: 'beta filter', isReadAccessOnly: true });
    const q = (params: Record<string, unknown>) =>
      t.http.get(`${API}/users/logins`).set(admin).query(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)])));
    const contains = await q({ filter: [{ property: 'description', operation: 'contains', value: 'filter' }] });
    expect(contains.status).toBe(200);
    expect(contains.body.data.map((i: { description: string }) => i.description).sort()).toEqual(['alpha filter', 'beta filter']);
    expect(contains.body.meta.pagingInfo.total).toBe(2);
    const nested = await q({
      filter: [{ operation: 'and', items: [{ property: 'Description', operation: 'contains', value: 'filter' }, { property: 'isReadAccessOnly', operation: 'equals', value: true }] }],
    });
    expect(nested.body.data.map((i: { description: string }) => i.description)).toEqual(['beta filter']);
    const sorted = await q({ filter: [{ property: 'identityProviderName', operation: 'equals', value: 'AK' }], sort: [{ property: 'id', direction: 'descending' }] });
    const ids = sorted.body.data.map((i: { id: number }) => i.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const selected = await q({ select: [{ propertyPath: 'id' }, { propertyPath: 'description' }] });
    expect(Object.keys(selected.body.data[0]).sort()).toEqual(['description', 'id']);
    for (const [name, params] of [
      ['not JSON', { filter: 'x' }],
      ['unknown property', { filter: [{ property: 'secret', operation: 'equals', value: 'x' }] }],
      ['unknown operation', { filter: [{ property: 'id', operation: 'like', value: 1 }] }],
      ['wrong value type', { filter: [{ property: 'id', operation: 'equals', value: 'one' }] }],
      ['bad sort direction', { sort: [{ property: 'id', direction: 'up' }] }],
      ['unknown select', { select: [{ propertyPath: 'secret' }] }],
    ] as const) {
      const res = await t.http.get(`${API}/users/logins`).set(admin).query(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
      expectEnvelopeError(res, 400);
      expect(res.body.errors[0].parameterName, name).toBeDefined();
    }
  });

  it('never stores or logs a key in clear', async () => {
    expect(issued.length).toBeGreaterThan(5);
    const stored = await databaseText(t.db);
    const logs = t.logs.lines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const key of issued) {
      expect(stored.includes(key), 'key found in the database').toBe(false);
      expect(stored.includes(key.slice(3, 40)), 'key body found in the database').toBe(false);
      expect(logs.includes(key), 'key found in the logs').toBe(false);
    }
  });
});
