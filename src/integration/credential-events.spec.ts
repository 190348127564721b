import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../access/principal.js';
import { CredentialChanges } from '../identities/credential-changes/credential-changes.js';
import type { PermissionCatalogue } from '../permissions/permission-catalogue.js';
import { CredentialEvents, EVENT_LIMITS } from './credential-events.js';

/** The part of a ServerResponse the hub uses, recording what was written. */
class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  writableEnded = false;
  writableLength = 0;
  destroyed = false;
  writeHead(): this {
    return this;
  }
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  end(): this {
    this.writableEnded = true;
    this.emit('close');
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    this.emit('close');
    return this;
  }
  /** The `data` of every event written, parsed. */
  get data(): unknown[] {
    return this.chunks.flatMap((chunk) => [...chunk.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]) as unknown));
  }
}

const caller = (overrides: Partial<Principal> = {}): Principal =>
  ({ kind: 'apiKey', identityId: 1, userUid: 'svc', companyUid: 'acme', role: 'CompanyOwner', ...overrides }) as Principal;
const provider = caller({ identityId: 2, userUid: 'psvc', companyUid: 'provider', role: 'PortalOperator' });
const changed = (identities: number[], owners: Record<string, string>) => ({ kind: 'changed' as const, identities, users: [], companies: [], owners: { identities: owners, users: {} } });
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CredentialEvents', () => {
  let changes: CredentialChanges;
  let events: CredentialEvents;
  const catalogue = { settled: () => Promise.resolve() } as unknown as PermissionCatalogue;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    changes = new CredentialChanges();
    events = new CredentialEvents(changes, catalogue);
  });
  afterEach(() => {
    events.onModuleDestroy();
    vi.useRealTimers();
  });

  const open = (who: Principal, lastEventId?: string) => {
    const response = new FakeResponse();
    events.open(who, lastEventId, response as unknown as ServerResponse, {}, () => undefined);
    return response;
  };

  it('writes a heartbeat comment every 15 s', () => {
    const response = open(provider);
    vi.advanceTimersByTime(EVENT_LIMITS.heartbeatMs * 2);
    expect(response.chunks.filter((chunk) => chunk === ': heartbeat\n\n')).toHaveLength(2);
  });

  it('tells a tenant "all" when a change names an identity whose company it did not show, and names nothing', async () => {
    const tenant = open(caller());
    changes.emit(changed([5, 6], { 5: 'other' }));
    changes.emit(changed([7], { 7: 'other' }));
    changes.emit(changed([8], { 8: 'acme' }));
    await flush();
    expect(tenant.data).toEqual([{ kind: 'all' }, { kind: 'all' }, { kind: 'identity', ids: [8] }]);
  });

  it('resumes only inside the ring: an id older than its oldest event starts over with "all"', async () => {
    const first = open(provider);
    const startId = /^id: (\d+)$/m.exec(first.chunks[0])![1];
    for (let i = 0; i < EVENT_LIMITS.ring + 1; i++) changes.emit(changed([i], { [i]: 'acme' }));
    await flush();
    expect(open(provider, startId).data).toEqual([{ kind: 'all' }]);
    const recent = String(Number(startId) + EVENT_LIMITS.ring);
    expect(open(provider, recent).data).toEqual([{ kind: 'identity', ids: [EVENT_LIMITS.ring] }]);
  });

  it('cuts off a consumer that does not read', async () => {
    const slow = open(provider);
    slow.writableLength = EVENT_LIMITS.bufferedBytes + 1;
    changes.emit(changed([1], { 1: 'acme' }));
    await flush();
    expect(slow.destroyed).toBe(true);
    expect(events.openStreams).toBe(0);
  });

  it('bounds streams per credential and counts a closed one out', () => {
    const streams = Array.from({ length: EVENT_LIMITS.streamsPerCaller }, () => open(provider));
    expect(() => open(provider)).toThrow(/At most/);
    streams[0].end();
    expect(() => open(provider)).not.toThrow();
  });

  it('sends permission events only once the catalogue has settled, in order', async () => {
    let release: () => void = () => undefined;
    const slow = { settled: () => new Promise<void>((resolve) => (release = resolve)) } as unknown as PermissionCatalogue;
    const hub = new CredentialEvents(changes, slow);
    const response = new FakeResponse();
    hub.open(provider, undefined, response as unknown as ServerResponse, {}, () => undefined);
    changes.emit({ kind: 'changed', identities: [], users: [], companies: [], permissions: ['vm:read'] });
    changes.emit(changed([3], { 3: 'acme' }));
    await flush();
    expect(response.data).toEqual([{ kind: 'all' }]);
    release();
    await flush();
    expect(response.data).toEqual([{ kind: 'all' }, { kind: 'permission', ids: ['vm:read'] }, { kind: 'identity', ids: [3] }]);
    hub.onModuleDestroy();
  });
});
