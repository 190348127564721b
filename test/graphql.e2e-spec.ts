import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../src/access/roles.js';
import { API, createCompany, createKey, createUser, login, me, userInput } from './support/api.js';
import { databaseText } from './support/database-text.js';
import { startApp, type TestApp } from './support/harness.js';
import { RawClient, type RawResponse } from './support/raw-http.js';

/** The body text of SmartX CloudTower's key scripts, byte for byte (`$NAME` is inside single quotes there, so it is sent as is). */
const CREATE_BODY = '{"query": "mutation createApiKey($name: String!) { createApiKey(data: { name: $name }) { id key roles { id preset }}}", "variables": {"name": "$NAME"}}';
const deleteBody = (key: string) => `{"query": "mutation deleteApiKey($key: String!) { deleteApiKey(where: { key: $key }) { id } }", "variables": {"key": "${key}"}}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface GraphqlAnswer {
  data: Record<string, unknown> | null;
  errors?: { message: string; extensions: { code: string; status: number; type: string } }[];
}

describe('GraphQL: CloudTower key flow', () => {
  let t: TestApp;
  let raw: RawClient;
  let token: string;
  let adminRole: string;

  /** As curl sends it: `curl -X POST -H "Content-Type: application/json" -H "Authorization: …" --data-raw '…' URL`. */
  const curl = (path: string, authorization: string | undefined, body: string): Promise<RawResponse> =>
    raw.send({
      method: 'POST',
      path,
      headers: {
        host: new URL(t.url).host,
        'user-agent': 'curl/8.5.0',
        accept: '*/*',
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body,
    });
  const gql = async (authorization: string | undefined, query: string, variables: Record<string, unknown> = {}, path = '/api/graphql') => {
    const res = await curl(path, authorization, JSON.stringify({ query, variables }));
    return { status: res.status, headers: res.headers, body: res.json as GraphqlAnswer, text: res.text };
  };

  beforeAll(async () => {
    t = await startApp({ LOG_LEVEL: 'warn' });
    raw = new RawClient(t.url);
    const session = await login(t);
    token = session.accessToken;
    adminRole = ((await me(t, session.auth)) as unknown as { role: string }).role;
  });
  afterAll(async () => {
    raw?.close();
    await t?.close();
  });

  it("creates a key with CloudTower's command (raw session token, POST /api/), uses it raw, and deletes it by value", async () => {
    const created = await curl('/api/', token, CREATE_BODY);
    expect(created.status, created.text).toBe(200);
    const answer = created.json as { data: { createApiKey: { id: string; key: string; roles: { id: string; preset: string }[] } } };
    const { id, key, roles } = answer.data.createApiKey;
    expect(id).toMatch(/^\d+$/);
    expect(key).toMatch(/^lk_[A-Za-z0-9]{49}$/);
    expect(roles).toEqual([{ id: expect.stringMatching(UUID), preset: adminRole }]);

    // `Authorization: $KEY` on the REST API; the key acts as its user, described by the name sent.
    const used = await t.http.get(`${API}/users/me`).set('Authorization', key);
    expect(used.status).toBe(200);
    const identity = await t.http.get(`${API}/users/${used.body.data.instanceUid}/logins/${id}`).set('Authorization', key);
    expect(identity.body.data).toMatchObject({ description: '$NAME', scopes: ['rest'], identityProviderName: 'AK', isReadAccessOnly: false });

    const deleted = await curl('/api/', token, deleteBody(key));
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json).toEqual({ data: { deleteApiKey: { id } } });
    expect((await t.http.get(`${API}/users/me`).set('Authorization', key)).status).toBe(401);
    expect(await databaseText(t.db)).not.toContain(key.slice(11));
  });

  it('answers at /api/graphql too, lists only the caller\'s keys without their values, and gives roles a stable id', async () => {
    const first = await gql(token, 'mutation { createApiKey(data: { name: "listed" }) { id key roles { id preset } } }');
    const second = await gql(`Bearer ${token}`, 'mutation { createApiKey(data: { name: "listed too" }) { id roles { id } } }');
    const roleIds = (answer: { body: GraphqlAnswer }) => (answer.body.data?.createApiKey as { roles: { id: string }[] }).roles.map((role) => role.id);
    expect(roleIds(second)).toEqual(roleIds(first));
    const list = await gql(token, '{ apiKeys { id name key keyPrefix status createdAt lastUsedAt roles { preset } } }');
    expect(list.status).toBe(200);
    const keys = list.body.data?.apiKeys as { name: string; key: string | null; keyPrefix: string }[];
    expect(keys.map((k) => k.name).slice(0, 2)).toEqual(['listed too', 'listed']);
    for (const k of keys) {
      expect(k.key).toBeNull();
      expect(k.keyPrefix).toMatch(/^lk_/);
    }
    const paged = await gql(token, '{ apiKeys(page: { limit: 1, offset: 1 }) { name } }');
    expect(paged.body.data?.apiKeys).toEqual([{ name: 'listed' }]);
  });

  it('applies the REST rules: read-only credentials and keys without identities:write cannot mutate', async () => {
    const admin = (await login(t)).auth;
    const uid = (await me(t, admin)).instanceUid;
    const readOnlyKey = (await createKey(t, admin, uid, { description: 'read only', isReadAccessOnly: true })).key;
    const narrowKey = (await createKey(t, admin, uid, { description: 'narrow', permissions: ['users:read'] })).key;
    const readOnlySession = (await login(t, undefined, undefined, { readOnly: 'true' })).accessToken;
    for (const credential of [readOnlyKey, narrowKey, readOnlySession]) {
      const res = await gql(credential, 'mutation { createApiKey(data: { name: "nope" }) { id key } }');
      expect(res.status, res.text).toBe(403);
      expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403, type: 'security' });
    }
    // Reading is a query: allowed for the read-only credentials, refused without identities:read.
    expect((await gql(readOnlyKey, '{ apiKeys { id } }')).status).toBe(200);
    expect((await gql(readOnlySession, '{ apiKeys { id } }')).status).toBe(200);
    expect((await gql(narrowKey, '{ apiKeys { id } }')).body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    // Audited as REST is: the creation, and the refusals.
    const made = (await gql(token, 'mutation { createApiKey(data: { name: "audited" }) { keyPrefix } }')).body.data?.createApiKey as { keyPrefix: string };
    const created = await t.http.get(`${API}/audit`).set(admin).query({ action: 'identity.created', limit: 500 });
    expect((created.body.data as { details: { keyPrefix?: string } }[]).filter((entry) => entry.details.keyPrefix === made.keyPrefix)).toHaveLength(1);
    // Refusals are written in batches, off the request path: wait for them, bounded.
    let denied: { details: { path?: string } }[] = [];
    for (let i = 0; i < 50 && !denied.some((entry) => entry.details.path === '/api/graphql'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      denied = (await t.http.get(`${API}/audit`).set(admin).query({ action: 'auth.denied', limit: 500 })).body.data;
    }
    expect(denied.some((entry) => entry.details.path === '/api/graphql')).toBe(true);
  });

  it("counts one request as one unit of a key's rate limit, however many fields, and refuses the request past it", async () => {
    const admin = (await login(t)).auth;
    const uid = (await me(t, admin)).instanceUid;
    const metered = (await createKey(t, admin, uid, { description: 'metered', rateLimitPerMinute: 1 })).key;
    const twice = '{ a: apiKeys { id } b: apiKeys { id } }';
    const first = await gql(metered, twice);
    expect(first.status, first.text).toBe(200);
    expect(first.body.errors).toBeUndefined();
    const second = await gql(metered, twice);
    expect(second.status).toBe(429);
    // A refused non-null field nulls the whole answer; GraphQL reports the first such error.
    expect(second.body.data).toBeNull();
    expect(second.body.errors?.length).toBeGreaterThan(0);
    for (const error of second.body.errors ?? []) expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('deletes only keys the caller may manage, and a key of another tenant is not found', async () => {
    const admin = (await login(t)).auth;
    const company = await createCompany(t, admin, 'GraphQL Co');
    const uid = await createUser(t, admin, userInput('gql-user', ROLE.CompanyLocationUser, { organizationUid: company }));
    const theirs = (await createKey(t, admin, uid, { description: 'theirs' })).key;
    const userToken = (await login(t, 'gql-user', 'password-123')).accessToken;
    const mine = (await gql(userToken, 'mutation { createApiKey(data: { name: "mine" }) { key } }')).body.data?.createApiKey as { key: string };
    const adminKey = (await gql(token, 'mutation { createApiKey(data: { name: "admin" }) { key } }')).body.data?.createApiKey as { key: string };
    const refused = await gql(userToken, 'mutation d($key: String!) { deleteApiKey(where: { key: $key }) { id } }', { key: adminKey.key });
    expect(refused.status).toBe(404);
    expect(refused.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(refused.text).not.toContain(adminKey.key);
    expect((await gql(userToken, 'mutation d($key: String!) { deleteApiKey(where: { key: $key }) { id } }', { key: mine.key })).status).toBe(200);
    expect((await t.http.get(`${API}/users/me`).set('Authorization', theirs)).status).toBe(200);
  });

  it('answers errors with a message and a code: no stack, no key, no SQL', async () => {
    const none = await gql(undefined, 'mutation { createApiKey(data: { name: "x" }) { id } }');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.body.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', type: 'security' });
    const badToken = await gql('not-a-token', '{ apiKeys { id } }');
    expect(badToken.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const badName = await gql(token, 'mutation { createApiKey(data: { name: "a<b" }) { id } }');
    expect(badName.status).toBe(400);
    expect(badName.body.errors?.[0]).toMatchObject({ message: 'name must not contain <, > or =', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await gql(token, 'mutation d($key: String!) { deleteApiKey(where: { key: $key }) { id } }', { key: 'lk_notarealkeyatall' });
    expect(unknown.body.errors?.[0].extensions.code).toBe('NOT_FOUND');

    // A key in the wrong place is never quoted back.
    const { key } = (await gql(token, 'mutation { createApiKey(data: { name: "quoted" }) { key } }')).body.data?.createApiKey as { key: string };
    const wrongType = await gql(token, 'query q($n: Int) { apiKeys(page: { limit: $n }) { id } }', { n: key });
    expect(wrongType.status).toBe(400);
    const literal = await gql(token, `{ apiKeys(page: { limit: "${key}" }) { id } }`);
    expect(literal.status).toBe(400);
    const syntax = await gql(token, `{ apiKeys { id ${key} `);
    expect(syntax.body.errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    for (const answer of [none, badName, unknown, wrongType, literal, syntax]) {
      expect(answer.text).not.toContain(key);
      expect(answer.text).not.toMatch(/stack|at .*\.js|select |insert |sqlite|postgres/i);
      for (const error of answer.body.errors ?? []) expect(error.extensions.code).toMatch(/^[A-Z_]+$/);
    }
  });

  it('bounds the work of a document: depth, number of fields, body size; introspection is open', async () => {
    const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(16)}name${' }'.repeat(16)} } } } } }`;
    const tooDeep = await gql(undefined, deep);
    expect(tooDeep.status).toBe(400);
    const wide = `{ ${Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const tooWide = await gql(token, wide);
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.errors?.[0].message).toMatch(/at most 500/);
    const big = await curl('/api/graphql', token, JSON.stringify({ query: `{ __typename } #${'x'.repeat(70_000)}` }));
    expect(big.status).toBe(413);
    const schema = await gql(undefined, '{ __schema { mutationType { fields { name } } } }');
    expect(schema.status).toBe(200);
    expect(JSON.stringify(schema.body.data)).toContain('createApiKey');
  });
});
