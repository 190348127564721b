import { Injectable } from '@nestjs/common';

/** The company each named identity and user belongs to, where the change set showed it. */
export interface ChangeOwners {
  identities: Record<string, string>;
  users: Record<string, string>;
}

/**
 * What changed, by the keys cached principals are indexed by: identities (keys disabled, deleted,
 * rotated, re-scoped), users (status, role) and companies (status), and custom permissions by name
 * (defined, granted, withdrawn, deleted: every holder of a role whose set changed is stale).
 * `owners` lets tenant-scoped listeners (the events stream) tell whose change it is. `all` is the
 * fallback when precision was lost: an overflowing relay message, or a relay outage.
 */
export type CredentialChange =
  | { kind: 'changed'; identities: number[]; users: string[]; companies: string[]; permissions?: string[]; owners?: ChangeOwners }
  | { kind: 'all' };

/** `local`: made by this instance; `remote`: relayed from another instance (or a lost relay). */
export type ChangeSource = 'local' | 'remote';
type Listener = (change: CredentialChange, source: ChangeSource) => void;

export const EVERYTHING: CredentialChange = { kind: 'all' };

/** Whether principals built from the permission catalogue may be stale: it must be loaded again. */
export function touchesPermissions(change: CredentialChange): boolean {
  return change.kind === 'all' || Boolean(change.permissions?.length);
}

/**
 * In-process signal that credentials changed, so caches of resolved principals evict before the
 * change's response is sent. One source emits local changes: CredentialChangesSubscriber, from
 * the change sets of each flush. CredentialRelay carries them to the other instances on the same
 * PostgreSQL database and brings theirs back here. Listeners run synchronously.
 */
@Injectable()
export class CredentialChanges {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  emit(change: CredentialChange, source: ChangeSource = 'local'): void {
    for (const listener of this.listeners) listener(change, source);
  }
}
