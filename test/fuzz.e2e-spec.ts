import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../src/identities/api-key.js';
import { API, createCompany, createKey, createUser, login, me, userInput } from './support/api.js';
import { stateFingerprint } from './support/database-text.js';
import { ADMIN, startApp, type TestApp } from './support/harness.js';
import { RawClient, type RawRequest, type RawResponse } from './support/raw-http.js';
import { SecretLedger } from './support/secrets.js';
import { ROLE } from '../src/access/roles.js';

/**
 * Property-based fuzzing of every route over real HTTP. For any input — wrong types, huge or odd
 * strings, nulls, deep JSON, bad JSON Patch, repeated query keys, duplicate or malformed
 * credentials, bodies past the limit — the app never answers 5xx, every error is in the VSPC
 * envelope (RFC 6749 form on the token endpoint), no answer carries a stack trace, a request with
 * no valid credential never succeeds on a protected route, and a refused request changes nothing.
 *
 * Runs are seeded and bounded: FUZZ_RUNS cases per route (default 30), FUZZ_SEED to replay.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123);
const BODY_LIMIT = 16_384;

type Param = 'userUid' | 'companyUid' | 'id';
type BodyKind = 'object' | 'patch' | 'token' | 'none';

/** One row per route; to fuzz a new route, add a row. */
interface RouteSpec {
  method: string;
  /** Under /api/v3, with `:userUid`, `:companyUid` or `:id` placeholders. */
  path: string;
  body: BodyKind;
  /** Names the route understands (body properties, query parameters or patchable properties). */
  fields?: readonly string[];
  query?: readonly string[];
  public?: boolean;
  /** Errors in RFC 6749 form instead of the envelope. */
  oauth?: boolean;
}

const PAGE = ['limit', 'offset', 'filter', 'sort', 'select'];
const USER_FIELDS = [
  'organizationUid', 'role', 'profile', 'credentials', 'mfaPolicyStatus', 'isService', 'userName', 'status', 'mfaPolicyConfigurationStatus', 'instanceUid', 'companyName', 'creationDate',
];
/** VSPC's nested user paths, for patches. */
const USER_PATHS = ['profile/firstName', 'profile/lastName', 'profile/title', 'profile/email', 'profile/address', 'profile/phone', 'credentials/password', 'credentials/userName'];
const COMPANY_FIELDS = ['name', 'status', 'instanceUid', 'isProvider', 'creationDate'];
const IDENTITY_FIELDS = [
  'description', 'scopes', 'isReadAccessOnly', 'permissions', 'expirationDate', 'allowedIps', 'pathPrefixes', 'ownObjectsOnly',
  'rateLimitPerMinute', 'status', 'id', 'userUid', 'companyId', 'parameters', 'keyPrefix', 'identityProviderName', 'lastUsedAt',
];

export const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', path: '/token', body: 'token', fields: ['grant_type', 'username', 'password', 'refresh_token', 'readOnly', 'mfa_token', 'mfa_code'], public: true, oauth: true },
  { method: 'DELETE', path: '/users/:userUid/tokens', body: 'none' },
  { method: 'GET', path: '/users', body: 'none', query: PAGE },
  { method: 'POST', path: '/users', body: 'object', fields: USER_FIELDS },
  { method: 'GET', path: '/users/me', body: 'none', query: ['select'] },
  { method: 'GET', path: '/users/:userUid', body: 'none', query: ['select'] },
  { method: 'PATCH', path: '/users/:userUid', body: 'patch', fields: [...USER_FIELDS, ...USER_PATHS] },
  { method: 'DELETE', path: '/users/:userUid', body: 'none' },
  { method: 'GET', path: '/organizations/companies', body: 'none', query: PAGE },
  { method: 'POST', path: '/organizations/companies', body: 'object', fields: COMPANY_FIELDS },
  { method: 'GET', path: '/organizations/companies/:companyUid', body: 'none' },
  { method: 'PATCH', path: '/organizations/companies/:companyUid', body: 'patch', fields: COMPANY_FIELDS },
  { method: 'DELETE', path: '/organizations/companies/:companyUid', body: 'none' },
  { method: 'GET', path: '/users/logins', body: 'none', query: [...PAGE, 'filter', 'sort', 'select'] },
  { method: 'GET', path: '/users/:userUid/logins', body: 'none', query: [...PAGE, 'filter', 'sort', 'select'] },
  { method: 'POST', path: '/users/:userUid/logins/apikey', body: 'object', fields: IDENTITY_FIELDS, query: IDENTITY_FIELDS },
  { method: 'GET', path: '/users/:userUid/logins/:id', body: 'none' },
  { method: 'PATCH', path: '/users/:userUid/logins/:id', body: 'patch', fields: IDENTITY_FIELDS },
  { method: 'DELETE', path: '/users/:userUid/logins/:id', body: 'none' },
  { method: 'POST', path: '/users/:userUid/logins/:id/rotate', body: 'object', fields: ['gracePeriodSeconds'] },
  { method: 'POST', path: '/apikeys/revoke', body: 'object', fields: ['keys'], public: true },
  { method: 'DELETE', path: '/apikeys', body: 'object', fields: ['key'] },
  { method: 'GET', path: '/audit', body: 'none', query: [...PAGE, 'action', 'outcome', 'userUid', 'identityId', 'from', 'to'] },
  { method: 'GET', path: '/permissions', body: 'none' },
  { method: 'POST', path: '/users/:userUid/logins/totp', body: 'none' },
  { method: 'POST', path: '/users/:userUid/logins/totp/:id/confirm', body: 'object', fields: ['code'] },
  { method: 'POST', path: '/integration/introspect', body: 'object', fields: ['token'] },
  { method: 'GET', path: '/ping', body: 'none', public: true },
  { method: 'GET', path: '/ping/authenticated', body: 'none' },
  { method: 'GET', path: '/organizations/provider', body: 'none', query: ['select'] },
  { method: 'GET', path: '/about', body: 'none', query: ['select'] },
];

