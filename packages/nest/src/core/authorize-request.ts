import { missingKeyRefusal, type Refusal, refusalOf, type ValidAnswer, unavailableRefusal } from './answers.js';
import { LatchkeyUnavailableError } from './errors.js';
import { extractKey, type HeaderSource } from './transports.js';
import type { LatchkeyVerifier } from './verifier.js';

/** Who a request acts for, once its key is verified: the subject and what the key may do. */
export interface VerifiedSubject {
  identityId: number;
  userUid: string;
  userName: string;
  companyId: string;
  companyName: string;
  role: string;
  permissions: readonly string[];
  scopes: readonly string[];
  readOnly: boolean;
  /** Filter the service's own objects by `userUid` when true. */
  ownObjectsOnly: boolean;
  expiresAt: string | null;
  rateLimit: ValidAnswer['rateLimit'];
}

export interface IncomingRequest {
  headers: HeaderSource;
  method: string;
  /** The path, with or without a query string (it is cut off). */
  path: string;
  /** The client's address after the app's trust-proxy rules (`req.ip` in Express and Fastify). */
  clientIp?: string;
  /** Permissions the route requires. */
  permissions?: readonly string[];
}

export type Decision = { allow: true; subject: VerifiedSubject } | { allow: false; refusal: Refusal };

/** Answers are cached and shared, so their subject objects are too. */
const subjects = new WeakMap<ValidAnswer, VerifiedSubject>();

export function subjectOf(answer: ValidAnswer): VerifiedSubject {
  let subject = subjects.get(answer);
  if (!subject) {
    subject = Object.freeze({
      ...answer.subject,
      permissions: answer.permissions,
      scopes: answer.scopes,
      readOnly: answer.readOnly,
      ownObjectsOnly: answer.ownObjectsOnly,
      expiresAt: answer.expiresAt,
      rateLimit: answer.rateLimit,
    });
    subjects.set(answer, subject);
  }
  return subject;
}

/** The path without its query string. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The whole decision for one request, for any framework: the key from its transports, the verify
 * answer (cached), and either the subject or the refusal to send (401, 403, 429 or 503, with its
 * headers). Never throws for Latchkey's outages: they are a 503 refusal.
 */
export async function authorizeRequest(verifier: LatchkeyVerifier, request: IncomingRequest, realm = 'latchkey'): Promise<Decision> {
  const key = extractKey(request.headers);
  if (key === null) return { allow: false, refusal: missingKeyRefusal(realm) };
  let answer;
  try {
    answer = await verifier.verify(key, { method: request.method, path: pathOf(request.path), clientIp: request.clientIp, permissions: request.permissions });
  } catch (error) {
    if (error instanceof LatchkeyUnavailableError) return { allow: false, refusal: unavailableRefusal() };
    throw error;
  }
  return answer.valid ? { allow: true, subject: subjectOf(answer) } : { allow: false, refusal: refusalOf(answer, realm) };
}
