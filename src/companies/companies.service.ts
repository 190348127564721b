import { randomUUID } from 'node:crypto';
import { EntityManager, type FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { type AuditTarget, AuditService } from '../audit/audit.service.js';
import { CredentialEvents } from '../common/credential-events.js';
import type { Page } from '../common/envelope.js';
import { applyJsonPatch } from '../common/json-patch.js';
import { PageQuery } from '../common/pagination.dto.js';
import { isProviderRole } from '../users/roles.js';
import { COMPANY_STATUSES, Company } from './company.entity.js';
import { CompanyView, toCompanyView } from './company.mapper.js';
import { CreateCompanyDto } from './dto/create-company.dto.js';

const PROVIDER_NAME = 'Provider';

const companyTarget = (company: Company): AuditTarget => ({ type: 'company', id: company.instanceUid, companyUid: company.instanceUid });

@Injectable()
export class CompaniesService {
  constructor(
    private readonly em: EntityManager,
    private readonly events: CredentialEvents,
    private readonly audit: AuditService,
  ) {}

  /** The provider sees every company; a tenant only its own. */
  private scope(principal: Principal): FilterQuery<Company> {
    return isProviderRole(principal.role) ? {} : { instanceUid: principal.companyUid };
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<CompanyView>> {
    const [rows, total] = await this.em.findAndCount(Company, this.scope(principal), {
      orderBy: { creationDate: 'asc', instanceUid: 'asc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { items: rows.map(toCompanyView), total, offset: query.offset };
  }

  async get(principal: Principal, uid: string): Promise<Company> {
    const company = await this.em.findOne(Company, { $and: [{ instanceUid: uid }, this.scope(principal)] });
    if (!company) throw ApiError.notFound('Company');
    return company;
  }

  async create(principal: Principal, dto: CreateCompanyDto): Promise<Company> {
    if (!isProviderRole(principal.role)) throw ApiError.forbidden('Only the provider creates companies.');
    const company = this.em.create(Company, {
      instanceUid: randomUUID(),
      name: dto.name,
      status: dto.status ?? 'active',
      isProvider: false,
      creationDate: new Date(),
    });
    this.audit.recordChange(principal, 'company.created', companyTarget(company), { name: company.name });
    await this.flushUnique('A company with this name already exists.');
    return company;
  }

  async patch(principal: Principal, uid: string, patch: unknown): Promise<Company> {
    const company = await this.get(principal, uid);
    if (!isProviderRole(principal.role)) throw ApiError.forbidden('Only the provider changes companies.');
    const next = applyJsonPatch(toCompanyView(company), patch, {
      writable: ['name', 'status'],
      readOnly: ['instanceUid', 'isProvider', 'creationDate'],
    });
    if (typeof next.name !== 'string' || !/^[^<>=]{1,128}$/.test(next.name)) {
      throw ApiError.badRequest('name must be 1-128 characters without <, > or =.', { propertyName: 'name' });
    }
    if (!COMPANY_STATUSES.includes(next.status)) {
      throw ApiError.badRequest(`status must be one of ${COMPANY_STATUSES.join(', ')}.`, { propertyName: 'status' });
    }
    if (company.isProvider && next.status !== 'active') throw ApiError.badRequest('The provider cannot be disabled.');
    company.name = next.name;
    company.status = next.status;
    this.audit.recordChange(principal, 'company.updated', companyTarget(company), { name: company.name, status: company.status });
    await this.flushUnique('A company with this name already exists.');
    this.events.everythingChanged();
    return company;
  }

  async delete(principal: Principal, uid: string): Promise<void> {
    const company = await this.get(principal, uid);
    if (!isProviderRole(principal.role)) throw ApiError.forbidden('Only the provider deletes companies.');
    if (company.isProvider) throw ApiError.badRequest('The provider cannot be deleted.');
    this.audit.recordChange(principal, 'company.deleted', companyTarget(company), { name: company.name });
    await this.em.remove(company).flush();
    this.events.everythingChanged();
  }

  /** The portal's own organization exists from the first start. */
  async ensureProvider(em: EntityManager): Promise<Company> {
    const existing = await em.findOne(Company, { isProvider: true });
    if (existing) return existing;
    const provider = em.create(Company, {
      instanceUid: randomUUID(),
      name: PROVIDER_NAME,
      status: 'active',
      isProvider: true,
      creationDate: new Date(),
    });
    await em.flush();
    return provider;
  }

  private async flushUnique(message: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw ApiError.conflict(message);
      throw error;
    }
  }
}