/** Objects the fuzzer aims at, so valid ids reach the deep code paths; re-created when a case deletes them. */
interface Fixtures {
  adminAuth: string;
  adminKey: string;
  tenantKey: string;
  userUid: string;
  companyUid: string;
  providerUid: string;
  keyId: number;
}

// ---------------------------------------------------------------- arbitraries

const ADVERSARIAL_STRINGS = [
  '', ' ', '\u0000', '\t\r\n', 'null', 'undefined', 'true', 'NaN', '-1', '0', '1e309', '9'.repeat(40), '0x1F', '1.5',
  '../../etc/passwd', '%2e%2e%2f', '<script>alert(1)</script>', "' or 1=1 --", '"; drop table users; --', '${7*7}', '{{7*7}}',
  '__proto__', 'constructor', 'Ω≈ç√∫', '𝕃𝕒𝕥𝕔𝕙', '\u202e\u0066\u0064\u0070', '\uFEFF', '\uD800', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  'rest', 'ui', 'integration', 'enabled', 'disabled', 'Enabled', 'Disabled', 'Active', 'disabledDueToUser', ROLE.PortalAdministrator, ROLE.CompanyOwner, 'password',
  'refresh_token', '2026-01-01T00:00:00Z', '1999-01-01T00:00:00.000Z', '=/api/v3/users', '/api/v3', '10.0.0.0/8', '::1/128',
  'lk_' + 'A'.repeat(49), generateApiKey(),
];

