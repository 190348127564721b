import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentitiesService } from '../../identities/identities.service.js';
import { DeliveryQueueRepository } from '../delivery/delivery-queue.repository.js';
import type { EventType } from '../events/event-types.js';
import { keyData, keyTenant } from '../events/lifecycle-events.js';
import { ExpiryRepository } from './expiry.repository.js';

const DAY_MS = 86_400_000;
/** Keys announced per notice per scan; the next scan continues where this one stopped. */
export const EXPIRY_BATCH = 200;
/** Past every identity id (an int4 column), so a cursor at `until` covers every key expiring then. */
const AFTER_ALL_IDS = 2_147_483_647;

interface Notice {
  name: string;
  type: EventType;
  aheadMs: number;
  extra: Record<string, unknown>;
}

const NOTICES: Notice[] = [
  { name: 'expiring-7d', type: 'key.expiring', aheadMs: 7 * DAY_MS, extra: { noticeDays: 7 } },
  { name: 'expiring-1d', type: 'key.expiring', aheadMs: DAY_MS, extra: { noticeDays: 1 } },
  { name: 'expired', type: 'key.expired', aheadMs: 0, extra: {} },
];

/**
 * Announces keys as their expiration dates come near and pass. Each notice has a cursor over keys
 * ordered by (expiration date, id): a scan takes the keys after the cursor whose moment has come
 * (expiration date minus 7 days, minus 1 day, or the date itself), writes one event each to the
 * outbox and moves the cursor, all in one transaction that first takes the cursor by its version
 * — so two instances never announce a key twice, and a crash mid-scan announces nothing twice.
 * A key dated after its moment has passed (created to expire in 3 days, say) gets the later notices only.
 */
@Injectable()
export class ExpiryScanner {
  constructor(
    private readonly cursors: ExpiryRepository,
    private readonly queue: DeliveryQueueRepository,
    private readonly identities: IdentitiesService,
  ) {}

  /** One scan of every notice; returns how many events it wrote. */
  async scan(now = new Date()): Promise<number> {
    let written = 0;
    for (const notice of NOTICES) written += await this.scanNotice(notice, now);
    return written;
  }

  private scanNotice(notice: Notice, now: Date): Promise<number> {
    return this.cursors.transactional(async () => {
      const cursor = await this.cursors.cursor(notice.name, now);
      if (!(await this.cursors.take(notice.name, cursor.version))) return 0;
      const until = new Date(now.getTime() + notice.aheadMs);
      const keys = await this.identities.expiringKeys({ at: cursor.at, id: cursor.identityId }, until, EXPIRY_BATCH);
      for (const key of keys) {
        this.queue.addEvent({
          id: randomUUID(),
          type: notice.type,
          companyUid: keyTenant(key),
          createdAt: now,
          data: { ...keyData(key), ...notice.extra },
          dispatchToken: null,
          dispatchedAt: null,
        });
      }
      await this.queue.flush();
      const last = keys.at(-1);
      if (keys.length === EXPIRY_BATCH && last?.expirationDate) await this.cursors.advance(notice.name, last.expirationDate, last.id);
      else await this.cursors.advance(notice.name, until, AFTER_ALL_IDS);
      return keys.length;
    });
  }
}
