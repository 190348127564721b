import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatchkeyUnavailableError } from '../src/core/errors.js';
import { createVerifier, type LatchkeyVerifier, type VerifierOptions } from '../src/core/verifier.js';
import { FakeLatchkey, newKey } from './support/fake-latchkey.js';

const quiet = { warn: () => undefined };
let latchkey: FakeLatchkey;
let now: number;
const verifiers: LatchkeyVerifier[] = [];

/** A verifier on a hand-driven clock, without the events stream unless asked. */
function verifierFor(options: Partial<VerifierOptions> = {}): LatchkeyVerifier {
  const verifier = createVerifier({ url: latchkey.url, serviceKey: latchkey.serviceKey, events: false, logger: quiet, clock: () => now, ...options });
  verifiers.push(verifier);
  return verifier;
}

beforeEach(async () => {
  now = 1_000_000;
  latchkey = await new FakeLatchkey().start();
});

afterEach(async () => {
  await Promise.all(verifiers.splice(0).map((v) => v.close()));
  await latchkey.stop();
});

describe('LatchkeyVerifier: asking Latchkey', () => {
  it('sends the key, method, path, client address and permissions with the service key', async () => {
    const key = newKey();
    latchkey.add(key, { identityId: 71, userUid: 'u-71', permissions: ['vm:read', 'vm:write'], ownObjectsOnly: true });
    const answer = await verifierFor().verify(key, { method: 'post', path: '/api/vms/', clientIp: '203.0.113.7', permissions: ['vm:write'] });
    expect(latchkey.calls).toEqual([
      { key, method: 'POST', path: '/api/vms/', clientIp: '203.0.113.7', permissions: ['vm:write'], authorization: `Bearer ${latchkey.serviceKey}` },
    ]);
    expect(answer).toMatchObject({ valid: true, code: 'VALID', subject: { identityId: 71, userUid: 'u-71' }, ownObjectsOnly: true, permissions: ['vm:read', 'vm:write'] });
    expect(Object.isFrozen(answer)).toBe(true);
  });

  it('sends an IPv4 client on a dual-stack socket as plain IPv4', async () => {
    const key = newKey();
    latchkey.add(key);
    await verifierFor().verify(key, { clientIp: '::ffff:203.0.113.7' });
    expect(latchkey.calls[0].clientIp).toBe('203.0.113.7');
  });

  it('refuses a malformed key without a request', async () => {
    const verifier = verifierFor();
    const key = newKey();
    const answer = await verifier.verify(key.slice(0, -2) + (key.endsWith('00') ? '11' : '00'));
    expect(answer).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(await verifier.verify('not a key')).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(latchkey.calls).toHaveLength(0);
    expect(verifier.stats.malformed).toBe(2);
  });

  it('refuses to start with a service key that is not a key, or a URL that is not one', () => {
    expect(() => createVerifier({ url: latchkey.url, serviceKey: 'secret', events: false })).toThrow(/service key/);
    expect(() => createVerifier({ url: 'nowhere', serviceKey: latchkey.serviceKey, events: false })).toThrow(/not a URL/);
    expect(() => createVerifier({ url: latchkey.url, serviceKey: latchkey.serviceKey, events: false, ttlMs: -1 })).toThrow(/ttlMs/);
  });

  it('passes the refusal codes through', async () => {
    const verifier = verifierFor();
    const reader = newKey();
    latchkey.add(reader, { permissions: ['vm:read'] });
    expect(await verifier.verify(newKey())).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(await verifier.verify(reader, { permissions: ['vm:read', 'vm:write'] })).toMatchObject({
      valid: false,
      code: 'INSUFFICIENT_PERMISSIONS',
      missingPermissions: ['vm:write'],
    });
  });
});

