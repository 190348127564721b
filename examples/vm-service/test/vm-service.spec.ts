import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeLatchkey, newKey } from '../../../packages/nest/test/support/fake-latchkey.js';
import { createVmService } from '../src/app.js';
import { ConfigError, readConfig } from '../src/config.js';

type Json = any;

let latchkey: FakeLatchkey;
let app: NestFastifyApplication;
let url: string;
const keys = { reader: newKey(), writer: newKey(), own: newKey(), otherCompany: newKey() };

async function call(method: string, path: string, key?: string, body?: Record<string, string> | string, type = 'application/x-www-form-urlencoded') {
  const headers: Record<string, string> = key ? { 'x-api-key': key } : {};
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body) payload = type.includes('json') ? JSON.stringify(body) : new URLSearchParams(body).toString();
  if (payload !== undefined) headers['content-type'] = type;
  const res = await fetch(url + path, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

const machine = (vm_name: string) => ({ project_id: '1', image_name: 'ubuntu-24.04', flavor_name: 'de.NBI small', vm_name });

beforeAll(async () => {
  latchkey = await new FakeLatchkey().start();
  latchkey.add(keys.reader, { identityId: 1, userUid: 'u-alice', companyId: 'acme', permissions: ['vm:read'] });
  latchkey.add(keys.writer, { identityId: 2, userUid: 'u-alice', companyId: 'acme', permissions: ['vm:read', 'vm:write'] });
  latchkey.add(keys.own, { identityId: 3, userUid: 'u-bob', companyId: 'acme', permissions: ['vm:read', 'vm:write'], ownObjectsOnly: true });
  latchkey.add(keys.otherCompany, { identityId: 4, userUid: 'u-carol', companyId: 'globex', permissions: ['vm:read', 'vm:write'] });
  app = await createVmService({ latchkey: { url: latchkey.url, serviceKey: latchkey.serviceKey, logger: { warn: () => undefined } }, databasePath: ':memory:', logger: false });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
});

afterAll(async () => {
  await app.close();
  await latchkey.stop();
});

afterEach(() => {
  latchkey.mode = 'ok';
});

describe('vm-service behind @latchkey/nest', () => {
  it('creates a machine from SimpleVM’s form fields with a vm:write key, owned by the key’s user', async () => {
    const res = await call('POST', '/api/vms/', keys.writer, machine('demo'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(Number), project_id: 1, vm_name: 'demo', image_name: 'ubuntu-24.04', flavor_name: 'de.NBI small', status: 'ACTIVE', owner_uid: 'u-alice' });
  });

  it('takes JSON too', async () => {
    const res = await call('POST', '/api/vms', keys.writer, { ...machine('json-demo'), project_id: 2 } as unknown as Record<string, string>, 'application/json');
    expect(res.status).toBe(201);
    expect(res.body.project_id).toBe(2);
  });

  it('lets a vm:read key list, but not create or stop (403 naming vm:write)', async () => {
    const listed = await call('GET', '/api/vms/', keys.reader);
    expect(listed.status).toBe(200);
    expect(listed.body.map((vm: Json) => vm.vm_name)).toContain('demo');
    const created = await call('POST', '/api/vms/', keys.reader, machine('nope'));
    expect(created.status).toBe(403);
    expect(created.body.errors[0].message).toBe('The key lacks the "vm:write" permission.');
    const stopped = await call('POST', `/api/vms/${listed.body[0].id}/action/`, keys.reader, { os_action: 'stop' });
    expect(stopped.status).toBe(403);
    expect(stopped.body.errors[0].message).toContain('"vm:write"');
  });

  it('stops and resumes with a vm:write key', async () => {
    const { body: vm } = await call('POST', '/api/vms/', keys.writer, machine('cycle'));
    const stopped = await call('POST', `/api/vms/${vm.id}/action/`, keys.writer, { os_action: 'stop' });
    expect(stopped).toMatchObject({ status: 200, body: { id: vm.id, status: 'SHUTOFF' } });
    const resumed = await call('POST', `/api/vms/${vm.id}/action/`, keys.writer, { os_action: 'resume' });
    expect(resumed.body.status).toBe('ACTIVE');
  });

  it('shows an own-objects key only its user’s machines, and hides the others', async () => {
    const { body: alices } = await call('POST', '/api/vms/', keys.writer, machine('alices'));
    const { body: bobs } = await call('POST', '/api/vms/', keys.own, machine('bobs'));
    expect(bobs.owner_uid).toBe('u-bob');
    const listed = await call('GET', '/api/vms/', keys.own);
    expect(listed.body.map((vm: Json) => vm.owner_uid)).toEqual(['u-bob']);
    expect((await call('POST', `/api/vms/${alices.id}/action/`, keys.own, { os_action: 'stop' })).status).toBe(404);
    const all = await call('GET', '/api/vms/', keys.writer);
    expect(all.body.map((vm: Json) => vm.vm_name)).toEqual(expect.arrayContaining(['alices', 'bobs']));
  });

  it('keeps companies apart', async () => {
    const { body: acme } = await call('POST', '/api/vms/', keys.writer, machine('acme-only'));
    const listed = await call('GET', '/api/vms/', keys.otherCompany);
    expect(listed.body).toEqual([]);
    expect((await call('POST', `/api/vms/${acme.id}/action/`, keys.otherCompany, { os_action: 'stop' })).status).toBe(404);
  });

  it.each([
    [{ image_name: 'i', flavor_name: 'f', vm_name: 'v' }, '"project_id" is required.'],
    [{ ...machine('v'), project_id: '0' }, '"project_id" must be a positive integer.'],
    [{ ...machine('v'), project_id: '1e3' }, '"project_id" must be a positive integer.'],
    [{ ...machine('v'), image_name: 'x'.repeat(129) }, '"image_name" must be 1 to 128 characters, without control characters.'],
    [{ ...machine('v'), flavor_name: 'bad\nflavor' }, '"flavor_name" must be 1 to 64 characters, without control characters.'],
    [{ ...machine('-dash') }, '"vm_name" must be 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or a digit.'],
    [{ ...machine('x'.repeat(64)) }, '"vm_name" must be 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or a digit.'],
  ])('answers 400 with a clear message for %o', async (body, message) => {
    const res = await call('POST', '/api/vms/', keys.writer, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message, type: 'logical', code: 400, propertyName: expect.any(String) }] });
  });

  it('answers 400 for a repeated field, an unknown action, a broken JSON body; 404 for an unknown machine', async () => {
    const repeated = await call('POST', '/api/vms/', keys.writer, 'project_id=1&project_id=2&image_name=i&flavor_name=f&vm_name=v');
    expect(repeated.body.errors[0].message).toBe('"project_id" must be given once.');
    const { body: vm } = await call('POST', '/api/vms/', keys.writer, machine('acts'));
    expect((await call('POST', `/api/vms/${vm.id}/action/`, keys.writer, { os_action: 'reboot' })).body.errors[0].message).toBe('"os_action" must be "stop" or "resume".');
    const broken = await call('POST', '/api/vms/', keys.writer, '{"project_id":', 'application/json');
    expect(broken).toMatchObject({ status: 400, body: { errors: [{ message: 'The request body is not valid JSON.', code: 400 }] } });
    expect((await call('POST', '/api/vms/999999/action/', keys.writer, { os_action: 'stop' })).status).toBe(404);
    expect((await call('POST', '/api/vms/abc/action/', keys.writer, { os_action: 'stop' })).status).toBe(404);
  });

  it('answers 413 for a body over 16 KiB and 415 for a body it cannot read, in the envelope', async () => {
    const big = await call('POST', '/api/vms/', keys.writer, { ...machine('big'), image_name: 'x'.repeat(20_000) });
    expect(big).toMatchObject({ status: 413, body: { errors: [{ message: 'The request body is larger than the server accepts.', code: 413 }] } });
    const text = await call('POST', '/api/vms/', keys.writer, '<vm/>', 'application/xml');
    expect(text.status).toBe(415);
    expect(text.body.errors[0].code).toBe(415);
  });

  it('asks for a key before it looks at the body', async () => {
    const res = await call('POST', '/api/vms/', undefined, { vm_name: '-' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 503 when Latchkey cannot answer, and serves its public health route', async () => {
    latchkey.mode = 'error';
    expect((await call('GET', '/api/vms/', newKey())).status).toBe(503);
    expect((await call('GET', '/health')).body).toEqual({ status: 'ok' });
  });

  it('sends Latchkey the request’s path as the client sent it', async () => {
    await call('GET', '/api/vms/?limit=5', keys.reader);
    expect(latchkey.calls.at(-1)).toMatchObject({ method: 'GET', path: '/api/vms/', permissions: ['vm:read'] });
  });
});

