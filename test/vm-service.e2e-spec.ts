/**
 * The example resource server (examples/vm-service) against the real Latchkey, through the SDK
 * (@latchkey/nest): custom permissions, the verify API and the events stream end to end.

 */
import { randomInt } from 'node:crypto';
import { keyWithBody, LatchkeyVerifier } from '@latchkey/nest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVmService } from '../examples/vm-service/src/app.js';
import { API, createCompany, createKey, createUser, login, type Session, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';

/**
 * Role names in one place: VSPC's, for the permissions API and for users alike.
 */
const ROLE = {
  portalAdministrator: { permission: 'PortalAdministrator', user: 'PortalAdministrator' },
  portalOperator: { permission: 'PortalOperator', user: 'PortalOperator' },
  companyOwner: { permission: 'CompanyOwner', user: 'CompanyOwner' },
  companyAdministrator: { permission: 'CompanyAdministrator', user: 'CompanyAdministrator' },
} as const;

/** Revocations must reach the example service within this. */
const REVOCATION_MS = 1_000;

interface Service {
  app: NestFastifyApplication;
  url: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function startVmService(latchkeyUrl: string, serviceKey: string): Promise<Service> {
  const app = await createVmService({ latchkey: { url: latchkeyUrl, serviceKey, logger: { warn: () => undefined } }, databasePath: ':memory:', logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const service = { app, url: `http://127.0.0.1:${port}` };
  await until(() => app.get(LatchkeyVerifier).streamConnected, 5_000, 'the SDK to follow Latchkey events');
  return service;
}

async function vm(service: Service, method: 'GET' | 'POST', path: string, key: string | undefined, form?: Record<string, string>): Promise<Answer> {
  const headers: Record<string, string> = key ? { 'x-api-key': key } : {};
  const res = await fetch(service.url + path, { method, headers, body: form ? new URLSearchParams(form) : undefined });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A well-formed key that Latchkey never issued. */
const unknownKey = () => keyWithBody(Array.from({ length: 43 }, () => BASE62[randomInt(62)]).join(''));

const machine = (vm_name: string) => ({ project_id: '1', image_name: 'ubuntu-24.04', flavor_name: 'de.NBI small', vm_name });

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls `probe` until it answers `status`; returns how long that took (bounded by 3 x the goal). */
async function msUntilStatus(probe: () => Promise<Answer>, status: number): Promise<number> {
  const started = performance.now();
  let last: Answer | undefined;
  await until(
    async () => (last = await probe()).status === status,
    REVOCATION_MS * 3,
    `HTTP ${status} (last answer ${last?.status} ${JSON.stringify(last?.body)})`,
  );
  return performance.now() - started;
}

/** The admin defines the example's permissions, granted to the roles that run machines. */
async function defineVmPermissions(t: TestApp, admin: Session): Promise<void> {
  const roles = [ROLE.portalAdministrator.permission, ROLE.companyOwner.permission, ROLE.companyAdministrator.permission];
  for (const [name, description] of [
    ['vm:read', 'List virtual machines'],
    ['vm:write', 'Create, stop and resume virtual machines'],
  ]) {
    const res = await t.http.post(`${API}/permissions`).set(admin.auth).send({ name, description, roles });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

/** A provider-side service user whose key (scope integration, introspect:use) the example service uses. */
async function mintServiceKey(t: TestApp, admin: Session, login = 'vm-service'): Promise<string> {
  const uid = await createUser(t, admin.auth, userInput(login, ROLE.portalOperator.user, { isService: true }));
  const { key } = await createKey(t, admin.auth, uid, { description: 'vm-service', scopes: ['integration'], permissions: ['introspect:use'] });
  return key;
}

function patchKey(t: TestApp, admin: Session, userUid: string, id: number, path: string, value: unknown) {
  return t.http.patch(`${API}/users/${userUid}/logins/${id}`).set(admin.auth).send([{ op: 'replace', path, value }]);
}

describe('vm-service behind @latchkey/nest, against the real Latchkey', () => {
  let t: TestApp;
  let admin: Session;
  let service: Service;
  let alice: string;
  let bob: string;
  const keys: Record<'reader' | 'writer' | 'bobOwn' | 'readOnly', string> = { reader: '', writer: '', bobOwn: '', readOnly: '' };

  beforeAll(async () => {
    t = await startApp();
    admin = await login(t);
    await defineVmPermissions(t, admin);
    const acme = await createCompany(t, admin.auth, 'Acme');
    alice = await createUser(t, admin.auth, userInput('alice', ROLE.companyOwner.user, { organizationUid: acme }));
    bob = await createUser(t, admin.auth, userInput('bob', ROLE.companyAdministrator.user, { organizationUid: acme }));
    keys.reader = (await createKey(t, admin.auth, alice, { description: 'reader', permissions: ['vm:read'] })).key;
    keys.writer = (await createKey(t, admin.auth, alice, { description: 'writer', permissions: ['vm:read', 'vm:write'] })).key;
    keys.bobOwn = (await createKey(t, admin.auth, bob, { description: 'own objects', permissions: ['vm:read', 'vm:write'], ownObjectsOnly: true })).key;
    keys.readOnly = (await createKey(t, admin.auth, alice, { description: 'read only', permissions: ['vm:read', 'vm:write'], isReadAccessOnly: true })).key;
    service = await startVmService(t.url, await mintServiceKey(t, admin));
  });

  afterAll(async () => {
    await service?.app.close();
    await t?.close();
  });

  it('a vm:write key creates a machine it owns, stops and resumes it', async () => {
    const created = await vm(service, 'POST', '/api/vms/', keys.writer, machine('demo'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ vm_name: 'demo', status: 'ACTIVE', owner_uid: alice });
    const stopped = await vm(service, 'POST', `/api/vms/${created.body.id}/action/`, keys.writer, { os_action: 'stop' });
    expect(stopped).toMatchObject({ status: 200, body: { status: 'SHUTOFF' } });
    const resumed = await vm(service, 'POST', `/api/vms/${created.body.id}/action/`, keys.writer, { os_action: 'resume' });
    expect(resumed).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });
  });

  it('a vm:read key lists, but cannot create or stop: 403 naming vm:write', async () => {
    const { body: made } = await vm(service, 'POST', '/api/vms/', keys.writer, machine('listed'));
    const listed = await vm(service, 'GET', '/api/vms/', keys.reader);
    expect(listed.status).toBe(200);
    expect(listed.body.map((m: { vm_name: string }) => m.vm_name)).toContain('listed');
    const created = await vm(service, 'POST', '/api/vms/', keys.reader, machine('refused'));
    expect(created.status).toBe(403);
    expect(created.body.errors[0].message).toBe('The key lacks the "vm:write" permission.');
    const stopped = await vm(service, 'POST', `/api/vms/${made.id}/action/`, keys.reader, { os_action: 'stop' });
    expect(stopped.status).toBe(403);
    expect(stopped.body.errors[0].message).toContain('"vm:write"');
  });

  it('an own-objects key sees only its user’s machines', async () => {
    const { body: alices } = await vm(service, 'POST', '/api/vms/', keys.writer, machine('alices'));
    const { body: bobs } = await vm(service, 'POST', '/api/vms/', keys.bobOwn, machine('bobs'));
    expect(bobs.owner_uid).toBe(bob);
    const listed = await vm(service, 'GET', '/api/vms/', keys.bobOwn);
    expect(listed.status).toBe(200);
    expect(new Set(listed.body.map((m: { owner_uid: string }) => m.owner_uid))).toEqual(new Set([bob]));
    expect((await vm(service, 'POST', `/api/vms/${alices.id}/action/`, keys.bobOwn, { os_action: 'stop' })).status).toBe(404);
    const all = await vm(service, 'GET', '/api/vms/', keys.writer);
    expect(all.body.map((m: { vm_name: string }) => m.vm_name)).toEqual(expect.arrayContaining(['alices', 'bobs']));
  });

  it('a read-only key lists but cannot POST', async () => {
    expect((await vm(service, 'GET', '/api/vms/', keys.readOnly)).status).toBe(200);
    const created = await vm(service, 'POST', '/api/vms/', keys.readOnly, machine('read-only'));
    expect(created.status).toBe(403);
    expect(created.body.errors[0].message).toBe('The API key is read-only.');
  });

  it('no key, an unknown key: 401 with a challenge', async () => {
    const none = await vm(service, 'GET', '/api/vms/', undefined);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const unknown = await vm(service, 'GET', '/api/vms/', unknownKey());
    expect(unknown.status).toBe(401);
    expect(unknown.body.errors[0].message).toBe('The API key is not valid.');
  });

  it('a key with a per-key rate limit is counted at Latchkey on every request: 429 with Retry-After', async () => {
    const { key } = await createKey(t, admin.auth, alice, { description: 'limited', permissions: ['vm:read'], rateLimitPerMinute: 2 });
    expect((await vm(service, 'GET', '/api/vms/', key)).status).toBe(200);
    expect((await vm(service, 'GET', '/api/vms/', key)).status).toBe(200);
    const third = await vm(service, 'GET', '/api/vms/', key);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['disabled', (uid: string, id: number) => patchKey(t, admin, uid, id, '/status', 'disabled')],
    ['deleted', (uid: string, id: number) => t.http.delete(`${API}/users/${uid}/logins/${id}`).set(admin.auth)],
  ])('a key %s in Latchkey is refused by the example service within 1 s, with its cache on', async (_what, revoke) => {
    const { id, key } = await createKey(t, admin.auth, alice, { description: 'to revoke', permissions: ['vm:read'] });
    expect((await vm(service, 'GET', '/api/vms/', key)).status).toBe(200);
    expect((await vm(service, 'GET', '/api/vms/', key)).status).toBe(200);
    const res = await revoke(alice, id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await msUntilStatus(() => vm(service, 'GET', '/api/vms/', key), 401)).toBeLessThan(REVOCATION_MS);
  });

  it('a key stripped of vm:write in Latchkey can no longer stop machines within 1 s', async () => {
    const { id, key } = await createKey(t, admin.auth, alice, { description: 'to narrow', permissions: ['vm:read', 'vm:write'] });
    const { body: made } = await vm(service, 'POST', '/api/vms/', key, machine('narrowed'));
    const stop = () => vm(service, 'POST', `/api/vms/${made.id}/action/`, key, { os_action: 'stop' });
    expect((await stop()).status).toBe(200);
    expect((await stop()).status).toBe(200);
    const res = await patchKey(t, admin, alice, id, '/permissions', ['vm:read']);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await msUntilStatus(stop, 403)).toBeLessThan(REVOCATION_MS);
    expect((await stop()).body.errors[0].message).toBe('The key lacks the "vm:write" permission.');
    expect((await vm(service, 'GET', '/api/vms/', key)).status).toBe(200);
  });

  it('vm:write taken from a role in Latchkey refuses that role’s keys within 1 s', async () => {
    const { key } = await createKey(t, admin.auth, bob, { description: 'role grant', permissions: ['vm:read', 'vm:write'] });
    const create = () => vm(service, 'POST', '/api/vms/', key, machine('by-role'));
    expect((await create()).status).toBe(201);
    const roles = [ROLE.portalAdministrator.permission, ROLE.companyOwner.permission];
    const res = await t.http.patch(`${API}/permissions/vm:write`).set(admin.auth).send([{ op: 'replace', path: '/roles', value: roles }]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await msUntilStatus(create, 403)).toBeLessThan(REVOCATION_MS);
  });
});

describe('vm-service when Latchkey is down', () => {
  let t: TestApp;
  let service: Service;
  let key: string;
  let unseen: string;

  beforeAll(async () => {
    t = await startApp();
    const admin = await login(t);
    await defineVmPermissions(t, admin);
    const owner = await createUser(t, admin.auth, userInput('owner', ROLE.portalAdministrator.user));
    key = (await createKey(t, admin.auth, owner, { description: 'warm', permissions: ['vm:read'] })).key;
    unseen = (await createKey(t, admin.auth, owner, { description: 'never seen', permissions: ['vm:read'] })).key;
    service = await startVmService(t.url, await mintServiceKey(t, admin));
  });

  afterAll(async () => {
    await service?.app.close();
  });

  it('answers 503 (or 401 without a key), and never lets a request through once nothing recent is cached', async () => {
    expect((await vm(service, 'GET', '/api/vms/', key)).status).toBe(200);
    await t.close();
    const downSince = performance.now();
    expect((await vm(service, 'GET', '/api/vms/', unseen)).status).toBe(503);
    expect((await vm(service, 'POST', '/api/vms/', unseen, machine('x'))).status).toBe(503);
    expect((await vm(service, 'GET', '/api/vms/', undefined)).status).toBe(401);
    // A just-verified answer may stand in briefly: the stream is down, so it lives at most 1 s,
    // plus the SDK's default grace of 1 s. Past that, every request is refused.
    const standIn = 2_000;
    let last: Answer;
    do {
      last = await vm(service, 'GET', '/api/vms/', key);
      if (last.status === 200) expect(performance.now() - downSince).toBeLessThan(standIn);
      else expect(last.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } while (performance.now() - downSince < standIn + 500);
    expect(last.status).toBe(503);
    expect(last.body.errors[0]).toMatchObject({ code: 503, type: 'retryableLogical' });
  });
});
