import { Controller, Get, Query } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { page } from '../common/envelope.js';
import { AuditService, type AuditView } from './audit.service.js';
import { Select, type Shape } from '../common/selection.js';
import { AuditQuery } from './dto/audit-query.dto.js';
import { ApiData } from '../common/openapi.js';
import { AuditEntryViewDto } from './dto/audit-entry-view.dto.js';

const AUDIT_SHAPE: Shape<AuditView> = {
  id: true, at: true, action: true, outcome: true, actorUserUid: true, actorName: true, identityId: true, targetType: true, targetId: true,
  companyUid: true, fromAddress: true, details: true,
};

@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first; tenants see their own company's entries only. */
  @Get()
  @ApiData(AuditEntryViewDto, { page: true })
  @Select(AUDIT_SHAPE)
  @Access({ permission: 'audit:read', ownable: false })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQuery) {
    return page(await this.audit.list(principal, query));
  }
}
