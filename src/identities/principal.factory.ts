import { parseNetwork } from '../auth/networks.js';
import type { Network, Principal } from '../auth/principal.js';
import { SURFACES, type Permission, type Surface } from '../auth/permissions.js';
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

/** A password (or second-factor) session acts with its user's full role on every surface. */
export function sessionPrincipal(user: User, readOnly: boolean): Principal {
  return {
    ...base(user),
    kind: 'session',
    identityId: null,
    identityStatus: 'enabled',
    scopes: new Set<Surface>(SURFACES),
    readOnly,
    permissions: ROLE_PERMISSIONS[user.role],
  };
}

/** An API key acts as its user, narrowed by its own policy. The identity's user and company must be loaded. */
export function keyPrincipal(identity: Identity): Principal {
  const role = ROLE_PERMISSIONS[identity.user.role];
  const permissions = identity.permissions
    ? new Set(identity.permissions.filter((p): p is Permission => role.has(p as Permission)))
    : role;
  return {
    ...base(identity.user),
    kind: 'apiKey',
    identityId: identity.id,
    identityStatus: identity.status,
    scopes: new Set(identity.scopes as Surface[]),
    readOnly: identity.isReadAccessOnly,
    permissions,
    pathPrefixes: identity.pathPrefixes,
    ownObjectsOnly: identity.ownObjectsOnly,
    allowedNetworks: identity.allowedIps.map(parseNetwork).filter((n): n is Network => n !== null),
    expiresAt: identity.expirationDate ?? null,
    rateLimitPerMinute: identity.rateLimitPerMinute ?? null,
  };
}
