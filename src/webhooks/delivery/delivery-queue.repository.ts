import { EntityManager, type FilterQuery, LockMode, type RequiredEntityData } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Repository } from '../../database/repository.js';
import { WebhookEvent } from '../events/webhook-event.entity.js';
import { Webhook } from '../webhook.entity.js';
import { DeliveryAttempt } from './delivery-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** Attempts kept per delivery (the latest); a 24 h retry window takes about 30 with the default backoff. */
export const KEPT_ATTEMPTS = 50;

/** One attempt as recorded. */
export interface AttemptRecord {
  number: number;
  at: Date;
  durationMs: number;
  statusCode: number | null;
  error: string;
  succeeded: boolean;
}

/** How a finished attempt leaves its delivery. */
export interface DeliveryOutcome {
  status: WebhookDelivery['status'];
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string;
  deliveredAt: Date | null;
}

/**
 * The outbox and the delivery queue. Rows are claimed with a token in one conditional update, so
 * however many instances share the database, an event is fanned out once and a due delivery is
 * attempted by one worker at a time. On PostgreSQL the candidates are picked `FOR UPDATE SKIP
 * LOCKED`, so instances take different rows instead of queueing behind each other's locks; the
 * conditions of the update alone keep the claim exclusive on both databases.
 */
@Injectable()
export class DeliveryQueueRepository extends Repository {
  constructor(
    em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(em);
  }

  private get skipLocked(): { lockMode?: LockMode.PESSIMISTIC_PARTIAL_WRITE } {
    return this.config.databaseUrl.startsWith('postgres') ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {};
  }

  /** Marks up to `limit` undispatched events as this dispatcher's, in the caller's transaction, and returns them. */
  async claimEvents(token: string, now: Date, limit: number): Promise<WebhookEvent[]> {
    const candidates = await this.em.find(WebhookEvent, { dispatchedAt: null }, { fields: ['id'], orderBy: { createdAt: 'asc', id: 'asc' }, limit, ...this.skipLocked });
    if (!candidates.length) return [];
    await this.em.nativeUpdate(WebhookEvent, { id: { $in: candidates.map((e) => e.id) }, dispatchedAt: null }, { dispatchToken: token, dispatchedAt: now });
    return this.em.find(WebhookEvent, { dispatchToken: token }, { orderBy: { createdAt: 'asc', id: 'asc' }, refresh: true });
  }

  /** Enabled webhooks that may hear events of these tenants (provider webhooks hear them all). */
  listeningWebhooks(companyUids: string[]): Promise<Webhook[]> {
    return this.em.find(Webhook, { enabled: true, $or: [{ companyUid: null }, { companyUid: { $in: companyUids } }] });
  }

  countEnabledWebhooks(): Promise<number> {
    return this.em.count(Webhook, { enabled: true });
  }

  addDelivery(data: RequiredEntityData<WebhookDelivery>): WebhookDelivery {
    return this.em.create(WebhookDelivery, data);
  }

  addEvent(data: RequiredEntityData<WebhookEvent>): WebhookEvent {
    return this.em.create(WebhookEvent, data);
  }

  /**
   * Leases up to `limit` due deliveries to `token` until `leaseEnds` (pushing their next attempt to
   * then, so a worker that dies mid-attempt leaves them due again), with webhook, secret and event.
   */
  async claimDue(token: string, now: Date, leaseEnds: Date, limit: number): Promise<WebhookDelivery[]> {
    const due: FilterQuery<WebhookDelivery> = { status: 'pending', nextAttemptAt: { $lte: now } };
    const claimed = await this.transactional(async () => {
      const candidates = await this.em.find(WebhookDelivery, due, { fields: ['id'], orderBy: { nextAttemptAt: 'asc', id: 'asc' }, limit, ...this.skipLocked });
      if (!candidates.length) return 0;
      return this.em.nativeUpdate(WebhookDelivery, { $and: [due, { id: { $in: candidates.map((d) => d.id) } }] }, { leaseToken: token, nextAttemptAt: leaseEnds });
    });
    if (!claimed) return [];
    return this.em.find(WebhookDelivery, { leaseToken: token }, { populate: ['webhook', 'webhook.sealedSecret', 'event'], refresh: true });
  }

