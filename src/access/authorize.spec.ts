import { describe, expect, it } from 'vitest';
import { authorize } from './authorize.js';
import { parseNetwork } from './networks.js';
import type { AccessRequest, AccessRule, Network, Principal } from './principal.js';

const now = new Date('2026-11-23T12:00:00Z');

function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'apiKey',
    userUid: 'u1',
    userName: 'alice',
    role: 'CompanyAdministrator',
    companyUid: 'c1',
    identityId: 7,
    identityStatus: 'enabled',
    userStatus: 'Enabled',
    companyStatus: 'Active',
    scopes: new Set(['rest']),
    readOnly: false,
    permissions: new Set(['users:read', 'identities:write']),
    pathPrefixes: [],
    ownObjectsOnly: false,
    allowedNetworks: [],
    expiresAt: null,
    rateLimitPerMinute: null,
    clientIp: '10.0.0.5',
    ...overrides,
  };
}

function request(overrides: Partial<Omit<AccessRequest, 'rule'>> = {}, rule: Partial<AccessRule> = {}): AccessRequest {
  return {
    method: 'GET',
    path: '/api/v3/users',
    clientIp: '10.0.0.5',
    now,
    rule: { surface: 'rest', permission: 'users:read', ownable: true, ...rule },
    ...overrides,
  };
}

const nets = (...values: string[]): Network[] => values.map((v) => parseNetwork(v) as Network);

type Row = [string, Partial<Principal>, Partial<Omit<AccessRequest, 'rule'>>, Partial<AccessRule>, number | 'allow'];

