import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, expectEnvelopeError, login, me, type Session, userInput } from './support/api.js';
import { ROLE as ROLES } from '../src/access/roles.js';
import { startApp, type TestApp } from './support/harness.js';
import { documentedVerifier, type Received, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Webhooks end to end against loopback receivers: every event reaches the webhooks that hear it,
 * once, signed as docs/webhooks.md says (its snippet verifies them), tenant by tenant; a failing
 * receiver gets the delivery on a later attempt, and a delivery can be sent again on request.
 */
const ROLE = { owner: ROLES.CompanyOwner, administrator: ROLES.CompanyAdministrator, user: ROLES.CompanyLocationUser } as const;
const ALL_EVENTS = ['key.created', 'key.updated', 'key.rotated', 'key.deleted', 'key.expiring', 'key.expired', 'key.leaked', 'user.disabled', 'company.disabled'];
const DAY = 86_400_000;

type Verify = Awaited<ReturnType<typeof documentedVerifier>>;

describe('webhooks', () => {
  let t: TestApp;
  let admin: Session;
  let verify: Verify;
  const receivers: WebhookReceiver[] = [];

  async function receiver(): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  }

  async function register(auth: Record<string, string>, url: string, events = ALL_EVENTS, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string; body: any }> {
    const res = await t.http.post(`${API}/webhooks`).set(auth).send({ url, events, description: 'test hook', ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { id: res.body.data.id, secret: res.body.data.secret, body: res.body.data };
  }

  /** A webhook's deliveries once `done` holds for them (the worker records an attempt after the receiver answers). */
  async function deliveriesWhen(hookId: string, done: (list: any[]) => boolean): Promise<any[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const list = (await t.http.get(`${API}/webhooks/${hookId}/deliveries`).set(admin.auth).expect(200)).body.data as any[];
      if (done(list)) return list;
      if (Date.now() > deadline) throw new Error(`deliveries never got there: ${JSON.stringify(list)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Every request a receiver accepted, checked against the documented verifier and the payload shape. */
  function expectSigned(got: Received[], secret: string): void {
    for (const r of got) {
      expect(verify(secret, r.headers, r.body), `signature of ${r.json.type}`).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['latchkey-event']).toBe(r.json.type);
      expect(r.headers['latchkey-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.json).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: expect.any(String), createdAt: expect.any(String), data: expect.any(Object) });
      // A wrong secret, a changed body or an old timestamp does not verify.
      expect(verify(`${secret}x`, r.headers, r.body)).toBe(false);
      expect(verify(secret, r.headers, r.body.replace('"data"', '"data" '))).toBe(false);
      expect(verify(secret, { ...r.headers, 'latchkey-timestamp': String(Number(r.headers['latchkey-timestamp']) - 3600) }, r.body)).toBe(false);
    }
  }

  beforeAll(async () => {
    verify = await documentedVerifier();
    t = await startApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_MS: '50', WEBHOOK_EXPIRY_SCAN_MS: '100' });
    admin = await login(t);
  });
  afterAll(async () => {
    await t?.close();
    for (const r of receivers) await r.close();
  });

  it('delivers each event once, signed, to the provider webhook and to the webhook of its tenant only', async () => {
    const provider = await receiver();
    const acme = await receiver();
    const other = await receiver();
    const providerHook = await register(admin.auth, provider.url);
    expect(providerHook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(providerHook.body).toMatchObject({ url: provider.url, events: ALL_EVENTS, enabled: true, companyUid: null });

    const acmeUid = await createCompany(t, admin.auth, 'Acme Hooks');
    const otherUid = await createCompany(t, admin.auth, 'Other Hooks');
    await createUser(t, admin.auth, userInput('acme-hook-owner', ROLE.owner, { organizationUid: acmeUid, password: 'owner-password-1' }));
    await createUser(t, admin.auth, userInput('other-hook-owner', ROLE.owner, { organizationUid: otherUid, password: 'owner-password-1' }));
    const owner = await login(t, 'acme-hook-owner', 'owner-password-1');
    const otherOwner = await login(t, 'other-hook-owner', 'owner-password-1');
    const acmeHook = await register(owner.auth, acme.url);
    expect(acmeHook.body.companyUid).toBe(acmeUid);
    const otherHook = await register(otherOwner.auth, other.url);
    // Each company sees its own webhook only; the provider's administrator sees them all.
    const mine = await t.http.get(`${API}/webhooks`).set(owner.auth).expect(200);
    expect(mine.body.data.map((w: { id: string }) => w.id)).toEqual([acmeHook.id]);
    await t.http.get(`${API}/webhooks/${acmeHook.id}`).set(otherOwner.auth).expect(404);
    await t.http.get(`${API}/webhooks/${otherHook.id}/deliveries`).set(owner.auth).expect(404);
    const all = await t.http.get(`${API}/webhooks`).set(admin.auth).expect(200);
    expect(all.body.data.map((w: { id: string }) => w.id).sort()).toEqual([providerHook.id, acmeHook.id, otherHook.id].sort());

    // In Acme: a key's whole life, a user disabled, the company disabled.
    const workerUid = await createUser(t, owner.auth, userInput('acme-hook-worker', ROLE.user, { password: 'worker-password-1' }));
    const key = await createKey(t, owner.auth, workerUid, { description: 'hooked key' });
    const identity = `${API}/users/${workerUid}/logins/${key.id}`;
    await t.http.patch(identity).set(owner.auth).send([{ op: 'replace', path: '/description', value: 'renamed only' }]).expect(200);
    await t.http.patch(identity).set(owner.auth).send([{ op: 'replace', path: '/status', value: 'disabled' }]).expect(200);
    const rotated = await t.http.post(`${identity}/rotate`).set(owner.auth).send({}).expect(200);
    await t.http.delete(identity).set(owner.auth).expect(200);
    await t.http.patch(`${API}/users/${workerUid}`).set(owner.auth).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    await t.http.patch(`${API}/organizations/companies/${acmeUid}`).set(admin.auth).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    // On the provider side: a key of the admin's own.
    const adminKey = await createKey(t, admin.auth, (await me(t, admin.auth)).instanceUid, { description: 'provider key' });

    const acmeTypes = ['key.created', 'key.updated', 'key.rotated', 'key.deleted', 'user.disabled', 'company.disabled'];
    await acme.waitFor((r) => r.accepted.length >= acmeTypes.length, 'the Acme events');
    await provider.waitFor((r) => r.accepted.length >= acmeTypes.length + 1, 'the provider events');
    // Both webhooks heard Acme's events, in the order they happened, each exactly once.
    expect(acme.accepted.map((r) => r.json.type)).toEqual(acmeTypes);
    expect(provider.accepted.map((r) => r.json.type)).toEqual([...acmeTypes, 'key.created']);
    expect(other.received).toEqual([]);
    expectSigned(acme.accepted, acmeHook.secret);
    expectSigned(provider.accepted, providerHook.secret);
    // The same event (same id) for both webhooks; distinct deliveries.
    expect(acme.accepted.map((r) => r.json.id)).toEqual(provider.accepted.slice(0, acmeTypes.length).map((r) => r.json.id));
    expect(new Set(provider.accepted.map((r) => r.headers['latchkey-delivery'])).size).toBe(provider.accepted.length);

    const [created, updated, rotation, deleted, userDisabled, companyDisabled] = acme.accepted.map((r) => r.json);
    expect(created.data).toMatchObject({
      identityId: key.id,
      keyPrefix: key.key.slice(0, 11),
      description: 'hooked key',
      status: 'enabled',
      user: { instanceUid: workerUid, userName: 'acme-hook-worker' },
      company: { instanceUid: acmeUid, name: 'Acme Hooks' },
    });
    expect(updated.data).toMatchObject({ identityId: key.id, status: 'disabled', changed: ['status'] });
    expect(rotation.data).toMatchObject({ identityId: key.id, keyPrefix: rotated.body.data.parameters.slice(0, 11) });
    expect(deleted.data).toMatchObject({ identityId: key.id });
    expect(userDisabled.data).toMatchObject({ user: { instanceUid: workerUid, userName: 'acme-hook-worker', role: ROLE.user }, company: { instanceUid: acmeUid } });
    expect(companyDisabled.data).toEqual({ company: { instanceUid: acmeUid, name: 'Acme Hooks' } });
    expect(provider.accepted.at(-1)?.json.data).toMatchObject({ identityId: adminKey.id });

    // No key value in any delivery.
    for (const r of [...acme.received, ...provider.received]) {
      for (const secret of [key.key, rotated.body.data.parameters, adminKey.key]) {
        expect(r.body).not.toContain(secret.slice(11));
      }
    }

    // The deliveries are listed with their attempts (Acme is disabled now: the provider looks).
    await deliveriesWhen(acmeHook.id, (rows) => rows.every((row) => row.status === 'succeeded'));
    const list = await t.http.get(`${API}/webhooks/${acmeHook.id}/deliveries`).set(admin.auth).expect(200);
    expect(list.body.meta.pagingInfo).toEqual({ total: acmeTypes.length, count: acmeTypes.length, offset: 0 });
    expect(list.body.data[0]).toMatchObject({ eventType: 'company.disabled', status: 'succeeded', attemptCount: 1, attempts: [{ number: 1, statusCode: 204, succeeded: true, error: '' }] });
    // The secret is never shown again.
    for (const body of [list.body, mine.body, all.body]) expect(JSON.stringify(body)).not.toContain(acmeHook.secret);
  });

  it('retries a failing receiver with backoff: three failures, then the fourth attempt delivers', async () => {
    const flaky = await receiver();
    flaky.answer = (n) => (n <= 3 ? 503 : 200);
    const hook = await register(admin.auth, flaky.url, ['key.created']);
    const key = await createKey(t, admin.auth, (await me(t, admin.auth)).instanceUid, { description: 'retried' });
    await flaky.waitFor((r) => r.accepted.length === 1, 'the fourth attempt');
    expect(flaky.received.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    // One delivery, attempted four times, the same delivery id and body each time, each signed.
    expect(new Set(flaky.received.map((r) => r.headers['latchkey-delivery'])).size).toBe(1);
    expect(new Set(flaky.received.map((r) => r.body)).size).toBe(1);
    expectSigned(flaky.received, hook.secret);
    expect(flaky.received[0].json.data.identityId).toBe(key.id);
    const [delivery] = await deliveriesWhen(hook.id, (rows) => rows[0]?.status === 'succeeded');
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 4, nextAttemptAt: null });
    expect(delivery.attempts.map((a: { statusCode: number; succeeded: boolean; error: string }) => [a.statusCode, a.succeeded, a.error])).toEqual([
      [503, false, 'HTTP 503'],
      [503, false, 'HTTP 503'],
      [503, false, 'HTTP 503'],
      [200, true, ''],
    ]);
    // Attempts were spaced out: each at least half the doubled base delay after the previous one.
    const times = delivery.attempts.map((a: { at: string }) => Date.parse(a.at));
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual((50 * 2 ** (i - 1)) / 2);
  });

  it('sends a delivery again on request, with the same delivery id', async () => {
    const r = await receiver();
    const hook = await register(admin.auth, r.url, ['key.created']);
    await createKey(t, admin.auth, (await me(t, admin.auth)).instanceUid, { description: 'redelivered' });
    await r.waitFor((x) => x.accepted.length === 1, 'the first delivery');
    const [delivery] = await deliveriesWhen(hook.id, (rows) => rows[0]?.status === 'succeeded');
    const again = await t.http.post(`${API}/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`).set(admin.auth).expect(200);
    expect(again.body.data).toMatchObject({ id: delivery.id, status: expect.stringMatching(/pending|succeeded/) });
    await r.waitFor((x) => x.accepted.length === 2, 'the redelivery');
    expect(r.accepted[1].headers['latchkey-delivery']).toBe(delivery.id);
    expect(r.accepted[1].body).toBe(r.accepted[0].body);
    const [after] = await deliveriesWhen(hook.id, (rows) => rows[0]?.attemptCount === 2 && rows[0]?.status === 'succeeded');
    expect(after).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    await t.http.post(`${API}/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`).set(admin.auth).expect(404);
  });

  it('announces keys as their expiration comes near and passes', async () => {
    const r = await receiver();
    await register(admin.auth, r.url, ['key.expiring', 'key.expired']);
    const adminUid = (await me(t, admin.auth)).instanceUid;
    const soon = Date.now() + 1500;
    const week = await createKey(t, admin.auth, adminUid, { description: 'a week', expirationDate: new Date(soon + 7 * DAY).toISOString() });
    const day = await createKey(t, admin.auth, adminUid, { description: 'a day', expirationDate: new Date(soon + DAY).toISOString() });
    const now = await createKey(t, admin.auth, adminUid, { description: 'now', expirationDate: new Date(soon).toISOString() });
    await r.waitFor((x) => x.accepted.length >= 3, 'the three notices');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seen = r.accepted.map((x) => [x.json.type, x.json.data.identityId, x.json.data.noticeDays ?? null]);
    expect(seen).toEqual(expect.arrayContaining([
      ['key.expiring', week.id, 7],
      ['key.expiring', day.id, 1],
      ['key.expired', now.id, null],
    ]));
    // Each once, however many scans ran meanwhile.
    expect(seen).toHaveLength(3);
  });

  it('refuses bad webhooks with a clear 400, and callers without the right', async () => {
    const bad = [
      { url: 'ftp://127.0.0.1/x' },
      { url: 'not a url' },
      { url: 'http://user:pw@127.0.0.1/x' },
      { url: 'http://10.1.2.3/x' },
      { url: 'http://169.254.169.254/latest/meta-data' },
      { url: 'http://[::1]/x' },
      { url: 'https://example.com/x' },
      { url: `http://127.0.0.1/${'a'.repeat(2100)}` },
      { events: [] },
      { events: ['key.created', 'key.created'] },
      { events: ['key.exploded'] },
      { events: 'key.created' },
      { description: 'a<b' },
      { enabled: 'yes' },
      { secret: 'whsec_mine' },
    ];
    for (const body of bad) {
      const res = await t.http.post(`${API}/webhooks`).set(admin.auth).send({ url: 'http://127.0.0.1:9/hook', events: ['key.created'], ...body });
      expectEnvelopeError(res, 400);
      expect(res.body.errors[0].type).toBe('logical');
    }
    const hook = await register(admin.auth, 'http://127.0.0.1:9/hook', ['key.created']);
    const patch = (ops: object) => t.http.patch(`${API}/webhooks/${hook.id}`).set(admin.auth).send(ops);
    expectEnvelopeError(await patch([{ op: 'replace', path: '/url', value: 'http://10.0.0.1/' }]), 400);
    expectEnvelopeError(await patch([{ op: 'replace', path: '/companyUid', value: null }]), 400);
    expectEnvelopeError(await patch([{ op: 'add', path: '/events/-', value: 'nope' }]), 400);
    const patched = await patch([{ op: 'replace', path: '/enabled', value: false }, { op: 'add', path: '/events/-', value: 'key.deleted' }]).expect(200);
    expect(patched.body.data).toMatchObject({ enabled: false, events: ['key.created', 'key.deleted'] });
    await t.http.get(`${API}/webhooks/not-a-uuid`).set(admin.auth).expect(400);

    // A company's plain user, and a Portal Operator, hold no webhook right.
    const companyUid = await createCompany(t, admin.auth, 'No Hooks');
    await createUser(t, admin.auth, userInput('no-hooks-user', ROLE.user, { organizationUid: companyUid, password: 'user-password-1' }));
    const plain = await login(t, 'no-hooks-user', 'user-password-1');
    expectEnvelopeError(await t.http.get(`${API}/webhooks`).set(plain.auth), 403);
    expectEnvelopeError(await t.http.post(`${API}/webhooks`).set(plain.auth).send({ url: 'http://127.0.0.1:9/x', events: ['key.created'] }), 403);
    await t.http.delete(`${API}/webhooks/${hook.id}`).set(admin.auth).expect(200);
    await t.http.delete(`${API}/webhooks/${hook.id}`).set(admin.auth).expect(404);
  });
});
