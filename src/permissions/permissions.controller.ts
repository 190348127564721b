import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one } from '../common/envelope.js';
import { type JsonPatch, PatchBody } from '../common/json-patch.js';
import { ApiData, ApiJsonPatch } from '../common/openapi.js';
import { Select, type Shape } from '../common/selection.js';
import { CreatePermissionDto } from './dto/create-permission.dto.js';
import { PermissionViewDto } from './dto/permission-view.dto.js';
import { UpdatePermissionDto } from './dto/update-permission.dto.js';
import { PermissionNamePipe } from './permission-name.pipe.js';
import { type PermissionView, toPermissionView } from './permission.mapper.js';

const PERMISSION_SHAPE: Shape<PermissionView> = { name: true, description: true, builtIn: true, roles: true };
import { PermissionsService } from './permissions.service.js';

@Controller('permissions')
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  /** The permission catalogue, built-in and custom, with the roles holding each: for building key policies. */
  @Get()
  @ApiData(PermissionViewDto, { list: true })
  @Select(PERMISSION_SHAPE)
  @Access()
  async list() {
    return one(await this.permissions.list());
  }

  @Get(':name')
  @ApiData(PermissionViewDto)
  @Select(PERMISSION_SHAPE)
  @Access()
  async get(@Param('name', PermissionNamePipe) name: string) {
    return one(await this.permissions.get(name));
  }

  @Post()
  @HttpCode(200)
  @ApiData(PermissionViewDto)
  @Access({ permission: 'permissions:write', ownable: false })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreatePermissionDto) {
    return one(toPermissionView(await this.permissions.create(principal, dto)));
  }

  @Patch(':name')
  @ApiData(PermissionViewDto)
  @ApiJsonPatch()
  @Access({ permission: 'permissions:write', ownable: false })
  async patch(@CurrentPrincipal() principal: Principal, @Param('name', PermissionNamePipe) name: string, @PatchBody(UpdatePermissionDto) patch: JsonPatch<UpdatePermissionDto>) {
    return one(toPermissionView(await this.permissions.patch(principal, name, patch)));
  }

  @Delete(':name')
  @ApiData(Boolean)
  @Access({ permission: 'permissions:write', ownable: false })
  async delete(@CurrentPrincipal() principal: Principal, @Param('name', PermissionNamePipe) name: string) {
    await this.permissions.delete(principal, name);
    return one(true);
  }
}
