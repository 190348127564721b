import type { Principal } from '../access/principal.js';

/** RFC 7662 answer, plus the key policy a resource server needs to enforce it. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      sub: string;
      username: string;
      token_type: 'api_key' | 'access_token';
      scope: string;
      exp?: number;
      identity_id?: number;
      company_id: string;
      company_name: string;
      role: string;
      permissions: string[];
      read_only: boolean;
      path_prefixes: readonly string[];
      own_objects_only: boolean;
      allowed_ips_restricted: boolean;
    };

export const INACTIVE: Introspection = { active: false };

export function toIntrospection(subject: Principal, companyName: string): Introspection {
  return {
    active: true,
    sub: subject.userUid,
    username: subject.userName,
    token_type: subject.kind === 'apiKey' ? 'api_key' : 'access_token',
    scope: [...subject.scopes].sort().join(' '),
    ...(subject.expiresAt ? { exp: Math.floor(subject.expiresAt.getTime() / 1000) } : {}),
    ...(subject.identityId !== null ? { identity_id: subject.identityId } : {}),
    company_id: subject.companyUid,
    company_name: companyName,
    role: subject.role,
    permissions: [...subject.permissions].sort(),
    read_only: subject.readOnly,
    path_prefixes: subject.pathPrefixes,
    own_objects_only: subject.ownObjectsOnly,
    allowed_ips_restricted: subject.allowedNetworks.length > 0,
  };
}
