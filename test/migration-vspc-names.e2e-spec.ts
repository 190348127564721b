import { randomBytes, randomUUID } from 'node:crypto';
import { MikroORM, type Options } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../src/database/orm.config.js';
import { displayPrefix, generateApiKey, hashApiKey } from '../src/identities/api-key.js';
import { ENTITIES } from '../src/schema.js';
import { API } from './support/api.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startApp, type TestApp } from './support/harness.js';
import { expectVspc } from './support/vspc.js';

/** The last migration before VSPC's names: a database of that time holds the old names and values. */
const BEFORE = 'Migration20261123130250_totp.cjs';

/**
 * A database made by the previous release, with its rows as that release wrote them (lower-camel
 * roles, lower-case statuses, `login`, "" for no name), migrated by the next start and read
 * through the API under VSPC's names.
 */
describe("migrating an existing database to VSPC's names", () => {
  let db: TestDatabase;
  let t: TestApp;
  const providerUid = randomUUID();
  const companyUid = randomUUID();
  const adminUid = randomUUID();
  const workerUid = randomUUID();
  const adminKey = generateApiKey();
  const providerCreated = new Date('2026-01-02T03:04:05.000Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    const orm = await MikroORM.init(ormOptions(db.url, ENTITIES) as Options);
    try {
      await orm.migrator.up({ to: BEFORE });
      const sqlite = db.dialect === 'sqlite';
      const at = (date: Date) => (sqlite ? date.getTime() : date.toISOString());
      const bool = (value: boolean) => (sqlite ? Number(value) : value);
      const run = (sql: string, params: unknown[]) => orm.em.getConnection().execute(sql, params);
      const hmac = randomBytes(32);
      await run('insert into server_secrets (name, value) values (?, ?)', ['api-key-hmac', hmac.toString('base64url')]);
      await run('insert into companies (instance_uid, name, status, is_provider, creation_date) values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)', [
        providerUid, 'Provider', 'active', bool(true), at(providerCreated),
        companyUid, 'Old Co', 'disabled', bool(false), at(new Date()),
      ]);
      const user = (uid: string, login: string, company: string, role: string, status: string, firstName: string, email: string) => [
        uid, login, company, role, status, bool(false), firstName, '', email, null, at(new Date()), null,
      ];
      await run(
        'insert into users (instance_uid, login, company_instance_uid, role, status, is_service, first_name, last_name, email, created_by, creation_date, sessions_valid_after) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [...user(adminUid, 'old-admin', providerUid, 'portalAdministrator', 'enabled', 'Ada', 'ada@example.com'), ...user(workerUid, 'old-worker', companyUid, 'companyUser', 'disabled', '', '')],
      );
      await run(
        'insert into identities (user_instance_uid, provider, description, is_read_access_only, scopes, status, identifier_in_provider, creation_date, key_prefix, allowed_ips, path_prefixes, own_objects_only, last_used_from) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          adminUid, 'AK', 'old key', bool(false), '["rest"]', 'enabled', randomUUID(), at(new Date()), displayPrefix(adminKey), '[]', '[]', bool(false), '',
          workerUid, 'AK', 'worker key', bool(false), '["rest"]', 'enabled', randomUUID(), at(new Date()), 'lk_00000000', '[]', '[]', bool(false), '',
        ],
      );
      const [{ id }] = (await run("select id from identities where description = 'old key'", [])) as { id: number }[];
      await run('insert into api_key_secrets (hash, identity_id, expires_at) values (?, ?, ?)', [hashApiKey(adminKey, hmac), id, null]);
      await run('insert into refresh_tokens (token_hash, family_id, user_instance_uid, read_only, created_at, expires_at) values (?, ?, ?, ?, ?, ?)', [
        'f'.repeat(64), randomUUID(), workerUid, bool(false), at(new Date()), at(new Date(Date.now() + 3_600_000)),
      ]);
    } finally {
      await orm.close();
    }
    t = await startApp({}, db);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const asAdmin = (path: string) => t.http.get(`${API}${path}`).set('X-API-KEY', adminKey);

  it('keeps every identity, key secret and refresh token (no cascade while users is rebuilt)', async () => {
    const me = await asAdmin('/users/me').expect(200);
    expect(me.body.data.userName).toBe('old-admin');
    const logins = await asAdmin('/users/logins').expect(200);
    expect(logins.body.data.map((login: { description: string }) => login.description).sort()).toEqual(['old key', 'worker key']);
  });

  it("answers the old rows under VSPC's names and values", async () => {
    const me = await asAdmin('/users/me').expect(200);
    expectVspc('User', me.body.data, 'migrated administrator');
    expect(me.body.data).toMatchObject({
      userName: 'old-admin',
      role: 'PortalAdministrator',
      status: 'Enabled',
      profile: { firstName: 'Ada', lastName: null, title: 'Unknown', email: 'ada@example.com', address: null, phone: null },
      credentials: { userName: 'old-admin', password: null },
    });
    const worker = await asAdmin(`/users/${workerUid}`).expect(200);
    expectVspc('User', worker.body.data, 'migrated company user');
    expect(worker.body.data).toMatchObject({ role: 'CompanyLocationUser', status: 'Disabled', profile: { firstName: null, email: null } });
    const company = await asAdmin(`/organizations/companies/${companyUid}`).expect(200);
    expect(company.body.data.status).toBe('Disabled');
    expect((await asAdmin('/organizations/provider').expect(200)).body.data).toEqual({ instanceUid: providerUid, name: 'Provider' });
    const key = (await asAdmin(`/users/${workerUid}/logins`).expect(200)).body.data[0];
    expectVspc('UserLogin', key, 'migrated key');
    expect(key.status).toBe('disabledDueToUser');
  });

  it('dates the installation from its provider', async () => {
    const about = await asAdmin('/about').expect(200);
    expect(about.body.data.installationDate).toBe(providerCreated.toISOString());
  });

  it('applies no migration a second time and leaves the schema as the entities say', async () => {
    const orm = await MikroORM.init(ormOptions(db.url, ENTITIES) as Options);
    try {
      expect(await orm.migrator.getPending()).toEqual([]);
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
    } finally {
      await orm.close();
    }
  });
});
