import { Controller, Delete, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one, page } from '../common/envelope.js';
import { PageQuery } from '../common/pagination.dto.js';
import { toUserView } from './user.mapper.js';
import { UsersService } from './users.service.js';
import { ApiData } from '../common/openapi.js';
import { MeViewDto, UserViewDto } from './dto/user-view.dto.js';

/**
 * Reading and deleting users. Creating a user and patching one go through the identities module
 * (AccountsController), since either may set the user's password login in the same unit of work.
 */
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiData(UserViewDto, { page: true })
  @Access({ permission: 'users:read' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery) {
    return page(await this.users.list(principal, query));
  }

  /** Any authenticated caller may read itself, whatever its permissions. */
  @Get('me')
  @ApiData(MeViewDto)
  @Access()
  async me(@CurrentPrincipal() principal: Principal) {
    const user = toUserView(await this.users.get({ ...principal, ownObjectsOnly: false }, principal.userUid));
    // What this credential may do, so clients (the console) need no copy of the role table.
    return one({ ...user, permissions: [...principal.permissions].sort(), readOnly: principal.readOnly });
  }

  @Get(':userUid')
  @ApiData(UserViewDto)
  @Access({ permission: 'users:read' })
  async get(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    return one(toUserView(await this.users.get(principal, uid)));
  }

  @Delete(':userUid')
  @ApiData(Boolean)
  @Access({ permission: 'users:write' })
  async delete(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    await this.users.delete(principal, uid);
    return one(true);
  }
}
