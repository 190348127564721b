import { ALL_PERMISSIONS, type Permission } from './permissions.js';

export const PROVIDER_ROLES = ['portalAdministrator', 'portalOperator', 'readonlyUser'] as const;
export const TENANT_ROLES = ['companyOwner', 'companyAdministrator', 'companyUser'] as const;
export const ROLES = [...PROVIDER_ROLES, ...TENANT_ROLES] as const;
export type Role = (typeof ROLES)[number];

const READ: Permission[] = ['users:read', 'identities:read', 'companies:read', 'audit:read'];

/**
 * The built-in permissions of each role. A role's permissions are these plus the custom ones granted
 * to it (RolePermissions); a key's permissions are intersected with its user's role.
 */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  portalAdministrator: new Set(ALL_PERMISSIONS),
  portalOperator: new Set([...READ, 'identities:write', 'companies:write', 'introspect:use']),
  readonlyUser: new Set(READ),
  companyOwner: new Set([...READ, 'users:write', 'identities:write', 'introspect:use']),
  companyAdministrator: new Set([...READ, 'users:write', 'identities:write', 'introspect:use']),
  companyUser: new Set(['users:read', 'identities:read', 'identities:write', 'companies:read']),
};

/** The role of that name, compared case-insensitively (`PortalAdministrator` as VSPC writes it). */
export function roleNamed(value: unknown): Role | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return ROLES.find((role) => role.toLowerCase() === lower);
}

export function isProviderRole(role: Role): boolean {
  return (PROVIDER_ROLES as readonly string[]).includes(role);
}

/** Roles whose holders manage the users and identities of their whole tenant. */
export function managesTenant(role: Role): boolean {
  return role === 'portalAdministrator' || role === 'companyOwner' || role === 'companyAdministrator';
}
