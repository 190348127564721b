import { ALL_PERMISSIONS, type Permission } from './permissions.js';

/**
 * Latchkey's six roles under VSPC's `UserRole` names, stored as they are spelled here. VSPC has no
 * plain company user; CompanyLocationUser is the closest: the company-side role that manages no
 * users (docs/roles.md).
 */
export const ROLE = {
  PortalAdministrator: 'PortalAdministrator',
  PortalOperator: 'PortalOperator',
  PortalReadonlyOperator: 'PortalReadonlyOperator',
  CompanyOwner: 'CompanyOwner',
  CompanyAdministrator: 'CompanyAdministrator',
  CompanyLocationUser: 'CompanyLocationUser',
} as const;

export const PROVIDER_ROLES = [ROLE.PortalAdministrator, ROLE.PortalOperator, ROLE.PortalReadonlyOperator] as const;
export const TENANT_ROLES = [ROLE.CompanyOwner, ROLE.CompanyAdministrator, ROLE.CompanyLocationUser] as const;
export const ROLES = [...PROVIDER_ROLES, ...TENANT_ROLES] as const;
export type Role = (typeof ROLES)[number];

const READ: Permission[] = ['users:read', 'identities:read', 'companies:read', 'audit:read'];
/** Webhooks tell the outside about a whole tenant: for those who manage it. */
const WEBHOOKS: Permission[] = ['webhooks:read', 'webhooks:write'];

/**
 * The built-in permissions of each role; a role's permissions are these plus the custom ones granted
 * to it (RolePermissions), and a key's permissions are intersected with its user's role. Only the
 * Portal Administrator holds every built-in permission, `about:read` (VSPC admits only it to
 * `GET /about`) and `permissions:write` among them.
 */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  [ROLE.PortalAdministrator]: new Set(ALL_PERMISSIONS),
  [ROLE.PortalOperator]: new Set([...READ, 'identities:write', 'companies:write', 'introspect:use']),
  [ROLE.PortalReadonlyOperator]: new Set(READ),
  [ROLE.CompanyOwner]: new Set([...READ, 'users:write', 'identities:write', 'introspect:use', ...WEBHOOKS]),
  [ROLE.CompanyAdministrator]: new Set([...READ, 'users:write', 'identities:write', 'introspect:use', ...WEBHOOKS]),
  [ROLE.CompanyLocationUser]: new Set(['users:read', 'identities:read', 'identities:write', 'companies:read']),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The role of that name, compared case-insensitively (`companyOwner` for `CompanyOwner`). */
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
  return role === ROLE.PortalAdministrator || role === ROLE.CompanyOwner || role === ROLE.CompanyAdministrator;
}
