/** Latchkey's verify answers (`POST /api/v3/integration/verify`) and what a resource server makes of them. */

export type RefusalCode =
  | 'NOT_FOUND'
  | 'DISABLED'
  | 'EXPIRED'
  | 'IP_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'READ_ONLY'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'PATH_NOT_ALLOWED';

/** Whom a valid key acts for. */
export interface KeySubject {
  identityId: number;
  userUid: string;
  userName: string;
  companyId: string;
  companyName: string;
  role: string;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** ISO date-time. */
  resetAt: string;
}

export interface ValidAnswer {
  valid: true;
  code: 'VALID';
  subject: KeySubject;
  permissions: readonly string[];
  scopes: readonly string[];
  readOnly: boolean;
  /** The key may touch only objects its user owns: filter by `subject.userUid`. */
  ownObjectsOnly: boolean;
  /** ISO date-time, or null for a key that never expires. */
  expiresAt: string | null;
  /** Set for keys with a per-key rate limit; such answers are never cached. */
  rateLimit: RateLimitState | null;
}

export interface InvalidAnswer {
  valid: false;
  /** One of {@link RefusalCode}; an unknown future code is refused with 403. */
  code: RefusalCode | (string & {});
  message: string;
  missingPermissions?: readonly string[];
  retryAfterSeconds?: number;
}

export type VerifyAnswer = ValidAnswer | InvalidAnswer;

/** What the resource server is about to do with the key. All optional, as in the verify API. */
export interface VerifyRequest {
  method?: string;
  /** Request path without the query string. */
  path?: string;
  /** The client's address, as the resource server sees it (after its trust-proxy rules). */
  clientIp?: string;
  /** Permissions the route requires, e.g. `['vm:write']`. */
  permissions?: readonly string[];
}

/** A key that fails the format or checksum: refused without asking Latchkey. */
export const MALFORMED_KEY: InvalidAnswer = Object.freeze({ valid: false, code: 'NOT_FOUND', message: 'The API key is malformed.' });

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

function parseSubject(value: unknown): KeySubject | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  if (!Number.isInteger(s.identityId) || !isString(s.userUid) || !s.userUid) return null;
  return Object.freeze({
    identityId: s.identityId as number,
    userUid: s.userUid,
    userName: isString(s.userName) ? s.userName : '',
    companyId: isString(s.companyId) ? s.companyId : '',
    companyName: isString(s.companyName) ? s.companyName : '',
    role: isString(s.role) ? s.role : '',
  });
}

function parseRateLimit(value: unknown): RateLimitState | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.limit !== 'number' || typeof r.remaining !== 'number') return undefined;
  return Object.freeze({ limit: r.limit, remaining: r.remaining, resetAt: isString(r.resetAt) ? r.resetAt : '' });
}

/**
 * The `data` of a 200 verify answer, checked and frozen (answers are shared through the cache), or
 * null when it is not one: a valid answer without a usable subject is not trusted.
 */
export function parseAnswer(body: unknown): VerifyAnswer | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.valid === true) {
    const subject = parseSubject(d.subject);
    const rateLimit = parseRateLimit(d.rateLimit);
    if (d.code !== 'VALID' || !subject || rateLimit === undefined) return null;
    if (d.expiresAt !== null && d.expiresAt !== undefined && !isString(d.expiresAt)) return null;
    return Object.freeze({
      valid: true,
      code: 'VALID',
      subject,
      permissions: Object.freeze(isStringArray(d.permissions) ? [...d.permissions] : []),
      scopes: Object.freeze(isStringArray(d.scopes) ? [...d.scopes] : []),
      readOnly: d.readOnly === true,
      ownObjectsOnly: d.ownObjectsOnly === true,
      expiresAt: (d.expiresAt as string | null | undefined) ?? null,
      rateLimit,
    });
  }
  if (d.valid === false && isString(d.code) && d.code) {
    const answer: InvalidAnswer = { valid: false, code: d.code, message: isString(d.message) ? d.message : '' };
    if (isStringArray(d.missingPermissions)) answer.missingPermissions = Object.freeze([...d.missingPermissions]);
    if (typeof d.retryAfterSeconds === 'number' && Number.isFinite(d.retryAfterSeconds)) answer.retryAfterSeconds = d.retryAfterSeconds;
    return Object.freeze(answer);
  }
  return null;
}

/** How a refused request is answered at the HTTP layer. */
export interface Refusal {
  status: 401 | 403 | 429 | 503;
  /** The verify code, or `MISSING_KEY` / `UNAVAILABLE` for refusals made by the SDK itself. */
  code: string;
  message: string;
  headers: Record<string, string>;
}

const quoteList = (names: readonly string[]): string => {
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
};

function missingMessage(answer: InvalidAnswer): string {
  const missing = answer.missingPermissions ?? [];
  if (missing.length === 0) return answer.message || 'The key lacks a permission this route requires.';
  return `The key lacks the ${quoteList(missing)} permission${missing.length > 1 ? 's' : ''}.`;
}

const retryAfter = (answer: InvalidAnswer): number => Math.max(1, Math.ceil(answer.retryAfterSeconds ?? 1));

/** One table from a verify code to its HTTP answer; codes not listed are refused with 403. */
const REFUSALS: Record<RefusalCode, { status: 401 | 403 | 429; message: (answer: InvalidAnswer) => string }> = {
  NOT_FOUND: { status: 401, message: (a) => (a === MALFORMED_KEY ? a.message : 'The API key is not valid.') },
  DISABLED: { status: 401, message: () => 'The API key is disabled.' },
  EXPIRED: { status: 401, message: () => 'The API key has expired.' },
  IP_NOT_ALLOWED: { status: 403, message: () => 'The API key may not be used from this address.' },
  RATE_LIMITED: { status: 429, message: (a) => `The API key's rate limit is exhausted; retry in ${retryAfter(a)} s.` },
  READ_ONLY: { status: 403, message: () => 'The API key is read-only.' },
  INSUFFICIENT_PERMISSIONS: { status: 403, message: missingMessage },
  PATH_NOT_ALLOWED: { status: 403, message: () => 'The API key may not be used on this path.' },
};

export function challengeFor(realm: string): string {
  return `Bearer realm="${realm}", Basic realm="${realm}"`;
}

/** The HTTP answer for an invalid key. */
export function refusalOf(answer: InvalidAnswer, realm = 'latchkey'): Refusal {
  const row = REFUSALS[answer.code as RefusalCode];
  if (!row) return { status: 403, code: answer.code, message: answer.message || 'The API key does not grant this request.', headers: {} };
  const headers: Record<string, string> = {};
  if (row.status === 401) headers['www-authenticate'] = challengeFor(realm);
  if (row.status === 429) headers['retry-after'] = String(retryAfter(answer));
  return { status: row.status, code: answer.code, message: row.message(answer), headers };
}

/** The HTTP answer for a request that offers no API key. */
export function missingKeyRefusal(realm = 'latchkey'): Refusal {
  return { status: 401, code: 'MISSING_KEY', message: 'An API key is required.', headers: { 'www-authenticate': challengeFor(realm) } };
}

/** The HTTP answer when Latchkey cannot be asked and no cached answer may stand in. */
export function unavailableRefusal(): Refusal {
  return { status: 503, code: 'UNAVAILABLE', message: 'The API key cannot be verified right now; try again shortly.', headers: { 'retry-after': '1' } };
}
