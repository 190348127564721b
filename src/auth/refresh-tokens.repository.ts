import type { RequiredEntityData } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { RefreshToken } from './refresh-token.entity.js';

/**
 * The refresh-token table. Its native updates claim and revoke tokens atomically; sessions are
 * never cached, so they need no credential-change event.
 */
@Injectable()
export class RefreshTokensRepository extends Repository {
  findByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.em.findOne(RefreshToken, { tokenHash }, { populate: ['user', 'user.company'] });
  }

  /** Marks an unused token used; true only for the one caller that did. */
  async claim(tokenHash: string, at: Date): Promise<boolean> {
    return (await this.em.nativeUpdate(RefreshToken, { tokenHash, usedAt: null }, { usedAt: at })) === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.em.nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: at });
  }

  async revokeAllOf(userUid: string, at: Date): Promise<void> {
    await this.em.nativeUpdate(RefreshToken, { user: userUid, revokedAt: null }, { revokedAt: at });
  }

  /** Any token of a family, with its user. */
  findInFamily(familyId: string): Promise<RefreshToken | null> {
    return this.em.findOne(RefreshToken, { familyId }, { populate: ['user', 'user.company'] });
  }

  /** Whether a family was revoked: revocation marks every token of it. */
  async familyRevoked(familyId: string): Promise<boolean> {
    return (await this.em.count(RefreshToken, { familyId, revokedAt: { $ne: null } })) > 0;
  }

  add(data: RequiredEntityData<RefreshToken>): void {
    this.em.create(RefreshToken, data);
  }
}
