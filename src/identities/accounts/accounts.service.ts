import { Injectable } from '@nestjs/common';
import type { Principal } from '../../access/principal.js';
import { ApiError } from '../../common/api-error.js';
import type { JsonPatch } from '../../common/json-patch.js';
import type { CreateUserDto } from '../../users/dto/create-user.dto.js';
import type { UpdateUserDto } from '../../users/dto/update-user.dto.js';
import type { User } from '../../users/user.entity.js';
import { toUserView } from '../../users/user.mapper.js';
import { UsersService } from '../../users/users.service.js';
import { PasswordCredentials } from '../password-credentials.js';

/**
 * A user's account: the user and its password login, created and changed together. The users
 * module stages the user, this module the password identity, and one flush writes both.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordCredentials,
  ) {}

  async create(principal: Principal, dto: CreateUserDto): Promise<User> {
    const user = await this.users.add(principal, dto);
    if (!user.isService && dto.password) await this.passwords.add(user, dto.password);
    await this.users.save();
    return user;
  }

  async update(principal: Principal, uid: string, patch: JsonPatch<UpdateUserDto>): Promise<User> {
    const user = await this.users.getManageable(principal, uid);
    const { value, changed } = patch.applyTo(
      { ...toUserView(user), password: '' },
      {
        writable: ['firstName', 'lastName', 'email', 'status', 'role', 'password'],
        readOnly: ['instanceUid', 'organizationUid', 'companyName', 'login', 'isService', 'creationDate'],
      },
    );
    const password = changed.has('password') ? (value.password as string) : undefined;
    this.users.change(principal, user, value, password === undefined ? [] : ['password']);
    if (password !== undefined) {
      if (user.isService) throw ApiError.badRequest('Service users have no password.', { propertyName: 'password' });
      await this.passwords.set(user, password);
    }
    await this.users.save();
    return user;
  }
}
