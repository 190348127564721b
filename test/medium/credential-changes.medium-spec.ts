import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { CompaniesService } from '../../src/companies/companies.service.js';
import { JsonPatchPipe } from '../../src/common/json-patch.js';
import { UpdateCompanyDto } from '../../src/companies/dto/update-company.dto.js';
import { AccountsService } from '../../src/identities/accounts/accounts.service.js';
import { type CredentialChange, CredentialChanges } from '../../src/identities/credential-changes/credential-changes.js';
import { UpdateIdentityDto } from '../../src/identities/dto/update-identity.dto.js';
import { IdentitiesRepository } from '../../src/identities/identities.repository.js';
import { IdentitiesService } from '../../src/identities/identities.service.js';
import { LastUsedRecorder } from '../../src/identities/last-used.recorder.js';
import { UpdatePermissionDto } from '../../src/permissions/dto/update-permission.dto.js';
import { PermissionsService } from '../../src/permissions/permissions.service.js';
import { UpdateUserDto } from '../../src/users/dto/update-user.dto.js';
import { UsersService } from '../../src/users/users.service.js';
import { type Services, startServices } from '../support/medium.js';
import { ROLE } from '../../src/access/roles.js';
import { userInput } from '../support/api.js';

const ops = (...pairs: [string, unknown][]) => pairs.map(([path, value]) => ({ op: 'replace', path, value }));

/**
 * The facts the flush subscriber derives from each service operation: only changes to fields a
 * principal carries, by identity, user or company, and only once committed.
 */
