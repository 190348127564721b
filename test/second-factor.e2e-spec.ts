import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';
import { ROLE } from '../src/access/roles.js';

const STEP = 30;
/** A code for the time step `offset` steps from now (the server accepts one step of drift). */
async function code(secret: string, offset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * STEP });
}

describe('two-factor login (TOTP identities)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let uid: string;
  let user: Record<string, string>;
  let secret: string;
  let key: string;

  beforeAll(async () => {
    t = await startApp();
    admin = (await login(t)).auth;
    uid = await createUser(t, admin, userInput('mfa-user', ROLE.PortalReadonlyOperator));
    user = (await login(t, 'mfa-user', 'password-123')).auth;
    key = (await createKey(t, admin, uid, { description: 'script key' })).key;
  });
  afterAll(async () => t?.close());

  it('enrols a TOTP identity that stays disabled until a code confirms it', async () => {
    const enrol = await t.http.post(`${API}/users/${uid}/logins/totp`).set(user);
    expect(enrol.status).toBe(200);
    const { identity, otpauthUrl } = enrol.body.data;
    expect(identity).toMatchObject({ identityProviderName: 'TOTP', status: 'disabled', parameters: '' });
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Latchkey:mfa-user\?/);
    secret = new URL(otpauthUrl).searchParams.get('secret') as string;
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);

    // Until confirmed, the password alone still logs in.
    expect((await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'mfa-user', password: 'password-123' })).body.access_token).toBeDefined();
    const wrong = await t.http.post(`${API}/users/${uid}/logins/totp/${identity.id}/confirm`).set(user).send({ code: '000000' === (await code(secret)) ? '111111' : '000000' });
    expectEnvelopeError(wrong, 400);
    const confirmed = await t.http.post(`${API}/users/${uid}/logins/totp/${identity.id}/confirm`).set(user).send({ code: await code(secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.data.status).toBe('enabled');
    // Only the user enrols their own second factor; a second enrolment is a conflict.
    expectEnvelopeError(await t.http.post(`${API}/users/${uid}/logins/totp`).set(admin), 404);
    expectEnvelopeError(await t.http.post(`${API}/users/${uid}/logins/totp`).set(user), 409);
  });

  it('answers the password grant with an mfa_token only, and tokens only for a valid code', async () => {
    const first = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: 'mfa-user', password: 'password-123' });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['mfa_token']);
    // The mfa_token is not an access token.
    expectEnvelopeError(await t.http.get(`${API}/users/me`).set('Authorization', `Bearer ${first.body.mfa_token}`), 401);

    const next = await code(secret, 1);
    const bad = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'mfa', mfa_token: first.body.mfa_token, mfa_code: next === '123456' ? '654321' : '123456' });
    expect(bad.body.error).toBe('invalid_grant');
    const good = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'mfa', mfa_token: first.body.mfa_token, mfa_code: next });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ token_type: 'bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
    expect((await me(t, { Authorization: `Bearer ${good.body.access_token}` })).instanceUid).toBe(uid);

    // The same code again, even with a fresh mfa_token, is refused.
    const again = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'mfa-user', password: 'password-123' });
    const replay = await t.http.post(`${API}/token`).send({ grant_type: 'mfa', mfa_token: again.body.mfa_token, mfa_code: next });
    expect(replay.body.error).toBe('invalid_grant');
    expect((await t.http.post(`${API}/token`).send({ grant_type: 'mfa', mfa_token: 'garbage', mfa_code: next })).body.error).toBe('invalid_grant');
  });

  it('keeps API keys working for users with a second factor', async () => {
    const res = await t.http.get(`${API}/users/me`).set('X-API-KEY', key);
    expect(res.status).toBe(200);
    expect(res.body.data.userName).toBe('mfa-user');
  });

  it('throttles wrong codes', async () => {
    const { body } = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'mfa-user', password: 'password-123' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.http.post(`${API}/token`).send({ grant_type: 'mfa', mfa_token: body.mfa_token, mfa_code: String(100000 + i) });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.error).toBe('slow_down');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toContain(429);
    // Even the right code is refused while throttled.
    const right = await t.http.post(`${API}/token`).send({ grant_type: 'mfa', mfa_token: body.mfa_token, mfa_code: await code(secret, 1) });
    expect(right.status).toBe(429);
  });

  it('removes the second factor by deleting its identity', async () => {
    const list = await t.http.get(`${API}/users/${uid}/logins`).set(admin);
    const totp = list.body.data.find((i: { identityProviderName: string }) => i.identityProviderName === 'TOTP');
    await t.http.delete(`${API}/users/${uid}/logins/${totp.id}`).set(admin).expect(200);
    const res = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'mfa-user', password: 'password-123' });
    expect(res.body.access_token).toBeDefined();
  });
});
