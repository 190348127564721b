import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { ACCESS_KEY, PUBLIC_KEY } from './access.decorator.js';
import { authorize } from './authorize.js';
import type { AccessRule, Principal } from './principal.js';

const DEFAULT_RULE: AccessRule = { surface: 'rest', ownable: true };
type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/**
 * The one global guard: deny by default, `@Public()` opts out. Passport strategies turn the
 * credential into a principal; `authorize()` decides; routes never check credentials themselves.
 */
@Injectable()
export class AccessGuard extends AuthGuard(['authorization', 'api-key-header', 'basic']) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const rule = this.reflector.getAllAndOverride<AccessRule>(ACCESS_KEY, targets) ?? DEFAULT_RULE;
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.user as Principal;
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

  override handleRequest<T>(error: unknown, principal: T): T {
    if (error || !principal) throw ApiError.unauthorized('A valid access token or API key is required.');
    return principal;
  }
}
