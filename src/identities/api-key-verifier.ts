import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
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
 * Turns an API key into its principal at memory speed: format and checksum first (no I/O), then a
 * bounded LRU of key hash → principal, with short-lived negative entries so floods of random
 * well-formed keys do not reach the database. Credential changes evict before their response.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly positive = new LRUCache<string, Resolved>({ max: 100_000 });
  private readonly negative = new LRUCache<string, true>({ max: 100_000, ttl: 30_000 });
  private readonly byIdentity = new Map<number, Set<string>>();
  /** Database lookups issued, for the benchmark's query counter. */
  lookups = 0;
  /** Bumped by every eviction, so a lookup that raced a change is not cached. */
  private generation = 0;

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
    const hash = hashApiKey(key, this.secrets.get('api-key-hmac'));
    if (this.negative.has(hash)) return null;
    let resolved = this.positive.get(hash);
    if (!resolved) {
      const generation = this.generation;
      const loaded = await this.load(hash);
      const fresh = generation === this.generation;
      if (!loaded) {
        if (fresh) this.negative.set(hash, true);
        return null;
      }
      resolved = loaded;
      if (fresh) this.remember(hash, resolved);
    }
    if (resolved.secretExpiresAt && resolved.secretExpiresAt.getTime() <= now.getTime()) return null;
    return resolved.principal;
  }

  clear(): void {
    this.positive.clear();
    this.negative.clear();
    this.byIdentity.clear();
  }

  private evictIdentity(id: number): void {
    for (const hash of this.byIdentity.get(id) ?? []) this.positive.delete(hash);
    this.byIdentity.delete(id);
    // A rotated or re-enabled key may have a negative entry; they are short-lived but clear them.
    this.negative.clear();
  }

  private remember(hash: string, resolved: Resolved): void {
    this.positive.set(hash, resolved);
    const id = resolved.principal.identityId as number;
    let hashes = this.byIdentity.get(id);
    if (!hashes) this.byIdentity.set(id, (hashes = new Set()));
    hashes.add(hash);
  }

  private async load(hash: string): Promise<Resolved | null> {
    this.lookups++;
    const secret = await this.em.fork().findOne(ApiKeySecret, { hash }, { populate: ['identity', 'identity.user', 'identity.user.company'] });
    if (!secret) return null;
    return { principal: keyPrincipal(secret.identity), secretExpiresAt: secret.expiresAt ?? null };
  }
}
