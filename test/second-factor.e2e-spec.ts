import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, createUser, expectEnvelopeError, login, me, userInput } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';
import { expectVspc } from './support/vspc.js';
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

  const totpSecret = (auth: Record<string, string>) => t.http.get(`${API}/authentication/keys/totp-secret`).set(auth);
  const addTotp = (auth: Record<string, string>, query: Record<string, string>) =>
    t.http.post(`${API}/users/${uid}/logins/totp`).set(auth).query({ description: 'Phone', scopes: 'ui', ...query });

  it('hands out a secret as VSPC does, stored nowhere until a code proves it', async () => {
    const res = await totpSecret(user);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expectVspc('TotpSecret', res.body.data);
    const { secret: fresh, secretUrl } = res.body.data;
    expect(fresh).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(secretUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(fresh);
    expect(url.searchParams.get('issuer')).toBe('Latchkey');
    expect(decodeURIComponent(url.pathname)).toBe('/Latchkey:mfa-user');
    expect((await totpSecret(user)).body.data.secret).not.toBe(fresh);
    // Until a code enables it, the password alone still logs in.
    expect((await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'mfa-user', password: 'password-123' })).body.access_token).toBeDefined();
  });

  it('enables the TOTP identity in one call from the secret URL and a current code (query only, no body)', async () => {
    const { secretUrl } = (await totpSecret(user)).body.data;
    secret = new URL(secretUrl).searchParams.get('secret') as string;
    const current = await code(secret);
    const wrong = await addTotp(user, { secretUrl, code: current === '000000' ? '111111' : '000000' });
    expectEnvelopeError(wrong, 400);
    expect(wrong.body.errors[0].parameterName).toBe('code');
    expectEnvelopeError(await addTotp(user, { secretUrl: 'https://example.com/?secret=JBSWY3DPEHPK3PXP', code: current }), 400);
    expectEnvelopeError(await addTotp(user, { secretUrl, code: current, description: 'a<b' }), 400);

    const added = await addTotp(user, { secretUrl, code: current });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expectVspc('UserLogin', added.body.data);
    expect(added.body.data).toMatchObject({ identityProviderName: 'TOTP', status: 'enabled', description: 'Phone', scopes: ['ui'], parameters: '', userUid: uid });
    // Only the user enables their own second factor; a second one is a conflict.
    expectEnvelopeError(await addTotp(admin, { secretUrl, code: await code(secret) }), 404);
    expectEnvelopeError(await addTotp(user, { secretUrl, code: await code(secret) }), 409);
  });

  it('refuses API keys on both routes, whatever their permissions', async () => {
    // The user's own key, and a portal administrator's key holding every permission.
    const adminKey = (await createKey(t, admin, (await me(t, admin)).instanceUid, { description: 'admin key' })).key;
    for (const headers of [{ 'X-API-KEY': key }, { Authorization: key }, { Authorization: `Bearer ${key}` }, { 'X-API-KEY': adminKey }] as Record<string, string>[]) {
      expectEnvelopeError(await totpSecret(headers), 403);
      const res = await addTotp(headers, { secretUrl: 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', code: '123456' });
      expectEnvelopeError(res, 403);
      expect(res.body.errors[0].type).toBe('security');
    }
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
