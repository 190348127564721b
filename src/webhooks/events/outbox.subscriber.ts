import { randomUUID } from 'node:crypto';
import { type EventSubscriber, type FlushEventArgs, MikroORM, type TransactionEventArgs } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { lifecycleEventsOf } from './lifecycle-events.js';
import { OutboxSignal } from './outbox-signal.js';
import { WebhookEvent } from './webhook-event.entity.js';

/**
 * The one source of change-driven webhook events: a MikroORM subscriber that reads each flush's
 * change sets (`lifecycleEventsOf`) and adds the events to the same flush as outbox rows, so they
 * commit or roll back with the change that caused them. Once committed, the delivery worker of
 * this instance is woken; other instances find the rows when they next poll.
 */
@Injectable()
export class OutboxSubscriber implements EventSubscriber, OnModuleInit {
  /** Transactions whose flushes staged events, until they end. */
  private readonly pending = new WeakSet<object>();
  /** Units of work flushing events outside a transaction (each commits on its own). */
  private readonly committing = new WeakSet<object>();

  constructor(
    private readonly orm: MikroORM,
    private readonly signal: OutboxSignal,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(this);
  }

  onFlush({ em, uow }: FlushEventArgs): void {
    const events = lifecycleEventsOf(uow.getChangeSets());
    if (!events.length) return;
    const createdAt = new Date();
    for (const event of events) {
      const row = em.create(
        WebhookEvent,
        { id: randomUUID(), type: event.type, companyUid: event.companyUid, createdAt, data: event.data, dispatchToken: null, dispatchedAt: null },
        { persist: false },
      );
      uow.computeChangeSet(row);
    }
    const transaction = em.getTransactionContext();
    if (transaction) this.pending.add(transaction);
    else this.committing.add(uow);
  }

  /** A flush outside a transaction has committed by the time `afterFlush` runs. */
  afterFlush({ uow }: FlushEventArgs): void {
    if (!this.committing.has(uow)) return;
    this.committing.delete(uow);
    this.signal.notify();
  }

  afterTransactionCommit({ transaction }: TransactionEventArgs): void {
    if (!transaction || !this.pending.has(transaction)) return;
    this.pending.delete(transaction);
    this.signal.notify();
  }

  afterTransactionRollback({ transaction }: TransactionEventArgs): void {
    if (transaction) this.pending.delete(transaction);
  }
}
