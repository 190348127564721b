import { ALL_PERMISSIONS, type Permission } from './permissions.js';

export const PROVIDER_ROLES = ['portalAdministrator', 'portalOperator', 'readonlyUser'] as const;
export const TENANT_ROLES = ['companyOwner', 'companyAdministrator', 'companyUser'] as const;
export const ROLES = [...PROVIDER_ROLES, ...TENANT_ROLES] as const;
export type Role = (typeof ROLES)[number];

const READ: Permission[] = ['users:read', 'identities:read', 'companies:read', 'audit:read'];
/** Webhooks tell the outside about a whole tenant: for those who manage it. */
const WEBHOOKS: Permission[] = ['webhooks:read', 'webhooks:write'];

/** What each role may do; a key's permissions are intersected with its user's role. */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  portalAdministrator: new Set(ALL_PERMISSIONS),
  portalOperator: new Set([...READ, 'identities:write', 'companies:write', 'introspect:use']),
  readonlyUser: new Set(READ),
  companyOwner: new Set([...READ, 'users:write', 'identities:write', 'introspect:use', ...WEBHOOKS]),
  companyAdministrator: new Set([...READ, 'users:write', 'identities:write', 'introspect:use', ...WEBHOOKS]),
  companyUser: new Set(['users:read', 'identities:read', 'identities:write', 'companies:read']),
};

export function isProviderRole(role: Role): boolean {
  return (PROVIDER_ROLES as readonly string[]).includes(role);
}

/** Roles whose holders manage the users and identities of their whole tenant. */
export function managesTenant(role: Role): boolean {
  return role === 'portalAdministrator' || role === 'companyOwner' || role === 'companyAdministrator';
}
