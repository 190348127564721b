import 'reflect-metadata';
import { Controller, Get, type INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VerifiedSubject } from '../src/core/authorize-request.js';
import { LatchkeySubject, Public, RequirePermissions } from '../src/nest/decorators.js';
import { LatchkeyGuard } from '../src/nest/latchkey.guard.js';
import { LatchkeyModule } from '../src/nest/latchkey.module.js';
import type { LatchkeyRootOptions } from '../src/nest/options.js';
import { FakeLatchkey, newKey } from './support/fake-latchkey.js';

@Controller('vms')
@RequirePermissions('vm:read')
class VmsController {
  @Get()
  list(@LatchkeySubject() subject: VerifiedSubject) {
    return { subject };
  }

  @Post()
  @RequirePermissions('vm:write')
  create(@LatchkeySubject('userUid') userUid: string) {
    return { userUid };
  }

  @Get('open')
  @Public()
  open(@LatchkeySubject() subject: VerifiedSubject | undefined) {
    return { subject: subject ?? null };
  }
}

@Controller('any')
class AnyKeyController {
  @Get()
  any(@LatchkeySubject('identityId') id: number) {
    return { id };
  }
}

/** Two controllers sharing one inherited handler, with different class-level permissions. */
class BaseController {
  @Get()
  read() {
    return { ok: true };
  }
}

@Controller('reports')
@RequirePermissions('reports:read')
class ReportsController extends BaseController {}

@Controller('open-reports')
class OpenReportsController extends BaseController {}

@Controller('health')
@Public()
class HealthController {
  @Get()
  ok() {
    return { ok: true };
  }
}

@Controller('guarded-here')
@UseGuards(LatchkeyGuard)
class LocallyGuardedController {
  @Get()
  here() {
    return { here: true };
  }
}

@Controller('not-guarded')
class UnguardedController {
  @Get()
  open() {
    return { open: true };
  }
}

const json = (res: Response): Promise<any> => res.json();
const quiet = { warn: () => undefined, log: () => undefined };

async function start(module: object, adapter: 'fastify' | 'express', trustProxy = false): Promise<{ app: INestApplication; url: string }> {
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(module as never, new FastifyAdapter({ trustProxy }), { logger: false })
      : await NestFactory.create<NestExpressApplication>(module as never, new ExpressAdapter(), { logger: false });
  if (adapter === 'express' && trustProxy) (app as NestExpressApplication).set('trust proxy', true);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl().then((u) => u.replace('[::1]', '127.0.0.1')) };
}

function appModule(options: Partial<LatchkeyRootOptions>, controllers: unknown[] = [VmsController, AnyKeyController, HealthController]) {
  @Module({ imports: [LatchkeyModule.forRoot({ url: latchkey.url, serviceKey: latchkey.serviceKey, logger: quiet, ...options })], controllers: controllers as never[] })
  class AppModule {}
  return AppModule;
}

let latchkey: FakeLatchkey;
const keys = { reader: newKey(), writer: newKey(), own: newKey(), disabled: newKey(), readOnly: newKey() };

beforeAll(async () => {
  latchkey = await new FakeLatchkey().start();
  latchkey.add(keys.reader, { identityId: 11, userUid: 'u-reader', permissions: ['vm:read'] });
  latchkey.add(keys.writer, { identityId: 12, userUid: 'u-writer', permissions: ['vm:read', 'vm:write'] });
  latchkey.add(keys.own, { identityId: 13, userUid: 'u-own', permissions: ['vm:read'], ownObjectsOnly: true });
  latchkey.add(keys.disabled, { identityId: 14, status: 'disabled', permissions: ['vm:read'] });
  latchkey.add(keys.readOnly, { identityId: 16, permissions: ['vm:read', 'vm:write'], readOnly: true });
});

afterAll(async () => {
  await latchkey.stop();
});

