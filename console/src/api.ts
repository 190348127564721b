// Small fetch wrapper for the Latchkey /api/v3 endpoints.
// The access token lives only in memory; the refresh token is kept in
// sessionStorage so a page reload keeps the session. API keys are never stored.
import type { Envelope } from './types';

const BASE = '/api/v3';
const REFRESH_KEY = 'latchkey.refreshToken';

export class ApiError extends Error {
  readonly status: number;
  readonly propertyName?: string;
  constructor(message: string, status: number, propertyName?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.propertyName = propertyName;
  }
}

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}
export type SignInResult = { kind: 'signedIn' } | { kind: 'mfa'; mfaToken: string };

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
let sessionLost: () => void = () => {};

/** Called once by the app: invoked when the session cannot be renewed. */
export function onSessionLost(handler: () => void): void {
  sessionLost = handler;
}

function storeTokens(pair: TokenPair): void {
  accessToken = pair.access_token;
  sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
}

export function signOut(): void {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeTokenError(body: unknown, status: number): string {
  const b = body as { error?: string; error_description?: string } | undefined;
  if (b?.error_description) return b.error_description;
  if (b?.error === 'invalid_grant') return 'The username, password or code is not correct.';
  if (b?.error) return `Sign-in failed (${b.error}).`;
  return describeError(body, status);
}

function describeError(body: unknown, status: number): string {
  const errors = (body as { errors?: { message?: string }[] } | undefined)?.errors;
  const messages = (errors ?? []).map((e) => e.message).filter((m): m is string => !!m);
  if (messages.length > 0) return messages.join(' ');
  if (status === 401) return 'You are not signed in, or your session has expired.';
  if (status === 403) return 'You do not have permission to do this.';
  if (status === 404) return 'Not found, or you may not see it.';
  if (status === 429) return 'Too many requests. Please wait and try again.';
  return `The server answered with an error (HTTP ${status}).`;
}

async function tokenRequest(body: Record<string, string | boolean>): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${BASE}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError('Could not reach the server. Check your connection.', 0);
  }
  const json = await readJson(res);
  if (!res.ok) throw new ApiError(describeTokenError(json, res.status), res.status);
  return json;
}

function toResult(json: unknown): SignInResult {
  const body = json as Partial<TokenPair> & { mfa_token?: string };
  if (body.mfa_token) return { kind: 'mfa', mfaToken: body.mfa_token };
  if (!body.access_token || !body.refresh_token) {
    throw new ApiError('The server gave an unexpected answer to sign-in.', 200);
  }
  storeTokens(body as TokenPair);
  return { kind: 'signedIn' };
}

export async function signIn(username: string, password: string, readOnly: boolean): Promise<SignInResult> {
  const body: Record<string, string | boolean> = { grant_type: 'password', username, password };
  if (readOnly) body.readOnly = true;
  // The server remembers a read-only sign-in (through the mfa step too) and reports it in /users/me.
  return toResult(await tokenRequest(body));
}

export async function verifyMfa(mfaToken: string, code: string): Promise<void> {
  toResult(await tokenRequest({ grant_type: 'mfa', mfa_token: mfaToken, mfa_code: code }));
}

/**
 * Exchanges the stored refresh token for a new pair. Only one refresh runs at
 * a time: refresh tokens rotate, and reusing one revokes the whole session.
 */
export function refresh(): Promise<boolean> {
  if (refreshing) return refreshing;
  const token = sessionStorage.getItem(REFRESH_KEY);
  if (!token) return Promise.resolve(false);
  refreshing = tokenRequest({ grant_type: 'refresh_token', refresh_token: token })
    .then((json) => toResult(json).kind === 'signedIn')
    .catch((err: unknown) => {
      // A network failure keeps the refresh token for a later retry.
      if (!(err instanceof ApiError) || err.status !== 0) signOut();
      return false;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export function hasSession(): boolean {
  return accessToken !== null;
}

export type Query = Record<string, string | number | undefined>;

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send(method: string, target: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  // Only declare a JSON body when there is one: an empty JSON body is a 400.
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(target, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError('Could not reach the server. Check your connection.', 0);
  }
}

/** Calls an /api/v3 endpoint; on 401 refreshes the session once and retries. */
export async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<Envelope<T>> {
  const target = url(path, opts.query);
  let res = await send(method, target, opts.body);
  if (res.status === 401 && (await refresh())) {
    res = await send(method, target, opts.body);
  }
  const json = await readJson(res);
  if (res.status === 401) {
    signOut();
    sessionLost();
  }
  if (!res.ok) {
    const first = (json as { errors?: { propertyName?: string }[] } | undefined)?.errors?.[0];
    throw new ApiError(describeError(json, res.status), res.status, first?.propertyName);
  }
  return (json ?? { data: undefined }) as Envelope<T>;
}

export const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body });
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
export const del = <T>(path: string) => request<T>('DELETE', path);
