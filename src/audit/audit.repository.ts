import type { FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { PageQuery } from '../common/pagination.dto.js';
import { Repository } from '../database/repository.js';
import { AuditEntry } from './audit-entry.entity.js';

/** The audit table: append and read, never change. */
@Injectable()
export class AuditRepository extends Repository {
  /** Stages an entry in the current unit of work (or transaction); the caller's flush writes it. */
  add(entry: Omit<AuditEntry, 'id'>): void {
    this.em.create(AuditEntry, entry);
  }

  findPage(where: FilterQuery<AuditEntry>, page: PageQuery): Promise<[AuditEntry[], number]> {
    return this.em.findAndCount(AuditEntry, where, { orderBy: { id: 'desc' }, limit: page.limit, offset: page.offset });
  }
}
