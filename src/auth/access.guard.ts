import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Strategy } from 'passport';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { LastUsedRecorder } from '../identities/last-used.recorder.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { ACCESS_KEY, PUBLIC_KEY } from './access.decorator.js';
import { authorize } from './authorize.js';
import type { AccessRule, Principal } from './principal.js';
import { ApiKeyHeaderStrategy } from './strategies/api-key-header.strategy.js';
import { AuthorizationHeaderStrategy } from './strategies/authorization-header.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';

function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, message, 'retryableLogical', undefined, { 'retry-after': String(retryAfterSeconds) });
}

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
    private readonly lastUsed: LastUsedRecorder,
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleFor(context);
    if (!rule) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const blocked = this.rateLimits.authBlocked(request.ip);
    if (blocked !== undefined) throw tooManyRequests('Too many failed authentications from this address.', blocked);
    const resolved = await this.authenticate(request);
    if (!resolved) {
      this.auditFailure(request, 'auth.failed', 'no valid credential');
      await this.rateLimits.authFailed(request.ip);
      throw ApiError.unauthorized('A valid access token or API key is required.');
    }
    // Cached principals are shared between requests; each request gets its own copy with its address.
    const principal: Principal = { ...resolved, clientIp: request.ip };
    request.user = principal;
    const retryAfterSeconds =
      principal.rateLimitPerMinute && principal.identityId !== null
        ? await this.rateLimits.consumeKey(principal.identityId, principal.rateLimitPerMinute)
        : undefined;
    const decision = authorize(principal, { method: request.method, path: request.url, clientIp: request.ip, now: new Date(), rule, retryAfterSeconds });
    if (!decision.allow) {
      this.auditFailure(request, decision.status === 401 ? 'auth.failed' : 'auth.denied', decision.reason, principal);
      if (decision.status === 401) {
        await this.rateLimits.authFailed(request.ip);
        throw ApiError.unauthorized(decision.reason);
      }
      if (decision.status === 429) throw tooManyRequests(decision.reason, decision.retryAfterSeconds ?? 1);
      throw ApiError.forbidden(decision.reason);
    }
    if (principal.kind === 'apiKey') this.lastUsed.record(principal);
    return true;
  }

  /** Refusals are audited off the request path; the entry names the credential, never its value. */
  private auditFailure(request: FastifyRequest, action: string, reason: string, principal?: Principal): void {
    this.audit.defer({
      action,
      outcome: 'failure',
      actor: principal ?? null,
      companyUid: principal?.companyUid ?? null,
      fromAddress: request.ip,
      details: { reason, method: request.method, path: request.url.split('?')[0].slice(0, 256) },
    });
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
