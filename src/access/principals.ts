import { parseNetwork } from './networks.js';
import { SURFACES, type Surface } from './permissions.js';
import type { CompanyStatus, Network, Principal, UserStatus } from './principal.js';
import { RolePermissions } from './role-permissions.js';
import type { Role } from './roles.js';

/**
 * What a principal is built from, as plain shapes: the users and identities modules' entities
 * satisfy them, and this module needs to know nothing else of those modules.
 */
export interface PrincipalOwner {
  instanceUid: string;
  userName: string;
  role: Role;
  status: UserStatus;
  company: { instanceUid: string; status: CompanyStatus };
}

/** An API key identity's narrowing policy, with its owner loaded. */
export interface PrincipalKey {
  id: number;
  status: 'enabled' | 'disabled';
  scopes: readonly string[];
  isReadAccessOnly: boolean;
  /** Null means "as the user". */
  permissions?: readonly string[] | null;
  pathPrefixes: readonly string[];
  ownObjectsOnly: boolean;
  allowedIps: readonly string[];
  expirationDate?: Date | null;
  rateLimitPerMinute?: number | null;
  user: PrincipalOwner;
}

function base(user: PrincipalOwner): Omit<Principal, 'kind' | 'identityId' | 'identityStatus' | 'scopes' | 'readOnly' | 'permissions'> {
  return {
    userUid: user.instanceUid,
    userName: user.userName,
    role: user.role,
    companyUid: user.company.instanceUid,
    userStatus: user.status,
    companyStatus: user.company.status,
    pathPrefixes: [],
    ownObjectsOnly: false,
    allowedNetworks: [],
    expiresAt: null,
    rateLimitPerMinute: null,
    clientIp: '',
  };
}

const ALL_SURFACES: ReadonlySet<Surface> = new Set<Surface>(SURFACES);

/**
 * Permissions a key acts with: its own list narrowed to its user's role (built-ins and the custom
 * permissions granted to the role), and to reads when read-only. A key "as its user" shares the
 * role's set; only a key with its own list gets a set of its own (the verifier interns those).
 */
export function keyPermissions(
  key: Pick<PrincipalKey, 'permissions' | 'isReadAccessOnly'> & { user: Pick<PrincipalOwner, 'role'> },
  roles: RolePermissions,
): ReadonlySet<string> {
  const role = roles.of(key.user.role, key.isReadAccessOnly);
  if (!key.permissions) return role;
  return new Set(key.permissions.filter((name) => role.has(name)));
}

/** A password (or second-factor) session acts with its user's full role on every surface. */
export function sessionPrincipal(user: PrincipalOwner, readOnly: boolean, roles: RolePermissions): Principal {
  return {
    ...base(user),
    kind: 'session',
    identityId: null,
    identityStatus: 'enabled',
    scopes: ALL_SURFACES,
    readOnly,
    permissions: roles.of(user.role, readOnly),
  };
}

/** An API key acts as its user, narrowed by its own policy. */
export function keyPrincipal(key: PrincipalKey, roles: RolePermissions): Principal {
  return {
    ...base(key.user),
    kind: 'apiKey',
    identityId: key.id,
    identityStatus: key.status,
    scopes: new Set(key.scopes as Surface[]),
    readOnly: key.isReadAccessOnly,
    permissions: keyPermissions(key, roles),
    pathPrefixes: key.pathPrefixes,
    ownObjectsOnly: key.ownObjectsOnly,
    allowedNetworks: key.allowedIps.map(parseNetwork).filter((n): n is Network => n !== null),
    expiresAt: key.expirationDate ?? null,
    rateLimitPerMinute: key.rateLimitPerMinute ?? null,
  };
}

/**
 * The stored fields principals are built from, by source. A cached principal is stale only when
 * one of these changes; typed by the shapes above, so a new principal field cannot be forgotten.
 */
const KEY_FIELDS: Record<Exclude<keyof PrincipalKey, 'id'>, true> = {
  status: true, scopes: true, isReadAccessOnly: true, permissions: true, pathPrefixes: true, ownObjectsOnly: true,
  allowedIps: true, expirationDate: true, rateLimitPerMinute: true, user: true,
};
const OWNER_FIELDS: Record<Exclude<keyof PrincipalOwner, 'instanceUid'>, true> = { userName: true, role: true, status: true, company: true };
const COMPANY_FIELDS: Record<Exclude<keyof PrincipalOwner['company'], 'instanceUid'>, true> = { status: true };

export const PRINCIPAL_FIELDS = {
  key: new Set(Object.keys(KEY_FIELDS)),
  owner: new Set(Object.keys(OWNER_FIELDS)),
  company: new Set(Object.keys(COMPANY_FIELDS)),
} as const;
