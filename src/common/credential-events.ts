import { Injectable } from '@nestjs/common';

export type CredentialChange = { kind: 'identities'; ids: number[] } | { kind: 'all' };
type Listener = (change: CredentialChange) => void;

/**
 * In-process signal that credentials changed, so caches of resolved principals evict before the
 * change's response is sent. Cross-instance delivery subscribes here too.
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

  emit(change: CredentialChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
