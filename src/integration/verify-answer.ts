import type { Denial, DenialCode, Principal } from '../access/principal.js';
import type { KeyBudget } from '../rate-limits/rate-limits.service.js';

export type RefusalCode = 'NOT_FOUND' | 'DISABLED' | 'EXPIRED' | 'IP_NOT_ALLOWED' | 'RATE_LIMITED' | 'READ_ONLY' | 'INSUFFICIENT_PERMISSIONS' | 'PATH_NOT_ALLOWED';

export type VerifyAnswer =
  | {
      valid: true;
      code: 'VALID';
      subject: { identityId: number; userUid: string; userName: string; companyId: string; companyName: string; role: string };
      permissions: readonly string[];
      scopes: readonly string[];
      readOnly: boolean;
      ownObjectsOnly: boolean;
      expiresAt: string | null;
      rateLimit: { limit: number; remaining: number; resetAt: string } | null;
    }
  | { valid: false; code: RefusalCode; message: string; missingPermissions?: string[]; retryAfterSeconds?: number };

/**
 * The one table from the rule that refused (authorize()) to the verify code. A key without the
 * `rest` surface is not one a resource server may accept: reported as a missing right.
 */
const CODES: Record<DenialCode, RefusalCode> = {
  UNAUTHENTICATED: 'NOT_FOUND',
  ADDRESS_BLOCKED: 'RATE_LIMITED',
  DISABLED: 'DISABLED',
  EXPIRED: 'EXPIRED',
  IP_NOT_ALLOWED: 'IP_NOT_ALLOWED',
  RATE_LIMITED: 'RATE_LIMITED',
  SURFACE_NOT_ALLOWED: 'INSUFFICIENT_PERMISSIONS',
  SESSION_ONLY: 'INSUFFICIENT_PERMISSIONS',
  READ_ONLY: 'READ_ONLY',
  INSUFFICIENT_PERMISSIONS: 'INSUFFICIENT_PERMISSIONS',
  PATH_NOT_ALLOWED: 'PATH_NOT_ALLOWED',
  OWN_OBJECTS_ONLY: 'INSUFFICIENT_PERMISSIONS',
};

export const NOT_FOUND: VerifyAnswer = Object.freeze({ valid: false, code: 'NOT_FOUND', message: 'The key does not exist.' });

export function refusalOf(denial: Denial): VerifyAnswer {
  const answer: VerifyAnswer = { valid: false, code: CODES[denial.code], message: denial.reason };
  if (denial.missingPermissions) answer.missingPermissions = denial.missingPermissions;
  if (denial.retryAfterSeconds !== undefined) answer.retryAfterSeconds = denial.retryAfterSeconds;
  return answer;
}

/** Sorted lists of the interned sets principals share, made once per set. */
const sortedLists = new WeakMap<ReadonlySet<string>, readonly string[]>();
function sorted(set: ReadonlySet<string>): readonly string[] {
  let list = sortedLists.get(set);
  if (!list) sortedLists.set(set, (list = Object.freeze([...set].sort())));
  return list;
}

export function validAnswer(principal: Principal, companyName: string, budget: KeyBudget | null): VerifyAnswer {
  return {
    valid: true,
    code: 'VALID',
    subject: {
      identityId: principal.identityId as number,
      userUid: principal.userUid,
      userName: principal.userName,
      companyId: principal.companyUid,
      companyName,
      role: principal.role,
    },
    permissions: sorted(principal.permissions),
    scopes: sorted(principal.scopes),
    readOnly: principal.readOnly,
    ownObjectsOnly: principal.ownObjectsOnly,
    expiresAt: principal.expiresAt?.toISOString() ?? null,
    rateLimit: budget ? { limit: budget.limit, remaining: budget.remaining, resetAt: budget.resetAt.toISOString() } : null,
  };
}
