import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialChange } from '../src/core/answer-cache.js';
import { CredentialStream } from '../src/core/events.js';
import { createVerifier, type LatchkeyVerifier, type VerifierOptions } from '../src/core/verifier.js';
import { FakeLatchkey, newKey, until } from './support/fake-latchkey.js';

let latchkey: FakeLatchkey;
let now: number;
let warnings: string[];
const closers: (() => Promise<void>)[] = [];

async function connectedVerifier(options: Partial<VerifierOptions> = {}): Promise<LatchkeyVerifier> {
  const verifier = createVerifier({ url: latchkey.url, serviceKey: latchkey.serviceKey, logger: { warn: (m) => warnings.push(m) }, clock: () => now, ...options });
  closers.push(() => verifier.close());
  await until(() => verifier.streamConnected, 3_000, 'the events stream');
  return verifier;
}

beforeEach(async () => {
  now = 1_000_000;
  warnings = [];
  latchkey = await new FakeLatchkey().start();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await latchkey.stop();
});

describe('events: eviction', () => {
  it('follows the stream with the service key and evicts on an identity event', async () => {
    const verifier = await connectedVerifier();
    expect(latchkey.streamConnections).toEqual([undefined]);
    const key = newKey();
    const record = latchkey.add(key, { identityId: 71 });
    await verifier.verify(key);
    await verifier.verify(key);
    expect(latchkey.calls).toHaveLength(1);
    record.status = 'disabled';
    latchkey.emit({ kind: 'identity', ids: [71] });
    await until(() => verifier.size.positive === 0, 1_000, 'the eviction');
    expect(await verifier.verify(key)).toMatchObject({ valid: false, code: 'DISABLED' });
  });

  it('evicts by user and by company, and drops every refusal on any change', async () => {
    const verifier = await connectedVerifier();
    const [a, b, c] = [newKey(), newKey(), newKey()];
    latchkey.add(a, { identityId: 1, userUid: 'u-1', companyId: 'c-1' });
    latchkey.add(b, { identityId: 2, userUid: 'u-2', companyId: 'c-1' });
    latchkey.add(c, { identityId: 3, userUid: 'u-3', companyId: 'c-2' });
    for (const key of [a, b, c, newKey()]) await verifier.verify(key);
    expect(verifier.size).toEqual({ positive: 3, negative: 1 });
    latchkey.emit({ kind: 'user', ids: ['u-1'] });
    await until(() => verifier.size.positive === 2);
    expect(verifier.size.negative).toBe(0);
    latchkey.emit({ kind: 'company', ids: ['c-1'] });
    await until(() => verifier.size.positive === 1);
    latchkey.emit({ kind: 'permission', ids: ['vm:write'] });
    await until(() => verifier.size.positive === 0);
  });

  it('a key re-enabled after a refusal is accepted at once (its refusal is dropped)', async () => {
    const verifier = await connectedVerifier({ negativeTtlMs: 60_000 });
    const key = newKey();
    const record = latchkey.add(key, { identityId: 4, status: 'disabled' });
    expect(await verifier.verify(key)).toMatchObject({ code: 'DISABLED' });
    record.status = 'enabled';
    latchkey.emit({ kind: 'identity', ids: [4] });
    await until(() => verifier.size.negative === 0);
    expect(await verifier.verify(key)).toMatchObject({ valid: true });
  });

  it('drops everything on an event it cannot read', async () => {
    const verifier = await connectedVerifier();
    const key = newKey();
    latchkey.add(key);
    await verifier.verify(key);
    latchkey.emit(null, 'id: 9\nevent: credential\ndata: {"kind":"identity","ids":"oops"}\n\n');
    await until(() => verifier.size.positive === 0);
    expect(warnings.join('\n')).toMatch(/cannot read/);
  });

  it('ignores heartbeats and other event types', async () => {
    const verifier = await connectedVerifier();
    const key = newKey();
    latchkey.add(key);
    await verifier.verify(key);
    latchkey.write(': heartbeat\n\nevent: ping\ndata: {"kind":"all"}\n\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(verifier.size.positive).toBe(1);
  });
});

describe('events: outages and resuming', () => {
  it('reconnects with Last-Event-ID after the stream drops', async () => {
    const verifier = await connectedVerifier();
    latchkey.emit({ kind: 'identity', ids: [1] });
    const last = latchkey.emit({ kind: 'identity', ids: [2] });
    await until(() => verifier.stats.evicted >= 0 && latchkey.openStreams === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    latchkey.dropStreams();
    await until(() => latchkey.streamConnections.length === 2 && verifier.streamConnected, 3_000, 'the reconnection');
    expect(latchkey.streamConnections).toEqual([undefined, String(last)]);
  });

  it('keeps answers at most 1 s while the stream is down, and the full TTL again once it is back', async () => {
    const verifier = await connectedVerifier({ ttlMs: 5_000, staleGraceMs: 0 });
    const key = newKey();
    latchkey.add(key);
    await verifier.verify(key);
    now += 1_500;
    await verifier.verify(key);
    expect(latchkey.calls).toHaveLength(1);

    latchkey.refuseStreams = true;
    latchkey.dropStreams();
    await until(() => !verifier.streamConnected, 1_000, 'the stream to drop');
    await verifier.verify(key);
    expect(latchkey.calls).toHaveLength(2);
    now += 999;
    await verifier.verify(key);
    expect(latchkey.calls).toHaveLength(2);
    now += 1;
    await verifier.verify(key);
    expect(latchkey.calls).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/at most 1 s/);

    latchkey.refuseStreams = false;
    await until(() => verifier.streamConnected, 8_000, 'the stream to come back');
    await verifier.verify(key);
    const calls = latchkey.calls.length;
    now += 4_000;
    await verifier.verify(key);
    expect(latchkey.calls).toHaveLength(calls);
  });

  it('refuses (fail closed) once Latchkey is down for longer than the shortened TTL and the grace', async () => {
    const verifier = await connectedVerifier({ ttlMs: 5_000, staleGraceMs: 500 });
    const key = newKey();
    latchkey.add(key);
    await verifier.verify(key);
    const port = latchkey.port;
    await latchkey.stop();
    await until(() => !verifier.streamConnected, 1_000, 'the stream to drop');
    now += 1_499;
    expect(await verifier.verify(key)).toMatchObject({ valid: true });
    now += 1;
    await expect(verifier.verify(key)).rejects.toMatchObject({ name: 'LatchkeyUnavailableError' });
    latchkey = await new FakeLatchkey().start(port);
  });

  it('starts afresh when a line overflows its bound: no Last-Event-ID on the next connection', async () => {
    const verifier = await connectedVerifier();
    latchkey.emit({ kind: 'identity', ids: [1] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    latchkey.write('data: ' + 'x'.repeat(70_000));
    await until(() => latchkey.streamConnections.length === 2 && verifier.streamConnected, 3_000, 'the reconnection');
    expect(latchkey.streamConnections).toEqual([undefined, undefined]);
  });

  it('tells when the service key is refused for the stream', async () => {
    const verifier = createVerifier({ url: latchkey.url, serviceKey: newKey(), logger: { warn: (m) => warnings.push(m) } });
    closers.push(() => verifier.close());
    await until(() => warnings.length > 0, 2_000, 'a warning');
    expect(warnings[0]).toMatch(/refused the service key.*introspect:use/);
    expect(verifier.streamConnected).toBe(false);
  });
});

describe('CredentialStream', () => {
  function stream(options: { idleTimeoutMs?: number } = {}) {
    const changes: CredentialChange[] = [];
    const statuses: boolean[] = [];
    const s = new CredentialStream({
      url: `${latchkey.url}/api/v3/integration/events`,
      serviceKey: latchkey.serviceKey,
      fetch: globalThis.fetch,
      logger: { warn: (m) => warnings.push(m) },
      onChange: (c) => changes.push(c),
      onStatus: (up) => statuses.push(up),
      backoff: { minMs: 20, maxMs: 200 },
      ...options,
    });
    closers.push(() => s.close());
    s.start();
    return { s, changes, statuses };
  }

  it('starts with "all" on a first connection, which has nothing to resume from', async () => {
    const { s, changes } = stream();
    await until(() => s.isConnected);
    expect(changes).toEqual([{ kind: 'all' }]);
    latchkey.emit({ kind: 'company', ids: ['c-9'] });
    await until(() => changes.length === 2);
    expect(changes[1]).toEqual({ kind: 'company', ids: ['c-9'] });
    expect(s.lastEventId).toBe('1');
  });

  it('drops a connection that stays silent past the idle timeout, and reconnects', async () => {
    const { s, statuses } = stream({ idleTimeoutMs: 150 });
    await until(() => s.isConnected);
    await until(() => latchkey.streamConnections.length >= 2, 2_000, 'the reconnection');
    expect(statuses.slice(0, 2)).toEqual([true, false]);
    expect(warnings.join('\n')).toMatch(/no data for 150 ms/);
  });

  it('stops for good on close', async () => {
    const { s } = stream();
    await until(() => s.isConnected);
    await s.close();
    expect(s.isConnected).toBe(false);
    await until(() => latchkey.openStreams === 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(latchkey.streamConnections).toHaveLength(1);
  });
});
