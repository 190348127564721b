import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { LastUsedRecorder } from '../identities/last-used.recorder.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { ACCESS_KEY, PUBLIC_KEY } from './access.decorator.js';
import { authorize } from './authorize.js';
import type { AccessRule, Principal } from './principal.js';

function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, message, 'retryableLogical', undefined, { 'retry-after': String(retryAfterSeconds) });
}

const DEFAULT_RULE: AccessRule = { surface: 'rest', ownable: true };
type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/**
 * The one global guard: deny by default, `@Public()` opts out. Passport strategies turn the
 * credential into a principal; `authorize()` decides; routes never check credentials themselves.
 */
@Injectable()
export class AccessGuard extends AuthGuard(['authorization', 'api-key-header', 'basic']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly lastUsed: LastUsedRecorder,
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitsService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_KEY, targets) ?? DEFAULT_RULE;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const blocked = await this.rateLimits.authBlocked(request.ip);
    if (blocked !== undefined) throw tooManyRequests('Too many failed authentications from this address.', blocked);
    try {
      await super.canActivate(context);
    } catch (error) {
      this.auditFailure(request, 'auth.failed', 'no valid credential');
      await this.rateLimits.authFailed(request.ip);
      throw error;
    }
    // Cached principals are shared between requests; each request gets its own copy with its address.
    const principal: Principal = { ...(request.user as Principal), clientIp: request.ip };
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

  override handleRequest<T>(error: unknown, principal: T): T {
    if (error || !principal) throw ApiError.unauthorized('A valid access token or API key is required.');
    return principal;
  }
}
