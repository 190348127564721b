// The soak's starting data, made through HAProxy with the public API: an administrator session,
// service users that own the keys, users that log in with a password, and the many keys that the
// authenticated reads use.
import { bearer } from './http.mjs';

export const API = '/api/v3';
export const ADMIN = { username: 'soak-admin', password: 'soak-admin-password-1' };
export const USER_PASSWORD = 'soak-user-password-1';

let addressCounter = 0;
/**
 * A fresh client address for X-Forwarded-For (198.18.0.0/15, the benchmarking range: only a header
 * value, nothing is sent there). Per-address throttles then count each simulated client apart.
 */
export function clientAddress() {
  addressCounter = (addressCounter + 1) % 131_072;
  const n = addressCounter;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

export async function login(client, username, password, address = clientAddress()) {
  const res = await client.post(`${API}/token`, { form: { grant_type: 'password', username, password }, headers: { 'x-forwarded-for': address } });
  if (res.status !== 200 || !res.body?.access_token) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

async function must(res, what) {
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${res.error ?? ''} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body.data;
}

/** Runs `work(i)` for i < count with `parallel` at a time. */
async function pool(count, parallel, work) {
  let next = 0;
  const results = [];
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

export async function createKey(client, token, userUid, body) {
  return client.post(`${API}/users/${userUid}/logins/apikey`, { headers: bearer(token), body: { scopes: ['rest'], ...body } });
}

export async function seed(client, { serviceUsers = 4, passwordUsers = 3, keys = 200 } = {}) {
  const admin = await login(client, ADMIN.username, ADMIN.password);
  const session = { token: admin.access_token };
  const services = await pool(serviceUsers, 2, async (i) =>
    must(await client.post(`${API}/users`, { headers: bearer(session.token), body: { role: 'PortalReadonlyOperator', profile: {}, credentials: { userName: `soak-svc-${i}` }, isService: true } }), 'create service user'),
  );
  const people = await pool(passwordUsers, 2, async (i) =>
    must(await client.post(`${API}/users`, { headers: bearer(session.token), body: { role: 'PortalReadonlyOperator', profile: {}, credentials: { userName: `soak-user-${i}`, password: USER_PASSWORD } } }), 'create user'),
  );
  const stable = await pool(keys, 4, async (i) => {
    const owner = services[i % services.length];
    const data = await must(await createKey(client, session.token, owner.instanceUid, { description: `soak-stable-${i}` }), 'create key');
    return { id: data.id, key: data.parameters, userUid: owner.instanceUid };
  });
  return { session, services: services.map((u) => u.instanceUid), people: people.map((u) => u.userName), stable };
}
