import { type ChangeSet, ChangeSetType, wrap } from '@mikro-orm/core';
import { PRINCIPAL_FIELDS } from '../../access/principals.js';
import { Company } from '../../companies/company.entity.js';
import { Identity, type LeakReport } from '../../identities/identity.entity.js';
import { User } from '../../users/user.entity.js';
import type { LifecycleEvent } from './event-types.js';

/** A key's status and policy: the fields whose change is a `key.updated` (the owner is not one). */
const KEY_POLICY_FIELDS = new Set([...PRINCIPAL_FIELDS.key].filter((name) => name !== 'user'));

const isDisabled = (status: string): boolean => status.toLowerCase() === 'disabled';
const loaded = <T extends object>(entity: T | null | undefined): T | null => (entity && wrap(entity).isInitialized() ? entity : null);
const isUpdate = (changeSet: ChangeSet<object>): boolean => changeSet.type === ChangeSetType.UPDATE || changeSet.type === ChangeSetType.UPDATE_EARLY;
const isDelete = (changeSet: ChangeSet<object>): boolean => changeSet.type === ChangeSetType.DELETE || changeSet.type === ChangeSetType.DELETE_EARLY;

function companyData(company: Company | null): Record<string, unknown> | null {
  return company ? { instanceUid: company.instanceUid, name: company.name } : null;
}

/** What a key event says about the key: ids, names and the display prefix, never a secret. */
export function keyData(identity: Identity): Record<string, unknown> {
  const user = loaded(identity.user);
  const company = loaded(user?.company);
  return {
    identityId: identity.id,
    keyPrefix: identity.keyPrefix,
    description: identity.description,
    status: identity.status,
    expirationDate: identity.expirationDate ? identity.expirationDate.toISOString() : null,
    user: { instanceUid: identity.user.instanceUid, userName: user ? user.userName : null },
    company: companyData(company),
  };
}

/** The tenant of a key: its owner's company, when the owner is loaded (it always is in Latchkey's flows). */
export function keyTenant(identity: Identity): string | null {
  return loaded(identity.user)?.company?.instanceUid ?? null;
}

function keyEvent(changeSet: ChangeSet<object>, identity: Identity): LifecycleEvent | null {
  const event = (type: LifecycleEvent['type'], extra: Record<string, unknown> = {}): LifecycleEvent => ({
    type,
    companyUid: keyTenant(identity),
    data: { ...keyData(identity), ...extra },
  });
  if (changeSet.type === ChangeSetType.CREATE) return event('key.created');
  if (isDelete(changeSet)) return event('key.deleted');
  if (!isUpdate(changeSet)) return null;
  const payload = Object.keys(changeSet.payload);
  if (payload.includes('leakReport') && identity.leakReport) {
    const report: LeakReport = identity.leakReport;
    return event('key.leaked', { report: { url: report.url, source: report.source, reportedAt: report.reportedAt } });
  }
  if (payload.includes('keyPrefix')) return event('key.rotated');
  const changed = payload.filter((name) => KEY_POLICY_FIELDS.has(name)).sort();
  return changed.length ? event('key.updated', { changed }) : null;
}

/**
 * The lifecycle events in one flush's change sets, read from entity state only, so every code path
 * that changes a key, a user or a company is covered without calling anything: a new, changed,
 * rotated (new display prefix), reported (new leak report) or deleted API key; a user or a company
 * whose status became disabled. Expiry events come from the expiry scan, not from changes.
 *
 * Deleting a user or a company removes its keys by ON DELETE CASCADE, which no change set shows:
 * that sends no `key.deleted` per key (docs/webhooks.md says so).
 */
export function lifecycleEventsOf(changeSets: readonly ChangeSet<object>[]): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  for (const changeSet of changeSets) {
    const entity = changeSet.entity;
    if (entity instanceof Identity) {
      if (entity.provider !== 'AK') continue;
      const event = keyEvent(changeSet, entity);
      if (event) events.push(event);
    } else if (entity instanceof User) {
      if (!isUpdate(changeSet) || !('status' in changeSet.payload) || !isDisabled(entity.status)) continue;
      const company = loaded(entity.company);
      events.push({
        type: 'user.disabled',
        companyUid: entity.company?.instanceUid ?? null,
        data: { user: { instanceUid: entity.instanceUid, userName: entity.userName, role: entity.role }, company: companyData(company) },
      });
    } else if (entity instanceof Company) {
      if (!isUpdate(changeSet) || !('status' in changeSet.payload) || !isDisabled(entity.status)) continue;
      events.push({ type: 'company.disabled', companyUid: entity.instanceUid, data: { company: companyData(entity) } });
    }
  }
  return events;
}
