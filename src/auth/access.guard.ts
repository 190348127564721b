import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Strategy } from 'passport';
import { ApiError } from '../common/api-error.js';
import { ACCESS_KEY, PUBLIC_KEY } from './access.decorator.js';
import { authorize } from './authorize.js';
import type { AccessRule, Principal } from './principal.js';
import { ApiKeyHeaderStrategy } from './strategies/api-key-header.strategy.js';
import { AuthorizationHeaderStrategy } from './strategies/authorization-header.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';

const DEFAULT_RULE: AccessRule = { surface: 'rest', ownable: true };
const BASIC = /^basic /i;
type AuthenticatedRequest = FastifyRequest & { user?: Principal };

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
 * The one global guard: deny by default, `@Public()` opts out. Passport strategies turn the
 * credential into a principal; `authorize()` decides; routes never check credentials themselves.
 * Only the strategies whose transport is present run, in the order passport would try them.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly rules = new WeakMap<object, AccessRule | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authorizationHeader: AuthorizationHeaderStrategy,
    private readonly apiKeyHeader: ApiKeyHeaderStrategy,
    private readonly basic: BasicStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleFor(context);
    if (!rule) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request);
    if (!principal) throw ApiError.unauthorized('A valid access token or API key is required.');
    request.user = principal;
    const decision = authorize(principal, { method: request.method, path: request.url, clientIp: request.ip, now: new Date(), rule });
    if (!decision.allow) {
      if (decision.status === 401) throw ApiError.unauthorized(decision.reason);
      if (decision.status === 429) {
        throw new ApiError(429, decision.reason, 'retryableLogical', undefined, { 'retry-after': String(decision.retryAfterSeconds ?? 1) });
      }
      throw ApiError.forbidden(decision.reason);
    }
    return true;
  }

  /** The route's rule, or null for `@Public()`; read from metadata once per handler. */
  private ruleFor(context: ExecutionContext): AccessRule | null {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (rule === undefined) {
      const targets = [handler, context.getClass()];
      rule = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
        ? null
        : (this.reflector.getAllAndOverride<AccessRule>(ACCESS_KEY, targets) ?? DEFAULT_RULE);
      this.rules.set(handler, rule);
    }
    return rule;
  }

  /** First principal from the strategies matching the request's transports, or null. */
  private async authenticate(request: FastifyRequest): Promise<Principal | null> {
    for (const strategy of this.strategiesFor(request)) {
      const principal = await attempt(strategy, request);
      if (principal) return principal;
    }
    return null;
  }

  private strategiesFor(request: FastifyRequest): Strategy[] {
    const authorization = request.headers.authorization;
    const basic = typeof authorization === 'string' && BASIC.test(authorization);
    const strategies: Strategy[] = [];
    if (typeof authorization === 'string' && !basic) strategies.push(this.authorizationHeader);
    if (request.headers['x-api-key'] !== undefined) strategies.push(this.apiKeyHeader);
    if (basic) strategies.push(this.basic);
    return strategies;
  }
}
