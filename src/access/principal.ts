import type { IPv4, IPv6 } from 'ipaddr.js';
import type { Role } from './roles.js';
import type { Permission, Surface } from './permissions.js';

/** VSPC's `User.status` and `Company.status` values that Latchkey stores. */
export const USER_STATUSES = ['Enabled', 'Disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const COMPANY_STATUSES = ['Active', 'Disabled'] as const;
export type CompanyStatus = (typeof COMPANY_STATUSES)[number];

/** A parsed allowlist entry: an address range as `[address, prefix length]`. */
export type Network = [IPv4 | IPv6, number];

/**
 * Everything `authorize()` and the services need to know about the caller. Cached principals are
 * evicted when one of these fields changes in the database, so it holds nothing that may change
 * without changing access: a company's name, say, is looked up where it is shown.
 */
export interface Principal {
  kind: 'session' | 'apiKey';
  userUid: string;
  userName: string;
  role: Role;
  companyUid: string;
  /** The identity used to authenticate: the API key's, or null for a session. */
  identityId: number | null;
  identityStatus: 'enabled' | 'disabled';
  userStatus: UserStatus;
  companyStatus: CompanyStatus;
  scopes: ReadonlySet<Surface>;
  readOnly: boolean;
  /** Effective permissions (built-in and custom): the role's, intersected with the key's own list. */
  permissions: ReadonlySet<string>;
  pathPrefixes: readonly string[];
  ownObjectsOnly: boolean;
  allowedNetworks: readonly Network[];
  expiresAt: Date | null;
  rateLimitPerMinute: number | null;
  /** Address of the current request; set by the guard per request, for audit and last-used. */
  clientIp: string;
}

/** Route requirements declared with `@Access()`. */
export interface AccessRule {
  surface: Surface;
  permission?: Permission;
  /** False for routes over objects nobody owns (companies, audit): own-objects keys are refused. */
  ownable?: boolean;
  /** Only a person signed in (a session), never an API key: changing how one signs in (a second factor). */
  sessionOnly?: boolean;
}

export interface AccessRequest {
  method: string;
  /** Raw request path without the query string. */
  path: string;
  clientIp: string;
  now: Date;
  rule: AccessRule;
  /**
   * Permissions required besides the rule's: a resource server's, asked through the verify API.
   * All are needed; a refusal names the missing ones.
   */
  permissions?: readonly string[];
  /** Set when the credential's rate limit is used up: seconds until it refills. */
  retryAfterSeconds?: number;
}

/** Which rule refused, for answers that say more than an HTTP status (the verify API). */
export type DenialCode =
  /** No credential, or none that resolves to a principal (the guard's, before authorize). */
  | 'UNAUTHENTICATED'
  /** The address spent its failed-authentication budget (the guard's, before authorize). */
  | 'ADDRESS_BLOCKED'
  | 'DISABLED'
  | 'EXPIRED'
  | 'IP_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'SURFACE_NOT_ALLOWED'
  /** A route for interactive sessions (second-factor set-up), called with an API key. */
  | 'SESSION_ONLY'
  | 'READ_ONLY'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'PATH_NOT_ALLOWED'
  | 'OWN_OBJECTS_ONLY';

/** A refusal: the HTTP status it maps to, which rule, why, and for 429 when to retry. */
export interface Denial {
  allow: false;
  status: 401 | 403 | 429;
  code: DenialCode;
  reason: string;
  retryAfterSeconds?: number;
  /** For INSUFFICIENT_PERMISSIONS: every required permission the credential lacks. */
  missingPermissions?: string[];
}

export type Decision = { allow: true } | Denial;
