import { randomUUID } from 'node:crypto';
import { type ChangeSet, type EntityName, type EventArgs, type EventSubscriber, MikroORM, type TransactionEventArgs } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Company } from '../../companies/company.entity.js';
import { Identity } from '../../identities/identity.entity.js';
import { User } from '../../users/user.entity.js';
import { lifecycleEventsOf } from './lifecycle-events.js';
import { OutboxSignal } from './outbox-signal.js';
import { WebhookEvent } from './webhook-event.entity.js';

/**
 * The one source of change-driven webhook events: a MikroORM subscriber that reads the change set
 * of each key, user and company written (`lifecycleEventsOf`) and inserts its events into the
 * outbox right after the row, inside the flush's transaction — so they commit or roll back with the
 * change that caused them, and a new key's event knows the key's id. Once the transaction commits,
 * this instance's delivery worker is woken; other instances find the rows when they next poll.
 */
@Injectable()
export class OutboxSubscriber implements EventSubscriber<Identity | User | Company>, OnModuleInit {
  /** Transactions that wrote events, until they end. */
  private readonly pending = new WeakSet<object>();

  constructor(
    private readonly orm: MikroORM,
    private readonly signal: OutboxSignal,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(this);
  }

  getSubscribedEntities(): EntityName<Identity | User | Company>[] {
    return [Identity, User, Company];
  }

  afterCreate(args: EventArgs<Identity | User | Company>): Promise<void> {
    return this.record(args);
  }

  afterUpdate(args: EventArgs<Identity | User | Company>): Promise<void> {
    return this.record(args);
  }

  afterDelete(args: EventArgs<Identity | User | Company>): Promise<void> {
    return this.record(args);
  }

  afterTransactionCommit({ transaction }: TransactionEventArgs): void {
    if (!transaction || !this.pending.has(transaction)) return;
    this.pending.delete(transaction);
    this.signal.notify();
  }

  afterTransactionRollback({ transaction }: TransactionEventArgs): void {
    if (transaction) this.pending.delete(transaction);
  }

  private async record({ em, changeSet }: EventArgs<Identity | User | Company>): Promise<void> {
    if (!changeSet) return;
    const events = lifecycleEventsOf([changeSet as ChangeSet<object>]);
    if (!events.length) return;
    const createdAt = new Date();
    // A native insert on the flushing EntityManager runs in the flush's transaction.
    await em.insertMany(
      WebhookEvent,
      events.map((event) => ({ id: randomUUID(), type: event.type, companyUid: event.companyUid, createdAt, data: event.data, dispatchToken: null, dispatchedAt: null })),
    );
    const transaction = em.getTransactionContext();
    if (transaction) this.pending.add(transaction);
    else this.signal.notify();
  }
}
