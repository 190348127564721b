import { Injectable } from '@nestjs/common';

export type CredentialChange = { kind: 'identities'; ids: number[] } | { kind: 'all' };
/** `local`: made by this instance; `remote`: relayed from another instance (or a lost relay). */
export type ChangeSource = 'local' | 'remote';
type Listener = (change: CredentialChange, source: ChangeSource) => void;

/**
 * In-process signal that credentials changed, so caches of resolved principals evict before the
 * change's response is sent. The services emit after their flush; CredentialRelay carries local
 * changes to the other instances on the same PostgreSQL database and brings theirs back here.
 */
@Injectable()
export class CredentialEvents {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Identities changed (disabled, deleted, rotated, re-scoped). */
  identitiesChanged(ids: number[]): void {
    this.emit({ kind: 'identities', ids });
  }

  /** A user, company or role changed: any cached principal may be stale. */
  everythingChanged(): void {
    this.emit({ kind: 'all' });
  }

  emit(change: CredentialChange, source: ChangeSource = 'local'): void {
    for (const listener of this.listeners) listener(change, source);
  }
}
