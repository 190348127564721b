import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { isPermissionName } from '../../access/permissions.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { type CredentialChange, CredentialChanges, EVERYTHING } from './credential-changes.js';

export const CREDENTIALS_CHANNEL = 'latchkey_credentials';
/** NOTIFY payloads must stay under 8000 bytes; longer lists are sent as "everything changed". */
const MAX_PAYLOAD = 7_000;
const MAX_BACKLOG = 100;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
/** While the listener is down, cached principals live at most this long. */
const UNRELAYED_CACHE_MS = 1_000;

interface Message {
  origin: string;
  change: CredentialChange;
}

const isList = (value: unknown, item: (element: unknown) => boolean): boolean => Array.isArray(value) && value.every(item);
const isUid = (value: unknown): boolean => typeof value === 'string' && value.length <= 64;
const isUidMap = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isUid);

function parse(payload: string | undefined): Message | null {
  try {
    const message = JSON.parse(payload ?? '') as Message;
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

/**
 * Carries credential changes between instances that share one PostgreSQL database, with
 * LISTEN/NOTIFY on a dedicated connection: local changes are published after their commit, and
 * changes from other instances are replayed into CredentialChanges (so their cached principals
 * are evicted here, typically within milliseconds). An instance that loses its listener clears
 * its cache, keeps clearing it every second until it listens again, then clears once more — so
 * nothing it missed can outlive the outage by more than a second. On SQLite (one instance) it
 * does nothing.
 */
@Injectable()
export class CredentialRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CredentialRelay');
  /** Identifies this instance's own messages, which it has already applied. */
  readonly instanceId = randomUUID();
  protected client: pg.Client | null = null;
  private listening = false;
  private closing = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private staleTimer: NodeJS.Timeout | null = null;
  private backlog: string[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: CredentialChanges,
  ) {}

  get enabled(): boolean {
    return this.config.databaseUrl.startsWith('postgres');
  }

  /** True while this instance receives other instances' changes. */
  get connected(): boolean {
    return this.listening;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    this.events.subscribe((change, source) => {
      if (source === 'local') this.publish(change);
    });
    // The first connection is awaited so an instance listens before it serves requests.
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.staleTimer) clearInterval(this.staleTimer);
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private publish(change: CredentialChange): void {
    let payload = JSON.stringify({ origin: this.instanceId, change } satisfies Message);
    if (payload.length > MAX_PAYLOAD) payload = JSON.stringify({ origin: this.instanceId, change: EVERYTHING } satisfies Message);
    if (!this.listening || !this.client) {
      this.queue(payload);
      return;
    }
    this.client.query('select pg_notify($1, $2)', [CREDENTIALS_CHANNEL, payload]).catch((error: unknown) => {
      this.queue(payload);
      this.lost(error);
    });
  }

  /** Kept until the connection is back; too many become one "everything changed". */
  private queue(payload: string): void {
    this.backlog.push(payload);
    if (this.backlog.length > MAX_BACKLOG) {
      this.backlog = [JSON.stringify({ origin: this.instanceId, change: EVERYTHING } satisfies Message)];
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl, application_name: 'latchkey-credential-relay' });
    this.client = client;
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    client.on('notification', (notification) => {
      if (notification.channel !== CREDENTIALS_CHANNEL) return;
      const message = parse(notification.payload);
      if (!message) this.logger.warn('ignored a malformed credential change notification');
      else if (message.origin !== this.instanceId) this.events.emit(message.change, 'remote');
    });
    try {
      await client.connect();
      await client.query(`listen ${CREDENTIALS_CHANNEL}`);
    } catch (error) {
      this.lost(error, client);
      return;
    }
    if (this.client !== client) return;
    this.listening = true;
    this.retryMs = RETRY_MIN_MS;
    if (this.staleTimer) {
      clearInterval(this.staleTimer);
      this.staleTimer = null;
      // Changes made elsewhere while we were deaf are unknown: start from the database again.
      this.events.emit(EVERYTHING, 'remote');
      this.logger.log('listening for credential changes again');
    }
    const backlog = this.backlog;
    this.backlog = [];
    for (const payload of backlog) {
      client.query('select pg_notify($1, $2)', [CREDENTIALS_CHANNEL, payload]).catch((error: unknown) => {
        this.queue(payload);
        this.lost(error, client);
      });
    }
  }

  /** The listener is gone: forget cached principals, keep them short-lived, reconnect with backoff. */
  private lost(error: unknown, client = this.client): void {
    if (this.closing || client !== this.client) return;
    this.client = null;
    this.listening = false;
    client?.removeAllListeners('error');
    client?.on('error', () => undefined);
    client?.end().catch(() => undefined);
    this.logger.warn(`credential change listener lost (${error instanceof Error ? error.message : String(error)}); clearing cached credentials`);
    this.events.emit(EVERYTHING, 'remote');
    this.staleTimer ??= setInterval(() => this.events.emit(EVERYTHING, 'remote'), UNRELAYED_CACHE_MS);
    this.staleTimer.unref();
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closing) void this.connect();
    }, delay);
    this.retryTimer.unref();
  }
}
