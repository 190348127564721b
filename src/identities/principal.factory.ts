import { parseNetwork } from '../auth/networks.js';
import type { Network, Principal } from '../auth/principal.js';
import { isReadPermission, SURFACES, type Permission, type Surface } from '../auth/permissions.js';
import { ROLE_PERMISSIONS } from '../users/roles.js';
import type { User } from '../users/user.entity.js';
import type { Identity } from './identity.entity.js';

function base(user: User): Omit<Principal, 'kind' | 'identityId' | 'identityStatus' | 'scopes' | 'readOnly' | 'permissions'> {
  return {
    userUid: user.instanceUid,
    userName: user.login,
    role: user.role,
    companyUid: user.company.instanceUid,
    companyName: user.company.name,
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

/** Read-only credentials keep only the read permissions, so they never report what they cannot do. */
function narrowForReadOnly(permissions: ReadonlySet<Permission>, readOnly: boolean): ReadonlySet<Permission> {
  return readOnly ? new Set([...permissions].filter(isReadPermission)) : permissions;
}

/** Permissions a key acts with: its own list narrowed to its user's role, and to reads when read-only. */
export function keyPermissions(identity: Identity): ReadonlySet<Permission> {
  const role = ROLE_PERMISSIONS[identity.user.role];
  const own = identity.permissions ? new Set(identity.permissions.filter((p): p is Permission => role.has(p as Permission))) : role;
  return narrowForReadOnly(own, identity.isReadAccessOnly);
}

/** A password (or second-factor) session acts with its user's full role on every surface. */
export function sessionPrincipal(user: User, readOnly: boolean): Principal {
  return {
    ...base(user),
    kind: 'session',
    identityId: null,
    identityStatus: 'enabled',
    scopes: new Set<Surface>(SURFACES),
    readOnly,
    permissions: narrowForReadOnly(ROLE_PERMISSIONS[user.role], readOnly),
  };
}

/** An API key acts as its user, narrowed by its own policy. The identity's user and company must be loaded. */
export function keyPrincipal(identity: Identity): Principal {
  return {
    ...base(identity.user),
    kind: 'apiKey',
    identityId: identity.id,
    identityStatus: identity.status,
    scopes: new Set(identity.scopes as Surface[]),
    readOnly: identity.isReadAccessOnly,
    permissions: keyPermissions(identity),
    pathPrefixes: identity.pathPrefixes,
    ownObjectsOnly: identity.ownObjectsOnly,
    allowedNetworks: identity.allowedIps.map(parseNetwork).filter((n): n is Network => n !== null),
    expiresAt: identity.expirationDate ?? null,
    rateLimitPerMinute: identity.rateLimitPerMinute ?? null,
  };
}
