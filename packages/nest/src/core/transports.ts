import { isWellFormedKey, looksLikeKey } from './key-format.js';

/**
 * Request headers as the frameworks hand them over: a fetch `Headers` (Hono, undici, workers) or
 * Node's plain object with lower-case names (`http`, Express, Fastify).
 */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const BEARER = /^Bearer +(\S+)$/i;
const BASIC = /^basic /i;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The password of `Authorization: Basic …` when a user name and a password are both present. */
function basicPassword(authorization: string): string | undefined {
  const parts = authorization.split(' ');
  if (parts.length < 2) return undefined;
  let decoded: string;
  try {
    decoded = atob(parts[1]);
  } catch {
    return undefined;
  }
  const [user, password] = decoded.split(':');
  return user && password ? password : undefined;
}

/**
 * Every API key the request offers, in the order Latchkey tries its transports:
 * `Authorization: Bearer <key>` or the raw `Authorization: <key>`, then `X-API-KEY: <key>`, then
 * HTTP Basic with the key as the password (any non-empty user name).
 */
export function keyCandidates(headers: HeaderSource): string[] {
  const candidates: string[] = [];
  const authorization = header(headers, 'authorization');
  const basic = authorization !== undefined && BASIC.test(authorization);
  if (authorization !== undefined && !basic) {
    const bearer = BEARER.exec(authorization);
    const credential = bearer ? bearer[1] : authorization.trim();
    if (looksLikeKey(credential)) candidates.push(credential);
  }
  const apiKey = header(headers, 'x-api-key');
  if (apiKey) candidates.push(apiKey);
  if (basic) {
    const password = basicPassword(authorization);
    if (password) candidates.push(password);
  }
  return candidates;
}

/**
 * The request's API key: the first well-formed one among its transports; failing that the first
 * offered (which the verifier refuses locally as malformed); null when the request offers none.
 */
export function extractKey(headers: HeaderSource): string | null {
  // The common case, one transport with a well-formed key, without building the candidate list.
  const apiKey = header(headers, 'x-api-key');
  if (apiKey !== undefined && header(headers, 'authorization') === undefined) return apiKey || null;
  const candidates = keyCandidates(headers);
  return candidates.find(isWellFormedKey) ?? candidates[0] ?? null;
}
