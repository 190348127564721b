import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API, createKey, login, me } from './support/api.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RequestLog {
  level: number;
  reqId: string;
  req: { method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
  msg: string;
}

describe('structured logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  const requestLogs = () => t.logs.records().filter((r) => r.msg === 'request completed') as unknown as RequestLog[];
  /** The request line is written when the response finishes, which may be just after the client has it. */
  const logOf = (id: string) => vi.waitFor(() => {
    const line = requestLogs().find((r) => r.reqId === id);
    if (!line) throw new Error(`no request log for ${id}`);
    return line;
  });

  it('writes one JSON line per request, filed under the id the response carries', async () => {
    const res = await t.http.get('/health');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    const line = await logOf(id);
    expect(line).toMatchObject({ reqId: id, req: { method: 'GET', url: '/health' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
    expect(requestLogs().filter((r) => r.reqId === id)).toHaveLength(1);
    for (const record of t.logs.records()) expect(record).toEqual(expect.objectContaining({ level: expect.any(Number), time: expect.any(Number) }));
  });

  it('keeps a caller\'s sane request id and replaces anything else', async () => {
    const kept = await t.http.get(`${API}/permissions`).set('X-Request-Id', 'trace-42.a:b_c');
    expect(kept.status).toBe(401);
    expect(kept.headers['x-request-id']).toBe('trace-42.a:b_c');
    expect((await logOf('trace-42.a:b_c')).res.statusCode).toBe(401);

    for (const bad of ['has spaces in it', 'x'.repeat(65), 'semi;colon', `lk_${'a'.repeat(49)}`]) {
      const res = await t.http.get('/health').set('X-Request-Id', bad);
      expect(res.headers['x-request-id'], bad).toMatch(UUID);
    }
  });

  it('never logs a credential, a token, a password, a key or a body', async () => {
    const traced = async (id: string, req: Test) => {
      const res = await req.set('X-Request-Id', id);
      expect(res.headers['x-request-id']).toBe(id);
      return res;
    };
    // The token endpoint: password, then refresh token, then the MFA fields.
    const session = await login(t);
    const refreshed = await traced('refresh', t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: session.refreshToken }));
    expect(refreshed.status).toBe(200);
    const mfa = { mfa_token: 'mfa-token-secret-0123456789', mfa_code: '918273' };
    await traced('mfa', t.http.post(`${API}/token`).type('form').send({ grant_type: 'mfa', ...mfa }));

    // A fresh key travels in `parameters` of the answer.
    const owner = (await me(t, session.auth)).instanceUid;
    const { key } = await createKey(t, session.auth, owner, { description: 'logged key' });
    const spare = await createKey(t, session.auth, owner, { description: 'revoked key' });
    const doomed = await createKey(t, session.auth, owner, { description: 'deleted key' });

    // Every transport, and a cookie for good measure.
    const basic = Buffer.from(`anyone:${key}`).toString('base64');
    expect((await traced('bearer', t.http.get(`${API}/users/me`).set('Authorization', `Bearer ${refreshed.body.access_token}`))).status).toBe(200);
    expect((await traced('raw', t.http.get(`${API}/users/me`).set('Authorization', key))).status).toBe(200);
    expect((await traced('header', t.http.get(`${API}/users/me`).set('X-API-KEY', key))).status).toBe(200);
    expect((await traced('basic', t.http.get(`${API}/users/me`).set('Authorization', `Basic ${basic}`))).status).toBe(200);
    expect((await traced('cookie', t.http.get('/health').set('Cookie', 'session=cookie-secret-0123456789'))).status).toBe(200);
    // Keys in bodies: revocation by value and deletion by value.
    expect((await traced('revoke', t.http.post(`${API}/apikeys/revoke`).send({ keys: [spare.key] }))).status).toBe(200);
    expect((await traced('delete', t.http.delete(`${API}/apikeys`).set('X-API-KEY', key).send({ key: doomed.key }))).status).toBe(200);
    // A failed login with a wrong password.
    await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: ADMIN.username, password: 'wrong-password-secret' });

    for (const id of ['refresh', 'mfa', 'bearer', 'raw', 'header', 'basic', 'cookie', 'revoke', 'delete']) await logOf(id);
    const output = t.logs.lines.join('\n');
    const secrets = {
      password: ADMIN.password,
      wrongPassword: 'wrong-password-secret',
      accessToken: session.accessToken,
      refreshedAccessToken: refreshed.body.access_token,
      refreshToken: session.refreshToken,
      newRefreshToken: refreshed.body.refresh_token,
      mfaToken: mfa.mfa_token,
      mfaCode: mfa.mfa_code,
      key,
      spareKey: spare.key,
      deletedKey: doomed.key,
      keySecretPart: key.slice(11),
      basic,
      cookie: 'cookie-secret-0123456789',
    };
    for (const [name, secret] of Object.entries(secrets)) expect(output.includes(secret), `${name} reached the logs`).toBe(false);
    for (const line of requestLogs()) {
      expect(Object.keys(line.req).sort()).toEqual(['method', 'remoteAddress', 'url']);
      expect(line.req.url).not.toContain('?');
    }
  });
});