describe('credential changes from flushes', () => {
  let s: Services;
  let admin: Principal;
  let company: string;
  let user: string;
  let key: number;
  const emitted: CredentialChange[] = [];

  const facts = async (work: () => Promise<unknown>): Promise<CredentialChange[]> => {
    emitted.length = 0;
    await s.work(work);
    return [...emitted];
  };
  const changed = (part: Partial<Record<'identities' | 'users' | 'companies' | 'permissions', unknown[]>>) => [
    { kind: 'changed', identities: [], users: [], companies: [], permissions: [], owners: expect.any(Object), ...part },
  ];

  beforeAll(async () => {
    s = await startServices();
    s.get(CredentialChanges).subscribe((change, source) => source === 'local' && emitted.push(change));
    admin = await s.as('admin');
    company = (await s.work(() => s.get(CompaniesService).create(admin, { name: 'Facts Co' }))).instanceUid;
    user = (await s.work(() => s.get(AccountsService).create(admin, userInput('facts-user', ROLE.CompanyLocationUser, { organizationUid: company })))).instanceUid;
    key = (await s.work(() => s.get(IdentitiesService).createApiKey(admin, user, { description: 'k', scopes: ['rest'] }))).identity.id;
  });
  beforeEach(() => void (emitted.length = 0));
  afterAll(async () => s?.close());

  const patchUser = (...pairs: [string, unknown][]) => s.get(AccountsService).update(admin, user, new JsonPatchPipe(UpdateUserDto).transform(ops(...pairs)));
  const patchCompany = (...pairs: [string, unknown][]) => s.get(CompaniesService).patch(admin, company, new JsonPatchPipe(UpdateCompanyDto).transform(ops(...pairs)));
  const patchKey = (...pairs: [string, unknown][]) => s.get(IdentitiesService).patch(admin, user, key, new JsonPatchPipe(UpdateIdentityDto).transform(ops(...pairs)));

  it('minting a key is no fact: nothing can have cached it', async () => {
    expect(await facts(() => s.get(IdentitiesService).createApiKey(admin, user, { description: 'new', scopes: ['rest'] }))).toEqual([]);
  });

  it('renaming a user, changing its e-mail or password, or ending its sessions is no fact', async () => {
    expect(await facts(() => patchUser(['/profile/firstName', 'Fay'], ['/profile/lastName', 'Acts'], ['/profile/email', 'fay@example.com']))).toEqual([]);
    expect(await facts(() => patchUser(['/credentials/password', 'another-password']))).toEqual([]);
    expect(await facts(() => s.get(UsersService).endSessions(admin, user))).toEqual([]);
  });

  it("a user's status or role is a fact about that user", async () => {
    expect(await facts(() => patchUser(['/status', 'Disabled']))).toEqual(changed({ users: [user] }));
    expect(await facts(() => patchUser(['/status', 'Enabled'], ['/role', ROLE.CompanyAdministrator]))).toEqual(changed({ users: [user] }));
  });

  it("renaming a company is no fact; its status is a fact about that company", async () => {
    expect(await facts(() => patchCompany(['/name', 'Facts Company']))).toEqual([]);
    expect(await facts(() => patchCompany(['/status', 'Disabled']))).toEqual(changed({ companies: [company] }));
    expect(await facts(() => patchCompany(['/status', 'Active']))).toEqual(changed({ companies: [company] }));
  });

  it("a key's description and last use are no facts; its status, policy and secrets are facts about it", async () => {
    expect(await facts(() => patchKey(['/description', 'renamed']))).toEqual([]);
    expect(await facts(async () => {
      await s.get(LastUsedRecorder).record({ ...admin, kind: 'apiKey', identityId: key });
      await s.get(LastUsedRecorder).flush();
    })).toEqual([]);
    expect(await facts(() => patchKey(['/status', 'disabled']))).toEqual(changed({ identities: [key] }));
    expect(await facts(() => patchKey(['/scopes', ['rest', 'ui']]))).toEqual(changed({ identities: [key] }));
    expect(await facts(() => s.get(IdentitiesService).rotate(admin, user, key, 60))).toEqual(changed({ identities: [key] }));
    expect(await facts(() => s.get(IdentitiesService).rotate(admin, user, key, 0))).toEqual(changed({ identities: [key] }));
  });

  it('is emitted when the transaction commits, and never for one rolled back', async () => {
    const repository = s.get(IdentitiesRepository);
    const inside: number[] = [];
    const run = (fail: boolean) =>
      facts(() =>
        repository.transactional(async () => {
          const identity = await repository.findOne({ id: key });
          identity!.status = identity!.status === 'enabled' ? 'disabled' : 'enabled';
          await repository.flush();
          inside.push(emitted.length);
          if (fail) throw new Error('rolled back');
        }),
      ).catch(() => [...emitted]);
    expect(await run(true)).toEqual([]);
    expect(await run(false)).toEqual(changed({ identities: [key] }));
    expect(inside).toEqual([0, 0]);
  });

  it('names the company of each identity and user it reports, for tenant-scoped listeners', async () => {
    const [fact] = await facts(() => patchKey(['/description', 'owned'], ['/status', 'disabled']));
    expect(fact).toMatchObject({ owners: { identities: { [key]: company }, users: {} } });
    const [userFact] = await facts(() => patchUser(['/role', ROLE.CompanyLocationUser]));
    expect(userFact).toMatchObject({ owners: { identities: {}, users: { [user]: company } } });
  });

  it("defining a permission, changing or withdrawing its grants, deleting it are facts about it; its description is none", async () => {
    const permissions = s.get(PermissionsService);
    const patchPermission = (...pairs: [string, unknown][]) => permissions.patch(admin, 'facts:read', new JsonPatchPipe(UpdatePermissionDto).transform(ops(...pairs)));
    expect(await facts(() => permissions.create(admin, { name: 'facts:read', description: 'Read facts', roles: [ROLE.CompanyLocationUser] }))).toEqual(changed({ permissions: ['facts:read'] }));
    expect(await facts(() => patchPermission(['/description', 'Read the facts']))).toEqual([]);
    expect(await facts(() => patchPermission(['/roles', []]))).toEqual(changed({ permissions: ['facts:read'] }));
    expect(await facts(() => permissions.delete(admin, 'facts:read'))).toEqual(changed({ permissions: ['facts:read'] }));
  });

  it('deleting a user is a fact about that user (its identities go by ON DELETE CASCADE)', async () => {
    expect(await facts(() => s.get(UsersService).delete(admin, user))).toEqual(changed({ users: [user] }));
  });
});