describe.each(['fastify', 'express'] as const)('LatchkeyModule on %s', (adapter) => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await start(appModule({ events: false }), adapter));
  });

  afterAll(async () => {
    await app.close();
  });

  afterEach(() => {
    latchkey.mode = 'ok';
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(url + path, { headers });
  const post = (path: string, headers: Record<string, string> = {}) => fetch(url + path, { method: 'POST', headers });

  it('answers 401 with a challenge when the request has no key', async () => {
    const res = await get('/vms');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="latchkey", Basic realm="latchkey"');
    expect(await json(res)).toEqual({ errors: [{ message: 'An API key is required.', type: 'security', code: 401 }] });
  });

  it.each([
    ['an unknown key', () => newKey(), 'The API key is not valid.'],
    ['a malformed key', () => 'lk_' + 'x'.repeat(49), 'The API key is malformed.'],
    ['a disabled key', () => keys.disabled, 'The API key is disabled.'],
  ])('answers 401 for %s', async (_what, key, message) => {
    const res = await get('/vms', { 'x-api-key': key() });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await json(res)).errors[0].message).toBe(message);
  });

  it('lets a vm:read key list, hands the subject to the handler, and refuses it a create with 403 naming vm:write', async () => {
    const listed = await get('/vms', { authorization: `Bearer ${keys.reader}` });
    expect(listed.status).toBe(200);
    expect((await json(listed)).subject).toMatchObject({ identityId: 11, userUid: 'u-reader', ownObjectsOnly: false, permissions: ['vm:read'] });
    const created = await post('/vms', { authorization: `Bearer ${keys.reader}` });
    expect(created.status).toBe(403);
    expect(await json(created)).toEqual({ errors: [{ message: 'The key lacks the "vm:write" permission.', type: 'security', code: 403 }] });
  });

  it('requires the controller’s and the route’s permissions together', async () => {
    const res = await post('/vms', { 'x-api-key': keys.writer });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ userUid: 'u-writer' });
    const call = latchkey.calls.at(-1);
    expect(call?.permissions).toEqual(['vm:read', 'vm:write']);
  });

  it('reads every transport', async () => {
    const basic = `Basic ${Buffer.from(`anyone:${keys.reader}`).toString('base64')}`;
    for (const headers of [{ authorization: keys.reader }, { authorization: basic }, { 'x-api-key': keys.reader }] as Record<string, string>[]) {
      expect((await get('/vms', headers)).status).toBe(200);
    }
  });

  it('hands ownObjectsOnly to the handler', async () => {
    const res = await get('/vms', { 'x-api-key': keys.own });
    expect((await json(res)).subject).toMatchObject({ userUid: 'u-own', ownObjectsOnly: true });
  });

  it('sends the method, the path without its query and the client address', async () => {
    await get('/vms?page=2&secret=x', { 'x-api-key': keys.own });
    expect(latchkey.calls.at(-1)).toMatchObject({ key: keys.own, method: 'GET', path: '/vms', clientIp: '127.0.0.1', permissions: ['vm:read'] });
  });

  it('needs a valid key, but no permission, on routes without @RequirePermissions', async () => {
    expect((await get('/any')).status).toBe(401);
    const res = await get('/any', { 'x-api-key': keys.reader });
    expect(await json(res)).toEqual({ id: 11 });
  });

  it('answers 403 for a read-only key that tries to write', async () => {
    const res = await post('/vms', { 'x-api-key': keys.readOnly });
    expect(res.status).toBe(403);
    expect((await json(res)).errors[0].message).toBe('The API key is read-only.');
  });

  it('answers 429 with Retry-After once a rate-limited key is spent', async () => {
    const limited = newKey();
    latchkey.add(limited, { permissions: ['vm:read'], rateLimit: 1 });
    expect((await get('/vms', { 'x-api-key': limited })).status).toBe(200);
    const res = await get('/vms', { 'x-api-key': limited });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await json(res)).toEqual({ errors: [{ message: "The API key's rate limit is exhausted; retry in 7 s.", type: 'retryableLogical', code: 429 }] });
  });

  it('answers 503 when Latchkey cannot answer and nothing is cached', async () => {
    latchkey.mode = 'error';
    const res = await get('/vms', { 'x-api-key': newKey() });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await json(res)).errors[0]).toMatchObject({ type: 'retryableLogical', code: 503 });
  });

  it('lets @Public() routes and controllers through without a key', async () => {
    expect(await json(await get('/vms/open'))).toEqual({ subject: null });
    expect((await get('/health')).status).toBe(200);
    const calls = latchkey.calls.length;
    await get('/health', { 'x-api-key': newKey() });
    expect(latchkey.calls).toHaveLength(calls);
  });
});

