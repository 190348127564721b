import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createCompany, createKey, createUser, login, me, type Session, userInput } from './support/api.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { SecretLedger } from './support/secrets.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { ROLE } from '../src/access/roles.js';
import { openEventStream } from './support/sse.js';

/**
 * Every credential flow, then a scan of the database (the raw SQLite file with its WAL, or every
 * PostgreSQL row), the captured logs and every response body for each password, refresh token,
 * access token and key handled in clear. Passwords are argon2id hashes, refresh tokens SHA-256,
 * keys HMAC-SHA-256: none may appear. A key may appear only in `data.parameters` of the answer
 * that created or rotated it, tokens only in the token answer that issued them. Webhook signing
 * secrets (sealed in the database) only in the answer that created the webhook; and no secret of
 * any kind reaches a webhook delivery, whatever the events — a leak report and RFC 7009 revocations
 * included, which carry keys and tokens in their requests.
 */
describe('no secret in the database, the logs or any other answer', () => {
  let t: TestApp;
  const ledger = new SecretLedger();
  const password = () => `pw-${randomBytes(9).toString('base64url')}`;

  const remember = (session: Session): Session => {
    ledger.add('accessToken', session.accessToken);
    ledger.add('refreshToken', session.refreshToken);
    return session;
  };

  let receiver: WebhookReceiver;
  const scanner = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keysDir = mkdtempSync(join(tmpdir(), 'latchkey-leak-'));

  beforeAll(async () => {
    const keysFile = join(keysDir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify({ scanner: scanner.publicKey.export({ type: 'spki', format: 'pem' }).toString() }));
    receiver = await WebhookReceiver.start();
    t = await startApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50', SECRET_SCANNING_KEYS_FILE: keysFile });
    ledger.add('password', ADMIN.password);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('runs every flow that handles a password, a token or a key', async () => {
    const admin = remember(await login(t)).auth;
    // A webhook hearing everything, from the start: its signing secret, and every delivery, are scanned.
    const hookEvents = ['key.created', 'key.updated', 'key.rotated', 'key.deleted', 'key.leaked', 'user.disabled', 'company.disabled'];
    const hook = await t.http.post(`${API}/webhooks`).set(admin).send({ url: receiver.url, events: hookEvents }).expect(200);
    ledger.add('signingSecret', hook.body.data.secret);
    await t.http.patch(`${API}/webhooks/${hook.body.data.id}`).set(admin).send([{ op: 'replace', path: '/description', value: 'all of it' }]).expect(200);
    const companyUid = await createCompany(t, admin, 'Leaky Co');

    // Users with passwords, their logins, refresh rotation and reuse, a password change.
    const ownerPassword = password();
    ledger.add('password', ownerPassword);
    const ownerUid = await createUser(t, admin, userInput('leak-owner', ROLE.CompanyOwner, { organizationUid: companyUid, password: ownerPassword }));
    const owner = remember(await login(t, 'leak-owner', ownerPassword));
    const refreshed = await t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: owner.refreshToken }).expect(200);
    ledger.add('accessToken', refreshed.body.access_token);
    ledger.add('refreshToken', refreshed.body.refresh_token);
    await t.http.post(`${API}/token`).send({ grant_type: 'refresh_token', refresh_token: owner.refreshToken }).expect(400);
    await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: 'leak-owner', password: ADMIN.password }).expect(400);
    await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: 'nobody', password: ownerPassword }).expect(400);
    const changed = password();
    ledger.add('password', changed);
    await t.http.patch(`${API}/users/${ownerUid}`).set(admin).send([{ op: 'replace', path: '/credentials/password', value: changed }]).expect(200);
    const relogged = remember(await login(t, 'leak-owner', changed));
    await t.http.post(`${API}/token`).type('form').send({ grant_type: 'password', username: 'leak-owner', password: ownerPassword }).expect(400);
    const userPassword = password();
    ledger.add('password', userPassword);
    const userUid = await createUser(t, relogged.auth, userInput('leak-user', ROLE.CompanyLocationUser, { password: userPassword }));
    await t.http.patch(`${API}/users/${userUid}`).set(relogged.auth).send([{ op: 'replace', path: '/credentials/password', value: 'short' }]).expect(400);
    const serviceUid = await createUser(t, admin, userInput('leak-service', ROLE.CompanyLocationUser, { organizationUid: companyUid, isService: true }));

    // Keys: VSPC query form, JSON body with every extension, for a service user; all four transports.
    const adminUid = (await me(t, admin)).instanceUid;
    const vspc = await t.http
      .post(`${API}/users/${adminUid}/logins/apikey`)
      .query('description=VSPC style&scopes=["integration","rest"]&isReadAccessOnly=true')
      .set(admin)
      .expect(200);
    ledger.add('apiKey', vspc.body.data.parameters);
    const full = await createKey(t, relogged.auth, userUid, {
      description: 'policy key',
      scopes: ['rest'],
      permissions: ['users:read', 'identities:read'],
      expirationDate: new Date(Date.now() + 86_400_000).toISOString(),
      allowedIps: ['127.0.0.1/32', '::1'],
      pathPrefixes: ['/api/v3/users'],
    });
    ledger.add('apiKey', full.key);
    const service = await createKey(t, admin, serviceUid, { description: 'service key', scopes: ['rest'] });
    ledger.add('apiKey', service.key);
    for (const key of [full.key, service.key]) {
      await t.http.get(`${API}/users/me`).set('Authorization', `Bearer ${key}`).expect(200);
      await t.http.get(`${API}/users/me`).set('Authorization', key).expect(200);
      await t.http.get(`${API}/users/me`).set('X-API-KEY', key).expect(200);
      await t.http.get(`${API}/users/me`).auth('anyone', key).expect(200);
    }
    // Refusals carrying a real key: wrong path, read-only write, a typo, a garbled Basic header.
    await t.http.get(`${API}/audit`).set('X-API-KEY', full.key).expect(403);
    await t.http.post(`${API}/organizations/companies`).set('X-API-KEY', vspc.body.data.parameters).send({ name: 'ro' }).expect(403);
    await t.http.get(`${API}/users/me`).set('X-API-KEY', `${full.key.slice(0, -1)}${full.key.endsWith('x') ? 'y' : 'x'}`).expect(401);
    await t.http.get(`${API}/users/me`).set('Authorization', `Basic ${full.key}`).expect(401);

    // Rotation with and without grace; the retired key refused; patch, revoke and delete by value.
    const rotated = await t.http.post(`${API}/users/${serviceUid}/logins/${service.id}/rotate`).set(admin).send({ gracePeriodSeconds: 60 }).expect(200);
    ledger.add('apiKey', rotated.body.data.parameters);
    const again = await t.http.post(`${API}/users/${serviceUid}/logins/${service.id}/rotate`).set(admin).send({}).expect(200);
    ledger.add('apiKey', again.body.data.parameters);
    await t.http.get(`${API}/users/me`).set('X-API-KEY', rotated.body.data.parameters).expect(401);
    await t.http.patch(`${API}/users/${userUid}/logins/${full.id}`).set(relogged.auth).send([{ op: 'replace', path: '/description', value: 'renamed' }]).expect(200);
    await t.http.patch(`${API}/users/${userUid}/logins/${full.id}`).set(relogged.auth).send([{ op: 'replace', path: '/parameters', value: full.key }]).expect(400);
    const doomed = await createKey(t, admin, userUid, { description: 'to revoke', scopes: ['rest'] });
    ledger.add('apiKey', doomed.key);
    await t.http.post(`${API}/apikeys/revoke`).send({ keys: [doomed.key, 'lk_not-a-key', full.key.toUpperCase()] }).expect(200);
    const deletable = await createKey(t, admin, userUid, { description: 'to delete', scopes: ['rest'] });
    ledger.add('apiKey', deletable.key);
    await t.http.delete(`${API}/apikeys`).set(admin).send({ key: deletable.key }).expect(200);
    await t.http.delete(`${API}/apikeys`).set(admin).send({ key: deletable.key }).expect(404);
    await t.http.delete(`${API}/apikeys`).set(admin).send({ key: doomed.key }).expect(404);

    // A retried key creation under X-Request-id (its answer kept sealed), and CloudTower's GraphQL flow with the raw token.
    const retried = () => t.http.post(`${API}/users/${adminUid}/logins/apikey`).set(admin).set('X-Request-id', 'leak-retry-1').query({ description: 'retried', scopes: 'rest' });
    const first = await retried().expect(200);
    ledger.add('apiKey', first.body.data.parameters);
    expect((await retried().expect(200)).body.data.parameters).toBe(first.body.data.parameters);
    const graphql = (query: string) => t.http.post('/api/').set('Authorization', relogged.accessToken).send({ query });
    const created = await graphql('mutation { createApiKey(data: { name: "graphql" }) { id key } }').expect(200);
    const graphqlKey = created.body.data.createApiKey.key as string;
    ledger.add('apiKey', graphqlKey);
    await graphql(`mutation { deleteApiKey(where: { key: "${graphqlKey}" }) { id } }`).expect(200);
    await graphql(`mutation { deleteApiKey(where: { key: "${graphqlKey}" }) { id } }`).expect(404);
    await graphql(`{ apiKeys(page: { limit: "${graphqlKey}" }) { id } }`).expect(400);

    // A second factor: the seed travels in a query string and is kept sealed.
    const seed = await t.http.get(`${API}/authentication/keys/totp-secret`).set(relogged.auth).expect(200);
    ledger.add('totpSeed', seed.body.data.secret);
    const code = await generate({ secret: seed.body.data.secret });
    await t.http.post(`${API}/users/${ownerUid}/logins/totp`).set(relogged.auth).query({ secretUrl: seed.body.data.secretUrl, code, description: 'Phone', scopes: 'ui' }).expect(200);

    // A resource server: its own key verifies others' (valid, refused, malformed, refused input),
    // and follows the events stream while one of them is disabled.
    await t.http.post(`${API}/permissions`).set(admin).send({ name: 'leak:read', description: 'Leak test', roles: ['PortalAdministrator'] }).expect(200);
    const resourceServer = await createKey(t, admin, adminUid, { description: 'resource server', scopes: ['integration'], permissions: ['introspect:use'] });
    ledger.add('apiKey', resourceServer.key);
    const verify = (body: object) => t.http.post(`${API}/integration/verify`).set('X-API-KEY', resourceServer.key).send(body);
    const events = await openEventStream(`${t.url}${API}/integration/events`, { 'X-API-KEY': resourceServer.key });
    await events.read();
    await verify({ key: full.key, permissions: ['users:read'], method: 'GET', path: '/api/v3/users', clientIp: '127.0.0.1' }).expect(200);
    await verify({ key: full.key, permissions: ['leak:read'] }).expect(200);
    await verify({ key: `${full.key}x` }).expect(200);
    await verify({ key: full.key, method: 'STEAL' }).expect(400);
    await verify({ key: full.key.repeat(20) }).expect(400);
    await t.http.patch(`${API}/users/${userUid}/logins/${full.id}`).set(relogged.auth).send([{ op: 'replace', path: '/status', value: 'disabled' }]).expect(200);
    expect(await events.readData()).toEqual({ kind: 'identity', ids: [full.id] });
    events.close();
    for (const key of [full.key, service.key, resourceServer.key]) expect(events.text()).not.toContain(key);

    // Every read that could echo a secret: lists, single identities, audit, the catalogue.
    for (const path of ['/users', '/users/logins', `/users/${userUid}/logins`, `/users/${userUid}/logins/${full.id}`, `/users/${serviceUid}/logins/${service.id}`, '/audit?limit=500', '/permissions', '/users/me']) {
      await t.http.get(`${API}${path}`).set(admin).expect(200);
    }

    // Ending sessions: the refresh tokens stop working, and still never show up.
    await t.http.delete(`${API}/users/${ownerUid}/tokens`).set(admin).expect(200);
    await t.http.post(`${API}/token`).type('form').send({ grant_type: 'refresh_token', refresh_token: relogged.refreshToken }).expect(400);

    // A leak report carrying a live key and a forged one; RFC 7009 revocation of a key, a refresh token and an access token.
    const reported = await createKey(t, admin, userUid, { description: 'reported', scopes: ['rest'] });
    ledger.add('apiKey', reported.key);
    const report = JSON.stringify([{ token: reported.key, type: 'latchkey_api_key', url: 'https://github.com/leaky/repo/blob/main/.env', source: 'content' }]);
    const signature = sign('sha256', Buffer.from(report), { key: scanner.privateKey, dsaEncoding: 'der' }).toString('base64');
    await t.http.post(`${API}/integration/secret-scanning`).set({ 'Content-Type': 'application/json', 'Github-Public-Key-Identifier': 'scanner', 'Github-Public-Key-Signature': signature }).send(report).expect(200);
    await t.http.post(`${API}/integration/secret-scanning`).set({ 'Content-Type': 'application/json', 'Github-Public-Key-Identifier': 'scanner', 'Github-Public-Key-Signature': 'AAAA' }).send(report).expect(401);
    const revocable = await createKey(t, admin, userUid, { description: 'rfc 7009', scopes: ['rest'] });
    ledger.add('apiKey', revocable.key);
    await t.http.post(`${API}/integration/revoke`).type('form').send({ token: revocable.key }).expect(200);
    const ending = remember(await login(t));
    await t.http.post(`${API}/integration/revoke`).type('form').send({ token: ending.refreshToken, token_type_hint: 'refresh_token' }).expect(200);
    const ended = remember(await login(t));
    await t.http.post(`${API}/integration/revoke`).send({ token: ended.accessToken }).expect(200);
    await t.http.get(`${API}/users/me`).set(ended.auth).expect(401);
    // A user and the company disabled, so those events go out too.
    await t.http.patch(`${API}/users/${userUid}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    await t.http.patch(`${API}/organizations/companies/${companyUid}`).set(admin).send([{ op: 'replace', path: '/status', value: 'Disabled' }]).expect(200);
    for (const path of [`/webhooks/${hook.body.data.id}`, '/webhooks', `/webhooks/${hook.body.data.id}/deliveries?limit=500`]) await t.http.get(`${API}${path}`).set(admin).expect(200);
    await receiver.waitFor((r) => ['key.leaked', 'company.disabled', 'user.disabled'].every((type) => r.ofType(type).length > 0), 'the last events');
  });

  it('finds none of them anywhere but where they were issued', async () => {
    expect(ledger.count('apiKey')).toBe(12);
    expect(ledger.count('totpSeed')).toBe(1);
    expect(ledger.count('signingSecret')).toBe(1);
    expect(receiver.accepted.length).toBeGreaterThan(10);
    const deliveries = receiver.received.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
    expect(ledger.leaksIn('webhook deliveries', deliveries)).toEqual([]);
    expect(ledger.count('password')).toBeGreaterThanOrEqual(4);
    expect(ledger.count('refreshToken')).toBeGreaterThanOrEqual(4);
    expect(t.responses.length).toBeGreaterThan(40);
    expect(await ledger.leaks(t)).toEqual([]);
  });

  it('would notice a leak (the scan is not blind)', async () => {
    const control = new SecretLedger();
    const marker = `Control-${randomBytes(6).toString('hex')}`;
    control.add('password', marker);
    const admin = (await login(t)).auth;
    await createCompany(t, admin, marker);
    t.logs.write(JSON.stringify({ msg: `control line ${marker}` }));
    const found = await control.leaks(t);
    expect(found).toContain('password in the database');
    expect(found).toContain('password in the logs');
    expect(found.some((where) => where.startsWith('password in POST /api/v3/organizations/companies'))).toBe(true);
  });
});
