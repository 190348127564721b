import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../access/principal.js';
import { isProviderRole } from '../access/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { Page } from '../common/envelope.js';
import type { JsonPatch } from '../common/json-patch.js';
import type { PageQuery } from '../common/pagination.dto.js';
import { CompaniesRepository } from './companies.repository.js';
import type { Company } from './company.entity.js';
import { companyTarget, type CompanyView, toCompanyView } from './company.mapper.js';
import type { CreateCompanyDto } from './dto/create-company.dto.js';
import type { UpdateCompanyDto } from './dto/update-company.dto.js';

const PROVIDER_NAME = 'Provider';
const NAME_TAKEN = 'A company with this name already exists.';
/**
 * Company names shown in answers about credentials (introspection, verify), so a cached key costs
 * no query. A rename here evicts at once; one made on another instance shows within the TTL.
 */
const NAME_CACHE = { max: 10_000, ttl: 10_000 };

@Injectable()
export class CompaniesService {
  private readonly names = new LRUCache<string, string>(NAME_CACHE);

  constructor(
    private readonly companies: CompaniesRepository,
    private readonly audit: AuditService,
  ) {}

  /** The provider sees every company; a tenant only its own. */
  private scope(principal: Principal): FilterQuery<Company> {
    return isProviderRole(principal.role) ? {} : { instanceUid: principal.companyUid };
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<CompanyView>> {
    const [rows, total] = await this.companies.findPage(this.scope(principal), query);
    return { items: rows.map(toCompanyView), total, offset: query.offset };
  }

  async get(principal: Principal, uid: string): Promise<Company> {
    const company = await this.companies.findOne({ $and: [{ instanceUid: uid }, this.scope(principal)] });
    if (!company) throw ApiError.notFound('Company');
    return company;
  }

  /** A company's current name, for answers that show it (principals do not carry it). */
  async nameOf(uid: string): Promise<string> {
    const cached = this.names.get(uid);
    if (cached !== undefined) return cached;
    const name = (await this.companies.findOne({ instanceUid: uid }))?.name;
    if (name !== undefined) this.names.set(uid, name);
    return name ?? '';
  }

  async create(principal: Principal, dto: CreateCompanyDto): Promise<Company> {
    if (!isProviderRole(principal.role)) throw ApiError.forbidden('Only the provider creates companies.');
    const company = this.companies.add({
      instanceUid: randomUUID(),
      name: dto.name,
      status: dto.status ?? 'Active',
      isProvider: false,
      creationDate: new Date(),
    });
    this.audit.recordChange(principal, 'company.created', companyTarget(company), { name: company.name });
    await this.companies.flush(NAME_TAKEN);
    return company;
  }

  async patch(principal: Principal, uid: string, patch: JsonPatch<UpdateCompanyDto>): Promise<Company> {
    const company = await this.get(principal, uid);
    if (!isProviderRole(principal.role)) throw ApiError.forbidden('Only the provider changes companies.');
    const { value } = patch.applyTo(toCompanyView(company), {
      writable: ['name', 'status'],
      readOnly: ['instanceUid', 'isProvider', 'creationDate'],
    });
    if (company.isProvider && value.status !== 'Active') throw ApiError.badRequest('The provider cannot be disabled.');
    company.name = value.name;
    company.status = value.status;
    this.audit.recordChange(principal, 'company.updated', companyTarget(company), { name: company.name, status: company.status });
    await this.companies.flush(NAME_TAKEN);
    this.names.delete(uid);
    return company;
  }

  async delete(principal: Principal, uid: string): Promise<void> {
    const company = await this.get(principal, uid);
    if (!isProviderRole(principal.role)) throw ApiError.forbidden('Only the provider deletes companies.');
    if (company.isProvider) throw ApiError.badRequest('The provider cannot be deleted.');
    this.audit.recordChange(principal, 'company.deleted', companyTarget(company), { name: company.name });
    this.companies.remove(company);
    await this.companies.flush();
    this.names.delete(uid);
  }

  /** The portal's own organization (`GET /organizations/provider`); every caller may read it. */
  async provider(): Promise<Company> {
    const provider = await this.companies.findOne({ isProvider: true });
    if (!provider) throw ApiError.notFound('Provider');
    return provider;
  }

  /** The portal's own organization exists from the first start. */
  async ensureProvider(): Promise<Company> {
    const existing = await this.companies.findOne({ isProvider: true });
    if (existing) return existing;
    const provider = this.companies.add({
      instanceUid: randomUUID(),
      name: PROVIDER_NAME,
      status: 'Active',
      isProvider: true,
      creationDate: new Date(),
    });
    await this.companies.flush();
    return provider;
  }
}
