import { createSecretKey, hash as digestOf, type KeyObject } from 'node:crypto';
import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Surface } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { CredentialEvents } from '../common/credential-events.js';
import { SecretsService } from '../database/secrets.service.js';
import { hashApiKey, isWellFormedApiKey } from './api-key.js';
import { ApiKeySecret } from './api-key-secret.entity.js';
import { keyPrincipal } from './principal.factory.js';

interface Resolved {
  principal: Principal;
  /** End of a rotation's grace period for this particular key, if any. */
  secretExpiresAt: Date | null;
}

/**
 * Cache bounds. A cached principal takes about 1.5 kB of live heap (30 MB at 20,000); the RSS of
 * a server that filled the cache in one burst of uncached lookups measured 363 MB at 20,000 and
 * 456 MB at 50,000, against 213 MB in ordinary use (docs/performance.md).
 */
export const VERIFIER_LIMITS = { positive: 20_000, negative: 100_000, negativeTtlMs: 30_000 };

/**
 * Turns an API key into its principal at memory speed: format and checksum first (no I/O), then a
 * bounded LRU of key digest → principal, with short-lived negative entries so repeated unknown
 * well-formed keys do not reach the database, and one shared lookup for concurrent misses.
 *
 * Cache entries are keyed by SHA-256 of the key (a third of a microsecond); the keyed HMAC that the
 * database index holds is computed only on a miss. Both are one-way, and the key itself is never
 * kept. Credential changes evict before their response (CredentialEvents), on every instance.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly positive = new LRUCache<string, Resolved>({
    max: VERIFIER_LIMITS.positive,
    dispose: (resolved, digest, reason) => {
      if (reason !== 'set') this.forget(resolved.principal.identityId as number, digest);
    },
  });
  private readonly negative = new LRUCache<string, true>({ max: VERIFIER_LIMITS.negative, ttl: VERIFIER_LIMITS.negativeTtlMs });
  /** Identity id → digests of its cached keys (one, or two during a rotation's grace period). */
  private readonly byIdentity = new Map<number, string | string[]>();
  /** Equal scope sets shared between principals: most keys carry one of a handful. */
  private readonly scopeSets = new Map<string, ReadonlySet<Surface>>();
  private readonly inFlight = new Map<string, Promise<Resolved | null>>();
  /** Database lookups issued, for the benchmark's query counter. */
  lookups = 0;
  /** Bumped by every eviction, so a lookup that raced a change is not cached. */
  private generation = 0;
  private hmacKey?: KeyObject;

  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretsService,
    events: CredentialEvents,
  ) {
    events.subscribe((change) => {
      this.generation++;
      if (change.kind === 'all') this.clear();
      else change.ids.forEach((id) => this.evictIdentity(id));
    });
  }

  async verify(key: string, now = new Date()): Promise<Principal | null> {
    if (!isWellFormedApiKey(key)) return null;
    const digest = digestOf('sha256', key, 'base64');
    let resolved = this.positive.get(digest);
    if (!resolved) {
      if (this.negative.has(digest)) return null;
      const loaded = await this.lookup(key, digest);
      if (!loaded) return null;
      resolved = loaded;
    }
    if (resolved.secretExpiresAt && resolved.secretExpiresAt.getTime() <= now.getTime()) return null;
    return resolved.principal;
  }

  /** Drops every cached answer (any credential may have changed, or a change may have been missed). */
  clear(): void {
    this.generation++;
    this.positive.clear();
    this.negative.clear();
    this.byIdentity.clear();
    this.inFlight.clear();
    this.scopeSets.clear();
  }

  /** Cached principals and negative entries, for tests and the docs. */
  get size(): { positive: number; negative: number } {
    return { positive: this.positive.size, negative: this.negative.size };
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
            if (loaded) this.remember(digest, loaded);
            else this.negative.set(digest, true);
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

  private evictIdentity(id: number): void {
    const digests = this.byIdentity.get(id);
    this.byIdentity.delete(id);
    for (const digest of typeof digests === 'string' ? [digests] : (digests ?? [])) this.positive.delete(digest);
    // Negative entries cannot name a stored key, but a change is rare: drop them to be safe.
    this.negative.clear();
    // A lookup in flight may carry the old state; the generation bump keeps it out of the cache.
    this.inFlight.clear();
  }

  private remember(digest: string, resolved: Resolved): void {
    this.positive.set(digest, resolved);
    const id = resolved.principal.identityId as number;
    const digests = this.byIdentity.get(id);
    if (digests === undefined) this.byIdentity.set(id, digest);
    else if (typeof digests === 'string') {
      if (digests !== digest) this.byIdentity.set(id, [digests, digest]);
    } else if (!digests.includes(digest)) digests.push(digest);
  }

  private forget(id: number, digest: string): void {
    const digests = this.byIdentity.get(id);
    if (digests === digest) this.byIdentity.delete(id);
    else if (Array.isArray(digests)) {
      const rest = digests.filter((d) => d !== digest);
      if (rest.length === 0) this.byIdentity.delete(id);
      else this.byIdentity.set(id, rest.length === 1 ? rest[0] : rest);
    }
  }

  private sharedScopes(scopes: ReadonlySet<Surface>): ReadonlySet<Surface> {
    const name = [...scopes].sort().join(' ');
    let shared = this.scopeSets.get(name);
    if (!shared) this.scopeSets.set(name, (shared = scopes));
    return shared;
  }

  private async load(key: string): Promise<Resolved | null> {
    this.lookups++;
    this.hmacKey ??= createSecretKey(this.secrets.get('api-key-hmac'));
    const hash = hashApiKey(key, this.hmacKey);
    const secret = await this.em.fork({ disableContextResolution: true }).findOne(ApiKeySecret, { hash }, { populate: ['identity', 'identity.user', 'identity.user.company'] });
    if (!secret) return null;
    const principal = keyPrincipal(secret.identity);
    return { principal: { ...principal, scopes: this.sharedScopes(principal.scopes) }, secretExpiresAt: secret.expiresAt ?? null };
  }
}
