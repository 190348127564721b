import { Injectable } from '@nestjs/common';
import type { Principal } from '../../access/principal.js';
import { ApiError } from '../../common/api-error.js';
import type { Page } from '../../common/envelope.js';
import type { JsonPatch } from '../../common/json-patch.js';
import type { PageQuery } from '../../common/pagination.dto.js';
import type { CreateUserDto } from '../../users/dto/create-user.dto.js';
import type { UpdateUserDto } from '../../users/dto/update-user.dto.js';
import type { User } from '../../users/user.entity.js';
import { toUserView, type UserView } from '../../users/user.mapper.js';
import { UsersService } from '../../users/users.service.js';
import { PasswordCredentials } from '../password-credentials.js';
import { TotpService } from '../totp/totp.service.js';

/**
 * A user's account: the user and its logins. The users module stages the user, this module the
 * password identity, and one flush writes both; a user answers with its MFA statuses, which come
 * from its TOTP identity.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordCredentials,
    private readonly totp: TotpService,
  ) {}

  async list(principal: Principal, query: PageQuery): Promise<Page<UserView>> {
    const page = await this.users.list(principal, query);
    const secondFactor = await this.totp.usersWithSecondFactor(page.items);
    return { ...page, items: page.items.map((user) => toUserView(user, secondFactor.has(user.instanceUid))) };
  }

  async get(principal: Principal, uid: string): Promise<UserView> {
    return this.view(await this.users.get(principal, uid));
  }

  async view(user: User): Promise<UserView> {
    return toUserView(user, await this.totp.hasSecondFactor(user));
  }

  async create(principal: Principal, dto: CreateUserDto): Promise<UserView> {
    const user = await this.users.add(principal, dto);
    const password = dto.credentials.password;
    if (!user.isService && typeof password === 'string') await this.passwords.add(user, password);
    await this.users.save();
    return toUserView(user, false);
  }

  async update(principal: Principal, uid: string, patch: JsonPatch<UpdateUserDto>): Promise<UserView> {
    const user = await this.users.getManageable(principal, uid);
    const view = await this.view(user);
    const { value, changed } = patch.applyTo(view, {
      writable: ['status', 'role', 'profile/firstName', 'profile/lastName', 'profile/title', 'profile/email', 'profile/address', 'profile/phone', 'credentials/password'],
      readOnly: ['instanceUid', 'organizationUid', 'userName', 'mfaPolicyStatus', 'mfaPolicyConfigurationStatus', 'credentials/userName', 'isService', 'companyName', 'creationDate'],
    });
    const password = changed.has('credentials.password') ? value.credentials.password : undefined;
    this.users.change(principal, user, value, typeof password === 'string' ? ['password'] : []);
    if (typeof password === 'string') {
      if (user.isService) throw ApiError.badRequest('Service users have no password.', { propertyName: 'credentials.password' });
      await this.passwords.set(user, password);
    }
    await this.users.save();
    return toUserView(user, view.mfaPolicyStatus === 'Enabled');
  }
}
