import { type FilterQuery, type QueryOrderMap, raw, type RequiredEntityData } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { ApiKeySecret } from './api-key-secret.entity.js';
import { Identity } from './identity.entity.js';

const WITH_OWNER = ['user', 'user.company'] as const;

/**
 * The identities and API-key secrets tables. Changes go through the unit of work, so the flush
 * subscriber sees them (CredentialChangesSubscriber); the two native updates below touch no field
 * a principal carries, so they need no eviction.
 */
@Injectable()
export class IdentitiesRepository extends Repository {
  findPage(where: FilterQuery<Identity>, page: { orderBy: QueryOrderMap<Identity>[]; limit: number; offset: number }): Promise<[Identity[], number]> {
    return this.em.findAndCount(Identity, where, { populate: WITH_OWNER, ...page });
  }

  /** One identity with its user and company loaded; `withSecret` loads the lazy secret too. */
  findOne(where: FilterQuery<Identity>, withSecret = false): Promise<Identity | null> {
    return this.em.findOne(Identity, where, { populate: withSecret ? [...WITH_OWNER, 'secret'] : WITH_OWNER });
  }

  find(where: FilterQuery<Identity>): Promise<Identity[]> {
    return this.em.find(Identity, where);
  }

  /**
   * Keys whose own permission list names `permission`, with their owners. Matched on the list's
   * JSON text (`"vm:write"`, quotes included), the same on SQLite and PostgreSQL; a permission name
   * holds no LIKE wildcard.
   */
  findListing(permission: string): Promise<Identity[]> {
    return this.em.find(
      Identity,
      { provider: 'AK', permissions: { $ne: null }, [raw('cast(permissions as text)')]: { $like: `%"${permission}"%` } },
      { populate: WITH_OWNER },
    );
  }

  count(where: FilterQuery<Identity>): Promise<number> {
    return this.em.count(Identity, where);
  }

  add(data: RequiredEntityData<Identity>): Identity {
    return this.em.create(Identity, data);
  }

  remove(entity: Identity | ApiKeySecret): void {
    this.em.remove(entity);
  }

  addSecret(hash: string, identity: Identity): void {
    this.em.create(ApiKeySecret, { hash, identity, expiresAt: null });
  }

  secretsOf(identity: Identity): Promise<ApiKeySecret[]> {
    return this.em.find(ApiKeySecret, { identity });
  }

  /** API keys ordered by (expiration date, id) after a cursor, up to `until`; with user and company. */
  findExpiring(after: { at: Date; id: number }, until: Date, limit: number): Promise<Identity[]> {
    return this.em.find(
      Identity,
      {
        provider: 'AK',
        expirationDate: { $ne: null, $lte: until },
        $or: [{ expirationDate: { $gt: after.at } }, { expirationDate: after.at, id: { $gt: after.id } }],
      },
      { populate: WITH_OWNER, orderBy: { expirationDate: 'asc', id: 'asc' }, limit },
    );
  }

  /** Secrets by their keyed hashes, each with its identity, user and company. */
  findSecrets(hashes: string[]): Promise<ApiKeySecret[]> {
    return this.em.find(ApiKeySecret, { hash: { $in: hashes } }, { populate: ['identity', 'identity.user', 'identity.user.company'] });
  }

  /**
   * The verifier's lookup: a throwaway fork that resolves no context, so a cache miss costs no
   * request scope and leaves nothing in anyone's identity map.
   */
  findSecretForVerification(hash: string): Promise<ApiKeySecret | null> {
    return this.em.fork({ disableContextResolution: true }).findOne(ApiKeySecret, { hash }, { populate: ['identity', 'identity.user', 'identity.user.company'] });
  }

  /** Accepts a TOTP time step once: true only for the caller that moved it forward. */
  async claimTimeStep(id: number, previous: number | null, step: number, at: Date): Promise<boolean> {
    return (await this.em.nativeUpdate(Identity, { id, otpLastTimeStep: previous }, { otpLastTimeStep: step, lastUsedAt: at })) === 1;
  }

  /**
   * Last-used times and addresses of keys, in one transaction of its own (called from a timer).
   * Rows are updated in ascending id order: every instance then locks them in the same order, so
   * two instances writing the same keys at once wait for each other instead of deadlocking.
   */
  async recordUses(uses: Iterable<[number, { at: Date; from: string }]>): Promise<void> {
    const ordered = [...uses].sort(([a], [b]) => a - b);
    await this.em.fork().transactional(async (tx) => {
      for (const [id, use] of ordered) await tx.nativeUpdate(Identity, { id }, { lastUsedAt: use.at, lastUsedFrom: use.from.slice(0, 64) });
    });
  }
}
