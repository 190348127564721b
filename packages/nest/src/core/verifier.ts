import * as crypto from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AnswerCache, type CachedAnswer, type CredentialChange } from './answer-cache.js';
import { MALFORMED_KEY, parseAnswer, type VerifyAnswer, type VerifyRequest } from './answers.js';
import { LatchkeyUnavailableError } from './errors.js';
import { CredentialStream, type Logger } from './events.js';
import { isWellFormedKey } from './key-format.js';

export interface VerifierOptions {
  /** Latchkey's base URL, e.g. `https://latchkey.example.com` (without `/api/v3`). */
  url: string;
  /** This service's own Latchkey API key: scope `integration`, permission `introspect:use`. */
  serviceKey: string;
  /** How long a positive answer is reused while the events stream is up. Default 5 s. */
  ttlMs?: number;
  /** How long a refusal is reused. Default 1 s. */
  negativeTtlMs?: number;
  /**
   * When Latchkey cannot be reached (network error, timeout, 5xx), an answer that expired at most
   * this long ago stands in for a fresh one. Default 1 s; 0 refuses at once.
   */
  staleGraceMs?: number;
  /** Bound on cached answers (positive and negative each). Default 10,000. */
  maxEntries?: number;
  /** Bound on one verify request, headers and body. Default 2 s. */
  timeoutMs?: number;
  /**
   * Follow Latchkey's credential events and evict on each (default true). Without them, cached
   * answers live their whole TTL after a key is revoked: keep `ttlMs` short.
   */
  events?: boolean;
  /** The `fetch` to use (default the global one). */
  fetch?: typeof fetch;
  /** Where connection trouble is reported (default `console`). Never given a key. */
  logger?: Logger;
  /** Millisecond clock for the cache (default `performance.now`); tests pass their own. */
  clock?: () => number;
}

/** While the events stream is down, no answer is reused for longer than this (Latchkey's own relay does the same). */
export const STREAM_DOWN_TTL_MS = 1_000;
const VERIFY_PATH = '/api/v3/integration/verify';
const EVENTS_PATH = '/api/v3/integration/events';
/** Verify failures are reported at most this often (an outage would otherwise log every request). */
const FAILURE_LOG_INTERVAL_MS = 5_000;

/** SHA-256, one-shot where the runtime has it (a third of the cost of createHash). */
const sha256: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'base64')
    : (text) => crypto.createHash('sha256').update(text).digest('base64');

const EMPTY: readonly string[] = Object.freeze([]);

function normalisedPermissions(permissions: readonly string[] | undefined): readonly string[] {
  if (!permissions || permissions.length === 0) return EMPTY;
  if (permissions.length === 1) return permissions;
  return [...new Set(permissions)].sort();
}

/** `::ffff:203.0.113.7` (an IPv4 client on a dual-stack socket) as `203.0.113.7`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function errorText(body: string): string {
  try {
    const message = (JSON.parse(body) as { errors?: { message?: unknown }[] }).errors?.[0]?.message;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // not the envelope
  }
  return body.slice(0, 200) || 'no body';
}

/**
 * Asks Latchkey whether an API key may make a request, remembering answers for a few seconds.
 *
 * - Malformed keys (format, checksum) are refused here, without a request.
 * - Answers are cached by SHA-256 of key, method, path, client address and required permissions
 *   (the key itself is never kept): positive for `ttlMs`, refusals for `negativeTtlMs`, in bounded
 *   LRUs; concurrent misses share one request. Answers for keys with a per-key rate limit are
 *   never cached: each request has to consume at Latchkey.
 * - Latchkey's events evict the answers a change concerns; while the stream is down, answers live
 *   at most 1 s.
 * - Fail closed: when Latchkey cannot answer, a request is refused ({@link LatchkeyUnavailableError}),
 *   unless an answer for it expired less than `staleGraceMs` ago.
 */
export class LatchkeyVerifier {
  /** Counters, for tests and metrics. */
  readonly stats = { hits: 0, misses: 0, requests: 0, staleServed: 0, malformed: 0, evicted: 0 };
  private readonly cache: AnswerCache;
  private readonly inFlight = new Map<string, Promise<VerifyAnswer>>();
  /** Digests of requests whose key has a per-key rate limit: never cached, never shared. */
  private readonly metered: LRUCache<string, true>;
  /** Bumped by every change, so an answer that raced a change is not cached. */
  private generation = 0;
  private readonly stream: CredentialStream | null;
  private readonly verifyUrl: string;
  private readonly headers: Record<string, string>;
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly staleGraceMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private lastFailureLog = -Infinity;

