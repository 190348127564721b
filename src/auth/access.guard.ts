import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ACCESS_KEY, PUBLIC_KEY } from '../access/access.decorator.js';
import type { AccessRule, Denial, Principal } from '../access/principal.js';
import { ApiError } from '../common/api-error.js';
import { type KeyBudget, RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { AccessPolicy } from './access-policy.js';
import { AuthEvents } from './auth-events.js';
import { Authenticator } from './authenticator.js';
import { type AuthenticatedRequest, requestOf } from './guarded-request.js';

const DEFAULT_RULE: AccessRule = { surface: 'rest', ownable: true };
const NO_CREDENTIAL: Denial = { allow: false, status: 401, code: 'UNAUTHENTICATED', reason: 'A valid access token or API key is required.' };
const BLOCKED = 'Too many failed authentications from this address.';

/** The one table from a refusal to its answer. */
const ANSWERS: Record<Denial['status'], (denial: Denial) => ApiError> = {
  401: (denial) => ApiError.unauthorized(denial.reason),
  403: (denial) => ApiError.forbidden(denial.reason),
  429: (denial) => ApiError.tooManyRequests(denial.reason, denial.retryAfterSeconds ?? 1),
};

/** Who is calling, once authenticated: the principal, its rate-limit state, whether its use was recorded. */
interface Caller {
  principal: Principal;
  budget: KeyBudget | null;
  used: boolean;
}

/**
 * The one global guard, deny by default: the route's rule (`@Access()`, or none for `@Public()`),
 * then the Authenticator turns the credential into a principal, AccessPolicy (the key's rate limit,
 * then `authorize()`) decides, and ANSWERS maps a refusal to its error. What follows a decision (throttling failures, auditing refusals,
 * recording a key's use) is done by listeners of AuthEvents.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly rules = new WeakMap<object, AccessRule | null>();
  /** Per GraphQL request, so its fields share one authentication, one rate-limit unit and one key use. */
  private readonly identified = new WeakMap<object, Promise<Caller>>();

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
    const { request, method, graphql } = requestOf(context);
    // The fields of one GraphQL document (resolved concurrently) share one authentication.
    let pending = graphql ? this.identified.get(request) : undefined;
    if (!pending) {
      pending = this.identify(request);
      if (graphql) this.identified.set(request, pending);
    }
    const caller = await pending;
    const decision = this.policy.judge(caller.principal, { method, path: request.url, clientIp: request.ip, rule }, caller.budget);
    if (!decision.allow) return this.refuse(request, decision, caller.principal);
    if (caller.principal.kind === 'apiKey' && !caller.used) {
      caller.used = true;
      this.events.keyUsed(caller.principal);
    }
    return true;
  }

  /** Credential → principal, and one unit of its rate limit; refuses when there is none. */
  private async identify(request: AuthenticatedRequest): Promise<Caller> {
    // Answered from memory, before any credential is looked at.
    const blocked = this.rateLimits.authBlocked(request.ip);
    if (blocked !== undefined) throw ANSWERS[429]({ allow: false, status: 429, code: 'ADDRESS_BLOCKED', reason: BLOCKED, retryAfterSeconds: blocked });
    const resolved = await this.authenticator.authenticate(request);
    if (!resolved) return this.refuse(request, NO_CREDENTIAL, null);
    // Cached principals are shared between requests; each request gets its own copy with its address.
    const principal: Principal = { ...resolved, clientIp: request.ip };
    request.user = principal;
    return { principal, budget: await this.policy.consume(principal), used: false };
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
