import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SecretsService } from '../database/secrets.service.js';

/** A key's per-minute budget after one request; `retryAfterSeconds` when that request was over it. */
export interface KeyBudget {
  limit: number;
  remaining: number;
  resetAt: Date;
  retryAfterSeconds?: number;
}

/** Wrong second-factor codes per user per 15 minutes. */
const FAILED_CODES_PER_WINDOW = 5;

/**
 * Budgets enforced with rate-limiter-flexible: in memory by default, in Redis when REDIS_URL is
 * set so that several instances share one budget. Returns seconds to wait, or undefined.
 */
@Injectable()
export class RateLimitsService implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis | null;
  private readonly perKey = new Map<number, RateLimiterAbstract>();
  private readonly failedAuth: RateLimiterAbstract;
  private readonly failedLogins: RateLimiterAbstract;
  private readonly failedCodes: RateLimiterAbstract;
  private readonly revocations: RateLimiterAbstract;

  private namespaceValue: string | undefined;
  /** Addresses over their failed-authentication budget, until when (ms since the epoch). */
  private readonly blockedAddresses = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly secrets: SecretsService,
  ) {
    this.redis = config.redisUrl ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : null;
    this.redis?.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    this.failedAuth = this.limiter('auth-fail', config.authFailuresPerMinute, 60);
    this.failedLogins = this.limiter('login-fail', config.loginFailuresPer15Minutes, 900);
    this.failedCodes = this.limiter('mfa-fail', FAILED_CODES_PER_WINDOW, 900);
    this.revocations = this.limiter('revoke', config.revocationsPerMinute, 60);
  }

  /**
   * One request to a public revocation route (anyone may call them): seconds to wait when the
   * address has used its budget, so nobody can make the server hash and look up values without end.
   */
  async revocationWait(address: string): Promise<number | undefined> {
    return this.consume(this.revocations, address);
  }

  /** One request of a key whose identity carries a per-minute limit, and what is left of it. */
  async consumeKey(identityId: number, perMinute: number): Promise<KeyBudget> {
    let limiter = this.perKey.get(perMinute);
    if (!limiter) this.perKey.set(perMinute, (limiter = this.limiter(`key-${perMinute}`, perMinute, 60)));
    let state: RateLimiterRes;
    let spent = false;
    try {
      state = await limiter.consume(`${this.namespace()}:${identityId}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      state = rejection;
      spent = true;
    }
    const budget: KeyBudget = { limit: perMinute, remaining: Math.max(0, state.remainingPoints), resetAt: new Date(Date.now() + state.msBeforeNext) };
    if (spent) budget.retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    return budget;
  }

  /** Seconds an address must wait because of earlier failed authentications, if any. */
  /**
   * Seconds an address must wait because of earlier failed authentications, if any. Answered
   * from memory, so it costs every authenticated request nothing: the shared (Redis) budget is
   * consulted when a failure is counted, and an address over it is remembered here until the
   * budget refills. With Redis, each instance thus admits at most one more failure than the
   * shared budget before it blocks the address too.
   */
  authBlocked(address: string, now = Date.now()): number | undefined {
    const until = this.blockedAddresses.get(address);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.blockedAddresses.delete(address);
      return undefined;
    }
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  async authFailed(address: string): Promise<void> {
    let state: RateLimiterRes;
    try {
      state = await this.failedAuth.consume(`${this.namespace()}:${address}`);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      state = rejection;
    }
    // The budget is spent once no point remains: block from now until it refills.
    if (state.remainingPoints > 0) return;
    if (this.blockedAddresses.size >= 100_000) this.blockedAddresses.clear();
    this.blockedAddresses.set(address, Date.now() + Math.max(1000, state.msBeforeNext));
  }

  async loginBlocked(address: string, username: string): Promise<number | undefined> {
    return this.blocked(this.failedLogins, `${address}|${username.toLowerCase()}`);
  }

  async loginFailed(address: string, username: string): Promise<void> {
    await this.consume(this.failedLogins, `${address}|${username.toLowerCase()}`);
  }

  async codeBlocked(userUid: string): Promise<number | undefined> {
    return this.blocked(this.failedCodes, userUid);
  }

  async codeFailed(userUid: string): Promise<void> {
    await this.consume(this.failedCodes, userUid);
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const options = { keyPrefix: `latchkey:${name}`, points, duration };
    if (!this.redis) return new RateLimiterMemory(options);
    // If Redis is unreachable, fall back to this instance's memory rather than failing requests.
    return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) });
  }

  /**
   * Budgets are shared by the instances of one deployment (one database), and only by them: the
   * namespace derives from a server secret they all hold, so other deployments on the same Redis
   * never collide with identity ids or addresses.
   */
  private namespace(): string {
    return (this.namespaceValue ??= createHash('sha256').update(this.secrets.get('api-key-hmac')).update('rate-limits').digest('hex').slice(0, 16));
  }

  private async consume(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
    try {
      await limiter.consume(`${this.namespace()}:${key}`);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }

  private async blocked(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
    const state = await limiter.get(`${this.namespace()}:${key}`);
    if (!state || state.consumedPoints < limiter.points) return undefined;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }
}
