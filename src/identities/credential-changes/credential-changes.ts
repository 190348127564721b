import { Injectable } from '@nestjs/common';

/**
 * What changed, by the keys cached principals are indexed by: identities (keys disabled, deleted,
 * rotated, re-scoped), users (status, role) and companies (status). `all` is the fallback when
 * precision was lost: an overflowing relay message, or a relay outage.
 */
export type CredentialChange =
  | { kind: 'changed'; identities: number[]; users: string[]; companies: string[] }
  | { kind: 'all' };

/** `local`: made by this instance; `remote`: relayed from another instance (or a lost relay). */
export type ChangeSource = 'local' | 'remote';
type Listener = (change: CredentialChange, source: ChangeSource) => void;

export const EVERYTHING: CredentialChange = { kind: 'all' };

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
