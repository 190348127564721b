import { Body, Controller, HttpCode, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { one, page } from '../common/envelope.js';
import { PageQuery } from '../common/pagination.dto.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { toUserView } from './user.mapper.js';
import { UsersService } from './users.service.js';
import { ApiData, ApiJsonPatch } from '../common/openapi.js';
import { MeViewDto, UserViewDto } from './dto/user-view.dto.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiData(UserViewDto, { page: true })
  @Access({ permission: 'users:read' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery) {
    return page(await this.users.list(principal, query));
  }

  @Post()
  @HttpCode(200)
  @ApiData(UserViewDto)
  @Access({ permission: 'users:write' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto) {
    return one(toUserView(await this.users.create(principal, dto)));
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

  @Patch(':userUid')
  @ApiData(UserViewDto)
  @ApiJsonPatch()
  @Access({ permission: 'users:write' })
  async patch(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string, @Body() patch: unknown) {
    return one(toUserView(await this.users.patch(principal, uid, patch)));
  }

  @Delete(':userUid')
  @ApiData(Boolean)
  @Access({ permission: 'users:write' })
  async delete(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    await this.users.delete(principal, uid);
    return one(true);
  }
}
