import type { FilterQuery } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { isProviderRole } from '../access/roles.js';
import type { Page } from '../common/envelope.js';
import { DatabaseScope } from '../database/database-scope.js';
import type { AuditEntry } from './audit-entry.entity.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditQuery } from './dto/audit-query.dto.js';

export interface AuditRecord {
  action: string;
  outcome: 'success' | 'failure';
  actor?: Pick<Principal, 'userUid' | 'userName' | 'identityId'> | null;
  targetType?: string;
  targetId?: string | number;
  /** Tenant the entry belongs to, for tenant-scoped reading. */
  companyUid?: string | null;
  fromAddress?: string;
  details?: Record<string, unknown>;
}

/** What a change was made to, and the tenant it belongs to. */
export interface AuditTarget {
  type: string;
  id: string | number;
  companyUid: string;
}

export interface AuditView {
  id: number;
  at: string;
  action: string;
  outcome: string;
  actorUserUid: string;
  actorName: string;
  identityId: number | null;
  targetType: string;
  targetId: string;
  companyUid: string;
  fromAddress: string;
  details: Record<string, unknown>;
}

const BATCH_INTERVAL_MS = 1000;

/**
 * Append-only audit log. Changes are recorded in the caller's unit of work (or the transaction the
 * caller opened), so the entry and the change commit together; events off the request path (failed
 * authentication, key use) are buffered and written in batches, and the buffer is drained on
 * shutdown (src/shutdown.ts, after the HTTP server has closed and before the database does).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  private buffer: AuditRecord[] = [];
  private readonly failures = new Map<string, AuditRecord>();
  private timer: NodeJS.Timeout | null = null;
  /** The batches being written, one after the other: a drain waits for the one under way. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly entries: AuditRepository,
    private readonly scope: DatabaseScope,
  ) {}

  /** Add an entry to the current unit of work; it is written by the caller's flush. */
  record(record: AuditRecord): void {
    this.entries.add(this.toEntity(record));
  }

  /** A successful change made by a caller, recorded in the caller's unit of work. */
  recordChange(principal: Principal, action: string, target: AuditTarget, details: Record<string, unknown> = {}): void {
    this.record({ action, outcome: 'success', actor: principal, targetType: target.type, targetId: target.id, companyUid: target.companyUid, fromAddress: principal.clientIp, details });
  }

  /**
   * Queue an entry to be written shortly, without touching the database now. Failures are
   * folded: repeats of the same refusal from the same address within a batch become one entry
   * with a `count`, so a flood of bad credentials cannot flood the audit table.
   */
  defer(record: AuditRecord): void {
    if (record.outcome === 'failure') {
      const key = [record.action, record.fromAddress, record.actor?.identityId ?? '', record.details?.reason ?? record.details?.error ?? ''].join('|');
      const folded = this.failures.get(key);
      if (folded) {
        folded.details = { ...folded.details, count: Number(folded.details?.count ?? 1) + 1 };
        return;
      }
      this.failures.set(key, { ...record, details: { ...record.details, count: 1 } });
    } else {
      this.buffer.push(record);
    }
    if (this.buffer.length + this.failures.size >= 500) void this.drain();
    else this.timer ??= setTimeout(() => void this.drain(), BATCH_INTERVAL_MS).unref();
  }

  /** Writes what is buffered; resolves once it (and any batch already being written) is in the database. */
  drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.buffer, ...this.failures.values()];
    this.buffer = [];
    this.failures.clear();
    if (batch.length) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: AuditRecord[]): Promise<void> {
    try {
      // A unit of work of its own: the timer may fire inside the scope of the request that started it.
      await this.scope.run(async () => {
        for (const record of batch) this.record(record);
        await this.entries.flush();
      });
    } catch (error) {
      this.logger.error(`could not write ${batch.length} audit entries: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async list(principal: Principal, query: AuditQuery): Promise<Page<AuditView>> {
    const where: FilterQuery<AuditEntry>[] = [];
    if (!isProviderRole(principal.role)) where.push({ companyUid: principal.companyUid });
    if (query.action) where.push({ action: query.action });
    if (query.outcome) where.push({ outcome: query.outcome });
    if (query.userUid) where.push({ $or: [{ actorUserUid: query.userUid }, { targetId: query.userUid }] });
    if (query.identityId !== undefined) where.push({ identityId: query.identityId });
    if (query.from) where.push({ at: { $gte: new Date(query.from) } });
    if (query.to) where.push({ at: { $lt: new Date(query.to) } });
    const [rows, total] = await this.entries.findPage({ $and: where }, query);
    return { items: rows.map(toAuditView), total, offset: query.offset };
  }

  private toEntity(record: AuditRecord): Omit<AuditEntry, 'id'> {
    return {
      at: new Date(),
      action: record.action,
      outcome: record.outcome,
      actorUserUid: record.actor?.userUid ?? null,
      actorName: record.actor?.userName ?? '',
      identityId: record.actor?.identityId ?? null,
      targetType: record.targetType ?? '',
      targetId: record.targetId === undefined ? '' : String(record.targetId),
      companyUid: record.companyUid ?? null,
      fromAddress: record.fromAddress ?? '',
      details: record.details ?? {},
    };
  }
}

function toAuditView(entry: AuditEntry): AuditView {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    action: entry.action,
    outcome: entry.outcome,
    actorUserUid: entry.actorUserUid ?? '',
    actorName: entry.actorName,
    identityId: entry.identityId ?? null,
    targetType: entry.targetType,
    targetId: entry.targetId,
    companyUid: entry.companyUid ?? '',
    fromAddress: entry.fromAddress,
    details: entry.details,
  };
}
