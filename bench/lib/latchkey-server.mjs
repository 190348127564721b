// Latchkey as the bench runs it: the built server as a child process on a given SQLite file, with
// the bench metrics route on, and the API calls the bench needs (an admin session, a key).
import { MAIN } from '../latchkey.mjs';
import { startChild } from './children.mjs';

export const ADMIN = { username: 'bench-admin', password: 'bench-password-1' };
export const API = '/api/v3';

/**
 * Starts `dist/main.js` with its defaults (request logging at info, to a file) except: the bench
 * metrics route on, and the per-address throttle of failed authentications lifted — the bench
 * sends thousands of bad keys on purpose, which would otherwise be answered 429 before the
 * format check being measured.
 */
export function startLatchkey(file, { env = {}, nodeArgs = [] } = {}) {
  return startChild(MAIN, {
    env: {
      DATABASE_URL: `sqlite:${file}`,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LATCHKEY_BENCH_METRICS: '1',
      AUTH_FAILURES_PER_MINUTE: '1000000',
      ...env,
    },
    nodeArgs,
    ready: /latchkey listening on/,
  });
}

async function json(res) {
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** An admin session, a service user and one API key made through the API: the seeding template. */
export async function createTemplateKey(base) {
  const token = await json(await fetch(`${base}${API}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', ...ADMIN }),
  }));
  const auth = { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
  const user = await json(await fetch(`${base}${API}/users`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ role: 'PortalOperator', profile: {}, credentials: { userName: 'bench-service' }, isService: true }),
  }));
  const key = await json(await fetch(`${base}${API}/users/${user.data.instanceUid}/logins/apikey`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ description: 'bench template key', scopes: ['rest'] }),
  }));
  return { id: key.data.id, key: key.data.parameters };
}

/** `GET /__bench/metrics`: `{ queries, keyLookups, ... }` (loopback only, LATCHKEY_BENCH_METRICS=1). */
export async function benchMetrics(base) {
  return json(await fetch(`${base}/__bench/metrics`));
}
