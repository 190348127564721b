import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './support/harness.js';

describe('health probes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('answers liveness without credentials, outside /api/v3', async () => {
    const res = await t.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(res.headers['cache-control']).toMatch(/no-store/);
    expect((await t.http.get('/api/v3/health')).status).toBe(404);
  });

  it('answers readiness when the database answers', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });

  it('answers 503 on readiness, and still 200 on liveness, once the database is gone', async () => {
    await t.app.get(MikroORM).close(true);
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    // Terminus reports the failure in the JSON log, filed under the request's id.
    const failure = t.logs.records().find((r) => r.level === 50 && r.reqId === ready.headers['x-request-id']);
    expect(failure, t.logs.lines.slice(-5).join('\n')).toBeDefined();
    expect((await t.http.get('/health')).status).toBe(200);
  });
});
