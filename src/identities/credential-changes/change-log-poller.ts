import type { ChangeFeed, FeedListener } from './change-feed.js';
import type { CredentialChangeLog } from './change-log.js';

/** Rows read per poll; a full batch means this instance fell behind, and it starts over from "everything changed". */
const BATCH = 500;
/** A poll that has not answered within this long counts as a failure (the query is not repeated while it hangs). */
const POLL_TIMEOUT_MS = 1000;
/**
 * Ids are handed out at insert, just before the change's commit, so a lower id can become
 * visible after a higher one. Skipped ids are looked for again this long (a rolled-back change
 * never shows up), at most this many at a time (beyond that: "everything changed").
 */
const GAP_WAIT_MS = 10_000;
const MAX_GAPS = 1_000;
/** Rows are kept this long, and every instance deletes older ones once a minute. */
export const CHANGE_LOG_RETENTION_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 60_000;

type State = 'starting' | 'up' | 'down';

/**
 * The change-log feed (`CREDENTIAL_EVENTS=poll`), for databases without LISTEN/NOTIFY: every
 * `intervalMs` it reads the rows after the last id it saw, and hands each message on. While it
 * cannot read, the relay clears the cache every second, as with a lost LISTEN connection.
 */
export class ChangeLogPoller implements ChangeFeed {
  private state: State = 'starting';
  private lastId = 0;
  private readonly gaps = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private outstanding: Promise<unknown> | null = null;
  private closing = false;
  private prunedAt = Date.now();

  constructor(
    private readonly log: CredentialChangeLog,
    private readonly intervalMs: number,
    private readonly listener: FeedListener,
  ) {}

  get connected(): boolean {
    return this.state === 'up' && !this.closing;
  }

  async start(): Promise<void> {
    try {
      // What was written before this instance started cannot concern its (empty) cache.
      this.lastId = await this.log.latestId();
      this.state = 'up';
    } catch (error) {
      this.fail(error);
    }
    this.schedule();
  }

  async stop(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
  }

  interrupt(error: Error): void {
    this.fail(error);
  }

  private schedule(): void {
    if (this.closing) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = null;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.outstanding) return; // the last read still hangs: already counted as a failure
    let rows;
    try {
      const read = this.log.read(this.lastId, [...this.gaps.keys()], BATCH);
      this.outstanding = read;
      void read.catch(() => undefined).finally(() => (this.outstanding = null));
      rows = await Promise.race([read, timeout(POLL_TIMEOUT_MS)]);
    } catch (error) {
      this.fail(error);
      return;
    }
    const now = Date.now();
    if (this.state === 'down') this.listener.restored();
    this.state = 'up';
    for (const row of rows) {
      if (row.id > this.lastId) {
        for (let id = this.lastId + 1; id < row.id && this.gaps.size < MAX_GAPS; id++) this.gaps.set(id, now);
        this.lastId = row.id;
      } else {
        this.gaps.delete(row.id);
      }
      this.listener.received(row.message);
    }
    for (const [id, since] of this.gaps) if (now - since > GAP_WAIT_MS) this.gaps.delete(id);
    if (rows.length === BATCH || this.gaps.size >= MAX_GAPS) await this.startOver();
    if (now - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.log.prune(new Date(now - CHANGE_LOG_RETENTION_MS)).catch(() => undefined);
    }
  }

  /** Too much to follow one by one: evict everything and go on from the newest row. */
  private async startOver(): Promise<void> {
    this.listener.missed();
    this.gaps.clear();
    this.lastId = Math.max(this.lastId, await this.log.latestId().catch(() => this.lastId));
  }

  private fail(error: unknown): void {
    if (this.state === 'down') return;
    this.state = 'down';
    this.listener.lost(`credential change log unreadable (${error instanceof Error ? error.message : String(error)})`);
  }
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref());
}
