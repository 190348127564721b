import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { JsonPatchPipe } from '../../src/common/json-patch.js';
import { AccountsService } from '../../src/identities/accounts/accounts.service.js';
import { IdentitiesRepository } from '../../src/identities/identities.repository.js';
import { PasswordCredentials } from '../../src/identities/password-credentials.js';
import { UpdateUserDto } from '../../src/users/dto/update-user.dto.js';
import { UsersService } from '../../src/users/users.service.js';
import { type Services, startServices } from '../support/medium.js';

/** A user and its password login, created and changed in one unit of work. */
describe('accounts (AccountsService)', () => {
  let s: Services;
  let admin: Principal;
  let accounts: AccountsService;
  const update = (uid: string, ...operations: object[]) => s.work(() => accounts.update(admin, uid, new JsonPatchPipe(UpdateUserDto).transform(operations)));
  const passwordLogins = (uid: string) => s.work(() => s.get(IdentitiesRepository).count({ user: uid, provider: 'VSPC' }));

  beforeAll(async () => {
    s = await startServices();
    admin = await s.as('admin');
    accounts = s.get(AccountsService);
  });
  afterAll(async () => s?.close());

  it('creates the user and its password identity together, and neither when the login is taken', async () => {
    const user = await s.work(() => accounts.create(admin, { login: 'a-one', role: 'readonlyUser', password: 'password-123' }));
    expect(await passwordLogins(user.instanceUid)).toBe(1);
    await expect(s.work(() => accounts.create(admin, { login: 'a-one', role: 'readonlyUser', password: 'password-456' }))).rejects.toMatchObject({ status: 409 });
    expect(await s.work(() => s.get(IdentitiesRepository).count({ provider: 'VSPC', identifierInProvider: 'a-one' }))).toBe(1);
  });

  it('gives a service user no password identity', async () => {
    const robot = await s.work(() => accounts.create(admin, { login: 'a-robot', role: 'readonlyUser', isService: true }));
    expect(await passwordLogins(robot.instanceUid)).toBe(0);
    await expect(update(robot.instanceUid, { op: 'replace', path: '/password', value: 'password-789' })).rejects.toMatchObject({ status: 400, field: { propertyName: 'password' } });
  });

  it('holds a patched e-mail to the rule of creation, and "" means none', async () => {
    const { instanceUid } = await s.work(() => accounts.create(admin, { login: 'a-mail', role: 'readonlyUser', password: 'password-123' }));
    await expect(update(instanceUid, { op: 'replace', path: '/email', value: 'not an address' })).rejects.toMatchObject({ status: 400, field: { propertyName: 'email' } });
    expect((await update(instanceUid, { op: 'replace', path: '/email', value: 'a@example.com' })).email).toBe('a@example.com');
    expect((await update(instanceUid, { op: 'replace', path: '/email', value: '' })).email).toBe('');
    await expect(update(instanceUid, { op: 'remove', path: '/firstName' })).rejects.toMatchObject({ status: 400, field: { propertyName: 'firstName' } });
  });

  it('does not make a value stored before a rule tightened block patches of other properties', async () => {
    const { instanceUid } = await s.work(() => accounts.create(admin, { login: 'a-legacy', role: 'readonlyUser', password: 'password-123' }));
    await s.work(async () => {
      const user = await s.get(UsersService).findByUid(instanceUid);
      user!.email = 'legacy value';
      await s.get(UsersService).save();
    });
    expect((await update(instanceUid, { op: 'replace', path: '/firstName', value: 'Lee' })).firstName).toBe('Lee');
  });

  it('changes the password together with the user', async () => {
    const { instanceUid } = await s.work(() => accounts.create(admin, { login: 'a-pass', role: 'readonlyUser', password: 'password-123' }));
    await update(instanceUid, { op: 'replace', path: '/password', value: 'password-456' }, { op: 'replace', path: '/lastName', value: 'Pass' });
    const verified = await s.work(async () => s.get(PasswordCredentials).verify(await s.get(UsersService).findByUid(instanceUid), 'password-456'));
    expect(verified).not.toBeNull();
  });
});
