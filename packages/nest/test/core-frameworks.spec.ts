/** The README's snippets for using the core without Nest, run as written against the stand-in Latchkey. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeRequest, createVerifier, type LatchkeyVerifier, type VerifiedSubject } from '../src/core/index.js';
import { FakeLatchkey, newKey } from './support/fake-latchkey.js';

let latchkey: FakeLatchkey;
let verifier: LatchkeyVerifier;
const reader = newKey();

beforeAll(async () => {
  latchkey = await new FakeLatchkey().start();
  latchkey.add(reader, { identityId: 5, userUid: 'u-5', permissions: ['vm:read'] });
  verifier = createVerifier({ url: latchkey.url, serviceKey: latchkey.serviceKey, logger: { warn: () => undefined } });
});

afterAll(async () => {
  await verifier.close();
  await latchkey.stop();
});

async function expectGuarded(base: string): Promise<void> {
  const missing = await fetch(`${base}/api/vms/`);
  expect(missing.status).toBe(401);
  expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
  const ok = await fetch(`${base}/api/vms/?x=1`, { headers: { 'x-api-key': reader } });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ owner: 'u-5' });
  const denied = await fetch(`${base}/api/vms/`, { method: 'POST', headers: { 'x-api-key': reader } });
  expect(denied.status).toBe(403);
  expect(await denied.json()).toEqual({ errors: [{ message: 'The key lacks the "vm:write" permission.' }] });
  expect(latchkey.calls.at(-1)).toMatchObject({ path: '/api/vms/', clientIp: '127.0.0.1' });
}

describe('the core without Nest', () => {
  it('Express middleware', async () => {
    const app = express();
    const requirePermissions =
      (...permissions: string[]): express.RequestHandler =>
      async (req, res, next) => {
        const decision = await authorizeRequest(verifier, { headers: req.headers, method: req.method, path: req.originalUrl, clientIp: req.ip, permissions });
        if (!decision.allow) {
          res.status(decision.refusal.status).set(decision.refusal.headers).json({ errors: [{ message: decision.refusal.message }] });
          return;
        }
        res.locals.latchkey = decision.subject;
        next();
      };
    app.get('/api/vms/', requirePermissions('vm:read'), (_req, res) => {
      res.json({ owner: (res.locals.latchkey as VerifiedSubject).userUid });
    });
    app.post('/api/vms/', requirePermissions('vm:write'), (_req, res) => {
      res.status(201).json({});
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await expectGuarded(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Fastify hook with per-route permissions', async () => {
    const app = Fastify();
    app.decorateRequest('latchkey', null);
    app.addHook('onRequest', async (request, reply) => {
      const permissions = (request.routeOptions.config as { permissions?: string[] }).permissions ?? [];
      const decision = await authorizeRequest(verifier, { headers: request.headers, method: request.method, path: request.url, clientIp: request.ip, permissions });
      if (!decision.allow) return reply.code(decision.refusal.status).headers(decision.refusal.headers).send({ errors: [{ message: decision.refusal.message }] });
      (request as unknown as { latchkey: VerifiedSubject }).latchkey = decision.subject;
    });
    app.get('/api/vms/', { config: { permissions: ['vm:read'] } }, async (request) => ({ owner: (request as unknown as { latchkey: VerifiedSubject }).latchkey.userUid }));
    app.post('/api/vms/', { config: { permissions: ['vm:write'] } }, async () => ({}));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await expectGuarded(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    } finally {
      await app.close();
    }
  });
});
