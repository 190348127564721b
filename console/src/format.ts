import type { Identity, Role } from './types';

export const ROLE_LABELS: Record<Role, string> = {
  portalAdministrator: 'Portal Administrator',
  portalOperator: 'Portal Operator',
  readonlyUser: 'Read-only User',
  companyOwner: 'Company Owner',
  companyAdministrator: 'Company Administrator',
  companyUser: 'Company User',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;

// What each role may do, as the server decides it (src/users/roles.ts). The console only uses this to
// hide or disable what the server would refuse anyway; the server remains the authority.
const READ = ['users:read', 'identities:read', 'companies:read', 'audit:read'];
const ROLE_PERMISSIONS: Record<Role, readonly string[]> = {
  portalAdministrator: [...READ, 'users:write', 'identities:write', 'companies:write', 'introspect:use'],
  portalOperator: [...READ, 'identities:write', 'companies:write', 'introspect:use'],
  readonlyUser: READ,
  companyOwner: [...READ, 'users:write', 'identities:write', 'introspect:use'],
  companyAdministrator: [...READ, 'users:write', 'identities:write', 'introspect:use'],
  companyUser: ['users:read', 'identities:read', 'identities:write', 'companies:read'],
};

const roleHas = (role: string, permission: string): boolean => ROLE_PERMISSIONS[role as Role]?.includes(permission) ?? false;

/**
 * Roles that may list the users of their tenant and manage their identities (the server's
 * "manageable users": everyone for a Portal Administrator, the company for its Owner and
 * Administrators, only themselves for anyone else).
 */
const MANAGERS: readonly string[] = ['portalAdministrator', 'companyOwner', 'companyAdministrator'];
export const canManageOthers = (role: string): boolean => MANAGERS.includes(role);

/** Whether the role may create, change, rotate and delete identities at all (not a Read-only User). */
export const canChangeIdentities = (role: string): boolean => roleHas(role, 'identities:write');

/** Whether the role may read the audit log (not a Company User). */
export const canReadAudit = (role: string): boolean => roleHas(role, 'audit:read');

export function formatDate(iso: string | null | undefined, empty = '—'): string {
  if (!iso) return empty;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export const isExpired = (identity: Identity): boolean =>
  !!identity.expirationDate && new Date(identity.expirationDate).getTime() < Date.now();

export const STATUS_LABELS: Record<string, string> = {
  enabled: 'Enabled',
  disabled: 'Disabled',
  disabledDueToUser: 'Disabled (user is disabled)',
  disabledDueToCompany: 'Disabled (company is disabled)',
};

export const PROVIDER_LABELS: Record<string, string> = {
  VSPC: 'Password',
  AK: 'API key',
  TOTP: 'Authenticator app',
};

export const SCOPE_LABELS: Record<string, string> = {
  rest: 'REST API',
  integration: 'Integration',
  ui: 'Web console',
};

/** Splits a textarea into trimmed, non-empty lines. */
export const lines = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export const fullName = (u: { firstName: string; lastName: string; login: string }): string =>
  [u.firstName, u.lastName].filter(Boolean).join(' ') || u.login;
