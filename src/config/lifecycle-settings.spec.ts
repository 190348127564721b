import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-settings-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const pem = (type: 'ec' | 'rsa', curve?: string): string =>
  (type === 'ec' ? generateKeyPairSync('ec', { namedCurve: curve ?? 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('webhook, secret-scanning and OAuth settings', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults: any public host, 10 s base retry over 24 h, no scanner keys, issuer from the request', () => {
    const config = loadConfig({});
    expect(config.webhooks).toMatchObject({ allowedHosts: [], retryBaseMs: 10_000, retryWindowMs: 86_400_000, timeoutMs: 10_000, concurrency: 8 });
    expect(config.secretScanningKeys).toEqual([]);
    expect(config.publicUrl).toBeUndefined();
    expect(config.revocationsPerMinute).toBe(60);
  });

  it('reads allowed hosts, GitHub-style and plain key files, and PUBLIC_URL', () => {
    const github = file('github.json', JSON.stringify({ public_keys: [{ key_identifier: 'k1', key: pem('ec'), is_current: true }] }));
    const plain = file('plain.json', JSON.stringify({ k2: pem('ec'), k3: pem('ec') }));
    const config = loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com, *.example.org,10.0.0.0/8,127.0.0.1', SECRET_SCANNING_KEYS_FILE: github, PUBLIC_URL: 'https://id.example.com/' });
    expect(config.webhooks.allowedHosts.map((rule) => rule.kind)).toEqual(['name', 'suffix', 'network', 'network']);
    expect(config.secretScanningKeys.map((key) => key.id)).toEqual(['k1']);
    expect(config.publicUrl).toBe('https://id.example.com');
    expect(loadConfig({ SECRET_SCANNING_KEYS_FILE: plain }).secretScanningKeys.map((key) => key.id)).toEqual(['k2', 'k3']);
  });

  it.each([
    [{ WEBHOOK_ALLOWED_HOSTS: 'exa mple.com' }, /WEBHOOK_ALLOWED_HOSTS entries/],
    [{ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/33' }, /WEBHOOK_ALLOWED_HOSTS entries/],
    [{ WEBHOOK_ALLOWED_HOSTS: '*' }, /WEBHOOK_ALLOWED_HOSTS entries/],
    [{ WEBHOOK_RETRY_BASE_MS: '1' }, /WEBHOOK_RETRY_BASE_MS must be an integer/],
    [{ WEBHOOK_CONCURRENCY: '0' }, /WEBHOOK_CONCURRENCY/],
    [{ SECRET_SCANNING_KEYS_FILE: '/nonexistent/keys.json' }, /cannot be read/],
    [{ SECRET_SCANNING_KEYS_FILE: file('bad.json', '{nope') }, /is not JSON/],
    [{ SECRET_SCANNING_KEYS_FILE: file('empty.json', '{}') }, /1-100 public keys/],
    [{ SECRET_SCANNING_KEYS_FILE: file('notpem.json', '{"a":"nope"}') }, /not a PEM public key/],
    [{ SECRET_SCANNING_KEYS_FILE: file('rsa.json', JSON.stringify({ a: pem('rsa') })) }, /not an ECDSA P-256 key/],
    [{ SECRET_SCANNING_KEYS_FILE: file('p384.json', JSON.stringify({ a: pem('ec', 'P-384') })) }, /not an ECDSA P-256 key/],
    [{ PUBLIC_URL: 'id.example.com' }, /PUBLIC_URL must be an absolute URL/],
    [{ PUBLIC_URL: 'https://id.example.com/?x=1' }, /without credentials, query or fragment/],
    [{ PUBLIC_URL: 'ftp://id.example.com' }, /http\(s\) URL/],
    [{ REVOCATIONS_PER_MINUTE: '0' }, /REVOCATIONS_PER_MINUTE/],
  ])('refuses %o with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
