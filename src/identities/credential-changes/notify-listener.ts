import pg from 'pg';
import type { ChangeFeed, FeedListener } from './change-feed.js';

export const CREDENTIALS_CHANNEL = 'latchkey_credentials';
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * LISTEN on a dedicated connection of its own (outside the pool, which cannot hold one), with a
 * reconnect from 100 ms to 5 s of backoff. Only hears: changes are published by NOTIFY inside
 * each change's own transaction (CredentialRelay.announce), not on this connection.
 */
export class NotifyListener implements ChangeFeed {
  protected client: pg.Client | null = null;
  private listening = false;
  private down = false;
  private closing = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly listener: FeedListener,
  ) {}

  get connected(): boolean {
    return this.listening;
  }

  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  interrupt(error: Error): void {
    this.lost(error, this.client);
  }

  protected async connect(): Promise<void> {
    // keepAlive: a connection that dies without a reset (a dropped route) is noticed, not trusted forever.
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'latchkey-credential-relay', keepAlive: true });
    this.client = client;
    client.on('error', (error) => this.lost(error, client));
    client.on('end', () => this.lost(new Error('connection ended'), client));
    client.on('notification', (notification) => {
      if (notification.channel === CREDENTIALS_CHANNEL && notification.payload) this.listener.received(notification.payload);
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
    if (this.down) {
      this.down = false;
      this.listener.restored();
    }
  }

  private lost(error: unknown, client: pg.Client | null): void {
    if (this.closing || client !== this.client) return;
    this.client = null;
    this.listening = false;
    client?.removeAllListeners('error');
    client?.on('error', () => undefined);
    client?.end().catch(() => undefined);
    this.down = true;
    this.listener.lost(`credential change listener lost (${error instanceof Error ? error.message : String(error)})`);
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closing) void this.connect();
    }, delay);
    this.retryTimer.unref();
  }
}
