import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import type { CollectionQuery } from '../../src/common/collection-query.js';
import { CompaniesService } from '../../src/companies/companies.service.js';
import { AccountsService } from '../../src/identities/accounts/accounts.service.js';
import type { ApiKeyPolicyDto } from '../../src/identities/dto/api-key-policy.dto.js';
import { IdentitiesService } from '../../src/identities/identities.service.js';
import { testDialect } from '../support/database.js';
import { type Services, startServices } from '../support/medium.js';
import { ROLE } from '../../src/access/roles.js';
import { userInput } from '../support/api.js';

/** VSPC filter and sort on logins, translated to SQL and run on the real database (`select` applies at the edge: the e2e suites). */
describe('collection queries on identities (IdentitiesService.list)', () => {
  let s: Services;
  let admin: Principal;
  let tenant: Principal;

  const list = (caller: Principal, query: Partial<Record<'filter' | 'sort', unknown>> & { limit?: number; offset?: number } = {}) =>
    s.work(() =>
      s.get(IdentitiesService).list(caller, {
        limit: query.limit ?? 100,
        offset: query.offset ?? 0,
        ...Object.fromEntries((['filter', 'sort'] as const).filter((name) => query[name] !== undefined).map((name) => [name, JSON.stringify(query[name])])),
      } as CollectionQuery),
    );
  const descriptions = async (caller: Principal, filter: unknown) => (await list(caller, { filter })).items.map((item) => item.description).sort();

  beforeAll(async () => {
    s = await startServices();
    admin = await s.as('admin');
    const company = (await s.work(() => s.get(CompaniesService).create(admin, { name: 'Query Co' }))).instanceUid;
    await s.work(() => s.get(AccountsService).create(admin, userInput('q-owner', ROLE.CompanyOwner, { organizationUid: company })));
    tenant = await s.as('q-owner');
    const mint = (caller: Principal, policy: Partial<ApiKeyPolicyDto>) =>
      s.work(() => s.get(IdentitiesService).createApiKey(caller, caller.userUid, { scopes: ['rest'], ...policy } as ApiKeyPolicyDto));
    await mint(admin, { description: '100% sure' });
    await mint(admin, { description: '100 percent' });
    await mint(admin, { description: 'under_score', isReadAccessOnly: true });
    await mint(tenant, { description: 'tenant key', isReadAccessOnly: true });
  });
  afterAll(async () => s?.close());

  // Known, not yet fixed: SQLite's LIKE has no escape character unless the query names one
  // (ESCAPE), which MikroORM's $like cannot, so there % and _ still act as wildcards. When this
  // passes on SQLite, `it.fails` fails: drop it.
  (testDialect() === 'sqlite' ? it.fails : it)('matches "contains" literally: % and _ are no wildcards', async () => {
    expect(await descriptions(admin, [{ property: 'description', operation: 'contains', value: '100%' }])).toEqual(['100% sure']);
    expect(await descriptions(admin, [{ property: 'description', operation: 'contains', value: 'r_s' }])).toEqual(['under_score']);
  });

  it('combines and/or/not/in, with property names in any case and properties of the owner', async () => {
    const readOnlyAk = { operation: 'and', items: [{ property: 'IsReadAccessOnly', operation: 'equals', value: true }, { property: 'identityProviderName', operation: 'in', value: ['AK'] }] };
    expect(await descriptions(admin, [readOnlyAk])).toEqual(['tenant key', 'under_score']);
    expect(await descriptions(admin, [readOnlyAk, { operation: 'not', items: [{ property: 'companyName', operation: 'equals', value: 'Query Co' }] }])).toEqual(['under_score']);
    expect(await descriptions(admin, [{ property: 'userName', operation: 'equals', value: 'q-owner' }, { property: 'identityProviderName', operation: 'equals', value: 'AK' }])).toEqual(['tenant key']);
  });

  it('compares dates, sorts and pages', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const page = await list(admin, {
      filter: [{ property: 'creationDate', operation: 'greaterThan', value: since }, { property: 'identityProviderName', operation: 'equals', value: 'AK' }],
      sort: [{ property: 'description', direction: 'descending' }],
      limit: 2,
      offset: 1,
    });
    expect(page.total).toBe(4);
    expect(page.items.map((item) => item.description)).toEqual(['tenant key', '100% sure']);
  });

  it("keeps a tenant to its own company's identities whatever the filter says", async () => {
    expect(await descriptions(tenant, [{ property: 'identityProviderName', operation: 'equals', value: 'AK' }])).toEqual(['tenant key']);
    expect(await descriptions(tenant, [{ property: 'companyName', operation: 'equals', value: 'Provider' }])).toEqual([]);
  });

  it('refuses what it cannot translate, naming the parameter', async () => {
    for (const query of [{ filter: [{ property: 'secret', operation: 'equals', value: 'x' }] }, { sort: [{ property: 'id', direction: 'up' }] }]) {
      await expect(list(admin, query)).rejects.toMatchObject({ status: 400, field: { parameterName: expect.any(String) } });
    }
  });
});
