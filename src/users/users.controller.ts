import { Controller, Delete, Param, ParseUUIDPipe } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one } from '../common/envelope.js';
import { ApiData } from '../common/openapi.js';
import { UsersService } from './users.service.js';

/**
 * Deleting users. The routes that answer a user go through the identities module
 * (AccountsController): a user answers with its MFA statuses, which its TOTP identity decides.
 */
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Delete(':userUid')
  @ApiData(Boolean)
  @Access({ permission: 'users:write' })
  async delete(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    await this.users.delete(principal, uid);
    return one(true);
  }
}
