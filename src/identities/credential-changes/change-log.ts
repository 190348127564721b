import { EntityManager, type Transaction } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { CredentialChangeLogEntry } from './change-log-entry.entity.js';

export interface LoggedChange {
  id: number;
  message: string;
}

/** The change-log table (`CREDENTIAL_EVENTS=poll`); work outside requests, so each call forks. */
@Injectable()
export class CredentialChangeLog {
  constructor(private readonly em: EntityManager) {}

  /** Appends a message inside `transaction` (the change's own), so it commits or rolls back with it. */
  async append(em: EntityManager, transaction: Transaction, message: string): Promise<void> {
    await em.getConnection().execute('insert into credential_change_log (at, message) values (?, ?)', [new Date(), message], 'run', transaction);
  }

  /** Rows after `after`, plus the ids in `missing` (skipped earlier: not committed yet, or never), by id; at most `limit`. */
  async read(after: number, missing: number[], limit: number): Promise<LoggedChange[]> {
    const where = missing.length ? { $or: [{ id: { $gt: after } }, { id: { $in: missing } }] } : { id: { $gt: after } };
    const rows = await this.fork().find(CredentialChangeLogEntry, where, { orderBy: { id: 'asc' }, limit, fields: ['id', 'message'] });
    return rows.map((row) => ({ id: row.id, message: row.message }));
  }

  async latestId(): Promise<number> {
    const [row] = await this.fork().find(CredentialChangeLogEntry, {}, { orderBy: { id: 'desc' }, limit: 1, fields: ['id'] });
    return row?.id ?? 0;
  }

  /** Deletes the rows written before `before`; every instance may do it, the result is the same. */
  async prune(before: Date): Promise<number> {
    return this.fork().nativeDelete(CredentialChangeLogEntry, { at: { $lt: before } });
  }

  private fork(): EntityManager {
    return this.em.fork({ disableContextResolution: true });
  }
}