describe('createVmService({ guard: false }) — the benchmark baseline', () => {
  it('serves the same routes without a key, acting as the given subject', async () => {
    const subject = { identityId: 0, userUid: 'bench', userName: 'bench', companyId: 'bench', companyName: '', role: '', permissions: [], scopes: [], readOnly: false, ownObjectsOnly: false, expiresAt: null, rateLimit: null };
    const bare = await createVmService({ guard: false, subject, databasePath: ':memory:', logger: false });
    await bare.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(bare.getHttpServer().address() as { port: number }).port}`;
      const created = await fetch(`${base}/api/vms/`, { method: 'POST', body: new URLSearchParams(machine('bench')) });
      expect(created.status).toBe(201);
      const listed = (await (await fetch(`${base}/api/vms/`)).json()) as Json;
      expect(listed).toMatchObject([{ vm_name: 'bench', owner_uid: 'bench' }]);
    } finally {
      await bare.close();
    }
  });

  it('will not build a guarded service without Latchkey settings', async () => {
    await expect(createVmService({ databasePath: ':memory:', logger: false })).rejects.toThrow(/latchkey: \{ url, serviceKey \}/);
  });
});

describe('readConfig', () => {
  const good = { LATCHKEY_URL: 'http://127.0.0.1:3000', LATCHKEY_SERVICE_KEY: newKey(), PORT: '4000' };

  it('reads the environment', () => {
    expect(readConfig({ ...good, DATABASE_PATH: '/tmp/x.sqlite' })).toMatchObject({ port: 4000, host: '127.0.0.1', databasePath: '/tmp/x.sqlite', trustProxy: false });
  });

  it.each([
    [{ PORT: '4000' }, 'LATCHKEY_URL, LATCHKEY_SERVICE_KEY and PORT are required (missing: LATCHKEY_URL, LATCHKEY_SERVICE_KEY).'],
    [{ ...good, PORT: '' }, 'LATCHKEY_URL, LATCHKEY_SERVICE_KEY and PORT are required (missing: PORT).'],
    [{ ...good, PORT: '70000' }, 'PORT must be an integer from 1 to 65535, not "70000".'],
    [{ ...good, LATCHKEY_URL: 'latchkey' }, 'LATCHKEY_URL "latchkey" is not a URL (e.g. http://127.0.0.1:3000).'],
    [{ ...good, LATCHKEY_SERVICE_KEY: 'secret' }, 'LATCHKEY_SERVICE_KEY is not a well-formed Latchkey API key (lk_…).'],
  ])('refuses %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(new ConfigError(message));
  });
});
