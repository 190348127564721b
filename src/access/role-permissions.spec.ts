import { describe, expect, it } from 'vitest';
import { keyPermissions } from './principals.js';
import { RolePermissions } from './role-permissions.js';
import { ROLE_PERMISSIONS } from './roles.js';

describe('RolePermissions', () => {
  const roles = RolePermissions.from([
    { name: 'vm:read', roles: ['CompanyOwner', 'PortalAdministrator'] },
    { name: 'vm:write', roles: ['CompanyOwner'] },
    { name: 'dns:write', roles: [] },
  ]);

  it('gives each role its built-in permissions plus the custom ones granted to it', () => {
    expect([...roles.of('CompanyOwner')]).toEqual([...ROLE_PERMISSIONS.CompanyOwner, 'vm:read', 'vm:write']);
    expect(roles.of('CompanyLocationUser')).toEqual(ROLE_PERMISSIONS.CompanyLocationUser);
    expect(RolePermissions.BUILT_IN.of('PortalAdministrator').has('permissions:write')).toBe(true);
  });

  it('keeps the reads of a role apart, custom ones included, for read-only credentials', () => {
    expect([...roles.of('CompanyOwner', true)]).toEqual([...[...ROLE_PERMISSIONS.CompanyOwner].filter((p) => p.endsWith(':read')), 'vm:read']);
  });

  it('shares one set per role between every principal built from it', () => {
    const user = { role: 'CompanyOwner' as const };
    expect(keyPermissions({ permissions: null, isReadAccessOnly: false, user }, roles)).toBe(roles.of('CompanyOwner'));
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
      { name: 'vm:read', roles: ['CompanyOwner', 'PortalAdministrator'] },
      { name: 'vm:write', roles: ['CompanyAdministrator'] },
    ]);
    expect(next.changedSince(roles)).toEqual(['CompanyOwner', 'CompanyAdministrator']);
    expect(roles.changedSince(roles)).toEqual([]);
  });
});
