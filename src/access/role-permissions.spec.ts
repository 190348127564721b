import { describe, expect, it } from 'vitest';
import { keyPermissions } from './principals.js';
import { RolePermissions } from './role-permissions.js';
import { ROLE_PERMISSIONS } from './roles.js';

describe('RolePermissions', () => {
  const roles = RolePermissions.from([
    { name: 'vm:read', roles: ['companyOwner', 'portalAdministrator'] },
    { name: 'vm:write', roles: ['companyOwner'] },
    { name: 'dns:write', roles: [] },
  ]);

  it('gives each role its built-in permissions plus the custom ones granted to it', () => {
    expect([...roles.of('companyOwner')]).toEqual([...ROLE_PERMISSIONS.companyOwner, 'vm:read', 'vm:write']);
    expect(roles.of('companyUser')).toEqual(ROLE_PERMISSIONS.companyUser);
    expect(RolePermissions.BUILT_IN.of('portalAdministrator').has('permissions:write')).toBe(true);
  });

  it('keeps the reads of a role apart, custom ones included, for read-only credentials', () => {
    expect([...roles.of('companyOwner', true)]).toEqual([...[...ROLE_PERMISSIONS.companyOwner].filter((p) => p.endsWith(':read')), 'vm:read']);
  });

  it('shares one set per role between every principal built from it', () => {
    const user = { role: 'companyOwner' as const };
    expect(keyPermissions({ permissions: null, isReadAccessOnly: false, user }, roles)).toBe(roles.of('companyOwner'));
    expect([...keyPermissions({ permissions: ['vm:write', 'dns:write', 'audit:read'], isReadAccessOnly: false, user }, roles)]).toEqual(['vm:write', 'audit:read']);
    expect([...keyPermissions({ permissions: ['vm:write', 'vm:read'], isReadAccessOnly: true, user }, roles)]).toEqual(['vm:read']);
  });

  it('knows which names are permissions, granted or not', () => {
    expect(roles.isDefined('dns:write')).toBe(true);
    expect(roles.isDefined('users:read')).toBe(true);
    expect(roles.isDefined('dns:read')).toBe(false);
  });

  it('tells which roles a new catalogue changed', () => {
    const next = RolePermissions.from([
      { name: 'vm:read', roles: ['companyOwner', 'portalAdministrator'] },
      { name: 'vm:write', roles: ['companyAdministrator'] },
    ]);
    expect(next.changedSince(roles)).toEqual(['companyOwner', 'companyAdministrator']);
    expect(roles.changedSince(roles)).toEqual([]);
  });
});
