import { Controller, Get, Query } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { page } from '../common/envelope.js';
import { AuditService } from './audit.service.js';
import { AuditQuery } from './dto/audit-query.dto.js';
import { ApiData } from '../common/openapi.js';
import { AuditEntryViewDto } from './dto/audit-entry-view.dto.js';

@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first; tenants see their own company's entries only. */
  @Get()
  @ApiData(AuditEntryViewDto, { page: true })
  @Access({ permission: 'audit:read', ownable: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQuery) {
    return page(await this.audit.list(principal, query));
  }
}
