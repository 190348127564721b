import type { Identity, Role } from './types';

// Display names only. What a role may do comes from the server (`permissions` in GET /users/me).

export const ROLE_LABELS: Record<Role, string> = {
  PortalAdministrator: 'Portal Administrator',
  PortalOperator: 'Portal Operator',
  PortalReadonlyOperator: 'Portal Read-only Operator',
  CompanyOwner: 'Company Owner',
  CompanyAdministrator: 'Company Administrator',
  CompanyLocationUser: 'Company Location User',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;

/** Every role, provider-side first, in the server's order. */
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

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

export const fullName = (u: { profile: { firstName: string | null; lastName: string | null }; userName: string }): string =>
  [u.profile.firstName, u.profile.lastName].filter(Boolean).join(' ') || u.userName;
