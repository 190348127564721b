import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { ROLE } from '../../src/access/roles.js';
import { JsonPatchPipe } from '../../src/common/json-patch.js';
import { AccountsService } from '../../src/identities/accounts/accounts.service.js';
import { IdentitiesRepository } from '../../src/identities/identities.repository.js';
import { PasswordCredentials } from '../../src/identities/password-credentials.js';
import { UpdateUserDto } from '../../src/users/dto/update-user.dto.js';
import { UsersService } from '../../src/users/users.service.js';
import { userInput } from '../support/api.js';
import { type Services, startServices } from '../support/medium.js';

/** A user and its password login, created and changed in one unit of work. */
describe('accounts (AccountsService)', () => {
  let s: Services;
  let admin: Principal;
  let accounts: AccountsService;
  const update = (uid: string, ...operations: object[]) => s.work(() => accounts.update(admin, uid, new JsonPatchPipe(UpdateUserDto).transform(operations)));
  const passwordLogins = (uid: string) => s.work(() => s.get(IdentitiesRepository).count({ user: uid, provider: 'VSPC' }));
  const create = (userName: string, options: Parameters<typeof userInput>[2] = {}) => s.work(() => accounts.create(admin, userInput(userName, ROLE.PortalReadonlyOperator, options)));

  beforeAll(async () => {
    s = await startServices();
    admin = await s.as('admin');
    accounts = s.get(AccountsService);
  });
  afterAll(async () => s?.close());

  it('creates the user and its password identity together, and neither when the user name is taken', async () => {
    const user = await create('a-one');
    expect(await passwordLogins(user.instanceUid)).toBe(1);
    await expect(create('a-one', { password: 'password-456' })).rejects.toMatchObject({ status: 409 });
    expect(await s.work(() => s.get(IdentitiesRepository).count({ provider: 'VSPC', identifierInProvider: 'a-one' }))).toBe(1);
  });

  it('gives a service user no password identity', async () => {
    const robot = await create('a-robot', { isService: true });
    expect(await passwordLogins(robot.instanceUid)).toBe(0);
    await expect(update(robot.instanceUid, { op: 'replace', path: '/credentials/password', value: 'password-789' })).rejects.toMatchObject({
      status: 400,
      field: { propertyName: 'credentials.password' },
    });
  });

  it('holds a patched e-mail to the rule of creation, and null (or remove) clears a profile field', async () => {
    const { instanceUid } = await create('a-mail', { profile: { firstName: 'Ann' } });
    await expect(update(instanceUid, { op: 'replace', path: '/profile/email', value: 'not an address' })).rejects.toMatchObject({
      status: 400,
      field: { propertyName: 'profile.email' },
    });
    expect((await update(instanceUid, { op: 'replace', path: '/Profile/Email', value: 'a@example.com' })).profile.email).toBe('a@example.com');
    expect((await update(instanceUid, { op: 'replace', path: '/profile/email', value: null })).profile.email).toBeNull();
    expect((await update(instanceUid, { op: 'remove', path: '/profile/firstName' })).profile.firstName).toBeNull();
    await expect(update(instanceUid, { op: 'replace', path: '/profile/title', value: null })).rejects.toMatchObject({ status: 400, field: { propertyName: 'profile.title' } });
  });

  it('does not make a value stored before a rule tightened block patches of other properties', async () => {
    const { instanceUid } = await create('a-legacy');
    await s.work(async () => {
      const user = await s.get(UsersService).findByUid(instanceUid);
      user!.email = 'legacy value';
      await s.get(UsersService).save();
    });
    const patched = await update(instanceUid, { op: 'replace', path: '/profile/firstName', value: 'Lee' });
    expect(patched.profile).toMatchObject({ firstName: 'Lee', email: 'legacy value' });
  });

  it('changes the password together with the user', async () => {
    const { instanceUid } = await create('a-pass');
    await update(instanceUid, { op: 'replace', path: '/credentials/password', value: 'password-456' }, { op: 'replace', path: '/profile/lastName', value: 'Pass' });
    const verified = await s.work(async () => s.get(PasswordCredentials).verify(await s.get(UsersService).findByUid(instanceUid), 'password-456'));
    expect(verified).not.toBeNull();
  });
});
