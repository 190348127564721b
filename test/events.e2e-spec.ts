import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CredentialEvents, EVENT_LIMITS } from '../src/integration/credential-events.js';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { testDialect } from './support/database.js';
import { startApp, type TestApp } from './support/harness.js';
import { type EventStream, openEventStream } from './support/sse.js';

const ROLE = { owner: 'CompanyOwner', operator: 'PortalOperator' } as const;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const disable = (t: TestApp, auth: Record<string, string>, uid: string, id: number) =>
  t.http.patch(`${API}/users/${uid}/logins/${id}`).set(auth).send([{ op: 'replace', path: '/status', value: 'disabled' }]).expect(200);

describe('GET /integration/events', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminUid: string;
  let acme: string;
  let other: string;
  let alice: string;
  let bob: string;
  let provider: string;
  let acmeService: string;
  const open: EventStream[] = [];

  const follow = async (key: string, headers: Record<string, string> = {}) => {
    const stream = await openEventStream(`${t.url}${API}/integration/events`, { ...bearer(key), ...headers });
    open.push(stream);
    return stream;
  };

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
    adminUid = (await me(t, admin)).instanceUid;
    acme = await createCompany(t, admin, 'Acme');
    other = await createCompany(t, admin, 'Other');
    alice = await createUser(t, admin, userInput('alice', ROLE.owner, { organizationUid: acme }));
    bob = await createUser(t, admin, userInput('bob', ROLE.owner, { organizationUid: other }));
    const operator = await createUser(t, admin, userInput('rs', ROLE.operator, { isService: true }));
    provider = (await createKey(t, admin, operator, { scopes: ['integration'], permissions: ['introspect:use'] })).key;
    const acmeSvc = await createUser(t, admin, userInput('acme-rs', ROLE.owner, { organizationUid: acme, isService: true }));
    acmeService = (await createKey(t, admin, acmeSvc, { scopes: ['integration'], permissions: ['introspect:use'] })).key;
  });
  /** Closes the test's streams and waits (bounded) until the server has let them go. */
  const closeAll = async () => {
    for (const stream of open.splice(0)) stream.close();
    const events = t.app.get(CredentialEvents);
    for (let i = 0; i < 200 && events.openStreams > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.openStreams).toBe(0);
  };
  afterEach(closeAll);
  afterAll(async () => t?.close());

  it('starts with "all" and an id, then carries each change as ids only, never a key', async () => {
    const stream = await follow(provider);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toBe('no-store');
    const [first] = await stream.read();
    expect(first).toMatchObject({ event: 'credential', data: '{"kind":"all"}', id: expect.stringMatching(/^\d+$/) });
    const { id, key } = await createKey(t, admin, alice);
    await disable(t, admin, alice, id);
    const [event] = await stream.read();
    expect(JSON.parse(event.data)).toEqual({ kind: 'identity', ids: [id] });
    expect(Number(event.id)).toBeGreaterThan(Number(first.id));
    await t.http.patch(`${API}/users/${bob}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    expect(await stream.readData()).toEqual({ kind: 'user', ids: [bob] });
    await t.http.patch(`${API}/users/${bob}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Enabled' }]).expect(200);
    expect(await stream.readData()).toEqual({ kind: 'user', ids: [bob] });
    const gone = await createCompany(t, admin, 'Gone');
    await t.http.patch(`${API}/organizations/companies/${gone}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    expect(await stream.readData()).toEqual({ kind: 'company', ids: [gone] });
    await t.http.post(`${API}/permissions`).set(admin).send({ name: 'vm:read', description: 'List machines', roles: ['CompanyOwner'] }).expect(200);
    expect(await stream.readData()).toEqual({ kind: 'permission', ids: ['vm:read'] });
    expect(stream.text()).not.toContain(key);
  });

  it('keeps a tenant’s service to its own tenant’s changes; the provider’s sees every tenant’s', async () => {
    const tenant = await follow(acmeService);
    const everyone = await follow(provider);
    await tenant.read();
    await everyone.read();
    const bobs = await createKey(t, admin, bob);
    const alices = await createKey(t, admin, alice);
    await disable(t, admin, bob, bobs.id);
    await disable(t, admin, alice, alices.id);
    expect(await tenant.readData()).toEqual({ kind: 'identity', ids: [alices.id] });
    expect(await everyone.readData()).toEqual({ kind: 'identity', ids: [bobs.id] });
    expect(await everyone.readData()).toEqual({ kind: 'identity', ids: [alices.id] });
    await t.http.patch(`${API}/organizations/companies/${other}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    await t.http.patch(`${API}/organizations/companies/${other}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Active' }]).expect(200);
    await t.http.patch(`${API}/permissions/vm:read`).set(admin).send([{ op: 'replace', path: '/roles', value: [] }]).expect(200);
    // The other company's changes never reach Acme's stream; permissions are the portal's, so they do.
    expect(await tenant.readData()).toEqual({ kind: 'permission', ids: ['vm:read'] });
    expect(tenant.text()).not.toContain(other);
    const seen = tenant.events.map((e) => JSON.parse(e.data) as { kind: string; ids?: unknown[] });
    expect(seen.some((e) => e.kind === 'identity' && e.ids?.includes(bobs.id))).toBe(false);
  });

  it('resumes after Last-Event-ID from the ring, and starts over with "all" from an id it cannot resume', async () => {
    const first = await follow(provider);
    const [start] = await first.read();
    first.close();
    const a = await createKey(t, admin, alice);
    const b = await createKey(t, admin, alice);
    await disable(t, admin, alice, a.id);
    await disable(t, admin, alice, b.id);
    const resumed = await follow(provider, { 'Last-Event-ID': start.id! });
    const replay = await resumed.read(2);
    expect(replay.map((e) => JSON.parse(e.data))).toEqual([
      { kind: 'identity', ids: [a.id] },
      { kind: 'identity', ids: [b.id] },
    ]);
    const caughtUp = await follow(provider, { 'Last-Event-ID': replay[1].id! });
    await t.http.delete(`${API}/users/${alice}/logins/${a.id}`).set(admin).expect(200);
    expect(await caughtUp.readData()).toEqual({ kind: 'identity', ids: [a.id] });
    for (const bogus of ['1', '99999999999999999999', 'not-a-number']) {
      const fresh = await follow(provider, { 'Last-Event-ID': bogus });
      expect(await fresh.readData()).toEqual({ kind: 'all' });
      fresh.close();
    }
  });

  it('ends a stream when its own credential changes, so the reconnection is authorised again', async () => {
    const user = await createUser(t, admin, userInput('short-lived-rs', ROLE.operator, { isService: true }));
    const { id, key } = await createKey(t, admin, user, { scopes: ['integration'], permissions: ['introspect:use'] });
    const stream = await follow(key);
    await stream.read();
    await disable(t, admin, user, id);
    expect(await stream.readData()).toEqual({ kind: 'identity', ids: [id] });
    await stream.ended();
    expectEnvelopeError(await t.http.get(`${API}/integration/events`).set(bearer(key)), 401);
  });

  it('is for credentials with introspect:use on the integration surface', async () => {
    const { key: restOnly } = await createKey(t, admin, adminUid, { scopes: ['rest'] });
    const { key: without } = await createKey(t, admin, adminUid, { scopes: ['integration'], permissions: ['users:read'] });
    expectEnvelopeError(await t.http.get(`${API}/integration/events`), 401);
    expectEnvelopeError(await t.http.get(`${API}/integration/events`).set(bearer(restOnly)), 403);
    expectEnvelopeError(await t.http.get(`${API}/integration/events`).set(bearer(without)), 403);
  });

  it(`bounds the streams of one credential (${EVENT_LIMITS.streamsPerCaller}), then answers 429`, async () => {
    const user = await createUser(t, admin, userInput('greedy-rs', ROLE.operator, { isService: true }));
    const { key } = await createKey(t, admin, user, { scopes: ['integration'], permissions: ['introspect:use'] });
    const streams = [];
    for (let i = 0; i < EVENT_LIMITS.streamsPerCaller; i++) streams.push(await follow(key));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const refused = await t.http.get(`${API}/integration/events`).set(bearer(key));
    expectEnvelopeError(refused, 429);
    expect(refused.headers['retry-after']).toBeDefined();
    const events = t.app.get(CredentialEvents);
    const before = events.openStreams;
    streams[0].close();
    for (let i = 0; i < 200 && events.openStreams === before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const again = await follow(key);
    expect(again.status).toBe(200);
  });
});

describe('GET /integration/events on shutdown', () => {
  it('ends open streams, so app.close() returns', async () => {
    const t = await startApp();
    const admin = (await login(t)).auth;
    const { key } = await createKey(t, admin, (await me(t, admin)).instanceUid, { scopes: ['integration'] });
    const stream = await openEventStream(`${t.url}${API}/integration/events`, bearer(key));
    await stream.read();
    await t.close();
    await stream.ended();
  });
});

describe.runIf(testDialect() === 'postgresql')('GET /integration/events across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let adminA: Record<string, string>;
  let stream: EventStream;
  let service: string;

  beforeAll(async () => {
    a = await startApp();
    b = await startApp({}, a.db);
    adminA = (await login(a)).auth;
    const operator = await createUser(a, adminA, userInput('rs', ROLE.operator, { isService: true }));
    service = (await createKey(a, adminA, operator, { scopes: ['integration'], permissions: ['introspect:use'] })).key;
    stream = await openEventStream(`${b.url}${API}/integration/events`, bearer(service));
    await stream.read();
  });
  afterAll(async () => {
    stream?.close();
    await b?.close();
    await a?.close();
  });

  it('carries changes made on another instance, a permission only once that instance can answer with it', async () => {
    const uid = (await me(a, adminA)).instanceUid;
    const { id } = await createKey(a, adminA, uid);
    await disable(a, adminA, uid, id);
    expect(await stream.readData()).toEqual({ kind: 'identity', ids: [id] });

    await a.http.post(`${API}/permissions`).set(adminA).send({ name: 'vm:read', description: 'List machines', roles: ['PortalAdministrator'] }).expect(200);
    const { key: asAdmin } = await createKey(a, adminA, uid);
    const ask = () => b.http.post(`${API}/integration/verify`).set(bearer(service)).send({ key: asAdmin, permissions: ['vm:read'] }).expect(200);
    expect((await stream.readData())).toEqual({ kind: 'permission', ids: ['vm:read'] });
    // The event came after B loaded the grant: asking B now is answered with it.
    expect((await ask()).body.data).toMatchObject({ valid: true });
    await a.http.patch(`${API}/permissions/vm:read`).set(adminA).send([{ op: 'replace', path: '/roles', value: [] }]).expect(200);
    expect((await stream.readData())).toEqual({ kind: 'permission', ids: ['vm:read'] });
    expect((await ask()).body.data).toMatchObject({ valid: false, code: 'INSUFFICIENT_PERMISSIONS' });
  });
});
