import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../../access/access.decorator.js';
import { CurrentPrincipal } from '../../access/current-principal.decorator.js';
import type { Principal } from '../../access/principal.js';
import { one } from '../../common/envelope.js';
import { type JsonPatch, PatchBody } from '../../common/json-patch.js';
import { ApiData, ApiJsonPatch } from '../../common/openapi.js';
import { CreateUserDto } from '../../users/dto/create-user.dto.js';
import { UpdateUserDto } from '../../users/dto/update-user.dto.js';
import { UserViewDto } from '../../users/dto/user-view.dto.js';
import { toUserView } from '../../users/user.mapper.js';
import { AccountsService } from './accounts.service.js';

/**
 * The user routes that may set a password: `POST /users` and `PATCH /users/{uid}`. In the OpenAPI
 * document they keep the tag and operation ids of UsersController, which serves the other user routes.
 */
@ApiTags('Users')
@Controller('users')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ operationId: 'Users_create', summary: undefined })
  @ApiData(UserViewDto)
  @Access({ permission: 'users:write' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto) {
    return one(toUserView(await this.accounts.create(principal, dto)));
  }

  @Patch(':userUid')
  @ApiOperation({ operationId: 'Users_patch', summary: undefined })
  @ApiData(UserViewDto)
  @ApiJsonPatch()
  @Access({ permission: 'users:write' })
  async patch(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string, @PatchBody(UpdateUserDto) patch: JsonPatch<UpdateUserDto>) {
    return one(toUserView(await this.accounts.update(principal, uid, patch)));
  }
}
