import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one, page } from '../common/envelope.js';
import { CollectionQuery } from '../common/collection-query.js';
import { ApiKeyPolicyInput, parseApiKeyPolicy } from './dto/api-key-policy.dto.js';
import { RotateDto } from './dto/rotate.dto.js';
import { IdentitiesService } from './identities.service.js';
import { IDENTITY_SHAPE } from './identity.mapper.js';
import { Select } from '../common/selection.js';
import { type JsonPatch, PatchBody } from '../common/json-patch.js';
import { ApiData, ApiJsonPatch } from '../common/openapi.js';
import { IdentityViewDto } from './dto/identity-view.dto.js';
import { UpdateIdentityDto } from './dto/update-identity.dto.js';

const Uid = () => Param('userUid', ParseUUIDPipe);
const Id = () => Param('id', ParseIntPipe);

@Controller('users')
export class IdentitiesController {
  constructor(private readonly identities: IdentitiesService) {}

  @Get('logins')
  @ApiData(IdentityViewDto, { page: true })
  @Select(IDENTITY_SHAPE)
  @Access({ permission: 'identities:read' })
  async listAll(@CurrentPrincipal() principal: Principal, @Query() query: CollectionQuery) {
    return page(await this.identities.list(principal, query));
  }

  @Get(':userUid/logins')
  @ApiData(IdentityViewDto, { page: true })
  @Select(IDENTITY_SHAPE)
  @Access({ permission: 'identities:read' })
  async list(@CurrentPrincipal() principal: Principal, @Uid() userUid: string, @Query() query: CollectionQuery) {
    return page(await this.identities.list(principal, query, userUid));
  }

  /** VSPC sends the policy in the query; Latchkey also takes it (and its extensions) as JSON. */
  @Post(':userUid/logins/apikey')
  @HttpCode(200)
  @ApiData(IdentityViewDto, { description: 'The new key identity; the key is in `parameters`, shown only this once.' })
  @ApiKeyPolicyInput()
  @Access({ permission: 'identities:write' })
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Uid() userUid: string,
    @Query() query: Record<string, unknown>,
    @Body() body: unknown,
  ) {
    const { identity, key } = await this.identities.createApiKey(principal, userUid, parseApiKeyPolicy(query, body));
    return one(this.identities.view(identity, key));
  }

  @Get(':userUid/logins/:id')
  @ApiData(IdentityViewDto)
  @Select(IDENTITY_SHAPE)
  @Access({ permission: 'identities:read' })
  async get(@CurrentPrincipal() principal: Principal, @Uid() userUid: string, @Id() id: number) {
    return one(this.identities.view(await this.identities.get(principal, userUid, id)));
  }

  @Patch(':userUid/logins/:id')
  @ApiData(IdentityViewDto)
  @ApiJsonPatch()
  @Access({ permission: 'identities:write' })
  async patch(@CurrentPrincipal() principal: Principal, @Uid() userUid: string, @Id() id: number, @PatchBody(UpdateIdentityDto) patch: JsonPatch<UpdateIdentityDto>) {
    return one(this.identities.view(await this.identities.patch(principal, userUid, id, patch)));
  }

  @Delete(':userUid/logins/:id')
  @ApiData(Boolean)
  @Access({ permission: 'identities:write' })
  async delete(@CurrentPrincipal() principal: Principal, @Uid() userUid: string, @Id() id: number) {
    await this.identities.delete(principal, userUid, id);
    return one(true);
  }

  @Post(':userUid/logins/:id/rotate')
  @HttpCode(200)
  @ApiData(IdentityViewDto, { description: 'The new key is in `parameters`, shown only this once.' })
  @Access({ permission: 'identities:write' })
  async rotate(@CurrentPrincipal() principal: Principal, @Uid() userUid: string, @Id() id: number, @Body() dto: RotateDto) {
    const { identity, key } = await this.identities.rotate(principal, userUid, id, dto.gracePeriodSeconds ?? 0);
    return one(this.identities.view(identity, key));
  }
}
