import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ACCESS_KEY, PUBLIC_KEY } from '../access/access.decorator.js';
import { authorize } from '../access/authorize.js';
import type { AccessRule, Denial, Principal } from '../access/principal.js';
import { ApiError } from '../common/api-error.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { AuthEvents } from './auth-events.js';
import { Authenticator } from './authenticator.js';

const DEFAULT_RULE: AccessRule = { surface: 'rest', ownable: true };
const NO_CREDENTIAL: Denial = { allow: false, status: 401, reason: 'A valid access token or API key is required.' };
const BLOCKED = 'Too many failed authentications from this address.';

/** The one table from a refusal to its answer. */
const ANSWERS: Record<Denial['status'], (denial: Denial) => ApiError> = {
  401: (denial) => ApiError.unauthorized(denial.reason),
  403: (denial) => ApiError.forbidden(denial.reason),
  429: (denial) => ApiError.tooManyRequests(denial.reason, denial.retryAfterSeconds ?? 1),
};

type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/**
 * The HTTP request behind a route or a GraphQL field, and the method its rule is judged by: a
 * GraphQL query reads and a mutation writes, whatever HTTP method carried them.
 */
function requestOf(context: ExecutionContext): { request: AuthenticatedRequest; method: string } {
  if (context.getType<string>() === 'graphql') {
    const request = (context.getArgByIndex(2) as { req: AuthenticatedRequest }).req;
    const operation = (context.getArgByIndex(3) as { operation?: { operation?: string } } | undefined)?.operation?.operation;
    return { request, method: operation === 'query' ? 'GET' : 'POST' };
  }
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return { request, method: request.method };
}

/**
 * The one global guard, deny by default: the route's rule (`@Access()`, or none for `@Public()`),
 * then the Authenticator turns the credential into a principal, `authorize()` decides, and ANSWERS
 * maps a refusal to its error. What follows a decision (throttling failures, auditing refusals,
 * recording a key's use) is done by listeners of AuthEvents.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly rules = new WeakMap<object, AccessRule | null>();
  /** Per request, so the fields of one GraphQL document share one authentication and one rate-limit unit. */
  private readonly authenticated = new WeakMap<object, { principal: Principal; retryAfterSeconds?: number }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly rateLimits: RateLimitsService,
    private readonly events: AuthEvents,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.ruleFor(context);
    if (!rule) return true;
    const { request, method } = requestOf(context);
    // A later field of the same GraphQL request: authenticated and counted once, judged per field.
    const known = this.authenticated.get(request);
    if (known) return this.decide(request, method, rule, known.principal, known.retryAfterSeconds);
    // Answered from memory, before any credential is looked at.
    const blocked = this.rateLimits.authBlocked(request.ip);
    if (blocked !== undefined) throw ANSWERS[429]({ allow: false, status: 429, reason: BLOCKED, retryAfterSeconds: blocked });
    const resolved = await this.authenticator.authenticate(request);
    if (!resolved) return this.refuse(request, NO_CREDENTIAL, null);
    // Cached principals are shared between requests; each request gets its own copy with its address.
    const principal: Principal = { ...resolved, clientIp: request.ip };
    request.user = principal;
    const retryAfterSeconds =
      principal.rateLimitPerMinute && principal.identityId !== null
        ? await this.rateLimits.consumeKey(principal.identityId, principal.rateLimitPerMinute)
        : undefined;
    this.authenticated.set(request, { principal, retryAfterSeconds });
    const allowed = await this.decide(request, method, rule, principal, retryAfterSeconds);
    if (principal.kind === 'apiKey') this.events.keyUsed(principal);
    return allowed;
  }

  private async decide(request: AuthenticatedRequest, method: string, rule: AccessRule, principal: Principal, retryAfterSeconds: number | undefined): Promise<true> {
    const decision = authorize(principal, { method, path: request.url, clientIp: request.ip, now: new Date(), rule, retryAfterSeconds });
    if (!decision.allow) return this.refuse(request, decision, principal);
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
