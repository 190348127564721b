import { type ChangeSet, ChangeSetType, type EventSubscriber, type FlushEventArgs, MikroORM, type TransactionEventArgs } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PRINCIPAL_FIELDS } from '../../access/principals.js';
import { Company } from '../../companies/company.entity.js';
import { CustomPermission } from '../../permissions/custom-permission.entity.js';
import { User } from '../../users/user.entity.js';
import { ApiKeySecret } from '../api-key-secret.entity.js';
import { Identity } from '../identity.entity.js';
import { type ChangeOwners, type CredentialChange, CredentialChanges } from './credential-changes.js';
import { CredentialRelay } from './credential-relay.js';

type Changed = Extract<CredentialChange, { kind: 'changed' }>;

const touches = (changeSet: ChangeSet<object>, fields: ReadonlySet<string>): boolean =>
  changeSet.type === ChangeSetType.DELETE ||
  changeSet.type === ChangeSetType.DELETE_EARLY ||
  ((changeSet.type === ChangeSetType.UPDATE || changeSet.type === ChangeSetType.UPDATE_EARLY) && Object.keys(changeSet.payload).some((name) => fields.has(name)));

/** Only the roles a permission is granted to change principals; its description changes none. */
const PERMISSION_FIELDS: ReadonlySet<string> = new Set(['roles']);

/** The company of a user, or of an identity's user, when the entity graph in hand shows it. */
const companyOfUser = (user: User | undefined): string | undefined => user?.company?.instanceUid;

/**
 * The facts in one flush's change sets, looking only at fields a principal is built from: a key's
 * policy or status, its secrets (rotation, revocation), a user's role, status or user name, a
 * company's status, a custom permission's grants. Renaming a user or a company, ending sessions or
 * recording a key's last use is no fact. New rows are none either, nothing can have cached a key
 * before it existed, except a new permission: it may be granted to roles whose holders are cached.
 *
 * Deleting a user or a company removes its identities and secrets by ON DELETE CASCADE, which no
 * change set shows; the user or company fact covers them, as the cache is indexed by both.
 */
export function factsOf(changeSets: readonly ChangeSet<object>[]): Changed | null {
  const identities = new Set<number>();
  const users = new Set<string>();
  const companies = new Set<string>();
  const permissions = new Set<string>();
  const owners: ChangeOwners = { identities: {}, users: {} };
  const identity = (id: number, company: string | undefined) => {
    identities.add(id);
    if (company) owners.identities[id] = company;
  };
  for (const changeSet of changeSets) {
    const entity = changeSet.entity;
    if (entity instanceof Identity && touches(changeSet, PRINCIPAL_FIELDS.key)) identity(entity.id, companyOfUser(entity.user));
    else if (entity instanceof ApiKeySecret && changeSet.type !== ChangeSetType.CREATE) identity(entity.identity.id, companyOfUser(entity.identity.user));
    else if (entity instanceof User && touches(changeSet, PRINCIPAL_FIELDS.owner)) {
      users.add(entity.instanceUid);
      const company = companyOfUser(entity);
      if (company) owners.users[entity.instanceUid] = company;
    } else if (entity instanceof Company && touches(changeSet, PRINCIPAL_FIELDS.company)) companies.add(entity.instanceUid);
    else if (entity instanceof CustomPermission && (changeSet.type === ChangeSetType.CREATE || touches(changeSet, PERMISSION_FIELDS))) {
      permissions.add(entity.name);
    }
  }
  if (!identities.size && !users.size && !companies.size && !permissions.size) return null;
  return { kind: 'changed', identities: [...identities], users: [...users], companies: [...companies], permissions: [...permissions], owners };
}

/**
 * The one source of credential changes: a MikroORM subscriber that turns each flush into facts,
 * has CredentialRelay announce them to the other instances inside the same transaction (just
 * before its commit: the announcement commits or rolls back with the change), and emits them
 * here once committed — never for a rolled-back transaction. A flush outside a transaction runs
 * in one of its own; its facts are keyed by its unit of work until that transaction commits.
 *
 * Writes that bypass change sets emit nothing, so none may touch a principal's fields: the native
 * updates of refresh tokens, TOTP time steps and last-used times do not, and deletes cascade from
 * rows whose change sets are seen (see `factsOf`).
 */
@Injectable()
export class CredentialChangesSubscriber implements EventSubscriber, OnModuleInit {
  /** Facts waiting for their commit, by transaction (or by unit of work, for a flush's own transaction). */
  private readonly pending = new WeakMap<object, Changed[]>();

  constructor(
    private readonly orm: MikroORM,
    private readonly changes: CredentialChanges,
    private readonly relay: CredentialRelay,
  ) {}

  onModuleInit(): void {
    this.orm.em.getEventManager().registerSubscriber(this);
  }

  onFlush({ em, uow }: FlushEventArgs): void {
    const facts = factsOf(uow.getChangeSets());
    if (facts) this.add(em.getTransactionContext() ?? uow, [facts]);
  }

  async beforeTransactionCommit({ em, uow, transaction }: TransactionEventArgs): Promise<void> {
    if (!transaction) return;
    const own = uow ? this.take(uow) : [];
    if (own.length) this.add(transaction, own);
    const facts = this.pending.get(transaction);
    if (facts?.length) await this.relay.announce(facts, em, transaction);
  }

  afterTransactionCommit({ transaction }: TransactionEventArgs): void {
    for (const facts of transaction ? this.take(transaction) : []) this.changes.emit(facts);
  }

  afterTransactionRollback({ transaction, uow }: TransactionEventArgs): void {
    if (transaction) this.pending.delete(transaction);
    if (uow) this.pending.delete(uow);
  }

  /** A flush that ran without any transaction (none is possible): committed already. */
  afterFlush({ uow }: FlushEventArgs): void {
    for (const facts of this.take(uow)) this.changes.emit(facts);
  }

  private add(key: object, facts: Changed[]): void {
    const pending = this.pending.get(key);
    if (pending) pending.push(...facts);
    else this.pending.set(key, [...facts]);
  }

  private take(key: object): Changed[] {
    const facts = this.pending.get(key) ?? [];
    this.pending.delete(key);
    return facts;
  }
}