const text = fc.oneof(
  { arbitrary: fc.constantFrom(...ADVERSARIAL_STRINGS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.integer({ min: 129, max: 40_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

/** `[[[[…]]]]` or `{"a":{"a":…}}`, deeper than any real document. */
const deepJson = fc.tuple(fc.integer({ min: 20, max: 400 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: text, weight: 5 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, [], {}, [null], ['rest'], ['rest', 'rest'], ['users:read']), weight: 3 },
  { arbitrary: fc.array(text, { maxLength: 60 }), weight: 2 },
  { arbitrary: deepJson, weight: 1 },
);

/** Property names: the route's own, others that must be refused, and hostile ones. */
const propertyName = (fields: readonly string[] = []) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...(fields.length ? fields : ['x'])), weight: 6 },
    { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'companyId', 'organizationUid', 'userUid', 'status', 'createdBy', 'isProvider', 'id'), weight: 2 },
    { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  );

const objectBody = (fields?: readonly string[]) =>
  fc.array(fc.tuple(propertyName(fields), anyValue), { maxLength: 8 }).map((pairs) => {
    const body: Record<string, unknown> = {};
    // defineProperty so "__proto__" becomes an own property, as JSON.parse would make it.
    for (const [name, value] of pairs) Object.defineProperty(body, name, { value, enumerable: true, writable: true, configurable: true });
    return body;
  });

const patchOp = (fields?: readonly string[]) =>
  fc.record(
    {
      op: fc.oneof({ arbitrary: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), weight: 6 }, { arbitrary: anyValue, weight: 1 }),
      path: fc.oneof(
        { arbitrary: propertyName(fields).map((name) => `/${name}`), weight: 5 },
        { arbitrary: fc.tuple(propertyName(fields), fc.constantFrom('0', '-', '1', 'x', '__proto__')).map(([a, b]) => `/${a.toUpperCase()}/${b}`), weight: 2 },
        { arbitrary: fc.constantFrom('', '/', '//', '/~1', '/~0x', 'description', '/__proto__/polluted'), weight: 2 },
        { arbitrary: anyValue, weight: 1 },
      ),
      from: fc.oneof(propertyName(fields).map((name) => `/${name}`), anyValue),
      value: anyValue,
    },
    { requiredKeys: ['op'] },
  );

const patchBody = (fields?: readonly string[]) =>
  fc.oneof(
    { arbitrary: fc.array(patchOp(fields), { minLength: 1, maxLength: 5 }), weight: 6 },
    { arbitrary: fc.constantFrom([], {}, null, 'replace', [[]], [null], Array.from({ length: 101 }, () => ({ op: 'test', path: '/status', value: 'enabled' }))), weight: 1 },
    { arbitrary: objectBody(fields), weight: 1 },
  );

/** Percent-encoding that tolerates lone surrogates (they go on the wire as U+FFFD). */
const encode = (value: string): string => encodeURIComponent(value.replace(/\p{Surrogate}/gu, '\uFFFD'));

interface Payload {
  contentType?: string | string[];
  body?: string | Buffer;
}

/** The value, put on the wire in a fitting or unfitting way. */
const encodedBody = (value: fc.Arbitrary<unknown>, form: boolean): fc.Arbitrary<Payload> =>
  fc.oneof(
    { arbitrary: value.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) ?? 'null' })), weight: 8 },
    ...(form
      ? [{ arbitrary: value.map((v) => ({ contentType: 'application/x-www-form-urlencoded', body: formEncode(v) })), weight: 6 }]
      : []),
    {
      arbitrary: fc.constantFrom<Payload>(
        { contentType: 'application/json', body: '{"a":' },
        { contentType: 'application/json', body: '' },
        { contentType: 'application/json', body: '\uFEFF{}' },
        { contentType: 'application/json', body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
        { contentType: 'application/json; charset=utf-16', body: '{}' },
        { contentType: 'application/json-patch+json', body: '[{"op":"replace","path":"/description","value":"x"}]' },
        { contentType: 'text/plain', body: 'hello' },
        { contentType: 'application/xml', body: '<a/>' },
        { contentType: 'multipart/form-data; boundary=x', body: '--x--' },
        { contentType: ['application/json', 'text/plain'], body: '{}' },
        { contentType: 'application/x-www-form-urlencoded', body: '%%%&&==&a[b]=1&a=2' },
        { body: '{}' },
        { contentType: 'application/json', body: `{"a":"${'y'.repeat(BODY_LIMIT)}"}` },
        { contentType: 'application/x-www-form-urlencoded', body: `a=${'z'.repeat(BODY_LIMIT + 1)}` },
        { contentType: 'application/json', body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' },
        // Nesting far past what a recursive parser or transformer survives, just under the body limit.
        { contentType: 'application/json', body: '['.repeat(8000) + ']'.repeat(8000) },
        { contentType: 'application/json', body: '{"a":'.repeat(2500) + '1' + '}'.repeat(2500) },
      ),
      weight: 3,
    },
    { arbitrary: fc.constant<Payload>({}), weight: 1 },
  );

function formEncode(value: unknown): string {
  if (value === null || typeof value !== 'object') return `value=${encode(String(value))}`;
  return Object.entries(value)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((item) => `${encode(k)}=${encode(typeof item === 'string' ? item : JSON.stringify(item) ?? '')}`))
    .join('&');
}

const tokenBody = (fields: readonly string[]) =>
  fc.oneof(
    { arbitrary: objectBody(fields), weight: 3 },
    {
      arbitrary: fc.record({
        grant_type: fc.oneof(fc.constantFrom('password', 'refresh_token', 'mfa', 'client_credentials', 'PASSWORD', ''), anyValue),
        username: fc.oneof(fc.constantFrom('admin', 'fuzz-target', 'nobody'), anyValue),
        password: fc.oneof(fc.constantFrom('wrong-password', 'admin-password-'), anyValue),
        refresh_token: anyValue,
        readOnly: anyValue,
      }, { requiredKeys: ['grant_type'] }),
      weight: 3,
    },
  );

