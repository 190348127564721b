import { Injectable } from '@nestjs/common';
import { authorize } from '../access/authorize.js';
import type { AccessRequest, Decision, Principal } from '../access/principal.js';
import { type KeyBudget, RateLimitsService } from '../rate-limits/rate-limits.service.js';

/** A request to decide, without what the policy reads itself: the clock and the key's rate limit. */
export type PolicyRequest = Omit<AccessRequest, 'now' | 'retryAfterSeconds'>;

export interface PolicyOutcome {
  decision: Decision;
  /** The key's rate limit after this request, for keys that have one. */
  budget: KeyBudget | null;
}

/**
 * The policy pipeline after a principal exists, one for Latchkey's own routes (AccessGuard) and
 * for resource servers (the verify API): the key's per-minute budget is consumed, then
 * `authorize()` decides with every rule in the documented order.
 */
@Injectable()
export class AccessPolicy {
  constructor(private readonly rateLimits: RateLimitsService) {}

  async decide(principal: Principal, request: PolicyRequest): Promise<PolicyOutcome> {
    const budget = await this.consume(principal);
    return { decision: this.judge(principal, request, budget), budget };
  }

  /** One unit of the key's per-minute budget; null for credentials without a rate limit. */
  consume(principal: Principal): Promise<KeyBudget | null> | null {
    return principal.rateLimitPerMinute && principal.identityId !== null ? this.rateLimits.consumeKey(principal.identityId, principal.rateLimitPerMinute) : null;
  }

  /**
   * `authorize()` with a budget already consumed: a GraphQL document's fields are judged one by
   * one against the one unit their request consumed.
   */
  judge(principal: Principal, request: PolicyRequest, budget: KeyBudget | null): Decision {
    return authorize(principal, { ...request, now: new Date(), retryAfterSeconds: budget?.retryAfterSeconds });
  }
}
