import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one, page } from '../common/envelope.js';
import { PageQuery } from '../common/pagination.dto.js';
import { COMPANY_SHAPE, PROVIDER_SHAPE, toCompanyView, toProviderView } from './company.mapper.js';
import { CompaniesService } from './companies.service.js';
import { CreateCompanyDto } from './dto/create-company.dto.js';
import { type JsonPatch, PatchBody } from '../common/json-patch.js';
import { ApiData, ApiJsonPatch } from '../common/openapi.js';
import { CompanyViewDto, ProviderViewDto } from './dto/company-view.dto.js';
import { Select } from '../common/selection.js';
import { UpdateCompanyDto } from './dto/update-company.dto.js';

@Controller('organizations/companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Get()
  @ApiData(CompanyViewDto, { page: true })
  @Select(COMPANY_SHAPE)
  @Access({ permission: 'companies:read', ownable: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery) {
    return page(await this.companies.list(principal, query));
  }

  @Post()
  @HttpCode(200)
  @ApiData(CompanyViewDto)
  @Access({ permission: 'companies:write', ownable: false })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateCompanyDto) {
    return one(toCompanyView(await this.companies.create(principal, dto)));
  }

  @Get(':companyUid')
  @ApiData(CompanyViewDto)
  @Select(COMPANY_SHAPE)
  @Access({ permission: 'companies:read', ownable: false })
  async get(@CurrentPrincipal() principal: Principal, @Param('companyUid', ParseUUIDPipe) uid: string) {
    return one(toCompanyView(await this.companies.get(principal, uid)));
  }

  @Patch(':companyUid')
  @ApiData(CompanyViewDto)
  @ApiJsonPatch()
  @Access({ permission: 'companies:write', ownable: false })
  async patch(@CurrentPrincipal() principal: Principal, @Param('companyUid', ParseUUIDPipe) uid: string, @PatchBody(UpdateCompanyDto) patch: JsonPatch<UpdateCompanyDto>) {
    return one(toCompanyView(await this.companies.patch(principal, uid, patch)));
  }

  @Delete(':companyUid')
  @ApiData(Boolean)
  @Access({ permission: 'companies:write', ownable: false })
  async delete(@CurrentPrincipal() principal: Principal, @Param('companyUid', ParseUUIDPipe) uid: string) {
    await this.companies.delete(principal, uid);
    return one(true);
  }
}

/** The portal's own organization: the `organizationUid` of provider-side users. */
@Controller('organizations/provider')
export class ProviderController {
  constructor(private readonly companies: CompaniesService) {}

  @Get()
  @ApiData(ProviderViewDto)
  @Select(PROVIDER_SHAPE)
  @Access({ permission: 'companies:read', ownable: false })
  async get() {
    return one(toProviderView(await this.companies.provider()));
  }
}
