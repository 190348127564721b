import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ACCESS_KEY, PUBLIC_KEY } from '../access/access.decorator.js';
import type { AccessRule, Denial, Principal } from '../access/principal.js';
import { ApiError } from '../common/api-error.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { AccessPolicy } from './access-policy.js';
import { AuthEvents } from './auth-events.js';
import { Authenticator } from './authenticator.js';

const DEFAULT_RULE: AccessRule = { surface: 'rest', ownable: true };
const NO_CREDENTIAL: Denial = { allow: false, status: 401, code: 'UNAUTHENTICATED', reason: 'A valid access token or API key is required.' };
const BLOCKED = 'Too many failed authentications from this address.';

/** The one table from a refusal to its answer. */
const ANSWERS: Record<Denial['status'], (denial: Denial) => ApiError> = {
  401: (denial) => ApiError.unauthorized(denial.reason),
  403: (denial) => ApiError.forbidden(denial.reason),
  429: (denial) => ApiError.tooManyRequests(denial.reason, denial.retryAfterSeconds ?? 1),
};

type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/**
 * The one global guard, deny by default: the route's rule (`@Access()`, or none for `@Public()`),
 * then the Authenticator turns the credential into a principal, AccessPolicy (the key's rate limit,
 * then `authorize()`) decides, and ANSWERS
 * maps a refusal to its error. What follows a decision (throttling failures, auditing refusals,
 * recording a key's use) is done by listeners of AuthEvents.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly rules = new WeakMap<object, AccessRule | null>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly rateLimits: RateLimitsService,
    private readonly events: AuthEvents,
    private readonly policy: AccessPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleFor(context);
    if (!rule) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Answered from memory, before any credential is looked at.
    const blocked = this.rateLimits.authBlocked(request.ip);
    if (blocked !== undefined) throw ANSWERS[429]({ allow: false, status: 429, code: 'ADDRESS_BLOCKED', reason: BLOCKED, retryAfterSeconds: blocked });
    const resolved = await this.authenticator.authenticate(request);
    if (!resolved) return this.refuse(request, NO_CREDENTIAL, null);
    // Cached principals are shared between requests; each request gets its own copy with its address.
    const principal: Principal = { ...resolved, clientIp: request.ip };
    request.user = principal;
    const { decision } = await this.policy.decide(principal, { method: request.method, path: request.url, clientIp: request.ip, rule });
    if (!decision.allow) return this.refuse(request, decision, principal);
    if (principal.kind === 'apiKey') this.events.keyUsed(principal);
    return true;
  }

  private async refuse(request: FastifyRequest, denial: Denial, principal: Principal | null): Promise<never> {
    await this.events.refused({ ...denial, principal, address: request.ip, method: request.method, url: request.url });
    throw ANSWERS[denial.status](denial);
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
}
