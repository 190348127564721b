import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../../access/access.decorator.js';
import { CurrentPrincipal } from '../../access/current-principal.decorator.js';
import type { Principal } from '../../access/principal.js';
import { one, page } from '../../common/envelope.js';
import { type JsonPatch, PatchBody } from '../../common/json-patch.js';
import { ApiData, ApiJsonPatch } from '../../common/openapi.js';
import { PageQuery } from '../../common/pagination.dto.js';
import { Select } from '../../common/selection.js';
import { CreateUserDto } from '../../users/dto/create-user.dto.js';
import { UpdateUserDto } from '../../users/dto/update-user.dto.js';
import { MeViewDto, UserViewDto } from '../../users/dto/user-view.dto.js';
import { USER_SHAPE, type UserView } from '../../users/user.mapper.js';
import { AccountsService } from './accounts.service.js';

const ME_SHAPE = { ...USER_SHAPE, permissions: true, readOnly: true } as const;

/**
 * The user routes that answer a user: its MFA statuses come from its TOTP identity, and creating
 * or patching one may set its password login in the same unit of work. In the OpenAPI document
 * they keep the tag and operation ids of UsersController, which deletes users.
 */
@ApiTags('Users')
@Controller('users')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({ operationId: 'Users_list', summary: undefined })
  @ApiData(UserViewDto, { page: true })
  @Select(USER_SHAPE)
  @Access({ permission: 'users:read' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery) {
    return page(await this.accounts.list(principal, query));
  }

  /** Any authenticated caller may read itself, whatever its permissions. */
  @Get('me')
  @ApiOperation({ operationId: 'Users_me', summary: undefined })
  @ApiData(MeViewDto)
  @Select<UserView & { permissions: string[]; readOnly: boolean }>(ME_SHAPE)
  @Access()
  async me(@CurrentPrincipal() principal: Principal) {
    const user = await this.accounts.get({ ...principal, ownObjectsOnly: false }, principal.userUid);
    // What this credential may do, so clients (the console) need no copy of the role table.
    return one({ ...user, permissions: [...principal.permissions].sort(), readOnly: principal.readOnly });
  }

  @Get(':userUid')
  @ApiOperation({ operationId: 'Users_get', summary: undefined })
  @ApiData(UserViewDto)
  @Select(USER_SHAPE)
  @Access({ permission: 'users:read' })
  async get(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    return one(await this.accounts.get(principal, uid));
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ operationId: 'Users_create', summary: undefined })
  @ApiData(UserViewDto)
  @Access({ permission: 'users:write' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto) {
    return one(await this.accounts.create(principal, dto));
  }

  @Patch(':userUid')
  @ApiOperation({ operationId: 'Users_patch', summary: undefined })
  @ApiData(UserViewDto)
  @ApiJsonPatch()
  @Access({ permission: 'users:write' })
  async patch(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string, @PatchBody(UpdateUserDto) patch: JsonPatch<UpdateUserDto>) {
    return one(await this.accounts.update(principal, uid, patch));
  }
}