  constructor(options: VerifierOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new TypeError(`Latchkey url "${String(options.url)}" is not a URL.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('Latchkey url must be http: or https:.');
    if (typeof options.serviceKey !== 'string' || !isWellFormedKey(options.serviceKey)) {
      throw new TypeError('The Latchkey service key is not a well-formed Latchkey API key (lk_…).');
    }
    const root = base.href.replace(/\/+$/, '');
    this.verifyUrl = root + VERIFY_PATH;
    this.headers = { authorization: `Bearer ${options.serviceKey}`, 'content-type': 'application/json', accept: 'application/json' };
    this.ttlMs = nonNegative(options.ttlMs, 5_000, 'ttlMs');
    this.negativeTtlMs = nonNegative(options.negativeTtlMs, 1_000, 'negativeTtlMs');
    this.staleGraceMs = nonNegative(options.staleGraceMs, 1_000, 'staleGraceMs');
    this.timeoutMs = nonNegative(options.timeoutMs, 2_000, 'timeoutMs') || 1;
    const maxEntries = Math.max(1, Math.floor(nonNegative(options.maxEntries, 10_000, 'maxEntries')));
    this.cache = new AnswerCache(maxEntries, maxEntries);
    this.metered = new LRUCache({ max: maxEntries });
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.logger = options.logger ?? { warn: (message) => console.warn(`[latchkey] ${message}`) };
    this.clock = options.clock ?? (() => performance.now());
    this.stream =
      options.events === false
        ? null
        : new CredentialStream({
            url: root + EVENTS_PATH,
            serviceKey: options.serviceKey,
            fetch: this.fetch,
            logger: this.logger,
            onChange: (change) => this.evict(change),
            onStatus: () => undefined,
          });
    this.stream?.start();
  }

  /** True while the events stream is up (false when events are off). */
  get streamConnected(): boolean {
    return this.stream?.isConnected ?? false;
  }

  /** Cached answers, positive and negative. */
  get size(): { positive: number; negative: number } {
    return this.cache.size;
  }

  /**
   * Latchkey's answer for `key` making `request`: from the cache when fresh, else from Latchkey.
   * Throws {@link LatchkeyUnavailableError} when no answer can be had (fail closed).
   */
  async verify(key: string, request: VerifyRequest = {}): Promise<VerifyAnswer> {
    if (!isWellFormedKey(key)) {
      this.stats.malformed++;
      return MALFORMED_KEY;
    }
    const method = (request.method ?? '').toUpperCase();
    const path = request.path ?? '';
    const clientIp = plainAddress(request.clientIp ?? '');
    const permissions = normalisedPermissions(request.permissions);
    const digest = sha256(`${key}\0${method}\0${path}\0${clientIp}\0${permissions.join(',')}`);
    const entry = this.cache.get(digest);
    if (entry && this.clock() - entry.storedAt < this.lifetime(entry)) {
      this.stats.hits++;
      return entry.answer;
    }
    this.stats.misses++;
    try {
      return await this.answer(digest, key, { method, path, clientIp, permissions });
    } catch (error) {
      // Looked up again: a change may have evicted the entry while Latchkey was being asked.
      const stale = error instanceof LatchkeyUnavailableError && error.transient ? this.cache.get(digest) : undefined;
      if (stale && this.clock() - stale.storedAt < this.lifetime(stale) + this.staleGraceMs) {
        this.stats.staleServed++;
        return stale.answer;
      }
      this.reportFailure(error);
      throw error;
    }
  }

  /** Applies a credential change to the cache (the events stream calls this; so can a webhook). */
  evict(change: CredentialChange): void {
    this.generation++;
    this.inFlight.clear();
    this.metered.clear();
    this.stats.evicted += this.cache.apply(change);
  }

  /** Forgets every cached answer. */
  clear(): void {
    this.evict({ kind: 'all' });
  }

  /** Stops following events and forgets every answer. */
  async close(): Promise<void> {
    await this.stream?.close();
    this.clear();
  }

  /** How long an entry is fresh: its TTL, at most 1 s while the events stream is down. */
  private lifetime(entry: CachedAnswer): number {
    return this.stream && !this.stream.isConnected ? Math.min(entry.ttlMs, STREAM_DOWN_TTL_MS) : entry.ttlMs;
  }

  /** One request per digest at a time: concurrent misses share it, except for metered keys. */
  private answer(digest: string, key: string, request: Required<VerifyRequest>): Promise<VerifyAnswer> {
    if (this.metered.has(digest)) return this.ask(key, request);
    const shared = this.inFlight.get(digest);
    // A metered key's answer consumed one request's worth: the others must consume their own.
    if (shared) return shared.then((answer) => (isMetered(answer) ? this.ask(key, request) : answer));
    const generation = this.generation;
    const flight: Promise<VerifyAnswer> = this.ask(key, request).then(
      (answer) => {
        if (this.inFlight.get(digest) === flight) this.inFlight.delete(digest);
        if (generation === this.generation) this.remember(digest, answer);
        return answer;
      },
      (error: unknown) => {
        if (this.inFlight.get(digest) === flight) this.inFlight.delete(digest);
        throw error;
      },
    );
    this.inFlight.set(digest, flight);
    return flight;
  }

  private remember(digest: string, answer: VerifyAnswer): void {
    if (isMetered(answer)) {
      this.metered.set(digest, true);
      this.cache.delete(digest);
      return;
    }
    let ttlMs = answer.valid ? this.ttlMs : this.negativeTtlMs;
    if (answer.valid && answer.expiresAt !== null) {
      const left = Date.parse(answer.expiresAt) - Date.now();
      if (!(left > 0)) return;
      ttlMs = Math.min(ttlMs, left);
    }
    if (ttlMs > 0) this.cache.set(digest, { answer, storedAt: this.clock(), ttlMs });
  }

  private async ask(key: string, request: Required<VerifyRequest>): Promise<VerifyAnswer> {
    this.stats.requests++;
    const body: Record<string, unknown> = { key };
    if (request.permissions.length) body.permissions = request.permissions;
    if (request.method) body.method = request.method;
    if (request.path) body.path = request.path;
    if (request.clientIp) body.clientIp = request.clientIp;
    let response: Response;
    let payload: unknown;
    try {
      response = await this.fetch(this.verifyUrl, { method: 'POST', headers: this.headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
      if (response.status !== 200) {
        const text = await response.text().catch(() => '');
        throw httpFailure(response.status, text);
      }
      payload = await response.json();
    } catch (error) {
      if (error instanceof LatchkeyUnavailableError) throw error;
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : describe(error);
      throw new LatchkeyUnavailableError(`Latchkey cannot be reached (${reason}).`, true, undefined, { cause: error });
    }
    const answer = parseAnswer(payload);
    if (!answer) throw new LatchkeyUnavailableError('Latchkey answered the verify request with something that is not a verify answer.', false, 200);
    return answer;
  }

  private reportFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLog = now;
    this.logger.warn(`refusing requests that cannot be verified: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Shorthand for `new LatchkeyVerifier(options)`. */
export function createVerifier(options: VerifierOptions): LatchkeyVerifier {
  return new LatchkeyVerifier(options);
}

function isMetered(answer: VerifyAnswer): boolean {
  return answer.valid ? answer.rateLimit !== null : answer.code === 'RATE_LIMITED';
}

function httpFailure(status: number, body: string): LatchkeyUnavailableError {
  if (status >= 500 || status === 429) return new LatchkeyUnavailableError(`Latchkey answered HTTP ${status}: ${errorText(body)}`, true, status);
  if (status === 401 || status === 403) {
    return new LatchkeyUnavailableError(
      `Latchkey refused this service's key (HTTP ${status}: ${errorText(body)}); it needs the scope "integration" and the permission "introspect:use".`,
      false,
      status,
    );
  }
  return new LatchkeyUnavailableError(`Latchkey answered the verify request with HTTP ${status}: ${errorText(body)}`, false, status);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `: ${(cause as { code?: string }).code ?? cause.message}` : '';
  return `${error.message}${detail}`;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number of milliseconds.`);
  return value;
}
