import { parseNetwork } from '../access/networks.js';
import type { Principal } from '../access/principal.js';
import { ApiError } from '../common/api-error.js';
import type { ApiKeyPolicyDto } from './dto/api-key-policy.dto.js';

/** The narrowing part of a key: what it may do beyond "act as its user". */
export interface KeyPolicy {
  scopes: string[];
  isReadAccessOnly: boolean;
  permissions: string[] | null;
  expirationDate: Date | null;
  allowedIps: string[];
  pathPrefixes: string[];
  ownObjectsOnly: boolean;
  rateLimitPerMinute: number | null;
}

/** A validated policy input as stored: omitted fields at their defaults. */
export function policyOf(dto: ApiKeyPolicyDto, defaults: { ownObjectsOnly: boolean; permissions: string[] | null }): KeyPolicy {
  return {
    scopes: [...new Set(dto.scopes)].sort(),
    isReadAccessOnly: dto.isReadAccessOnly ?? false,
    permissions: defaults.permissions,
    expirationDate: dto.expirationDate ? new Date(dto.expirationDate) : null,
    allowedIps: dto.allowedIps ?? [],
    pathPrefixes: dto.pathPrefixes ?? [],
    ownObjectsOnly: dto.ownObjectsOnly ?? defaults.ownObjectsOnly,
    rateLimitPerMinute: dto.rateLimitPerMinute ?? null,
  };
}

function within(path: string, prefixes: readonly string[]): boolean {
  const bare = path.replace(/^=/, '');
  return prefixes.some((prefix) =>
    prefix.startsWith('=') ? bare === prefix.slice(1) && path.startsWith('=') : bare === prefix || bare.startsWith(prefix.replace(/\/$/, '') + '/'),
  );
}

/**
 * A key may never be given more than its creator holds: the creator's permissions (built-in and
 * custom; `owner` is the owner's role's), and when the
 * creator is itself a key, its surfaces, paths, own-objects limit and expiry too. Returns the
 * policy to store, with "as the user" made explicit where the creator holds less than the user.
 * A read-only creator never gets here: `authorize()` refuses it every write.
 */
export function checkMintable(creator: Principal, owner: ReadonlySet<string>, policy: KeyPolicy, now: Date, maxLifetimeDays?: number): KeyPolicy {
  for (const permission of policy.permissions ?? []) {
    if (!creator.permissions.has(permission)) {
      throw ApiError.forbidden(`You cannot grant the "${permission}" permission, which you do not hold.`);
    }
  }
  let permissions = policy.permissions;
  if (permissions === null && [...owner].some((p) => !creator.permissions.has(p))) {
    permissions = [...owner].filter((p) => creator.permissions.has(p));
  }
  for (const scope of policy.scopes) {
    if (!creator.scopes.has(scope as never)) throw ApiError.forbidden(`You cannot grant the "${scope}" scope, which you do not hold.`);
  }
  const isReadAccessOnly = policy.isReadAccessOnly;
  let pathPrefixes = policy.pathPrefixes;
  if (creator.pathPrefixes.length) {
    if (!pathPrefixes.length) pathPrefixes = [...creator.pathPrefixes];
    else if (!pathPrefixes.every((path) => within(path, creator.pathPrefixes))) {
      throw ApiError.forbidden('Path prefixes must lie within your own.');
    }
  }
  const ownObjectsOnly = policy.ownObjectsOnly || creator.ownObjectsOnly;
  for (const entry of policy.allowedIps) {
    if (!parseNetwork(entry)) throw ApiError.badRequest(`"${entry}" is not an IP address or CIDR range.`, { propertyName: 'allowedIps' });
  }
  let expirationDate = policy.expirationDate;
  if (expirationDate && expirationDate.getTime() <= now.getTime()) {
    throw ApiError.badRequest('expirationDate must be in the future.', { propertyName: 'expirationDate' });
  }
  if (maxLifetimeDays) {
    const limit = new Date(now.getTime() + maxLifetimeDays * 86_400_000);
    if (!expirationDate) expirationDate = limit;
    else if (expirationDate > limit) {
      throw ApiError.badRequest(`expirationDate may be at most ${maxLifetimeDays} days ahead.`, { propertyName: 'expirationDate' });
    }
  }
  if (creator.expiresAt && (!expirationDate || expirationDate > creator.expiresAt)) expirationDate = creator.expiresAt;
  return { ...policy, permissions, isReadAccessOnly, pathPrefixes, ownObjectsOnly, expirationDate };
}
