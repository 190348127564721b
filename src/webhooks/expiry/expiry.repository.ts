import { Injectable } from '@nestjs/common';
import { Repository } from '../../database/repository.js';
import { ExpiryCursor } from './expiry-cursor.entity.js';

/** The expiry scan's cursors, one per notice. */
@Injectable()
export class ExpiryRepository extends Repository {
  /** The cursor, created at `start` the first time (a concurrent creator's row wins). */
  async cursor(notice: string, start: Date): Promise<ExpiryCursor> {
    await this.em.upsert(ExpiryCursor, { notice, at: start, identityId: 0, version: 0 }, { onConflictFields: ['notice'], onConflictAction: 'ignore' });
    return (await this.em.findOne(ExpiryCursor, { notice }, { refresh: true })) as ExpiryCursor;
  }

  /**
   * Takes the cursor at `version` for this transaction: true for one caller only. On PostgreSQL a
   * concurrent taker waits for the row lock, then finds the version moved and gets false.
   */
  async take(notice: string, version: number): Promise<boolean> {
    return (await this.em.nativeUpdate(ExpiryCursor, { notice, version }, { version: version + 1 })) === 1;
  }

  async advance(notice: string, at: Date, identityId: number): Promise<void> {
    await this.em.nativeUpdate(ExpiryCursor, { notice }, { at, identityId });
  }
}
