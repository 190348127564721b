import { createSecretKey, hash as digestOf, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Surface } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import type { Role } from '../access/roles.js';
import { keyPrincipal } from '../access/principals.js';
import { SecretsService } from '../database/secrets.service.js';
import { PermissionCatalogue } from '../permissions/permission-catalogue.js';
import { hashApiKey, isWellFormedApiKey } from './api-key.js';
import { type CredentialChange, CredentialChanges } from './credential-changes/credential-changes.js';
import { IdentitiesRepository } from './identities.repository.js';
import { KeyCache, type Resolved } from './key-cache.js';

export { VERIFIER_LIMITS } from './key-cache.js';

/** Bound on interned sets; past it the pool starts again (sets in use stay valid). */
const MAX_INTERNED = 10_000;

/** The pool's set equal to `set`, which becomes the pool's when it has none. */
function interned<T extends string>(pool: Map<string, ReadonlySet<T>>, set: ReadonlySet<T>): ReadonlySet<T> {
  const name = [...set].sort().join(' ');
  let shared = pool.get(name);
  if (!shared) {
    if (pool.size >= MAX_INTERNED) pool.clear();
    pool.set(name, (shared = set));
  }
  return shared;
}

/**
 * Turns an API key into its principal at memory speed: format and checksum first (no I/O), then a
 * bounded LRU of key digest → principal (KeyCache), with short-lived negative entries so repeated
 * unknown well-formed keys do not reach the database, and one shared lookup for concurrent misses.
 *
 * Cache entries are keyed by SHA-256 of the key (a third of a microsecond); the keyed HMAC that the
 * database index holds is computed only on a miss. Both are one-way, and the key itself is never
 * kept. Credential changes evict before their response (CredentialChanges), on every instance.
 */
@Injectable()
export class ApiKeyVerifier {
  protected readonly cache = new KeyCache();
  /** Equal scope sets shared between principals: most keys carry one of a handful. */
  private readonly scopeSets = new Map<string, ReadonlySet<Surface>>();
  /** Likewise the permission sets of keys with their own list (keys "as their user" share the role's). */
  private readonly permissionSets = new Map<string, ReadonlySet<string>>();
  private readonly inFlight = new Map<string, Promise<Resolved | null>>();
  /** Bumped by every eviction, so a lookup that raced a change is not cached. */
  private generation = 0;
  private hmacKey?: KeyObject;

  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly secrets: SecretsService,
    private readonly catalogue: PermissionCatalogue,
    changes: CredentialChanges,
  ) {
    changes.subscribe((change) => this.evict(change));
    // A role's permissions changed (here or, relayed, elsewhere) once the catalogue has the change.
    catalogue.onChange((roles) => this.evictRoles(roles));
  }

  async verify(key: string, now = new Date()): Promise<Principal | null> {
    if (!isWellFormedApiKey(key)) return null;
    const digest = digestOf('sha256', key, 'base64');
    let resolved = this.cache.get(digest);
    if (!resolved) {
      if (this.cache.isUnknown(digest)) return null;
      const loaded = await this.lookup(key, digest);
      if (!loaded) return null;
      resolved = loaded;
    }
    if (resolved.secretExpiresAt && resolved.secretExpiresAt.getTime() <= now.getTime()) return null;
    return resolved.principal;
  }

  private evict(change: CredentialChange): void {
    this.generation++;
    // A lookup in flight may carry the old state; later requests must not join it.
    this.inFlight.clear();
    if (change.kind === 'changed') return this.cache.evict(change);
    this.cache.clear();
    this.scopeSets.clear();
    this.permissionSets.clear();
  }

  private evictRoles(roles: readonly Role[]): void {
    this.generation++;
    this.inFlight.clear();
    this.cache.evictRoles(roles);
  }

  /** One database lookup per digest at a time; concurrent misses for the same key share it. */
  private lookup(key: string, digest: string): Promise<Resolved | null> {
    let pending = this.inFlight.get(digest);
    if (!pending) {
      const generation = this.generation;
      pending = this.load(key).then(
        (loaded) => {
          if (this.inFlight.get(digest) === pending) this.inFlight.delete(digest);
          if (generation === this.generation) {
            if (loaded) this.cache.remember(digest, loaded);
            else this.cache.rememberUnknown(digest);
          }
          return loaded;
        },
        (error: unknown) => {
          if (this.inFlight.get(digest) === pending) this.inFlight.delete(digest);
          throw error;
        },
      );
      this.inFlight.set(digest, pending);
    }
    return pending;
  }

  private sharedScopes(scopes: ReadonlySet<Surface>): ReadonlySet<Surface> {
    return interned(this.scopeSets, scopes);
  }

  /** The database lookup behind a cache miss. */
  protected async load(key: string): Promise<Resolved | null> {
    this.hmacKey ??= createSecretKey(this.secrets.get('api-key-hmac'));
    const secret = await this.identities.findSecretForVerification(hashApiKey(key, this.hmacKey));
    if (!secret) return null;
    const principal = keyPrincipal(secret.identity, this.catalogue.roles);
    const permissions = secret.identity.permissions ? interned(this.permissionSets, principal.permissions) : principal.permissions;
    return { principal: { ...principal, scopes: this.sharedScopes(principal.scopes), permissions }, secretExpiresAt: secret.expiresAt ?? null };
  }
}
