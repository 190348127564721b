import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Strategy } from 'passport';
import type { Principal } from '../access/principal.js';
import { ApiKeyHeaderStrategy } from './strategies/api-key-header.strategy.js';
import { AuthorizationHeaderStrategy } from './strategies/authorization-header.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';

const BASIC = /^basic /i;

/** The outcome callbacks passport gives a strategy for one attempt. */
interface StrategyAttempt {
  authenticate(request: unknown, options: { session: boolean }): void;
  success(user: unknown): void;
  fail(): void;
  error(error: unknown): void;
  pass(): void;
  redirect(): void;
}

/**
 * Runs one passport strategy on the request through passport's strategy contract (an attempt
 * object derived from the strategy, with success/fail/error actions), as passport's own
 * `authenticate` middleware does — without that middleware's per-request additions to the
 * request object (login/logout/isAuthenticated/session manager), which cost more than the check.
 */
function attempt(strategy: Strategy, request: FastifyRequest): Promise<Principal | null> {
  return new Promise((resolve, reject) => {
    const run = Object.create(strategy) as StrategyAttempt;
    run.success = (user) => resolve((user as Principal) || null);
    run.fail = () => resolve(null);
    run.pass = () => resolve(null);
    run.redirect = () => resolve(null);
    run.error = reject;
    run.authenticate(request, { session: false });
  });
}

/**
 * Credential → principal. Owns the passport strategies and their order: only those whose transport
 * is on the request run (`Authorization: Bearer|raw`, then `X-API-KEY`, then `Authorization:
 * Basic`), in the order passport would try them, and the first principal wins.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly authorizationHeader: AuthorizationHeaderStrategy,
    private readonly apiKeyHeader: ApiKeyHeaderStrategy,
    private readonly basic: BasicStrategy,
  ) {}

  async authenticate(request: FastifyRequest): Promise<Principal | null> {
    const authorization = request.headers.authorization;
    const basic = typeof authorization === 'string' && BASIC.test(authorization);
    let principal: Principal | null = null;
    if (typeof authorization === 'string' && !basic) principal = await attempt(this.authorizationHeader, request);
    if (!principal && request.headers['x-api-key'] !== undefined) principal = await attempt(this.apiKeyHeader, request);
    if (!principal && basic) principal = await attempt(this.basic, request);
    return principal;
  }
}
