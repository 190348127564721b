import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { IdentitiesRepository } from './identities.repository.js';

const RECORD_INTERVAL_MS = 60_000;
const FLUSH_INTERVAL_MS = 2_000;

interface Use {
  at: Date;
  from: string;
  principal: Principal;
}

/**
 * Last-used time and address of keys, kept off the request path: at most one update per key per
 * minute, written in batches (with one audit entry per recorded use) every couple of seconds, and
 * once more on shutdown (src/shutdown.ts), before the audit buffer is drained.
 */
@Injectable()
export class LastUsedRecorder {
  private readonly logger = new Logger('LastUsed');
  private readonly recordedAt = new Map<number, number>();
  private pending = new Map<number, Use>();
  private timer: NodeJS.Timeout | null = null;
  /** The batches being written, one after the other: a flush waits for the one under way. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly audit: AuditService,
  ) {}

  record(principal: Principal, now = Date.now()): void {
    const id = principal.identityId;
    if (id === null) return;
    const last = this.recordedAt.get(id);
    if (last !== undefined && now - last < RECORD_INTERVAL_MS) return;
    this.recordedAt.set(id, now);
    if (this.recordedAt.size > 200_000) this.recordedAt.clear();
    this.pending.set(id, { at: new Date(now), from: principal.clientIp, principal });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes what is pending; resolves once it (and any batch already being written) is written and audited. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: Map<number, Use>): Promise<void> {
    try {
      await this.identities.recordUses(batch);
    } catch (error) {
      this.logger.warn(`could not record last use of ${batch.size} keys: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const [id, use] of batch) {
      this.audit.defer({
        action: 'identity.used',
        outcome: 'success',
        actor: use.principal,
        targetType: 'identity',
        targetId: id,
        companyUid: use.principal.companyUid,
        fromAddress: use.from,
      });
    }
  }
}