describe('LatchkeyVerifier: cache', () => {
  it('answers a repeated request from the cache until the TTL, then asks again', async () => {
    const verifier = verifierFor({ ttlMs: 5_000 });
    const key = newKey();
    latchkey.add(key);
    await verifier.verify(key, { method: 'GET', path: '/a' });
    now += 4_999;
    await verifier.verify(key, { method: 'GET', path: '/a' });
    expect(latchkey.calls).toHaveLength(1);
    now += 1;
    await verifier.verify(key, { method: 'GET', path: '/a' });
    expect(latchkey.calls).toHaveLength(2);
    expect(verifier.stats).toMatchObject({ hits: 1, misses: 2, requests: 2 });
  });

  it('keys the cache by method, path, client address and permissions (in any order)', async () => {
    const verifier = verifierFor();
    const key = newKey();
    latchkey.add(key, { permissions: ['a:b', 'c:d'] });
    const base = { method: 'GET', path: '/a', clientIp: '127.0.0.1', permissions: ['a:b', 'c:d'] };
    await verifier.verify(key, base);
    await verifier.verify(key, { ...base, permissions: ['c:d', 'a:b'] });
    expect(latchkey.calls).toHaveLength(1);
    await verifier.verify(key, { ...base, method: 'POST' });
    await verifier.verify(key, { ...base, path: '/b' });
    await verifier.verify(key, { ...base, clientIp: '127.0.0.2' });
    await verifier.verify(key, { ...base, permissions: ['a:b'] });
    await verifier.verify(newKey(), base);
    expect(latchkey.calls).toHaveLength(6);
  });

  it('keeps refusals for the shorter negative TTL', async () => {
    const verifier = verifierFor({ ttlMs: 5_000, negativeTtlMs: 1_000 });
    const unknown = newKey();
    await verifier.verify(unknown);
    now += 999;
    expect(await verifier.verify(unknown)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(latchkey.calls).toHaveLength(1);
    now += 1;
    await verifier.verify(unknown);
    expect(latchkey.calls).toHaveLength(2);
    expect(verifier.size.negative).toBe(1);
  });

  it('shares one request among concurrent misses', async () => {
    const verifier = verifierFor();
    const key = newKey();
    latchkey.add(key);
    latchkey.delayMs = 50;
    const answers = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(key, { path: '/same' })));
    expect(latchkey.calls).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('never caches keys with a per-key rate limit: every request consumes at Latchkey', async () => {
    const verifier = verifierFor();
    const key = newKey();
    latchkey.add(key, { rateLimit: 3 });
    const first = await verifier.verify(key);
    expect(first).toMatchObject({ valid: true, rateLimit: { limit: 3, remaining: 2 } });
    expect(await verifier.verify(key)).toMatchObject({ valid: true, rateLimit: { remaining: 1 } });
    latchkey.delayMs = 30;
    const concurrent = await Promise.all([verifier.verify(key), verifier.verify(key)]);
    expect(concurrent.map((a) => a.code).sort()).toEqual(['RATE_LIMITED', 'VALID']);
    expect(await verifier.verify(key)).toMatchObject({ valid: false, code: 'RATE_LIMITED', retryAfterSeconds: 7 });
    expect(latchkey.calls).toHaveLength(5);
    expect(verifier.size).toEqual({ positive: 0, negative: 0 });
  });

  it('shares no request among concurrent first requests of a rate-limited key either', async () => {
    const verifier = verifierFor();
    const key = newKey();
    latchkey.add(key, { rateLimit: 100 });
    latchkey.delayMs = 30;
    await Promise.all(Array.from({ length: 5 }, () => verifier.verify(key)));
    expect(latchkey.calls).toHaveLength(5);
  });

  it('keeps an answer no longer than the key lives', async () => {
    const verifier = verifierFor({ ttlMs: 60_000 });
    const key = newKey();
    latchkey.add(key, { expiresAt: new Date(Date.now() + 200).toISOString() });
    await verifier.verify(key);
    await new Promise((resolve) => setTimeout(resolve, 250));
    now += 250;
    expect(await verifier.verify(key)).toMatchObject({ valid: false, code: 'EXPIRED' });
    expect(latchkey.calls).toHaveLength(2);
  });

  it('stays within its bound', async () => {
    const verifier = verifierFor({ maxEntries: 3 });
    const key = newKey();
    latchkey.add(key);
    for (let i = 0; i < 10; i++) await verifier.verify(key, { path: `/${i}` });
    expect(verifier.size.positive).toBe(3);
  });
});

describe('LatchkeyVerifier: fail closed', () => {
  it('refuses when Latchkey cannot be reached and nothing is cached', async () => {
    const verifier = verifierFor();
    await latchkey.stop();
    await expect(verifier.verify(newKey())).rejects.toMatchObject({ name: 'LatchkeyUnavailableError', transient: true });
    latchkey = await new FakeLatchkey().start();
  });

  it('refuses on a 5xx, and on an answer that is not a verify answer', async () => {
    const verifier = verifierFor();
    const key = newKey();
    latchkey.add(key);
    latchkey.mode = 'error';
    await expect(verifier.verify(key)).rejects.toMatchObject({ transient: true, status: 503 });
    latchkey.mode = 'garbage';
    await expect(verifier.verify(key)).rejects.toMatchObject({ transient: false, status: 200 });
  });

  it('refuses within the timeout when Latchkey does not answer', async () => {
    const verifier = verifierFor({ timeoutMs: 100 });
    latchkey.mode = 'hang';
    const started = Date.now();
    await expect(verifier.verify(newKey())).rejects.toThrow(/no answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('tells a refused service key apart, and never uses grace for it', async () => {
    const verifier = createVerifier({ url: latchkey.url, serviceKey: newKey(), events: false, logger: quiet, clock: () => now });
    verifiers.push(verifier);
    const error = await verifier.verify(newKey()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatchkeyUnavailableError);
    expect(error).toMatchObject({ transient: false, status: 401, message: expect.stringMatching(/introspect:use/) });
  });

  it('uses an expired answer during an outage only within the grace', async () => {
    const verifier = verifierFor({ ttlMs: 1_000, staleGraceMs: 500 });
    const key = newKey();
    latchkey.add(key);
    await verifier.verify(key);
    latchkey.mode = 'error';
    now += 1_499;
    expect(await verifier.verify(key)).toMatchObject({ valid: true });
    expect(verifier.stats.staleServed).toBe(1);
    now += 1;
    await expect(verifier.verify(key)).rejects.toBeInstanceOf(LatchkeyUnavailableError);
  });

  it('has no grace when it is 0, and none after an eviction', async () => {
    const key = newKey();
    latchkey.add(key, { identityId: 9 });
    const strict = verifierFor({ ttlMs: 1_000, staleGraceMs: 0 });
    const lenient = verifierFor({ ttlMs: 1_000, staleGraceMs: 10_000 });
    await strict.verify(key);
    await lenient.verify(key);
    latchkey.mode = 'error';
    now += 1_000;
    await expect(strict.verify(key)).rejects.toBeInstanceOf(LatchkeyUnavailableError);
    lenient.evict({ kind: 'identity', ids: [9] });
    await expect(lenient.verify(key)).rejects.toBeInstanceOf(LatchkeyUnavailableError);
  });
});

describe('LatchkeyVerifier: eviction', () => {
  async function cached() {
    const verifier = verifierFor();
    const keys = { a: newKey(), b: newKey(), c: newKey() };
    latchkey.add(keys.a, { identityId: 1, userUid: 'u-1', companyId: 'c-1' });
    latchkey.add(keys.b, { identityId: 2, userUid: 'u-1', companyId: 'c-1' });
    latchkey.add(keys.c, { identityId: 3, userUid: 'u-3', companyId: 'c-2' });
    for (const key of Object.values(keys)) await verifier.verify(key, { path: '/x' });
    await verifier.verify(newKey(), { path: '/x' });
    return verifier;
  }

  it.each([
    [{ kind: 'identity', ids: [1] } as const, 2],
    [{ kind: 'user', ids: ['u-1'] } as const, 1],
    [{ kind: 'company', ids: ['c-2'] } as const, 2],
    [{ kind: 'permission', ids: ['vm:write'] } as const, 0],
    [{ kind: 'all' } as const, 0],
  ])('%o leaves %i positive answers and no refusal', async (change, left) => {
    const verifier = await cached();
    expect(verifier.size).toEqual({ positive: 3, negative: 1 });
    verifier.evict(change);
    expect(verifier.size).toEqual({ positive: left, negative: 0 });
  });

  it('does not cache an answer that raced a change', async () => {
    const verifier = verifierFor();
    const key = newKey();
    latchkey.add(key, { identityId: 5 });
    latchkey.delayMs = 50;
    const pending = verifier.verify(key);
    await new Promise((resolve) => setTimeout(resolve, 10));
    verifier.evict({ kind: 'identity', ids: [5] });
    await pending;
    expect(verifier.size.positive).toBe(0);
  });
});