/** Repeated keys, JSON literals, bracket syntax and broken percent-encoding. */
const queryString = (names: readonly string[] = []) =>
  fc.oneof(
    { arbitrary: fc.constant(''), weight: 5 },
    {
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(propertyName(names), fc.constantFrom('limit[]', 'offset[a]', 'scopes[0]', '', '__proto__')),
            fc.oneof(text.map((s) => s.slice(0, 2000)), fc.constantFrom('["rest","ui"]', '["rest"', '[1,2]', '{"a":1}', '[[[[[[[[[[]]]]]]]]]]', '-5', '501', '0', '1.5', '1e2')),
          ),
          { minLength: 1, maxLength: 6 },
        )
        .map((pairs) => '?' + pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
      weight: 6,
    },
    { arbitrary: fc.constantFrom('?', '?&&&', '?=', '?limit=%zz', '?%', '?limit=1&limit=2&limit=3', `?x=${'q'.repeat(5000)}`, '?limit=%00'), weight: 2 },
  );

/** Credentials: the valid ones (so deep code runs) and every malformed shape. */
type Credential = { valid: boolean; headers: Record<string, string | string[]> };

function credential(f: () => Fixtures): fc.Arbitrary<Credential> {
  const invalid = (headers: Record<string, string | string[]>): Credential => ({ valid: false, headers });
  const headerText = fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
  const valid = fc.constantFrom(
    () => ({ authorization: f().adminAuth }),
    () => ({ authorization: `Bearer ${f().adminKey}` }),
    () => ({ authorization: f().adminKey }),
    () => ({ 'x-api-key': f().adminKey }),
    () => ({ authorization: `Basic ${Buffer.from(`anyone:${f().adminKey}`).toString('base64')}` }),
    () => ({ authorization: `Bearer ${f().tenantKey}` }),
  );
  return fc.oneof(
    { arbitrary: valid.map((make) => ({ valid: true, headers: make() })), weight: 20 },
    { arbitrary: fc.constant(invalid({})), weight: 1 },
    {
      arbitrary: fc
        .constantFrom(
          'Bearer', 'Bearer ', 'Bearer  ', 'Basic', 'Basic ', 'Basic !!!', `Basic ${Buffer.from('nocolon').toString('base64')}`,
          `Basic ${Buffer.from(':').toString('base64')}`, 'Digest username="admin"', 'bearer lk_', 'lk_', generateApiKey(),
          `Bearer ${generateApiKey()}`, `Basic ${Buffer.from(`admin:${generateApiKey()}`).toString('base64')}`,
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Bearer a.b.c', `Bearer ${'a'.repeat(8000)}`, 'lk_' + 'A'.repeat(49),
        )
        .map((authorization) => invalid({ authorization })),
      weight: 4,
    },
    { arbitrary: headerText.map((s) => invalid({ authorization: s })), weight: 2 },
    { arbitrary: headerText.map((s) => invalid({ authorization: `Bearer ${s}` })), weight: 2 },
    { arbitrary: headerText.map((s) => invalid({ 'x-api-key': s })), weight: 2 },
    // Duplicates: a valid key next to junk is not a valid credential.
    { arbitrary: fc.constant(0).map(() => invalid({ 'x-api-key': [generateApiKey(), generateApiKey()] })), weight: 1 },
    { arbitrary: fc.constant(0).map(() => invalid({ authorization: ['Bearer x', 'Bearer y'] })), weight: 1 },
  );
}

