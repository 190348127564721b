import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DatabaseScope } from '../database/database-scope.js';
import { SecretsService } from '../database/secrets.service.js';
import { seal, unseal } from '../database/secret-box.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** A running reservation older than this belongs to a request whose instance died; it may be taken over. */
const RUNNING_LEASE_MS = 60_000;
/** How long a duplicate waits for the first request to finish before it is told to retry. */
const WAIT_MS = 5_000;
const POLL_MS = 100;
const MAX_ATTEMPTS = WAIT_MS / POLL_MS + 5;
/** Duplicates waiting at once on this instance; more are told to retry at once (bounded memory). */
const MAX_WAITING = 64;

/** One request, as far as idempotence is concerned. */
export interface IdempotentRequest {
  /** Who sends it: the credential, or the client address on public routes. */
  caller: string;
  requestId: string;
  method: string;
  url: string;
  body: unknown;
}

/** Either run the operation (and then `complete` or `release` its key), or answer the stored outcome. */
export type Admission = { run: true; recordKey: string } | { run: false; status: number; body: unknown };

/**
 * `X-Request-id` idempotence: the first request with an id reserves it (a row in the database,
 * so every instance agrees); its successful answer is kept sealed for the window and answered
 * again to the same caller's retries; the same id for another request is refused.
 */
@Injectable()
export class IdempotencyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  private waiting = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly records: IdempotencyRepository,
    private readonly secrets: SecretsService,
    private readonly scope: DatabaseScope,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Expired answers are deleted within the window's length (at most a minute) of expiring.
    const every = Math.min(this.config.idempotencyTtlSeconds, 60) * 1000;
    this.sweeper = setInterval(() => void this.sweep(), every);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async admit(request: IdempotentRequest): Promise<Admission> {
    const recordKey = this.digest('key', request.caller, request.requestId);
    const fingerprint = this.digest('request', request.method, request.url, JSON.stringify(request.body ?? null));
    const deadline = Date.now() + WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw stillRunning();
      const now = new Date();
      const reserved = await this.records.reserve({ recordKey, fingerprint, createdAt: now, expiresAt: new Date(now.getTime() + RUNNING_LEASE_MS) });
      if (reserved) return { run: true, recordKey };
      const record = await this.records.find(recordKey);
      if (!record) continue; // released or swept between the two statements: try again
      if (record.expiresAt.getTime() <= now.getTime()) {
        await this.records.dropExpired(recordKey, now);
        continue;
      }
      if (record.fingerprint !== fingerprint) throw mismatch();
      if (record.state === 'done' && record.outcome) {
        return { run: false, status: record.status ?? 200, body: JSON.parse(unseal(record.outcome, this.sealKey())) };
      }
      if (Date.now() >= deadline) throw stillRunning();
      await this.wait();
    }
  }

  /** Keeps the answer sealed for the rest of the window, counted from the first request. */
  async complete(recordKey: string, status: number, body: unknown, startedAt: Date): Promise<void> {
    const expiresAt = new Date(startedAt.getTime() + this.config.idempotencyTtlSeconds * 1000);
    await this.records.complete(recordKey, status, seal(JSON.stringify(body ?? null), this.sealKey()), expiresAt);
  }

  /** A failed request changed nothing: its id is free again, for a retry or a corrected request. */
  async release(recordKey: string): Promise<void> {
    await this.records.release(recordKey);
  }

  private async wait(): Promise<void> {
    if (this.waiting >= MAX_WAITING) throw stillRunning();
    this.waiting++;
    try {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    } finally {
      this.waiting--;
    }
  }

  private async sweep(): Promise<void> {
    try {
      await this.scope.run(() => this.records.sweep(new Date()));
    } catch (error) {
      this.logger.warn(`could not delete expired idempotency records: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private digest(purpose: string, ...parts: string[]): string {
    return createHmac('sha256', this.secrets.get('idempotency')).update(purpose).update('\0').update(parts.join('\0')).digest('hex');
  }

  /** A key of its own for sealing, derived from the same server secret as the digests. */
  private sealKey(): Buffer {
    return createHmac('sha256', this.secrets.get('idempotency')).update('seal').digest();
  }
}

function mismatch(): ApiError {
  return new ApiError(
    422,
    'This X-Request-id was already used for a different request (method, path or body) in the last minutes; send a new id for a new request.',
    'logical',
    { parameterName: 'X-Request-id' },
  );
}

function stillRunning(): ApiError {
  return new ApiError(409, 'A request with this X-Request-id is still being processed; retry shortly.', 'retryableLogical', { parameterName: 'X-Request-id' }, { 'retry-after': '1' });
}
