import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, login, me, type Session } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';

/**
 * RFC 8414 metadata and RFC 7009 revocation, checked against the RFCs' field names and status codes:
 * revocation answers 200 with nothing to learn whether the token was valid or not, ends the whole
 * session of a refresh or access token, deletes an API key, and refuses a request without a token.
 */
const METADATA = '/.well-known/oauth-authorization-server';
const REVOKE = `${API}/integration/revoke`;

describe('OAuth metadata (RFC 8414) and revocation (RFC 7009)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const refresh = (token: string) => t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: token });

  it('publishes the metadata outside /api/v3, named after the request when PUBLIC_URL is unset', async () => {
    const res = await t.http.get(METADATA).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const issuer = t.url;
    expect(res.body).toEqual({
      issuer,
      token_endpoint: `${issuer}/api/v3/token`,
      introspection_endpoint: `${issuer}/api/v3/integration/introspect`,
      revocation_endpoint: `${issuer}/api/v3/integration/revoke`,
      grant_types_supported: ['password', 'refresh_token', 'mfa'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint_auth_methods_supported: ['Bearer'],
      scopes_supported: ['rest', 'integration', 'ui'],
    });
    // §3.2: no claim with zero elements (response_types_supported would be one: no authorization endpoint).
    expect(res.body).not.toHaveProperty('response_types_supported');
    // Without trusted proxies, forwarded headers do not rename the issuer.
    const forwarded = await t.http.get(METADATA).set('X-Forwarded-Host', 'evil.example').set('X-Forwarded-Proto', 'https').expect(200);
    expect(forwarded.body.issuer).toBe(issuer);
    await t.http.get(`${API}${METADATA}`).expect(404);
    await t.http.get(`${METADATA}/elsewhere`).expect(404);
    // The endpoints it names are the ones that answer.
    await t.http.post(new URL(res.body.revocation_endpoint).pathname).type('form').send({ token: 'x' }).expect(200);
    await t.http.post(new URL(res.body.token_endpoint).pathname).type('form').send({ grant_type: 'nope' }).expect(400);
  });

  it('names PUBLIC_URL as the issuer, also at the path-suffixed location of an issuer with a path', async () => {
    const other = await startApp({ PUBLIC_URL: 'https://id.example.com/latchkey/' });
    try {
      const plain = await other.http.get(METADATA).expect(200);
      expect(plain.body).toMatchObject({ issuer: 'https://id.example.com/latchkey', revocation_endpoint: 'https://id.example.com/latchkey/api/v3/integration/revoke' });
      const suffixed = await other.http.get(`${METADATA}/latchkey`).expect(200);
      expect(suffixed.body).toEqual(plain.body);
      await other.http.get(`${METADATA}/other`).expect(404);
    } finally {
      await other.close();
    }
  });

  it('revokes a refresh token: its whole session ends, other sessions stay', async () => {
    const session = await login(t);
    const otherSession = await login(t);
    const res = await t.http.post(REVOKE).type('form').send({ token: session.refreshToken, token_type_hint: 'refresh_token' }).expect(200);
    expect(res.body).toEqual({});
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await refresh(session.refreshToken)).body.error).toBe('invalid_grant');
    await t.http.get(`${API}/users/me`).set(session.auth).expect(401);
    await t.http.get(`${API}/users/me`).set(otherSession.auth).expect(200);
    expect((await refresh(otherSession.refreshToken)).status).toBe(200);
  });

  it('revokes an access token’s session, found whatever the hint says (§2.1)', async () => {
    const session = await login(t);
    await t.http.post(REVOKE).send({ token: session.accessToken, token_type_hint: 'refresh_token' }).expect(200);
    await t.http.get(`${API}/users/me`).set(session.auth).expect(401);
    expect((await refresh(session.refreshToken)).body.error).toBe('invalid_grant');
    // Audit entries of public routes are written in batches (about a second): poll, bounded.
    const reader = (await login(t)).auth;
    await expect
      .poll(async () => (await t.http.get(`${API}/audit`).query({ action: 'token.revoked' }).set(reader).expect(200)).body.data.length, { timeout: 5000, interval: 200 })
      .toBeGreaterThanOrEqual(1);
  });

  it('revokes an API key by deleting it, as the revoke-by-value route does', async () => {
    const admin: Session = await login(t);
    const adminUid = (await me(t, admin.auth)).instanceUid;
    const key = await createKey(t, admin.auth, adminUid, { description: 'revoked by RFC 7009' });
    await t.http.get(`${API}/users/me`).set('X-API-KEY', key.key).expect(200);
    await t.http.post(REVOKE).type('form').send({ token: key.key, token_type_hint: 'api_key' }).expect(200);
    await t.http.get(`${API}/users/me`).set('X-API-KEY', key.key).expect(401);
    await t.http.get(`${API}/users/${adminUid}/logins/${key.id}`).set(admin.auth).expect(404);
  });

  it('answers 200 for invalid tokens and unknown hints, and 400 invalid_request without a token', async () => {
    for (const body of [{ token: 'not-a-token' }, { token: `lk_${'A'.repeat(49)}` }, { token: 'a.b.c', token_type_hint: 'access_token' }, { token: 'x', token_type_hint: 'something_else' }]) {
      const res = await t.http.post(REVOKE).type('form').send(body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body).toEqual({});
    }
    for (const body of [{}, { token: '' }, { token: 'x'.repeat(5000) }, { token: 42 }]) {
      const res = await t.http.post(REVOKE).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    }
  });

  it('throttles revocation per address, with slow_down and Retry-After', async () => {
    const small = await startApp({ REVOCATIONS_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) await small.http.post(REVOKE).type('form').send({ token: `t${i}` }).expect(200);
      const refused = await small.http.post(REVOKE).type('form').send({ token: 'one more' }).expect(429);
      expect(refused.body.error).toBe('slow_down');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The same budget guards revocation by value.
      expect((await small.http.post(`${API}/apikeys/revoke`).send({ keys: [`lk_${'B'.repeat(49)}`] })).status).toBe(429);
    } finally {
      await small.close();
    }
  });
});