function pathParam(kind: Param, f: () => Fixtures): fc.Arbitrary<string> {
  const real = fc.boolean().map((provider) => {
    const fx = f();
    if (kind === 'id') return String(fx.keyId);
    if (kind === 'userUid') return fx.userUid;
    return provider ? fx.providerUid : fx.companyUid;
  });
  return fc.oneof(
    { arbitrary: real, weight: 6 },
    { arbitrary: kind === 'id' ? fc.integer({ min: -5, max: 1000 }).map(String) : fc.uuid().map(String), weight: 2 },
    {
      arbitrary: fc
        .constantFrom('0', '-1', '1.5', '1e3', '0x10', '99999999999999999999', 'null', '%00', '..', '%2e%2e', '%2F', '%201', 'me', 'logins',
          '00000000-0000-0000-0000-000000000000', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ', 'x'.repeat(3000), '%F0%9F%94%91', '%E2%80%AE', '%C0%AF'),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map(encodeURIComponent), weight: 1 },
  );
}

interface Case {
  route: RouteSpec;
  request: RawRequest;
  credentialValid: boolean;
}

function caseFor(route: RouteSpec, f: () => Fixtures): fc.Arbitrary<Case> {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as Param);
  const body: fc.Arbitrary<Payload> =
    route.body === 'none'
      ? fc.oneof({ arbitrary: fc.constant<Payload>({}), weight: 4 }, { arbitrary: encodedBody(anyValue, false), weight: 1 })
      : route.body === 'patch'
        ? encodedBody(patchBody(route.fields), false)
        : route.body === 'token'
          ? encodedBody(tokenBody(route.fields ?? []), true)
          : encodedBody(objectBody(route.fields), false);
  return fc
    .record({
      params: fc.tuple(...params.map((p) => pathParam(p, f))),
      query: queryString(route.query ?? route.fields),
      credential: route.public ? fc.oneof(credential(f), fc.constant<Credential>({ valid: false, headers: {} })) : credential(f),
      body,
      extra: fc.option(fc.constantFrom<Record<string, string | string[]>>(
        { accept: 'text/html' }, { 'x-forwarded-for': '1.2.3.4, <script>' }, { 'accept-encoding': 'gzip, br' }, { 'x-http-method-override': 'DELETE' },
        { 'content-encoding': 'gzip' }, { 'transfer-encoding': 'identity' }, { host: 'evil.example' }, { 'x-api-key': '' }, { cookie: 'session=abc' },
      )),
    })
    .map(({ params: values, query, credential: cred, body: payload, extra }) => {
      let i = 0;
      const path = `${API}${route.path.replace(/:\w+/g, () => values[i++])}${query}`;
      const headers: Record<string, string | string[]> = { ...extra, ...cred.headers };
      if (payload.contentType !== undefined) headers['content-type'] = payload.contentType;
      return { route, request: { method: route.method, path, headers, body: payload.body }, credentialValid: cred.valid };
    });
}

// ---------------------------------------------------------------- properties

const ERROR_TYPES = ['logical', 'retryableLogical', 'security', 'transport', 'unspecified'];

function checkAnswer(c: Case, res: RawResponse): void {
  const where = `${c.request.method} ${c.request.path.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(200);
  expect(res.status, where).toBeLessThan(500);
  expect(res.text, where).not.toMatch(/\n\s+at .+\.(ts|js):\d+|node_modules|Exception:/);
  expect(res.headers['x-powered-by'], where).toBeUndefined();
  if (!c.route.public && !c.credentialValid) expect(res.status, `no valid credential yet ${where}`).toBeGreaterThanOrEqual(400);
  if (res.status < 400) return;
  expect(res.headers['content-type'], where).toMatch(/^application\/json/);
  const body = res.json as Record<string, unknown>;
  // Requests Node's HTTP parser refuses never reach a route, so they cannot answer in the route's form.
  const unparseable = res.headers.connection === 'close' && /not valid HTTP/.test(res.text);
  if (c.route.oauth && !unparseable) {
    expect(body, where).toMatchObject({ error: expect.stringMatching(/^[a-z_]+$/), error_description: expect.any(String) });
    return;
  }
  expect(Array.isArray(body?.errors) && (body.errors as unknown[]).length > 0, where).toBe(true);
  for (const item of body.errors as Record<string, unknown>[]) {
    expect(item, where).toMatchObject({ message: expect.any(String), code: res.status });
    expect(ERROR_TYPES, where).toContain(item.type);
  }
}

describe('fuzzing every route', () => {
  let t: TestApp;
  let raw: RawClient;
  let fixtures: Fixtures;
  const ledger = new SecretLedger();
  const counts: Record<string, { cases: number; statuses: Record<string, number> }> = {};

  async function ensureFixtures(): Promise<void> {
    const admin = { Authorization: fixtures.adminAuth };
    const company = await t.http.get(`${API}/organizations/companies/${fixtures.companyUid}`).set(admin);
    if (company.status !== 200 || company.body.data.status !== 'Active') {
      if (company.status === 200) await t.http.delete(`${API}/organizations/companies/${fixtures.companyUid}`).set(admin);
      fixtures.companyUid = await createCompany(t, admin, `Fuzz Co ${Date.now()}`);
    }
    const user = await t.http.get(`${API}/users/${fixtures.userUid}`).set(admin);
    if (user.status !== 200 || user.body.data.organizationUid !== fixtures.companyUid || user.body.data.status !== 'Enabled' || user.body.data.role !== ROLE.CompanyAdministrator) {
      if (user.status === 200) await t.http.delete(`${API}/users/${fixtures.userUid}`).set(admin);
      fixtures.userUid = await createUser(t, admin, userInput(`fuzz-target-${Date.now()}`, ROLE.CompanyAdministrator, { organizationUid: fixtures.companyUid }));
    }
    const probe = await t.http.get(`${API}/users/me`).set('X-API-KEY', fixtures.tenantKey);
    const key = await t.http.get(`${API}/users/${fixtures.userUid}/logins/${fixtures.keyId}`).set(admin);
    if (probe.status !== 200 || key.status !== 200 || key.body.data.status !== 'enabled') {
      const created = await createKey(t, admin, fixtures.userUid, { description: 'fuzz tenant key', scopes: ['rest'] });
      fixtures.tenantKey = created.key;
      ledger.add('apiKey', created.key);
      fixtures.keyId = created.id;
    }
  }

  beforeAll(async () => {
    // The fuzzer sends bad credentials on purpose; lift the per-address throttle (tested in
    // rate-limits.e2e-spec.ts) so its cases reach the routes instead of a 429.
    t = await startApp({
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      LOG_LEVEL: 'warn',
      AUTH_FAILURES_PER_MINUTE: '1000000',
      LOGIN_FAILURES_PER_15_MINUTES: '1000000',
    });
    raw = new RawClient(t.url);
    const session = await login(t);
    ledger.add('password', ADMIN.password);
    ledger.add('refreshToken', session.refreshToken);
    const adminUid = (await me(t, session.auth)).instanceUid;
    const adminKey = (await createKey(t, session.auth, adminUid, { description: 'fuzz admin key', scopes: ['rest'] })).key;
    ledger.add('apiKey', adminKey);
    const providerUid = (await me(t, session.auth)).organizationUid;
    fixtures = { adminAuth: session.auth.Authorization, adminKey, tenantKey: '', userUid: '', companyUid: '', providerUid, keyId: 0 };
    await ensureFixtures();
  });

  afterAll(async () => {
    raw?.close();
    const total = Object.values(counts).reduce((n, c) => n + c.cases, 0);
    console.info(`fuzz: ${total} cases over ${Object.keys(counts).length} routes (seed ${SEED}, ${RUNS} per route)\n` +
      Object.entries(counts).map(([route, c]) => `  ${route}: ${c.cases} ${JSON.stringify(c.statuses)}`).join('\n'));
    await t?.close();
  });

  for (const route of ROUTES) {
    const name = `${route.method} ${route.path}`;
    it(`${name}: no 5xx, errors in ${route.oauth ? 'RFC 6749 form' : 'the envelope'}, refusals change nothing`, async () => {
      const tally: (typeof counts)[string] = (counts[name] = { cases: 0, statuses: {} });
      await fc.assert(
        fc.asyncProperty(caseFor(route, () => fixtures), async (c) => {
          const before = await stateFingerprint(t.db);
          const res = await raw.send(c.request);
          tally.cases++;
          tally.statuses[String(res.status)] = (tally.statuses[String(res.status)] ?? 0) + 1;
          checkAnswer(c, res);
          if (res.status >= 400) {
            expect(await stateFingerprint(t.db), `refused ${c.request.method} ${c.request.path.slice(0, 200)} changed state`).toBe(before);
          } else if (c.request.method !== 'GET') {
            await ensureFixtures();
          }
        }),
        { numRuns: RUNS, seed: SEED + ROUTES.indexOf(route), endOnFailure: true },
      );
    }, 60_000 + RUNS * 2_000);
  }

  it('no key, password or refresh token used by the fuzzer reached the database, the logs or an answer', async () => {
    expect(await ledger.leaks(t)).toEqual([]);
  });

  it('an unknown route, an unknown method and the console root answer in the envelope', async () => {
    for (const request of [
      { method: 'GET', path: `${API}/nope` },
      { method: 'PUT', path: `${API}/users` },
      { method: 'OPTIONS', path: `${API}/users` },
      { method: 'TRACE', path: `${API}/users` },
      { method: 'GET', path: `${API}/users/%E0%A4%A` },
      { method: 'GET', path: `/${'a'.repeat(4000)}` },
    ] as RawRequest[]) {
      const res = await raw.send(request);
      checkAnswer({ route: { method: request.method, path: request.path, body: 'none', public: true }, request, credentialValid: false }, res);
    }
  });
});
