import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, expectEnvelopeError, login, me } from './support/api.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startApp, type TestApp } from './support/harness.js';

const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

describe('rate limits', () => {
  describe('in memory (default)', () => {
    let t: TestApp;
    let admin: Record<string, string>;
    let adminUid: string;

    beforeAll(async () => {
      t = await startApp({ AUTH_FAILURES_PER_MINUTE: '5', LOGIN_FAILURES_PER_15_MINUTES: '3' });
      admin = (await login(t)).auth;
      adminUid = (await me(t, admin)).instanceUid;
    });
    afterAll(async () => t?.close());

    it('answers 429 with Retry-After once a key spends its per-minute budget', async () => {
      const { key } = await createKey(t, admin, adminUid, { rateLimitPerMinute: 3 });
      for (let i = 0; i < 3; i++) expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key)).status).toBe(200);
      const limited = await t.http.get(`${API}/users/me`).set('X-API-KEY', key);
      expectEnvelopeError(limited, 429);
      expect(limited.body.errors[0].type).toBe('retryableLogical');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // The limit is part of the identity, and a manager may change it (0 removes it).
      const id = (await t.http.get(`${API}/users/logins`).set(admin).query({ filter: JSON.stringify([{ property: 'keyPrefix', operation: 'equals', value: key.slice(0, 11) }]) })).body.data[0];
      expect(id.rateLimitPerMinute).toBe(3);
      const lifted = await t.http.patch(`${API}/users/${adminUid}/logins/${id.id}`).set(admin).send([{ op: 'replace', path: '/rateLimitPerMinute', value: 0 }]);
      expect(lifted.body.data.rateLimitPerMinute).toBe(0);
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', key)).status).toBe(200);
      expectEnvelopeError(await t.http.patch(`${API}/users/${adminUid}/logins/${id.id}`).set(admin).send([{ op: 'replace', path: '/rateLimitPerMinute', value: -1 }]), 400);
      // Other keys of the same user have their own budget.
      const other = (await createKey(t, admin, adminUid)).key;
      expect((await t.http.get(`${API}/users/me`).set('X-API-KEY', other)).status).toBe(200);
    });

    it('throttles failed logins per address and username', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'admin', password: `wrong-${i}-password` });
        expect(res.body.error).toBe('invalid_grant');
      }
      const blocked = await t.http.post(`${API}/token`).send({ grant_type: 'password', username: 'admin', password: 'admin-password-1' });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error).toBe('slow_down');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('throttles an address after repeated failed authentications, even with a good credential', async () => {
      const { key } = await createKey(t, admin, adminUid);
      for (let i = 0; i < 5; i++) expectEnvelopeError(await t.http.get(`${API}/users/me`).set('X-API-KEY', 'lk_' + String(i).repeat(49)), 401);
      const res = await t.http.get(`${API}/users/me`).set('X-API-KEY', key);
      expectEnvelopeError(res, 429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('shared through Redis by two instances', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      db = await createTestDatabase();
      a = await startApp({ REDIS_URL }, db);
      b = await startApp({ REDIS_URL }, db);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db?.drop();
    });

    it('enforces one budget across instances', async () => {
      const admin = (await login(a)).auth;
      const { key } = await createKey(a, admin, (await me(a, admin)).instanceUid, { rateLimitPerMinute: 4 });
      const statuses: number[] = [];
      for (const instance of [a, b, a, b]) statuses.push((await instance.http.get(`${API}/users/me`).set('X-API-KEY', key)).status);
      expect(statuses).toEqual([200, 200, 200, 200]);
      expectEnvelopeError(await b.http.get(`${API}/users/me`).set('X-API-KEY', key), 429);
      expectEnvelopeError(await a.http.get(`${API}/users/me`).set('X-API-KEY', key), 429);
    });
  });
});
