import { Injectable } from '@nestjs/common';
import { RateLimitsService } from '../../rate-limits/rate-limits.service.js';
import { AuthEvents, type Refusal } from '../auth-events.js';

/**
 * Counts each failed authentication (a 401) against its address; once the address has spent its
 * budget, the guard's pre-check answers 429 before looking at any credential. A 403 is a valid
 * credential refused, not a failure to authenticate.
 */
@Injectable()
export class FailedAuthenticationListener {
  constructor(
    events: AuthEvents,
    private readonly rateLimits: RateLimitsService,
  ) {
    events.on('auth.refused', (refusal) => this.refused(refusal));
  }

  refused(refusal: Refusal): Promise<void> | undefined {
    return refusal.status === 401 ? this.rateLimits.authFailed(refusal.address) : undefined;
  }
}
