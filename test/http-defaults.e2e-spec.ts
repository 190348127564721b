import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, expectEnvelopeError, login } from './support/api.js';
import { startApp, type TestApp } from './support/harness.js';
import { RawClient } from './support/raw-http.js';

const API_CSP = "default-src 'none'";

function expectSecurityHeaders(headers: Record<string, unknown>, csp: string): void {
  expect(headers['x-powered-by']).toBeUndefined();
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(String(headers['content-security-policy'])).toContain(csp);
  expect(String(headers['content-security-policy'])).toContain("frame-ancestors 'none'");
}

describe('security headers, CORS closed by default, limits and timeouts', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT_BYTES: '4096' });
    admin = (await login(t)).auth;
  });
  afterAll(async () => t?.close());

  it('sends baseline security headers and no X-Powered-By on successes, errors and the token endpoint', async () => {
    expectSecurityHeaders((await t.http.get(`${API}/users/me`).set(admin).expect(200)).headers, API_CSP);
    expectSecurityHeaders((await t.http.get(`${API}/users/me`).expect(401)).headers, API_CSP);
    expectSecurityHeaders((await t.http.get(`${API}/nowhere`).set(admin).expect(404)).headers, API_CSP);
    expectSecurityHeaders((await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password' }).expect(400)).headers, API_CSP);
  });

  it('gives pages outside the API (the console) a policy that allows only same-origin scripts', async () => {
    const res = await t.http.get('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps CORS closed when CORS_ORIGINS is not set', async () => {
    const preflight = await t.http
      .options(`${API}/users/me`)
      .set('Origin', 'https://elsewhere.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await t.http.get(`${API}/users/me`).set(admin).set('Origin', 'https://elsewhere.example');
    expect(simple.status).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses bodies past BODY_LIMIT_BYTES with 413 in the envelope', async () => {
    const res = await t.http.post(`${API}/organizations/companies`).set(admin).send({ name: 'x'.repeat(5000) });
    expectEnvelopeError(res, 413);
    expect(res.body.errors[0].type).toBe('transport');
  });

  it('has connection and request timeouts', () => {
    const server = t.app.getHttpServer() as { timeout: number; requestTimeout: number; headersTimeout: number };
    expect(server.timeout).toBe(30_000);
    expect(server.requestTimeout).toBe(30_000);
    // Slow headers are cut off by requestTimeout, which covers headers and body together.
    expect(server.headersTimeout).toBeGreaterThan(0);
  });

  it('answers requests the HTTP parser refuses in the envelope and closes the connection', async () => {
    const raw = new RawClient(t.url);
    try {
      const res = await raw.send({ method: 'GET', path: `${API}/users/me`, headers: { 'transfer-encoding': 'identity' }, body: '' });
      expect(res.status).toBe(400);
      expect(res.headers.connection).toBe('close');
      expect(res.json).toEqual({ errors: [{ message: expect.any(String), type: 'transport', code: 400 }] });
      const url = await raw.send({ method: 'GET', path: `${API}/users/%C0%AF` });
      expect(url.status).toBe(400);
      expect(url.json).toEqual({ errors: [{ message: expect.any(String), type: 'logical', code: 400 }] });
      expect(url.text).not.toContain('%C0%AF');
    } finally {
      raw.close();
    }
  });

  /*
   * Secret comparisons in src/, and why none leaks timing:
   * - passwords: argon2.verify (constant-time inside argon2); an unknown user still pays one verify
   *   against a decoy hash (src/identities/password-credentials.ts), checked below;
   * - API keys: never compared — the HMAC-SHA-256 of the presented key is looked up in a unique
   *   index (src/identities/api-key-verifier.ts); the CRC checksum compared with === is public;
   * - refresh tokens: looked up by SHA-256 (src/auth/token.service.ts), never compared;
   * - access tokens: HS256 verified by @nestjs/jwt (jsonwebtoken → jws, constant-time compare).
   */
  it('answers an unknown user and a wrong password alike, after the same argon2 work', async () => {
    const attempt = async (username: string) => {
      const started = performance.now();
      const res = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username, password: 'not-the-password' });
      return { ms: performance.now() - started, body: res.body, status: res.status };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await attempt('admin');
      const b = await attempt(`nobody-${i}`);
      expect(a.status).toBe(400);
      expect(b).toMatchObject({ status: a.status, body: a.body });
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[2];
    // Without the decoy an unknown user answers in ~1 ms against tens of ms; the bound is loose on purpose.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
  });
});

describe('CORS when configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ CORS_ORIGINS: 'https://console.example, https://ops.example' });
  });
  afterAll(async () => t?.close());

  it('answers preflights from listed origins only, without credentials mode', async () => {
    const ok = await t.http
      .options(`${API}/users/me`)
      .set('Origin', 'https://console.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(String(ok.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();

    const other = await t.http
      .options(`${API}/users/me`)
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const simple = await t.http.get(`${API}/users/me`).set('Origin', 'https://ops.example');
    expect(simple.status).toBe(401);
    expect(simple.headers['access-control-allow-origin']).toBe('https://ops.example');
  });
});
