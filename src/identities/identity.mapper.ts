import type { AuditTarget } from '../audit/audit.service.js';
import type { QueryFields } from '../common/collection-query.js';
import type { Shape } from '../common/selection.js';
import { keyPermissions } from '../access/principals.js';
import type { RolePermissions } from '../access/role-permissions.js';
import type { Identity, IdentityProvider } from './identity.entity.js';

export type ReportedStatus = 'enabled' | 'disabled' | 'disabledDueToUser' | 'disabledDueToCompany';

/** The VSPC UserLogin resource plus Latchkey's extensions; no field is ever null. */
export interface IdentityView {
  id: number;
  userUid: string;
  userName: string;
  companyId: string;
  companyName: string;
  identityProviderName: IdentityProvider;
  description: string;
  isReadAccessOnly: boolean;
  scopes: string[];
  status: ReportedStatus;
  parameters: string;
  identifierInProvider: string;
  creationDate: string;
  permissions: string[];
  expirationDate: string;
  allowedIps: string[];
  pathPrefixes: string[];
  ownObjectsOnly: boolean;
  keyPrefix: string;
  lastUsedAt: string;
  lastUsedFrom: string;
  /** Requests per minute; 0 means no per-key limit. */
  rateLimitPerMinute: number;
}

/** Properties a logins query may filter and sort on (VSPC `filter`/`sort`), and where they live. */
export const IDENTITY_QUERY_FIELDS: QueryFields = {
  id: { path: 'id', type: 'number' },
  userUid: { path: 'user.instanceUid', type: 'string' },
  userName: { path: 'user.userName', type: 'string' },
  companyId: { path: 'user.company.instanceUid', type: 'string' },
  companyName: { path: 'user.company.name', type: 'string' },
  identityProviderName: { path: 'provider', type: 'string' },
  description: { path: 'description', type: 'string' },
  isReadAccessOnly: { path: 'isReadAccessOnly', type: 'boolean' },
  status: { path: 'status', type: 'string' },
  identifierInProvider: { path: 'identifierInProvider', type: 'string' },
  creationDate: { path: 'creationDate', type: 'date' },
  expirationDate: { path: 'expirationDate', type: 'date' },
  ownObjectsOnly: { path: 'ownObjectsOnly', type: 'boolean' },
  keyPrefix: { path: 'keyPrefix', type: 'string' },
  lastUsedAt: { path: 'lastUsedAt', type: 'date' },
  lastUsedFrom: { path: 'lastUsedFrom', type: 'string' },
};

/** Every property of the resource, which `select` may name; typed so the compiler insists on each one. */
export const IDENTITY_SHAPE: Shape<IdentityView> = {
  id: true, userUid: true, userName: true, companyId: true, companyName: true, identityProviderName: true, description: true,
  isReadAccessOnly: true, scopes: true, status: true, parameters: true, identifierInProvider: true, creationDate: true,
  permissions: true, expirationDate: true, allowedIps: true, pathPrefixes: true, ownObjectsOnly: true, keyPrefix: true,
  lastUsedAt: true, lastUsedFrom: true, rateLimitPerMinute: true,
};
export const IDENTITY_PROPERTIES = Object.keys(IDENTITY_SHAPE) as (keyof IdentityView)[];

export function identityTarget(identity: Identity): AuditTarget {
  return { type: 'identity', id: identity.id, companyUid: identity.user.company.instanceUid };
}

export function reportedStatus(identity: Identity): ReportedStatus {
  if (identity.status === 'disabled') return 'disabled';
  if (identity.user.status !== 'Enabled') return 'disabledDueToUser';
  if (identity.user.company.status !== 'Active') return 'disabledDueToCompany';
  return 'enabled';
}

/**
 * The identity's user and company must be loaded; `roles` gives the effective permissions. `key` is
 * passed only right after creation or rotation.
 */
export function toIdentityView(identity: Identity, roles: RolePermissions, key = ''): IdentityView {
  return {
    id: identity.id,
    userUid: identity.user.instanceUid,
    userName: identity.user.userName,
    companyId: identity.user.company.instanceUid,
    companyName: identity.user.company.name,
    identityProviderName: identity.provider,
    description: identity.description,
    isReadAccessOnly: identity.isReadAccessOnly,
    scopes: identity.scopes,
    status: reportedStatus(identity),
    parameters: key,
    identifierInProvider: identity.identifierInProvider,
    creationDate: identity.creationDate.toISOString(),
    permissions: [...keyPermissions(identity, roles)],
    expirationDate: identity.expirationDate?.toISOString() ?? '',
    allowedIps: identity.allowedIps,
    pathPrefixes: identity.pathPrefixes,
    ownObjectsOnly: identity.ownObjectsOnly,
    keyPrefix: identity.keyPrefix,
    lastUsedAt: identity.lastUsedAt?.toISOString() ?? '',
    lastUsedFrom: identity.lastUsedFrom,
    rateLimitPerMinute: identity.rateLimitPerMinute ?? 0,
  };
}
