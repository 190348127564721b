import { LRUCache } from 'lru-cache';
import type { Principal } from '../access/principal.js';
import type { Role } from '../access/roles.js';
import type { CredentialChange } from './credential-changes/credential-changes.js';

/** A key's principal as cached, with the end of a rotation's grace period for that key, if any. */
export interface Resolved {
  principal: Principal;
  secretExpiresAt: Date | null;
}

/**
 * Cache bounds. A cached principal takes about 1.5 kB of live heap (30 MB at 20,000); the RSS of
 * a server that filled the cache in one burst of uncached lookups measured 363 MB at 20,000 and
 * 456 MB at 50,000, against 213 MB in ordinary use (docs/performance.md).
 */
export const VERIFIER_LIMITS = { positive: 20_000, negative: 100_000, negativeTtlMs: 30_000 };

function removeFrom<K>(index: Map<K, Set<number>>, key: K, id: number): void {
  const ids = index.get(key);
  if (ids?.delete(id) && ids.size === 0) index.delete(key);
}

function addTo<K>(index: Map<K, Set<number>>, key: K, id: number): void {
  const ids = index.get(key);
  if (ids) ids.add(id);
  else index.set(key, new Set([id]));
}

/**
 * The verifier's memory, keyed by key digest: a bounded LRU of resolved principals, short-lived
 * negative entries for unknown keys, and indexes from identity, user, company and role to the
 * cached keys, so that a change evicts exactly the keys it concerns.
 */
export class KeyCache {
  private readonly positive = new LRUCache<string, Resolved>({
    max: VERIFIER_LIMITS.positive,
    dispose: (resolved, digest, reason) => {
      if (reason !== 'set') this.unindex(resolved.principal, digest);
    },
  });
  private readonly negative = new LRUCache<string, true>({ max: VERIFIER_LIMITS.negative, ttl: VERIFIER_LIMITS.negativeTtlMs });
  /** Identity id → digests of its cached keys (one, or two during a rotation's grace period). */
  private readonly byIdentity = new Map<number, string | string[]>();
  private readonly byUser = new Map<string, Set<number>>();
  private readonly byCompany = new Map<string, Set<number>>();
  /** Role → cached identities of users holding it: a change of the role's permissions evicts them. */
  private readonly byRole = new Map<Role, Set<number>>();

  get(digest: string): Resolved | undefined {
    return this.positive.get(digest);
  }

  isUnknown(digest: string): boolean {
    return this.negative.has(digest);
  }

  remember(digest: string, resolved: Resolved): void {
    this.positive.set(digest, resolved);
    const { identityId, userUid, companyUid } = resolved.principal;
    const id = identityId as number;
    const digests = this.byIdentity.get(id);
    if (digests === undefined) this.byIdentity.set(id, digest);
    else if (typeof digests === 'string') {
      if (digests !== digest) this.byIdentity.set(id, [digests, digest]);
    } else if (!digests.includes(digest)) digests.push(digest);
    addTo(this.byUser, userUid, id);
    addTo(this.byCompany, companyUid, id);
    addTo(this.byRole, resolved.principal.role, id);
  }

  rememberUnknown(digest: string): void {
    this.negative.set(digest, true);
  }

  /**
   * Drops the keys of the identities, users and companies named. Negative entries stay: they name
   * keys no secret had, and a secret is only ever created for a new random key, shown after its commit.
   */
  evict(change: Extract<CredentialChange, { kind: 'changed' }>): void {
    for (const id of change.identities) this.evictIdentity(id);
    for (const uid of change.users) for (const id of [...(this.byUser.get(uid) ?? [])]) this.evictIdentity(id);
    for (const uid of change.companies) for (const id of [...(this.byCompany.get(uid) ?? [])]) this.evictIdentity(id);
  }

  /** Drops the keys of users holding these roles: the roles' permissions changed. */
  evictRoles(roles: readonly Role[]): void {
    for (const role of roles) for (const id of [...(this.byRole.get(role) ?? [])]) this.evictIdentity(id);
  }

  clear(): void {
    this.positive.clear();
    this.negative.clear();
    this.byIdentity.clear();
    this.byUser.clear();
    this.byCompany.clear();
    this.byRole.clear();
  }

  get size(): { positive: number; negative: number } {
    return { positive: this.positive.size, negative: this.negative.size };
  }

  private evictIdentity(id: number): void {
    const digests = this.byIdentity.get(id);
    if (digests === undefined) return;
    // Deleting an entry disposes it, which takes it out of the indexes (unindex).
    for (const digest of typeof digests === 'string' ? [digests] : [...digests]) this.positive.delete(digest);
  }

  private unindex(principal: Principal, digest: string): void {
    const id = principal.identityId as number;
    const digests = this.byIdentity.get(id);
    if (digests === digest) this.byIdentity.delete(id);
    else if (Array.isArray(digests)) {
      const rest = digests.filter((d) => d !== digest);
      if (rest.length === 0) this.byIdentity.delete(id);
      else this.byIdentity.set(id, rest.length === 1 ? rest[0] : rest);
    }
    if (this.byIdentity.has(id)) return;
    removeFrom(this.byUser, principal.userUid, id);
    removeFrom(this.byCompany, principal.companyUid, id);
    removeFrom(this.byRole, principal.role, id);
  }
}
