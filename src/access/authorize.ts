import { addressAllowed } from './networks.js';
import type { AccessRequest, Decision, Denial, Principal } from './principal.js';
import { canonicalPath, pathAllowed } from './request-path.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOW: Decision = { allow: true };

function deny(status: Denial['status'], reason: string, retryAfterSeconds?: number): Denial {
  return { allow: false, status, reason, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

/** Whether the credential itself is usable: enabled all the way up and not expired. */
export function checkCredential(principal: Principal, now: Date): Decision {
  if (principal.identityStatus !== 'enabled') return deny(401, 'The credential is disabled.');
  if (principal.userStatus !== 'Enabled') return deny(401, 'The credential owner is disabled.');
  if (principal.companyStatus !== 'Active') return deny(401, "The credential owner's company is disabled.");
  if (principal.expiresAt && principal.expiresAt.getTime() <= now.getTime()) return deny(401, 'The credential has expired.');
  return ALLOW;
}

/**
 * Every access rule of Latchkey, in the documented order, as one pure function:
 * identity/user/company enabled → not expired → IP allowlist → rate limit → surface scope →
 * sessions only → read-only → permission → path → own objects. Format and lookup happen before a principal exists.
 */
export function authorize(principal: Principal, request: AccessRequest): Decision {
  const { rule } = request;
  const usable = checkCredential(principal, request.now);
  if (!usable.allow) return usable;
  if (principal.allowedNetworks.length && !addressAllowed(request.clientIp, principal.allowedNetworks)) {
    return deny(403, 'The credential may not be used from this address.');
  }
  if (request.retryAfterSeconds !== undefined) {
    return deny(429, 'The credential has exceeded its rate limit.', request.retryAfterSeconds);
  }
  if (!principal.scopes.has(rule.surface)) {
    return deny(403, `The credential is not scoped for the "${rule.surface}" surface.`);
  }
  if (rule.sessionOnly && principal.kind !== 'session') {
    return deny(403, 'Only an interactive session may do this; API keys cannot.');
  }
  if (principal.readOnly && !SAFE_METHODS.has(request.method.toUpperCase())) {
    return deny(403, 'The credential is read-only.');
  }
  if (rule.permission && !principal.permissions.has(rule.permission)) {
    return deny(403, `The credential lacks the "${rule.permission}" permission.`);
  }
  if (principal.pathPrefixes.length) {
    const path = canonicalPath(request.path);
    if (path === null || !pathAllowed(path, principal.pathPrefixes)) {
      return deny(403, 'The credential may not be used on this path.');
    }
  }
  if (principal.ownObjectsOnly && rule.ownable === false) {
    return deny(403, 'The credential is limited to its own objects.');
  }
  return ALLOW;
}
