// Resource servers: Latchkey's verify API beside its public route, the example service
// (examples/vm-service) behind the SDK beside its unguarded twin, and how long a revocation takes
// to reach the example service. Runs against the phase-1 Latchkey (servers.latchkey).
//
// Lines: ratio_verify_vs_public, ratio_sdk_vs_unauthenticated, revocation_to_resource_server_ms.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, ROOT, startChild, stopChild, work } from '../lib/children.mjs';
import { interleave, ratioOf, run } from '../lib/load.mjs';
import { ADMIN, API } from '../lib/latchkey-server.mjs';
import { percentile, round } from '../lib/stats.mjs';

const VM_SERVICE = join(ROOT, 'examples/vm-service/dist/main.js');
const UNGUARDED = fileURLToPath(new URL('../peers/vm-service-unguarded.mjs', import.meta.url));

async function call(base, method, path, auth, body) {
  const res = await fetch(`${base}${API}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function must(promise, what) {
  const res = await promise;
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The permissions, a service key (integration, introspect:use) and a way to mint vm:read keys. */
async function setUp(base) {
  const token = await (await fetch(`${base}${API}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', ...ADMIN }) })).json();
  const admin = { authorization: `Bearer ${token.access_token}` };
  for (const name of ['vm:read', 'vm:write']) {
    const res = await call(base, 'POST', '/permissions', admin, { name, description: `bench ${name}`, roles: ['PortalAdministrator', 'PortalOperator'] });
    if (res.status !== 200 && res.status !== 409) throw new Error(`defining ${name}: HTTP ${res.status}`);
  }
  const me = await must(call(base, 'GET', '/users/me', admin), 'users/me');
  const service = await must(call(base, 'POST', '/users', admin, { role: 'PortalOperator', profile: {}, credentials: { userName: `bench-rs-${Date.now()}` }, isService: true }), 'service user');
  const serviceKey = (await must(call(base, 'POST', `/users/${service.instanceUid}/logins/apikey`, admin, { description: 'bench resource server', scopes: ['integration'], permissions: ['introspect:use'] }), 'service key')).parameters;
  const mint = async () => {
    const identity = await must(call(base, 'POST', `/users/${me.instanceUid}/logins/apikey`, admin, { description: 'bench vm reader', scopes: ['rest'], permissions: ['vm:read'] }), 'vm key');
    return { id: identity.id, key: identity.parameters };
  };
  const disable = (id) => call(base, 'PATCH', `/users/${me.instanceUid}/logins/${id}`, admin, [{ op: 'replace', path: '/status', value: 'disabled' }]);
  return { serviceKey, mint, disable };
}

export async function resourceServers({ config, results, servers }) {
  const { seconds, connections, passes } = config;
  const latchkey = servers.latchkey;
  const { serviceKey, mint, disable } = await setUp(latchkey.url);
  const reader = await mint();

  // ratio_verify_vs_public: the SDK's request for a cached key against Latchkey's public ping.
  const on = (server) => ({ connections, seconds, pid: server.child.pid });
  const verifyBody = JSON.stringify({ key: reader.key, permissions: ['vm:read'], method: 'GET', path: '/api/vms/', clientIp: '203.0.113.7' });
  const latchkeyTargets = {
    public: () => run({ url: `${latchkey.url}${API}/ping`, ...on(latchkey) }),
    verify: () =>
      run({
        url: `${latchkey.url}${API}/integration/verify`,
        method: 'POST',
        body: verifyBody,
        headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
        ...on(latchkey),
      }),
  };
  log(`resource servers: verify vs public, warm-up then ${passes} interleaved passes`);
  for (const target of Object.values(latchkeyTargets)) await target();
  const verified = await interleave(passes, latchkeyTargets);
  const line = (name, out, a, b, goal) => {
    const { value, perPass, rps, cpu } = ratioOf(out[a], out[b]);
    results.record(name, round(value), goal, {
      perPass: perPass.map((r) => round(r, 3)),
      reqPerSec: { [a]: rps.numerator, [b]: rps.denominator },
      ...(cpu ? { cpuRatio: round(cpu.ratio, 3), cpuUsPerRequest: { [a]: cpu.usPerRequest.numerator, [b]: cpu.usPerRequest.denominator } } : {}),
    });
    log(`${name} ${round(value)} (per pass ${perPass.map((r) => r.toFixed(2)).join(' ')}${cpu ? `; server CPU per request ratio ${cpu.ratio.toFixed(2)}` : ''})`);
  };
  line('ratio_verify_vs_public', verified, 'verify', 'public', '>=0.85');

  // The example service behind the SDK (its cache on, following events), and its unguarded twin.
  const guarded = await startChild(VM_SERVICE, {
    env: { LATCHKEY_URL: latchkey.url, LATCHKEY_SERVICE_KEY: serviceKey, DATABASE_PATH: join(work, 'vms-guarded.sqlite') },
    ready: /vm-service listening on/,
  });
  const unguarded = await startChild(UNGUARDED, { env: { DATABASE_PATH: join(work, 'vms-unguarded.sqlite') }, ready: /vm-service unguarded listening on/ });
  try {
    const vmTargets = {
      sdk: () => run({ url: `${guarded.url}/api/vms/`, headers: { 'x-api-key': reader.key }, ...on(guarded) }),
      unauthenticated: () => run({ url: `${unguarded.url}/api/vms/`, ...on(unguarded) }),
    };
    log(`resource servers: SDK vs unguarded, warm-up then ${passes} interleaved passes`);
    for (const target of Object.values(vmTargets)) await target();
    line('ratio_sdk_vs_unauthenticated', await interleave(passes, vmTargets), 'sdk', 'unauthenticated', '>=0.95');

    // revocation_to_resource_server_ms: from sending the PATCH to the example service's first 401.
    const samples = config.quick ? 10 : 100;
    const times = [];
    for (let i = 0; i < samples; i++) {
      const { id, key } = await mint();
      const get = () => fetch(`${guarded.url}/api/vms/`, { headers: { 'x-api-key': key } }).then(async (res) => (await res.arrayBuffer(), res.status));
      for (let warm = 0; warm < 2; warm++) if ((await get()) !== 200) throw new Error('a fresh vm:read key was refused by the example service');
      const started = performance.now();
      const patched = disable(id);
      let status = 200;
      while (status === 200 && performance.now() - started < 5_000) status = await get();
      if ((await patched).status !== 200) throw new Error('disabling the key failed');
      if (status !== 401) throw new Error(`the example service still answered ${status} 5 s after the key was disabled`);
      times.push(performance.now() - started);
    }
    results.record('revocation_to_resource_server_ms', round(percentile(times, 99), 1), '<=200 (p99)', {
      samples,
      p50Ms: round(percentile(times, 50), 1),
      maxMs: round(Math.max(...times), 1),
    });
    log(`revocation_to_resource_server_ms p99 ${percentile(times, 99).toFixed(1)} (p50 ${percentile(times, 50).toFixed(1)}, ${samples} samples)`);
  } finally {
    await Promise.all([stopChild(guarded), stopChild(unguarded)]);
  }
}
