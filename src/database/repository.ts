import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';

/**
 * Base of each module's repository, the module's only door to its tables. Reads and writes go to
 * the request's unit of work, or to the transaction opened around it, which MikroORM resolves
 * from the root EntityManager through its context; so no EntityManager is handed between modules.
 */
@Injectable()
export abstract class Repository {
  constructor(protected readonly em: EntityManager) {}

  /**
   * Writes the unit of work: this module's changes and whatever else the request staged with them
   * (an audit entry, say), in one transaction. `conflict` answers a unique-key violation with 409.
   */
  async flush(conflict?: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (conflict && error instanceof UniqueConstraintViolationException) throw ApiError.conflict(conflict);
      throw error;
    }
  }

  /** Runs `work` in one transaction; the repositories and services it calls share it through the context. */
  transactional<T>(work: () => Promise<T>): Promise<T> {
    return this.em.transactional(() => work());
  }
}
