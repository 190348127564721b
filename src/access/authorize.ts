import { addressAllowed } from './networks.js';
import type { AccessRequest, Decision, Denial, DenialCode, Principal } from './principal.js';
import { canonicalPath, pathAllowed } from './request-path.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOW: Decision = { allow: true };

function deny(status: Denial['status'], code: DenialCode, reason: string, extra: Pick<Denial, 'retryAfterSeconds' | 'missingPermissions'> = {}): Denial {
  return { allow: false, status, code, reason, ...extra };
}

const quoted = (names: readonly string[]): string =>
  names.length === 1 ? `"${names[0]}"` : `${names.slice(0, -1).map((n) => `"${n}"`).join(', ')} and "${names[names.length - 1]}"`;

/** Whether the credential itself is usable: enabled all the way up and not expired. */
export function checkCredential(principal: Principal, now: Date): Decision {
  if (principal.identityStatus !== 'enabled') return deny(401, 'DISABLED', 'The credential is disabled.');
  if (principal.userStatus !== 'Enabled') return deny(401, 'DISABLED', 'The credential owner is disabled.');
  if (principal.companyStatus !== 'Active') return deny(401, 'DISABLED', "The credential owner's company is disabled.");
  if (principal.expiresAt && principal.expiresAt.getTime() <= now.getTime()) return deny(401, 'EXPIRED', 'The credential has expired.');
  return ALLOW;
}

/** The rule's permission and the request's extra ones that the principal lacks, in order, once each. */
function missingPermissions(principal: Principal, request: AccessRequest): string[] | null {
  const { permission } = request.rule;
  const extra = request.permissions;
  // Latchkey's own routes: one permission, checked without allocating.
  if (!extra?.length) return !permission || principal.permissions.has(permission) ? null : [permission];
  const missing: string[] = [];
  for (const name of permission ? [permission, ...extra] : extra) if (!principal.permissions.has(name) && !missing.includes(name)) missing.push(name);
  return missing.length ? missing : null;
}

/**
 * Every access rule of Latchkey, in the documented order, as one pure function:
 * identity/user/company enabled → not expired → IP allowlist → rate limit → surface scope →
 * sessions only → read-only → permissions → path → own objects. Format and lookup happen before a principal exists.
 * Latchkey's own routes and resource servers (through the verify API) are decided here alike.
 */
export function authorize(principal: Principal, request: AccessRequest): Decision {
  const { rule } = request;
  const usable = checkCredential(principal, request.now);
  if (!usable.allow) return usable;
  if (principal.allowedNetworks.length && !addressAllowed(request.clientIp, principal.allowedNetworks)) {
    return deny(403, 'IP_NOT_ALLOWED', 'The credential may not be used from this address.');
  }
  if (request.retryAfterSeconds !== undefined) {
    return deny(429, 'RATE_LIMITED', 'The credential has exceeded its rate limit.', { retryAfterSeconds: request.retryAfterSeconds });
  }
  if (!principal.scopes.has(rule.surface)) {
    return deny(403, 'SURFACE_NOT_ALLOWED', `The credential is not scoped for the "${rule.surface}" surface.`);
  }
  if (rule.sessionOnly && principal.kind !== 'session') {
    return deny(403, 'SESSION_ONLY', 'Only an interactive session may do this; API keys cannot.');
  }
  if (principal.readOnly && !SAFE_METHODS.has(request.method.toUpperCase())) {
    return deny(403, 'READ_ONLY', 'The credential is read-only.');
  }
  const missing = missingPermissions(principal, request);
  if (missing) {
    const plural = missing.length > 1 ? 's' : '';
    return deny(403, 'INSUFFICIENT_PERMISSIONS', `The credential lacks the ${quoted(missing)} permission${plural}.`, { missingPermissions: missing });
  }
  if (principal.pathPrefixes.length) {
    const path = canonicalPath(request.path);
    if (path === null || !pathAllowed(path, principal.pathPrefixes)) {
      return deny(403, 'PATH_NOT_ALLOWED', 'The credential may not be used on this path.');
    }
  }
  if (principal.ownObjectsOnly && rule.ownable === false) {
    return deny(403, 'OWN_OBJECTS_ONLY', 'The credential is limited to its own objects.');
  }
  return ALLOW;
}
