import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { IdempotencyRecord } from './idempotency-record.entity.js';

/**
 * The idempotency table. Every write is a single native statement on a unit of work of its own,
 * committed at once and never part of the request's changes: a reservation must be visible to
 * other requests (and instances) before the operation starts, and must survive its rollback.
 */
@Injectable()
export class IdempotencyRepository extends Repository {
  /** Inserts a running record; false when the key is already taken. */
  async reserve(record: { recordKey: string; fingerprint: string; createdAt: Date; expiresAt: Date }): Promise<boolean> {
    try {
      await this.em.fork().insert(IdempotencyRecord, { ...record, state: 'running', status: null, outcome: null });
      return true;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return false;
      throw error;
    }
  }

  find(recordKey: string): Promise<IdempotencyRecord | null> {
    return this.em.fork().findOne(IdempotencyRecord, { recordKey });
  }

  async complete(recordKey: string, status: number, outcome: string, expiresAt: Date): Promise<void> {
    await this.em.fork().nativeUpdate(IdempotencyRecord, { recordKey, state: 'running' }, { state: 'done', status, outcome, expiresAt });
  }

  async release(recordKey: string): Promise<void> {
    await this.em.fork().nativeDelete(IdempotencyRecord, { recordKey, state: 'running' });
  }

  /** Deletes the record only if it is past its time (abandoned or expired); true when it did. */
  async dropExpired(recordKey: string, now: Date): Promise<boolean> {
    return (await this.em.fork().nativeDelete(IdempotencyRecord, { recordKey, expiresAt: { $lte: now } })) > 0;
  }

  async sweep(now: Date): Promise<number> {
    return this.em.fork().nativeDelete(IdempotencyRecord, { expiresAt: { $lte: now } });
  }
}
