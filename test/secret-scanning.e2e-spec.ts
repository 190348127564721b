import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, createKey, expectEnvelopeError, login, me, type Session } from './support/api.js';
import { stateFingerprint } from './support/database-text.js';
import { startApp, type TestApp } from './support/harness.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Leaked-key reports in GitHub's secret-scanning partner format, signed with a key pair made here
 * (the public half in the keys file Latchkey reads): a live key reported is disabled at once, audited
 * with where it was found and announced as `key.leaked`; a forged or unsigned report changes nothing.
 */
const ROUTE = `${API}/integration/secret-scanning`;
const KEY_ID = 'bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function keyPair(): { privateKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

describe('leaked-key reports (secret scanning)', () => {
  let t: TestApp;
  let admin: Session;
  let adminUid: string;
  let receiver: WebhookReceiver;
  const scanner = keyPair();
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-scanning-'));

  const signed = (body: string, privateKey = scanner.privateKey) => sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
  const report = (body: string, headers: Record<string, string> = { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signed(body) }) =>
    t.http.post(ROUTE).set({ 'Content-Type': 'application/json', ...headers }).send(body);
  const match = (token: string, url = 'https://github.com/acme/app/blob/main/.env', source = 'content') => ({ token, type: 'latchkey_api_key', url, source });

  beforeAll(async () => {
    // GitHub's published format; a second, unrelated key proves the identifier picks the key.
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ public_keys: [{ key_identifier: 'other', key: keyPair().publicPem, is_current: false }, { key_identifier: KEY_ID, key: scanner.publicPem, is_current: true }] }));
    receiver = await WebhookReceiver.start();
    t = await startApp({ SECRET_SCANNING_KEYS_FILE: file, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' });
    admin = await login(t);
    adminUid = (await me(t, admin.auth)).instanceUid;
    await t.http.post(`${API}/webhooks`).set(admin.auth).send({ url: receiver.url, events: ['key.leaked', 'key.deleted'] }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('disables a reported live key at once, labels it, audits where it was found and fires key.leaked', async () => {
    const leaked = await createKey(t, admin.auth, adminUid, { description: 'leaked one' });
    const bystander = await createKey(t, admin.auth, adminUid, { description: 'bystander' });
    await t.http.get(`${API}/users/me`).set('X-API-KEY', leaked.key).expect(200);
    const unknown = `lk_${'A'.repeat(49)}`;
    const body = JSON.stringify([match(leaked.key), match(unknown, 'https://gist.github.com/x', 'gist'), match('not-a-latchkey-key', 'https://github.com/x', 'commit')]);
    const res = await report(body).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual([
      { token_hash: sha256(leaked.key), token_type: 'latchkey_api_key', label: 'true_positive' },
      { token_hash: sha256(unknown), token_type: 'latchkey_api_key', label: 'false_positive' },
      { token_hash: sha256('not-a-latchkey-key'), token_type: 'latchkey_api_key', label: 'false_positive' },
    ]);
    // The next request with the key is refused; the key still exists, disabled; others are untouched.
    await t.http.get(`${API}/users/me`).set('X-API-KEY', leaked.key).expect(401);
    await t.http.get(`${API}/users/me`).set('X-API-KEY', bystander.key).expect(200);
    const identity = await t.http.get(`${API}/users/${adminUid}/logins/${leaked.id}`).set(admin.auth).expect(200);
    expect(identity.body.data.status).toBe('disabled');
    const audit = await t.http.get(`${API}/audit`).query({ action: 'identity.leaked' }).set(admin.auth).expect(200);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({
      targetType: 'identity',
      targetId: String(leaked.id),
      details: { url: 'https://github.com/acme/app/blob/main/.env', source: 'content', type: 'latchkey_api_key', disabled: true, keyPrefix: leaked.key.slice(0, 11) },
    });
    await receiver.waitFor((r) => r.ofType('key.leaked').length === 1, 'key.leaked');
    expect(receiver.ofType('key.leaked')[0].json.data).toMatchObject({
      identityId: leaked.id,
      status: 'disabled',
      report: { url: 'https://github.com/acme/app/blob/main/.env', source: 'content' },
    });
    expect(receiver.received.map((r) => r.body).join('\n')).not.toContain(leaked.key.slice(11));

    // Reported again: no longer live, so a false positive; it stays disabled.
    const again = JSON.stringify([match(leaked.key)]);
    expect((await report(again).expect(200)).body).toEqual([{ token_hash: sha256(leaked.key), token_type: 'latchkey_api_key', label: 'false_positive' }]);
  });

  it('refuses a report without a valid signature with 401 and changes nothing', async () => {
    const victim = await createKey(t, admin.auth, adminUid, { description: 'victim' });
    const body = JSON.stringify([match(victim.key)]);
    const before = await stateFingerprint(t.db);
    const forger = keyPair();
    const refusals: [string, Record<string, string>][] = [
      ['no headers', {}],
      ['no signature', { 'Github-Public-Key-Identifier': KEY_ID }],
      ['another key', { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signed(body, forger.privateKey) }],
      ['the right signature under another configured key id', { 'Github-Public-Key-Identifier': 'other', 'Github-Public-Key-Signature': signed(body) }],
      ['an unknown key id', { 'Github-Public-Key-Identifier': 'nope', 'Github-Public-Key-Signature': signed(body) }],
      ['a signature of another body', { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': signed(`${body} `) }],
      ['garbage', { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': 'AAAA' }],
      ['an overlong signature', { 'Github-Public-Key-Identifier': KEY_ID, 'Github-Public-Key-Signature': 'A'.repeat(5000) }],
    ];
    for (const [why, headers] of refusals) {
      const res = await report(body, headers);
      expectEnvelopeError(res, 401);
      expect(res.headers['www-authenticate'], why).toBeDefined();
    }
    expect(await stateFingerprint(t.db)).toBe(before);
    await t.http.get(`${API}/users/me`).set('X-API-KEY', victim.key).expect(200);
  });

  it('refuses a signed report that is not a bounded array of matches with 400', async () => {
    const cases: unknown[] = [
      {},
      [],
      'text',
      [{ token: 'x' }],
      [{ ...match('x'), token: 'x'.repeat(300) }],
      [{ ...match('x'), url: `https://e.com/${'u'.repeat(2100)}` }],
      [{ ...match('x'), source: 7 }],
      Array.from({ length: 1001 }, () => match('x')),
    ];
    for (const value of cases) {
      const body = JSON.stringify(value);
      expectEnvelopeError(await report(body), 400);
    }
    expectEnvelopeError(await report('[not json'), 400);
  });
});
