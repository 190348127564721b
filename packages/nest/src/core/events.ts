import type { CredentialChange } from './answer-cache.js';
import { type SseEvent, SseOverflowError, SseParser } from './sse.js';

export interface Logger {
  warn(message: string): void;
  log?(message: string): void;
}

export interface CredentialStreamOptions {
  /** `{latchkey}/api/v3/integration/events`. */
  url: string;
  serviceKey: string;
  fetch: typeof fetch;
  /** A change to apply to the cache. */
  onChange(change: CredentialChange): void;
  /** The stream came up (true) or went down (false). */
  onStatus(connected: boolean): void;
  logger: Logger;
  /** No byte for this long (the server sends a heartbeat every 15 s) means the connection is dead. */
  idleTimeoutMs?: number;
  /** Bound on the wait for the stream's response headers. */
  connectTimeoutMs?: number;
  backoff?: { minMs: number; maxMs: number };
}

const KINDS_WITH_NUMBER_IDS = new Set(['identity']);
const KINDS_WITH_STRING_IDS = new Set(['user', 'company', 'permission']);

/**
 * The `data` of a `credential` event, or `{ kind: 'all' }` when it cannot be read: a change we
 * cannot understand might be a revocation, so everything cached is dropped.
 */
export function parseChange(data: string): { change: CredentialChange; understood: boolean } {
  try {
    const value = JSON.parse(data) as { kind?: unknown; ids?: unknown };
    if (value?.kind === 'all') return { change: { kind: 'all' }, understood: true };
    const kind = String(value?.kind);
    const ids = value?.ids;
    if (Array.isArray(ids) && KINDS_WITH_NUMBER_IDS.has(kind) && ids.every(Number.isInteger)) {
      return { change: { kind: 'identity', ids }, understood: true };
    }
    if (Array.isArray(ids) && KINDS_WITH_STRING_IDS.has(kind) && ids.every((id) => typeof id === 'string')) {
      return { change: { kind, ids } as CredentialChange, understood: true };
    }
  } catch {
    // fall through
  }
  return { change: { kind: 'all' }, understood: false };
}

/**
 * Follows Latchkey's credential events (Server-Sent Events over `fetch`, authenticated with the
 * service key) and hands each change to the cache. Reconnects with jittered exponential backoff,
 * resuming with `Last-Event-ID` (Latchkey replays what it still holds, or sends `all` first).
 * A first connection, which has nothing to resume from, starts with `all` too: answers cached
 * before it was up may predate changes it never saw.
 */
export class CredentialStream {
  private readonly parser: SseParser;
  private controller: AbortController | null = null;
  private closed = false;
  private connected = false;
  private delayMs: number;
  private serverRetryMs: number | null = null;
  private wake: (() => void) | null = null;
  private readonly idleTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly backoff: { minMs: number; maxMs: number };
  private running: Promise<void> | null = null;
  private lastWarnedAt = -Infinity;

  constructor(private readonly options: CredentialStreamOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 40_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.backoff = options.backoff ?? { minMs: 100, maxMs: 5_000 };
    this.delayMs = this.backoff.minMs;
    this.parser = new SseParser({
      onEvent: (event) => this.handle(event),
      onRetry: (ms) => (this.serverRetryMs = ms),
    });
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** The id that a reconnection sends as `Last-Event-ID`. */
  get lastEventId(): string | undefined {
    return this.parser.lastId;
  }

  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.controller?.abort();
    this.wake?.();
    await this.running;
    this.connected = false;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const startedAt = Date.now();
      let reason: string;
      try {
        reason = await this.follow();
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
        if (error instanceof SseOverflowError) {
          // Part of the stream was dropped: resuming after it could skip a change, so start afresh.
          this.parser.lastId = undefined;
        }
      }
      this.setConnected(false, reason);
      if (this.closed) break;
      // A connection that held for a while earns a fresh start; one dropped at once backs off.
      if (Date.now() - startedAt > 5_000) this.delayMs = this.backoff.minMs;
      const base = Math.max(this.delayMs, this.serverRetryMs ?? 0);
      this.delayMs = Math.min(this.backoff.maxMs, this.delayMs * 2);
      await this.sleep(Math.min(this.backoff.maxMs, base) * (0.8 + Math.random() * 0.4));
    }
  }

  /** One connection, followed until it ends; returns why it ended. */
  private async follow(): Promise<string> {
    const controller = new AbortController();
    this.controller = controller;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number) => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(new Error(`no data for ${ms} ms`)), ms);
      (idle as { unref?: () => void }).unref?.();
    };
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.options.serviceKey}`,
        accept: 'text/event-stream',
        'cache-control': 'no-cache',
      };
      const resumeFrom = this.parser.lastId;
      if (resumeFrom) headers['last-event-id'] = resumeFrom;
      arm(this.connectTimeoutMs);
      const response = await this.options.fetch(this.options.url, { headers, signal: controller.signal });
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        const refused = response.status === 401 || response.status === 403;
        return refused
          ? `Latchkey refused the service key for the events stream (HTTP ${response.status}); check its scope "integration" and permission "introspect:use"`
          : `the events stream answered HTTP ${response.status} ${type}`;
      }
      this.parser.reset();
      this.setConnected(true);
      if (!resumeFrom) this.options.onChange({ kind: 'all' });
      arm(this.idleTimeoutMs);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return 'the events stream ended';
          arm(this.idleTimeoutMs);
          this.parser.push(value);
        }
      } finally {
        reader.cancel().catch(() => undefined);
      }
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof Error) return controller.signal.reason.message;
      throw error;
    } finally {
      clearTimeout(idle);
      if (!controller.signal.aborted) controller.abort();
    }
  }

  private handle(event: SseEvent): void {
    if (event.event !== 'credential') return;
    const { change, understood } = parseChange(event.data);
    if (!understood) this.options.logger.warn('Latchkey sent a credential event this SDK cannot read; dropping every cached answer');
    this.options.onChange(change);
  }

  private setConnected(connected: boolean, reason?: string): void {
    if (this.closed) return;
    if (this.connected !== connected) {
      this.connected = connected;
      this.options.onStatus(connected);
      if (connected) {
        this.lastWarnedAt = -Infinity;
        this.options.logger.log?.('following Latchkey credential events');
      }
    }
    // Every loss is told, and a stream that cannot come back is told again every half minute.
    if (!connected && reason !== undefined && Date.now() - this.lastWarnedAt >= 30_000) {
      this.lastWarnedAt = Date.now();
      this.options.logger.warn(`Latchkey credential events unavailable (${reason}); cached answers live at most 1 s until they are back`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      (timer as { unref?: () => void }).unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
