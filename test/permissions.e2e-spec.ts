import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';

/** Role names in one place (VSPC's, as the API answers them; it takes them in any case). */
const ROLE = {
  admin: 'PortalAdministrator',
  operator: 'PortalOperator',
  owner: 'CompanyOwner',
  administrator: 'CompanyAdministrator',
} as const;

describe('custom permissions', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;
  let acme: string;
  let owner: string;
  let ownerSession: Record<string, string>;
  let service: string;

  const define = (name: string, roles: string[], description = `About ${name}`) => t.http.post(`${API}/permissions`).set(admin).send({ name, description, roles });
  const patch = (name: string, ops: object, auth = admin) => t.http.patch(`${API}/permissions/${name}`).set(auth).send(ops);
  const verify = (key: string, permissions: string[]) =>
    t.http.post(`${API}/integration/verify`).set('X-API-KEY', service).send({ key, permissions, method: 'GET', path: '/api/vms/' }).expect(200);

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
    acme = await createCompany(t, admin, 'Acme');
    owner = await createUser(t, admin, userInput('owner', ROLE.owner, { organizationUid: acme, password: 'owner-password-1' }));
    ownerSession = (await login(t, 'owner', 'owner-password-1')).auth;
    service = (await createKey(t, admin, adminUid, { scopes: ['integration'], permissions: ['introspect:use'] })).key;
  });
  afterAll(async () => t?.close());

  it('lists the built-in permissions, permissions:write for portal administrators only', async () => {
    const res = await t.http.get(`${API}/permissions`).set(ownerSession).expect(200);
    const write = res.body.data.find((p: { name: string }) => p.name === 'permissions:write');
    expect(write).toEqual({ name: 'permissions:write', description: expect.any(String), builtIn: true, roles: [ROLE.admin] });
    expect(res.body.data.every((p: { builtIn: boolean }) => p.builtIn)).toBe(true);
  });

  it('defines a permission granted to roles named either way, and lists it after the built-in ones', async () => {
    const res = await define('vm:read', [ROLE.owner, ROLE.admin.toLowerCase(), ROLE.administrator.toUpperCase()], 'List virtual machines');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ name: 'vm:read', description: 'List virtual machines', builtIn: false, roles: [ROLE.admin, ROLE.owner, ROLE.administrator] });
    const list = (await t.http.get(`${API}/permissions`).set(admin).expect(200)).body.data;
    expect(list.at(-1)).toMatchObject({ name: 'vm:read', builtIn: false });
    expect((await t.http.get(`${API}/permissions/vm:read`).set(ownerSession).expect(200)).body.data.name).toBe('vm:read');
  });

  it.each([
    ['a name that is not resource:action', { name: 'vmread' }],
    ['upper case', { name: 'VM:read' }],
    ['an overlong name', { name: `vm:${'a'.repeat(62)}` }],
    ['an unknown role', { roles: ['Superuser'] }],
    ['a repeated role', { roles: ['CompanyOwner', 'CompanyOwner'] }],
    ['no roles list', { roles: 'CompanyOwner' }],
    ['a description with markup', { description: '<b>' }],
  ])('refuses %s with a 400', async (_what, body) => {
    const res = await t.http.post(`${API}/permissions`).set(admin).send({ name: 'dns:write', description: 'Change DNS', roles: [], ...body });
    expectEnvelopeError(res, 400);
    expect(res.body.errors[0].type).toBe('logical');
  });

  it('cannot redefine a built-in permission or an existing one (409)', async () => {
    expectEnvelopeError(await define('users:read', []), 409);
    await define('dns:read', []).expect(200);
    expectEnvelopeError(await define('dns:read', []), 409);
  });

  it('lets only holders of permissions:write change permissions', async () => {
    const operator = await createUser(t, admin, userInput('op', ROLE.operator, { password: 'op-password-12' }));
    const session = (await login(t, 'op', 'op-password-12')).auth;
    expect(operator).toBeTruthy();
    expectEnvelopeError(await t.http.post(`${API}/permissions`).set(session).send({ name: 'x:read', description: 'x', roles: [] }), 403);
    expectEnvelopeError(await patch('vm:read', [{ op: 'replace', path: '/description', value: 'x' }], session), 403);
    expectEnvelopeError(await t.http.delete(`${API}/permissions/vm:read`).set(ownerSession), 403);
  });

  it('patches description and roles with JSON Patch; name and built-in ones are read-only', async () => {
    await define('net:read', [ROLE.owner]).expect(200);
    const res = await patch('net:read', [
      { op: 'replace', path: '/Description', value: 'Read networks' },
      { op: 'add', path: '/roles/-', value: ROLE.operator },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ name: 'net:read', description: 'Read networks', builtIn: false, roles: [ROLE.operator, ROLE.owner] });
    expectEnvelopeError(await patch('net:read', [{ op: 'replace', path: '/name', value: 'net:write' }]), 400);
    expectEnvelopeError(await patch('net:read', [{ op: 'replace', path: '/roles', value: ['Nobody'] }]), 400);
    expectEnvelopeError(await patch('users:read', [{ op: 'replace', path: '/roles', value: [] }]), 400);
    expectEnvelopeError(await patch('nothing:here', [{ op: 'replace', path: '/roles', value: [] }]), 404);
    expectEnvelopeError(await patch('Not A Name', [{ op: 'replace', path: '/roles', value: [] }]), 400);
    expectEnvelopeError(await t.http.delete(`${API}/permissions/audit:read`).set(admin), 400);
  });

  it('mints keys with custom permissions the creator holds, and refuses ones it lacks (403) or that do not exist (400)', async () => {
    await define('vm:write', [ROLE.owner]).expect(200);
    const { body } = await createKey(t, ownerSession, owner, { permissions: ['vm:read', 'vm:write'] });
    expect(body.permissions).toEqual(['vm:read', 'vm:write']);
    // The administrator holds every built-in permission, but vm:write is granted to owners only.
    const lacked = await t.http.post(`${API}/users/${owner}/logins/apikey`).set(admin).send({ description: 'x', scopes: ['rest'], permissions: ['vm:write'] });
    expectEnvelopeError(lacked, 403);
    expect(lacked.body.errors[0].message).toBe('You cannot grant the "vm:write" permission, which you do not hold.');
    const unknown = await t.http.post(`${API}/users/${owner}/logins/apikey`).set(ownerSession).send({ description: 'x', scopes: ['rest'], permissions: ['vm:delete'] });
    expectEnvelopeError(unknown, 400);
    expect(unknown.body.errors[0].propertyName).toBe('permissions');
    // A key "as its user" acts with the role's custom permissions too, and introspection says so.
    const { key } = await createKey(t, ownerSession, owner);
    const introspected = await t.http.post(`${API}/integration/introspect`).set('X-API-KEY', service).send({ token: key }).expect(200);
    expect(introspected.body.permissions).toEqual(expect.arrayContaining(['vm:read', 'vm:write', 'users:read']));
  });

  it('takes a withdrawn grant away from cached keys and from sessions on the next verification', async () => {
    await define('db:write', [ROLE.owner]).expect(200);
    const { key } = await createKey(t, ownerSession, owner, { permissions: ['db:write'] });
    const { key: asUser } = await createKey(t, ownerSession, owner);
    for (const k of [key, asUser]) expect((await verify(k, ['db:write'])).body.data).toMatchObject({ valid: true });
    expect((await t.http.get(`${API}/users/me`).set(ownerSession).expect(200)).body.data.permissions).toContain('db:write');

    await patch('db:write', [{ op: 'replace', path: '/roles', value: [] }]).expect(200);
    for (const k of [key, asUser]) {
      expect((await verify(k, ['db:write'])).body.data).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS', missingPermissions: ['db:write'] });
    }
    expect((await t.http.get(`${API}/users/me`).set(ownerSession).expect(200)).body.data.permissions).not.toContain('db:write');

    // Granted again, the key's own list holds it again.
    await patch('db:write', [{ op: 'replace', path: '/roles', value: [ROLE.owner] }]).expect(200);
    expect((await verify(key, ['db:write'])).body.data).toMatchObject({ valid: true });
  });

  it('takes a deleted permission away at once, and a key cannot be minted with it any more', async () => {
    await define('tmp:read', [ROLE.owner]).expect(200);
    const { key, id } = await createKey(t, ownerSession, owner, { permissions: ['tmp:read', 'vm:read'] });
    expect((await verify(key, ['tmp:read'])).body.data).toMatchObject({ valid: true });
    await t.http.delete(`${API}/permissions/tmp:read`).set(admin).expect(200);
    expect((await verify(key, ['tmp:read'])).body.data).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS' });
    expect((await verify(key, ['vm:read'])).body.data).toMatchObject({ valid: true, permissions: ['vm:read'] });
    expectEnvelopeError(await t.http.get(`${API}/permissions/tmp:read`).set(admin), 404);
    expectEnvelopeError(await t.http.post(`${API}/users/${owner}/logins/apikey`).set(ownerSession).send({ description: 'x', scopes: ['rest'], permissions: ['tmp:read'] }), 400);
    // Defined again under the same name, it is a new permission: the old key does not hold it.
    await define('tmp:read', [ROLE.owner]).expect(200);
    expect((await verify(key, ['tmp:read'])).body.data).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS' });
    const keys = (await t.http.get(`${API}/users/${owner}/logins`).set(admin).expect(200)).body.data;
    expect(keys.find((k: { id: number }) => k.id === id).permissions).toEqual(['vm:read']);
  });

  it('audits every change, with the roles before and after', async () => {
    await define('log:read', [ROLE.owner]).expect(200);
    await patch('log:read', [{ op: 'replace', path: '/roles', value: [ROLE.administrator] }]).expect(200);
    await t.http.delete(`${API}/permissions/log:read`).set(admin).expect(200);
    const entries = (await t.http.get(`${API}/audit`).set(admin).query({ limit: 500 }).expect(200)).body.data.filter(
      (e: { targetType: string; targetId: string }) => e.targetType === 'permission' && e.targetId === 'log:read',
    );
    expect(entries.map((e: { action: string }) => e.action).sort()).toEqual(['permission.created', 'permission.deleted', 'permission.updated']);
    const updated = entries.find((e: { action: string }) => e.action === 'permission.updated');
    expect(updated).toMatchObject({ actorUserUid: adminUid, details: { rolesBefore: [ROLE.owner], roles: [ROLE.administrator] } });
  });
});