const table: Row[] = [
  ['plain key on a permitted GET', {}, {}, {}, 'allow'],
  ['disabled identity', { identityStatus: 'disabled' }, {}, {}, 401],
  ['disabled user', { userStatus: 'Disabled' }, {}, {}, 401],
  ['disabled company', { companyStatus: 'Disabled' }, {}, {}, 401],
  ['expired key', { expiresAt: new Date('2026-11-23T11:59:59Z') }, {}, {}, 401],
  ['key expiring exactly now', { expiresAt: now }, {}, {}, 401],
  ['key expiring later', { expiresAt: new Date('2026-11-24T00:00:00Z') }, {}, {}, 'allow'],
  ['address inside allowlist', { allowedNetworks: nets('10.0.0.0/24') }, {}, {}, 'allow'],
  ['address outside allowlist', { allowedNetworks: nets('192.168.1.0/24') }, {}, {}, 403],
  ['IPv4-mapped IPv6 address in v4 allowlist', { allowedNetworks: nets('10.0.0.5') }, { clientIp: '::ffff:10.0.0.5' }, {}, 'allow'],
  ['IPv6 address in v6 allowlist', { allowedNetworks: nets('2001:db8::/32') }, { clientIp: '2001:db8::1' }, {}, 'allow'],
  ['IPv6 address outside v6 allowlist', { allowedNetworks: nets('2001:db8::/32') }, { clientIp: '2001:db9::1' }, {}, 403],
  ['garbage client address with allowlist', { allowedNetworks: nets('10.0.0.0/8') }, { clientIp: 'unknown' }, {}, 403],
  ['rate limit exhausted', {}, { retryAfterSeconds: 12 }, {}, 429],
  ['wrong address beats rate limit', { allowedNetworks: nets('1.1.1.1') }, { retryAfterSeconds: 1 }, {}, 403],
  ['ui-only key on REST', { scopes: new Set(['ui']) }, {}, {}, 403],
  ['rest key on integration route', {}, {}, { surface: 'integration' }, 403],
  ['integration key on integration route', { scopes: new Set(['integration']) }, {}, { surface: 'integration', permission: undefined }, 'allow'],
  ['read-only key on GET', { readOnly: true }, {}, {}, 'allow'],
  ['read-only key on HEAD', { readOnly: true }, { method: 'HEAD' }, {}, 'allow'],
  ['read-only key on OPTIONS', { readOnly: true }, { method: 'OPTIONS' }, {}, 'allow'],
  ['read-only key on POST', { readOnly: true }, { method: 'POST' }, { permission: 'identities:write' }, 403],
  ['read-only key on PATCH', { readOnly: true }, { method: 'PATCH' }, { permission: 'identities:write' }, 403],
  ['read-only key on DELETE', { readOnly: true }, { method: 'DELETE' }, { permission: 'identities:write' }, 403],
  ['missing permission', {}, {}, { permission: 'audit:read' }, 403],
  ['route without permission', {}, {}, { permission: undefined }, 'allow'],
  ['path under prefix', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/users/abc' }, {}, 'allow'],
  ['path equal to prefix', { pathPrefixes: ['/api/v3/users/'] }, { path: '/api/v3/users' }, {}, 'allow'],
  ['query string ignored', { pathPrefixes: ['=/api/v3/users'] }, { path: '/api/v3/users?x=/y' }, {}, 'allow'],
  ['sibling path sharing letters', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/usersX' }, {}, 403],
  ['path outside prefix', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/audit' }, {}, 403],
  ['dot-dot escape', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/users/../audit' }, {}, 403],
  ['encoded dot-dot escape', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/users/%2e%2e/audit' }, {}, 403],
  ['encoded slash', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/users%2F..%2Faudit' }, {}, 403],
  ['exact path match', { pathPrefixes: ['=/api/v3/users/me'] }, { path: '/api/v3/users/me' }, {}, 'allow'],
  ['exact path refuses longer path', { pathPrefixes: ['=/api/v3/users'] }, { path: '/api/v3/users/me' }, {}, 403],
  ['own-objects key on ownable route', { ownObjectsOnly: true }, {}, {}, 'allow'],
  ['own-objects key on unownable route', { ownObjectsOnly: true }, {}, { ownable: false }, 403],
  ['session with all surfaces', { kind: 'session', identityId: null, scopes: new Set(['rest', 'integration', 'ui']) }, {}, {}, 'allow'],
  ['read-only session on POST', { kind: 'session', readOnly: true }, { method: 'POST' }, { permission: undefined }, 403],
  ['key on a sessions-only route', {}, { method: 'POST' }, { permission: undefined, sessionOnly: true }, 403],
  ['key with every permission on a sessions-only route', { permissions: new Set(['identities:write', 'users:write']) }, {}, { permission: undefined, sessionOnly: true }, 403],
  ['session on a sessions-only route', { kind: 'session', identityId: null }, { method: 'POST' }, { permission: undefined, sessionOnly: true }, 'allow'],
  ['read-only session on a sessions-only POST', { kind: 'session', readOnly: true }, { method: 'POST' }, { permission: undefined, sessionOnly: true }, 403],
];

describe('authorize()', () => {
  it.each(table)('%s', (_name, who, what, rule, expected) => {
    const decision = authorize(principal(who), request(what, rule));
    if (expected === 'allow') expect(decision).toEqual({ allow: true });
    else expect(decision).toMatchObject({ allow: false, status: expected });
  });

  it('reports when to retry a rate-limited request', () => {
    expect(authorize(principal(), request({ retryAfterSeconds: 9 }))).toMatchObject({ retryAfterSeconds: 9 });
  });

  it('names every missing permission of a resource server, the rule\'s first', () => {
    const decision = authorize(principal({ permissions: new Set(['vm:read', 'users:read']) }), {
      ...request({}, { permission: 'audit:read' }),
      permissions: ['vm:read', 'vm:write', 'vm:write', 'dns:read'],
    });
    expect(decision).toMatchObject({
      allow: false,
      status: 403,
      code: 'INSUFFICIENT_PERMISSIONS',
      missingPermissions: ['audit:read', 'vm:write', 'dns:read'],
      reason: 'The credential lacks the "audit:read", "vm:write" and "dns:read" permissions.',
    });
    expect(authorize(principal({ permissions: new Set(['vm:read', 'users:read']) }), { ...request(), permissions: ['vm:read'] })).toEqual({ allow: true });
  });

  it.each([
    ['disabled identity', { identityStatus: 'disabled' as const }, {}, 'DISABLED'],
    ['expired key', { expiresAt: new Date(0) }, {}, 'EXPIRED'],
    ['address outside allowlist', { allowedNetworks: nets('192.168.1.0/24') }, {}, 'IP_NOT_ALLOWED'],
    ['rate limit exhausted', {}, { retryAfterSeconds: 3 }, 'RATE_LIMITED'],
    ['ui-only key', { scopes: new Set(['ui' as const]) }, {}, 'SURFACE_NOT_ALLOWED'],
    ['read-only key on POST', { readOnly: true }, { method: 'POST' }, 'READ_ONLY'],
    ['path outside prefix', { pathPrefixes: ['/api/v3/users'] }, { path: '/api/v3/audit' }, 'PATH_NOT_ALLOWED'],
  ])('reports which rule refused: %s', (_name, who, what, code) => {
    expect(authorize(principal(who), request(what))).toMatchObject({ allow: false, code });
  });

  it('checks in the documented order: disabled before expired before address', () => {
    const all = principal({
      identityStatus: 'disabled',
      expiresAt: new Date(0),
      allowedNetworks: nets('1.1.1.1'),
      readOnly: true,
    });
    expect(authorize(all, request({ method: 'POST' }))).toMatchObject({ status: 401, reason: /disabled/ });
  });
});
