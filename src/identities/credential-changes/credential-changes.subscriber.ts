import { type ChangeSet, ChangeSetType, type EventSubscriber, type FlushEventArgs, MikroORM, type TransactionEventArgs } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PRINCIPAL_FIELDS } from '../../access/principals.js';
import { Company } from '../../companies/company.entity.js';
import { User } from '../../users/user.entity.js';
import { ApiKeySecret } from '../api-key-secret.entity.js';
import { Identity } from '../identity.entity.js';
import { type CredentialChange, CredentialChanges } from './credential-changes.js';

type Changed = Extract<CredentialChange, { kind: 'changed' }>;

const touches = (changeSet: ChangeSet<object>, fields: ReadonlySet<string>): boolean =>
  changeSet.type === ChangeSetType.DELETE ||
  changeSet.type === ChangeSetType.DELETE_EARLY ||
  ((changeSet.type === ChangeSetType.UPDATE || changeSet.type === ChangeSetType.UPDATE_EARLY) && Object.keys(changeSet.payload).some((name) => fields.has(name)));

/**
 * The facts in one flush's change sets, looking only at fields a principal is built from: a key's
 * policy or status, its secrets (rotation, revocation), a user's role, status or user name, a company's
 * status. Renaming a user or a company, ending sessions or recording a key's last use is no fact.
 * New rows are none either: nothing can have cached a key before it existed.
 *
 * Deleting a user or a company removes its identities and secrets by ON DELETE CASCADE, which no
 * change set shows; the user or company fact covers them, as the cache is indexed by both.
 */
export function factsOf(changeSets: readonly ChangeSet<object>[]): Changed | null {
  const identities = new Set<number>();
  const users = new Set<string>();
  const companies = new Set<string>();
  for (const changeSet of changeSets) {
    const entity = changeSet.entity;
    if (entity instanceof Identity && touches(changeSet, PRINCIPAL_FIELDS.key)) identities.add(entity.id);
    else if (entity instanceof ApiKeySecret && changeSet.type !== ChangeSetType.CREATE) identities.add(entity.identity.id);
    else if (entity instanceof User && touches(changeSet, PRINCIPAL_FIELDS.owner)) users.add(entity.instanceUid);
    else if (entity instanceof Company && touches(changeSet, PRINCIPAL_FIELDS.company)) companies.add(entity.instanceUid);
  }
  if (!identities.size && !users.size && !companies.size) return null;
  return { kind: 'changed', identities: [...identities], users: [...users], companies: [...companies] };
}

/**
 * The one source of credential changes: a MikroORM subscriber that turns each flush into facts
 * and emits them once they are committed — at once for a flush outside a transaction (MikroORM
 * commits it before `afterFlush`), at commit for one inside, never for a rolled-back one.
 *
 * Writes that bypass change sets emit nothing, so none may touch a principal's fields: the native
 * updates of refresh tokens, TOTP time steps and last-used times do not, and deletes cascade from
 * rows whose change sets are seen (see `factsOf`).
 */
@Injectable()
export class CredentialChangesSubscriber implements EventSubscriber, OnModuleInit {
  /** Facts of the flushes inside a transaction, until it ends. */
  private readonly pending = new WeakMap<object, Changed[]>();

  constructor(
    private readonly orm: MikroORM,
    private readonly changes: CredentialChanges,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(this);
  }

  afterFlush({ em, uow }: FlushEventArgs): void {
    const facts = factsOf(uow.getChangeSets());
    if (!facts) return;
    const transaction = em.getTransactionContext();
    if (!transaction) return this.changes.emit(facts);
    const pending = this.pending.get(transaction);
    if (pending) pending.push(facts);
    else this.pending.set(transaction, [facts]);
  }

  afterTransactionCommit({ transaction }: TransactionEventArgs): void {
    const pending = transaction && this.pending.get(transaction);
    if (!pending) return;
    this.pending.delete(transaction);
    for (const facts of pending) this.changes.emit(facts);
  }

  afterTransactionRollback({ transaction }: TransactionEventArgs): void {
    if (transaction) this.pending.delete(transaction);
  }
}