  /**
   * Records an attempt and its outcome. The delivery changes only if this worker still holds the
   * lease (a redelivery request or a lapsed lease hands it on); the attempt is recorded either way.
   */
  async complete(deliveryId: string, token: string, attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<void> {
    await this.transactional(async () => {
      this.em.create(DeliveryAttempt, { ...attempt, delivery: this.em.getReference(WebhookDelivery, deliveryId) });
      await this.em.flush();
      await this.em.nativeDelete(DeliveryAttempt, { delivery: deliveryId, number: { $lte: attempt.number - KEPT_ATTEMPTS } });
      await this.em.nativeUpdate(WebhookDelivery, { id: deliveryId, leaseToken: token }, { ...outcome, leaseToken: null });
    });
  }

  findDeliveryPage(where: FilterQuery<WebhookDelivery>, limit: number, offset: number): Promise<[WebhookDelivery[], number]> {
    // Newest event first: deliveries fanned out together share their creation time.
    return this.em.findAndCount(WebhookDelivery, where, { populate: ['event'], orderBy: [{ event: { createdAt: 'desc' } }, { id: 'desc' }], limit, offset });
  }

  findDelivery(where: FilterQuery<WebhookDelivery>, refresh = false): Promise<WebhookDelivery | null> {
    return this.em.findOne(WebhookDelivery, where, { populate: ['event'], refresh });
  }

  /** The latest `perDelivery` attempts of each delivery, oldest first. */
  async attemptsOf(deliveryIds: string[], perDelivery: number): Promise<Map<string, DeliveryAttempt[]>> {
    const byDelivery = new Map<string, DeliveryAttempt[]>(deliveryIds.map((id) => [id, []]));
    if (!deliveryIds.length) return byDelivery;
    const rows = await this.em.find(DeliveryAttempt, { delivery: { $in: deliveryIds } }, { orderBy: { id: 'desc' } });
    for (const row of rows) {
      const list = byDelivery.get(row.delivery.id);
      if (list && list.length < perDelivery) list.push(row);
    }
    for (const list of byDelivery.values()) list.reverse();
    return byDelivery;
  }

  /**
   * Queues a delivery again now, with a fresh retry window, unless a worker holds a live lease on it
   * (then it is being attempted at this moment and will retry by itself). True if queued.
   */
  async requeue(deliveryId: string, now: Date, giveUpAt: Date): Promise<boolean> {
    const idle: FilterQuery<WebhookDelivery> = { $or: [{ status: { $ne: 'pending' } }, { leaseToken: null }, { nextAttemptAt: { $lte: now } }] };
    const changed = await this.em.nativeUpdate(WebhookDelivery, { $and: [{ id: deliveryId }, idle] }, { status: 'pending', nextAttemptAt: now, giveUpAt, leaseToken: null });
    return changed === 1;
  }

  /** Keeps the tables bounded: finished deliveries and dispatched events past the retention time. */
  async prune(before: Date): Promise<void> {
    await this.em.nativeDelete(WebhookDelivery, { createdAt: { $lt: before }, status: { $ne: 'pending' } });
    const stale = await this.em.find(WebhookEvent, { createdAt: { $lt: before }, dispatchedAt: { $ne: null } }, { fields: ['id'], limit: 1000 });
    if (!stale.length) return;
    const held = await this.em.find(WebhookDelivery, { event: { $in: stale.map((e) => e.id) } }, { fields: ['event'] });
    const keep = new Set(held.map((d) => d.event.id));
    const gone = stale.map((e) => e.id).filter((id) => !keep.has(id));
    if (gone.length) await this.em.nativeDelete(WebhookEvent, { id: { $in: gone } });
  }
}