describe.each(['fastify', 'express'] as const)('LatchkeyModule behind a proxy on %s', (adapter) => {
  it('sends the address the app trusts (request.ip)', async () => {
    const { app, url } = await start(appModule({ events: false }), adapter, true);
    try {
      await fetch(`${url}/vms`, { headers: { 'x-api-key': keys.reader, 'x-forwarded-for': '203.0.113.7' } });
      expect(latchkey.calls.at(-1)?.clientIp).toBe('203.0.113.7');
    } finally {
      await app.close();
    }
  });
});

describe('LatchkeyGuard rules', () => {
  it('reads the rule per controller, so an inherited handler takes each controller’s permissions', async () => {
    const { app, url } = await start(appModule({ events: false }, [OpenReportsController, ReportsController]), 'fastify');
    try {
      expect((await fetch(`${url}/open-reports`, { headers: { 'x-api-key': keys.reader } })).status).toBe(200);
      const res = await fetch(`${url}/reports`, { headers: { 'x-api-key': keys.reader } });
      expect(res.status).toBe(403);
      expect((await json(res)).errors[0].message).toBe('The key lacks the "reports:read" permission.');
    } finally {
      await app.close();
    }
  });
});

describe('LatchkeyModule options', () => {
  it('forRootAsync takes its options from a factory', async () => {
    @Module({
      imports: [LatchkeyModule.forRootAsync({ useFactory: async () => ({ url: latchkey.url, serviceKey: latchkey.serviceKey, events: false, logger: quiet, realm: 'vms' }) })],
      controllers: [VmsController],
    })
    class AsyncModule {}
    const { app, url } = await start(AsyncModule, 'fastify');
    try {
      const res = await fetch(`${url}/vms`);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="vms", Basic realm="vms"');
      expect((await fetch(`${url}/vms`, { headers: { 'x-api-key': keys.reader } })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('globalGuard: false guards only the controllers that ask for it', async () => {
    const { app, url } = await start(appModule({ events: false, globalGuard: false }, [LocallyGuardedController, UnguardedController]), 'fastify');
    try {
      expect((await fetch(`${url}/guarded-here`)).status).toBe(401);
      expect((await fetch(`${url}/guarded-here`, { headers: { 'x-api-key': keys.reader } })).status).toBe(200);
      expect((await fetch(`${url}/not-guarded`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('errorBody shapes the refusal', async () => {
    const { app, url } = await start(appModule({ events: false, errorBody: (r) => ({ detail: r.message, code: r.code }) }), 'express');
    try {
      const res = await fetch(`${url}/vms`, { method: 'POST', headers: { 'x-api-key': keys.reader } });
      expect(await json(res)).toEqual({ detail: 'The key lacks the "vm:write" permission.', code: 'INSUFFICIENT_PERMISSIONS' });
    } finally {
      await app.close();
    }
  });

  it('follows the events stream while the app runs and stops on close', async () => {
    const { app, url } = await start(appModule({}), 'fastify');
    const deadline = Date.now() + 3_000;
    while (latchkey.openStreams === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(latchkey.openStreams).toBe(1);
    expect((await fetch(`${url}/vms`, { headers: { 'x-api-key': keys.writer } })).status).toBe(200);
    await app.close();
    const closed = Date.now() + 2_000;
    while (latchkey.openStreams > 0 && Date.now() < closed) await new Promise((r) => setTimeout(r, 10));
    expect(latchkey.openStreams).toBe(0);
  });
});
