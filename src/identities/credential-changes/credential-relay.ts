import { randomUUID } from 'node:crypto';
import type { EntityManager, Transaction } from '@mikro-orm/core';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isPermissionName } from '../../access/permissions.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { ChangeFeed, FeedListener } from './change-feed.js';
import { CredentialChangeLog } from './change-log.js';
import { ChangeLogPoller } from './change-log-poller.js';
import { type CredentialChange, CredentialChanges, EVERYTHING } from './credential-changes.js';
import { CREDENTIALS_CHANNEL, NotifyListener } from './notify-listener.js';

export { CREDENTIALS_CHANNEL } from './notify-listener.js';

/** NOTIFY payloads must stay under 8000 bytes; longer lists are sent as "everything changed" (change-log rows too). */
const MAX_PAYLOAD = 7_000;
/** While this instance cannot hear other instances, cached principals live at most this long. */
const UNHEARD_CACHE_MS = 1_000;

interface Message {
  origin: string;
  change: CredentialChange;
}

const isList = (value: unknown, item: (element: unknown) => boolean): boolean => Array.isArray(value) && value.every(item);
const isUid = (value: unknown): boolean => typeof value === 'string' && value.length <= 64;
const isUidMap = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isUid);

function parse(payload: string): Message | null {
  try {
    const message = JSON.parse(payload) as Message;
    const { change } = message;
    if (typeof message.origin !== 'string' || !change) return null;
    if (change.kind === 'all') return message;
    if (
      change.kind === 'changed' &&
      isList(change.identities, Number.isInteger) &&
      isList(change.users, isUid) &&
      isList(change.companies, isUid) &&
      (change.permissions === undefined || isList(change.permissions, isPermissionName)) &&
      (change.owners === undefined || (isUidMap(change.owners.identities) && isUidMap(change.owners.users)))
    ) {
      return message;
    }
    return null;
  } catch {
    return null;
  }
}

/** The changes of one transaction as one: their lists (and owners) joined, or "everything" if any says so. */
export function merge(changes: readonly CredentialChange[]): CredentialChange {
  if (changes.length === 1) return changes[0];
  if (changes.some((change) => change.kind === 'all')) return EVERYTHING;
  const lists = changes as Extract<CredentialChange, { kind: 'changed' }>[];
  const union = <T>(pick: (change: (typeof lists)[number]) => T[] | undefined) => [...new Set(lists.flatMap((change) => pick(change) ?? []))];
  const permissions = union((c) => c.permissions);
  const owners = lists.some((c) => c.owners)
    ? {
        identities: Object.assign({}, ...lists.map((c) => c.owners?.identities ?? {})) as Record<string, string>,
        users: Object.assign({}, ...lists.map((c) => c.owners?.users ?? {})) as Record<string, string>,
      }
    : undefined;
  return {
    kind: 'changed',
    identities: union((c) => c.identities),
    users: union((c) => c.users),
    companies: union((c) => c.companies),
    ...(permissions.length ? { permissions } : {}),
    ...(owners ? { owners } : {}),
  };
}

/**
 * Carries credential changes between instances that share one PostgreSQL database. Each change
 * is announced inside its own transaction (`announce`, called by the flush subscriber just before
 * the commit): a NOTIFY, or a row of the change log with `CREDENTIAL_EVENTS=poll`. So a committed
 * change is always announced, whatever this instance's own feed is doing, and a rolled-back one
 * never is. Other instances' changes come in through the feed (a LISTEN connection, or polling
 * the change log) and are replayed into CredentialChanges. An instance whose feed is down clears
 * its cache, keeps clearing it every second until the feed is back, then clears once more — so
 * nothing it missed outlives the outage by more than a second. On SQLite (one instance) it does
 * nothing.
 */
@Injectable()
export class CredentialRelay implements OnModuleInit {
  private readonly logger = new Logger('CredentialRelay');
  /** Identifies this instance's own messages, which it has already applied. */
  readonly instanceId = randomUUID();
  protected feed: ChangeFeed | null = null;
  private staleTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: CredentialChanges,
    private readonly log: CredentialChangeLog,
  ) {}

  get enabled(): boolean {
    return this.config.databaseUrl.startsWith('postgres');
  }

  /** True while this instance hears other instances' changes. */
  get connected(): boolean {
    return this.feed?.connected ?? false;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    this.feed = this.createFeed(this.listener());
    // Awaited, so that an instance hears changes before it serves requests.
    await this.feed.start();
  }

  /** Stops hearing changes (src/shutdown.ts, once the HTTP server has closed). */
  async close(): Promise<void> {
    if (this.staleTimer) clearInterval(this.staleTimer);
    this.staleTimer = null;
    await this.feed?.stop();
  }

  /** Announces a transaction's changes inside it, right before its commit; fails the commit if it cannot. */
  async announce(changes: readonly CredentialChange[], em: EntityManager, transaction: Transaction): Promise<void> {
    if (!this.enabled || !changes.length) return;
    let message = JSON.stringify({ origin: this.instanceId, change: merge(changes) } satisfies Message);
    if (message.length > MAX_PAYLOAD) message = JSON.stringify({ origin: this.instanceId, change: EVERYTHING } satisfies Message);
    if (this.config.credentialEvents === 'poll') await this.log.append(em, transaction, message);
    else await em.getConnection().execute('select pg_notify(?, ?)', [CREDENTIALS_CHANNEL, message], 'run', transaction);
  }

  protected createFeed(listener: FeedListener): ChangeFeed {
    return this.config.credentialEvents === 'poll'
      ? new ChangeLogPoller(this.log, this.config.credentialPollMs, listener)
      : new NotifyListener(this.config.databaseUrl, listener);
  }

  private listener(): FeedListener {
    return {
      received: (payload) => {
        const message = parse(payload);
        if (!message) this.logger.warn('ignored a malformed credential change message');
        else if (message.origin !== this.instanceId) this.events.emit(message.change, 'remote');
      },
      missed: () => this.events.emit(EVERYTHING, 'remote'),
      lost: (reason) => {
        this.logger.warn(`${reason}; clearing cached credentials`);
        this.events.emit(EVERYTHING, 'remote');
        this.staleTimer ??= setInterval(() => this.events.emit(EVERYTHING, 'remote'), UNHEARD_CACHE_MS);
        this.staleTimer.unref();
      },
      restored: () => {
        if (this.staleTimer) clearInterval(this.staleTimer);
        this.staleTimer = null;
        // Changes made elsewhere while this instance was deaf are unknown: start from the database again.
        this.events.emit(EVERYTHING, 'remote');
        this.logger.log('hearing credential changes again');
      },
    };
  }
}
