import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { JsonPatchPipe } from '../../src/common/json-patch.js';
import { CompaniesService } from '../../src/companies/companies.service.js';
import { AccountsService } from '../../src/identities/accounts/accounts.service.js';
import { ApiKeyVerifier } from '../../src/identities/api-key-verifier.js';
import type { ApiKeyPolicyDto } from '../../src/identities/dto/api-key-policy.dto.js';
import { UpdateIdentityDto } from '../../src/identities/dto/update-identity.dto.js';
import { IdentitiesService } from '../../src/identities/identities.service.js';
import { type Services, startServices } from '../support/medium.js';
import { ROLE } from '../../src/access/roles.js';
import { userInput } from '../support/api.js';

const DAY = 86_400_000;
const patchOf = (...operations: object[]) => new JsonPatchPipe(UpdateIdentityDto).transform(operations);

/** The key policy where it lives: IdentitiesService and checkMintable, on a real database. */
describe('key policy (IdentitiesService)', () => {
  let s: Services;
  let identities: IdentitiesService;
  let owner: Principal;
  let worker: Principal;
  let ownerUid: string;

  const mint = (creator: Principal, policy: Partial<ApiKeyPolicyDto>, userUid = ownerUid) =>
    s.work(() => identities.createApiKey(creator, userUid, { description: 'k', scopes: ['rest'], ...policy } as ApiKeyPolicyDto));
  /** The principal a freshly minted key authenticates as, with the request's address set. */
  const asKey = async (creator: Principal, policy: Partial<ApiKeyPolicyDto>): Promise<Principal> => {
    const { key } = await mint(creator, policy);
    return { ...(await s.get(ApiKeyVerifier).verify(key))!, clientIp: '127.0.0.1' };
  };
  const patch = (caller: Principal, id: number, ...operations: object[]) => s.work(() => identities.patch(caller, ownerUid, id, patchOf(...operations)));

  beforeAll(async () => {
    s = await startServices();
    identities = s.get(IdentitiesService);
    const admin = await s.as('admin');
    const company = (await s.work(() => s.get(CompaniesService).create(admin, { name: 'Policy Co' }))).instanceUid;
    const accounts = s.get(AccountsService);
    ownerUid = (await s.work(() => accounts.create(admin, userInput('m-owner', ROLE.CompanyOwner, { organizationUid: company })))).instanceUid;
    await s.work(() => accounts.create(admin, userInput('m-worker', ROLE.CompanyLocationUser, { organizationUid: company })));
    owner = await s.as('m-owner');
    worker = await s.as('m-worker');
  });
  afterAll(async () => s?.close());

  it('refuses a permission the creator does not hold (403), and an unknown one never reaches here', async () => {
    await expect(mint(worker, { permissions: ['audit:read'] }, worker.userUid)).rejects.toMatchObject({ status: 403 });
  });

  it('gives a key minted by a narrowed key that key\'s permissions, not the whole role', async () => {
    const narrow = await asKey(owner, { permissions: ['identities:read', 'identities:write'] });
    const { identity } = await mint(narrow, {});
    expect([...(identity.permissions ?? [])].sort()).toEqual(['identities:read', 'identities:write']);
  });

  it('keeps a key minted by a key within its paths, own objects and expiry', async () => {
    const expires = new Date(Date.now() + 2 * DAY);
    const parent = await asKey(owner, { pathPrefixes: ['/api/v3/users'], ownObjectsOnly: true, expirationDate: expires.toISOString() });
    const child = (await mint(parent, { expirationDate: new Date(Date.now() + 10 * DAY).toISOString() })).identity;
    expect(child).toMatchObject({ pathPrefixes: ['/api/v3/users'], ownObjectsOnly: true, expirationDate: expires });
    expect((await mint(parent, { pathPrefixes: ['/api/v3/users/me'] })).identity.pathPrefixes).toEqual(['/api/v3/users/me']);
    await expect(mint(parent, { pathPrefixes: ['/api/v3/audit'] })).rejects.toMatchObject({ status: 403 });
    await expect(mint(parent, { scopes: ['rest', 'integration'] })).rejects.toMatchObject({ status: 403 });
  });

  it('refuses an expiry in the past and an address that is no address (400, naming the property)', async () => {
    await expect(mint(owner, { expirationDate: '2000-01-01T00:00:00Z' })).rejects.toMatchObject({ status: 400, field: { propertyName: 'expirationDate' } });
    await expect(mint(owner, { allowedIps: ['10.0.0.0/99'] })).rejects.toMatchObject({ status: 400, field: { propertyName: 'allowedIps' } });
  });

  describe('patches, by the rules of creation', () => {
    it('checks a changed policy as if minted, but lets a narrower caller rename a key', async () => {
      const { identity } = await mint(owner, {});
      const narrow = await asKey(owner, { permissions: ['identities:read', 'identities:write'] });
      expect((await patch(narrow, identity.id, { op: 'replace', path: '/description', value: 'renamed' })).description).toBe('renamed');
      await expect(patch(narrow, identity.id, { op: 'replace', path: '/permissions', value: ['audit:read'] })).rejects.toMatchObject({ status: 403 });
    });

    it('validates only what the patch changed, with the creation DTO', async () => {
      const { identity } = await mint(owner, { rateLimitPerMinute: 5 });
      await expect(patch(owner, identity.id, { op: 'remove', path: '/description' })).rejects.toMatchObject({ status: 400, field: { propertyName: 'description' } });
      await expect(patch(owner, identity.id, { op: 'replace', path: '/scopes', value: [] })).rejects.toMatchObject({ status: 400, field: { propertyName: 'scopes' } });
      await expect(patch(owner, identity.id, { op: 'replace', path: '/status', value: 'disabledDueToUser' })).rejects.toMatchObject({ status: 400 });
      const lifted = await patch(owner, identity.id, { op: 'replace', path: '/rateLimitPerMinute', value: 0 }, { op: 'replace', path: '/Scopes', value: '["rest","ui"]' });
      expect(identities.view(lifted)).toMatchObject({ rateLimitPerMinute: 0, scopes: ['rest', 'ui'] });
    });

    it('lets only description and status change on a password identity', async () => {
      const [password] = (await s.work(() => identities.list(owner, { limit: 10, offset: 0 }, ownerUid))).items.filter((i) => i.identityProviderName === 'VSPC');
      await expect(patch(owner, password.id!, { op: 'replace', path: '/scopes', value: ['rest'] })).rejects.toMatchObject({ status: 400, field: { propertyName: 'scopes' } });
      expect((await patch(owner, password.id!, { op: 'replace', path: '/description', value: 'Sign-in password' })).description).toBe('Sign-in password');
    });
  });
});

describe('key policy settings (KEYS_MAX_LIFETIME_DAYS)', () => {
  let s: Services;
  beforeAll(async () => (s = await startServices({ KEYS_MAX_LIFETIME_DAYS: '30', KEYS_OWN_OBJECTS_DEFAULT: 'true' })));
  afterAll(async () => s?.close());

  it('gives keys without expiry the longest lifetime, refuses longer ones, and limits keys to own objects by default', async () => {
    const admin = await s.as('admin');
    const mint = (policy: Partial<ApiKeyPolicyDto>) =>
      s.work(() => s.get(IdentitiesService).createApiKey(admin, admin.userUid, { description: 'k', scopes: ['rest'], ...policy } as ApiKeyPolicyDto));
    const { identity } = await mint({});
    expect(identity.ownObjectsOnly).toBe(true);
    expect(identity.expirationDate!.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    expect(identity.expirationDate!.getTime()).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    await expect(mint({ expirationDate: new Date(Date.now() + 31 * DAY).toISOString() })).rejects.toMatchObject({ status: 400 });
  });
});
