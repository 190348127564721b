import { randomUUID } from 'node:crypto';
import { EntityManager, type FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import type { Page } from '../common/envelope.js';
import { applyJsonPatch } from '../common/json-patch.js';
import { PageQuery } from '../common/pagination.dto.js';
import { type AuditTarget, AuditService } from '../audit/audit.service.js';
import { CredentialEvents } from '../common/credential-events.js';
import { CompaniesService } from '../companies/companies.service.js';
import { Company } from '../companies/company.entity.js';
import { PasswordCredentials } from '../identities/password-credentials.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { isProviderRole, managesTenant, ROLES, type Role, TENANT_ROLES } from './roles.js';
import { toUserView, type UserView } from './user.mapper.js';
import { USER_STATUSES, User } from './user.entity.js';

const userTarget = (user: User): AuditTarget => ({ type: 'user', id: user.instanceUid, companyUid: user.company.instanceUid });

/** Tenant roles a manager may hand out: an administrator cannot make owners. */
function assignableRoles(principal: Principal, company: Company): readonly Role[] {
  if (company.isProvider) return principal.role === 'portalAdministrator' ? ['portalAdministrator', 'portalOperator', 'readonlyUser'] : [];
  if (principal.role === 'portalAdministrator' || principal.role === 'portalOperator' || principal.role === 'companyOwner') {
    return ['companyOwner', 'companyAdministrator', 'companyUser'];
  }
  return principal.role === 'companyAdministrator' ? ['companyAdministrator', 'companyUser'] : [];
}

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly companies: CompaniesService,
    private readonly passwords: PasswordCredentials,
    private readonly events: CredentialEvents,
    private readonly audit: AuditService,
  ) {}

  /**
   * Users the caller may see: the provider sees everyone, tenant managers their company,
   * anyone else only themselves; own-objects keys add "or created by me" as the only widening.
   */
  visibleUsers(principal: Principal): FilterQuery<User> {
    let scope: FilterQuery<User>;
    if (isProviderRole(principal.role)) scope = {};
    else if (managesTenant(principal.role)) scope = { company: principal.companyUid };
    else scope = { instanceUid: principal.userUid };
    if (!principal.ownObjectsOnly) return scope;
    return { $and: [scope, { $or: [{ instanceUid: principal.userUid }, { createdBy: principal.userUid }] }] };
  }

  /**
   * Users whose identities and settings the caller may change. A tenant manager manages only the
   * roles it could hand out: a companyAdministrator cannot reset an owner's password, disable the
   * owner or mint keys for the owner, which would make it the owner.
   */
  manageableUsers(principal: Principal): FilterQuery<User> {
    const self: FilterQuery<User> = { instanceUid: principal.userUid };
    let scope: FilterQuery<User>;
    if (principal.role === 'portalAdministrator') scope = {};
    else if (managesTenant(principal.role)) {
      const roles: Role[] = principal.role === 'companyAdministrator' ? ['companyAdministrator', 'companyUser'] : [...TENANT_ROLES];
      scope = { $or: [self, { company: principal.companyUid, role: { $in: roles } }] };
    } else scope = self;
    if (!principal.ownObjectsOnly) return scope;
    return { $and: [scope, { $or: [self, { createdBy: principal.userUid }] }] };
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<UserView>> {
    const [rows, total] = await this.em.findAndCount(User, this.visibleUsers(principal), {
      populate: ['company'],
      orderBy: { creationDate: 'asc', instanceUid: 'asc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { items: rows.map(toUserView), total, offset: query.offset };
  }

  async get(principal: Principal, uid: string): Promise<User> {
    const user = await this.em.findOne(User, { $and: [{ instanceUid: uid }, this.visibleUsers(principal)] }, { populate: ['company'] });
    if (!user) throw ApiError.notFound('User');
    return user;
  }

  /** A user the caller may manage; 403 for one it may only see, 404 whether it exists or not otherwise. */
  async getManageable(principal: Principal, uid: string): Promise<User> {
    const user = await this.em.findOne(User, { $and: [{ instanceUid: uid }, this.manageableUsers(principal)] }, { populate: ['company'] });
    if (user) return user;
    if (await this.em.count(User, { $and: [{ instanceUid: uid }, this.visibleUsers(principal)] })) {
      throw ApiError.forbidden('You may not change this user.');
    }
    throw ApiError.notFound('User');
  }

  async create(principal: Principal, dto: CreateUserDto): Promise<User> {
    const company = dto.organizationUid
      ? await this.companies.get(principal, dto.organizationUid)
      : await this.em.findOneOrFail(Company, { instanceUid: principal.companyUid });
    if (!assignableRoles(principal, company).includes(dto.role)) {
      throw ApiError.forbidden(`You may not create a user with role "${dto.role}" in this organization.`);
    }
    const user = this.em.create(User, {
      instanceUid: randomUUID(),
      login: dto.login,
      company,
      role: dto.role,
      status: 'enabled',
      isService: dto.isService ?? false,
      firstName: dto.firstName ?? '',
      lastName: dto.lastName ?? '',
      email: dto.email ?? '',
      createdBy: principal.userUid,
      creationDate: new Date(),
      sessionsValidAfter: null,
    });
    if (!user.isService && dto.password) await this.passwords.add(user, dto.password);
    this.audit.recordChange(principal, 'user.created', userTarget(user), { login: user.login, role: user.role, isService: user.isService });
    await this.flushUnique();
    return user;
  }

  async patch(principal: Principal, uid: string, patch: unknown): Promise<User> {
    const user = await this.getManageable(principal, uid);
    const view = { ...toUserView(user), password: '' };
    const next = applyJsonPatch(view, patch, {
      writable: ['firstName', 'lastName', 'email', 'status', 'role', 'password'],
      readOnly: ['instanceUid', 'organizationUid', 'companyName', 'login', 'isService', 'creationDate'],
    });
    for (const field of ['firstName', 'lastName', 'email'] as const) {
      const value: unknown = next[field];
      if (typeof value !== 'string' || value.length > 128 || /[<>=]/.test(value)) {
        throw ApiError.badRequest(`${field} must be a string of at most 128 characters without <, > or =.`, { propertyName: field });
      }
    }
    const self = user.instanceUid === principal.userUid;
    if (next.status !== user.status) {
      if (!USER_STATUSES.includes(next.status)) throw ApiError.badRequest('status must be enabled or disabled.', { propertyName: 'status' });
      if (self) throw ApiError.badRequest('You cannot change your own status.', { propertyName: 'status' });
    }
    if (next.role !== user.role) {
      if (!ROLES.includes(next.role) || !assignableRoles(principal, user.company).includes(next.role) || self) {
        throw ApiError.forbidden(`You may not give this user the role "${String(next.role)}".`);
      }
    }
    if (next.password !== '') {
      if (typeof next.password !== 'string' || next.password.length < 8 || next.password.length > 256) {
        throw ApiError.badRequest('password must be 8-256 characters.', { propertyName: 'password' });
      }
      if (user.isService) throw ApiError.badRequest('Service users have no password.', { propertyName: 'password' });
      await this.passwords.set(user, next.password);
    }
    const changed = (['firstName', 'lastName', 'email', 'status', 'role'] as const).filter((field) => next[field] !== user[field]);
    Object.assign(user, { firstName: next.firstName, lastName: next.lastName, email: next.email, status: next.status, role: next.role });
    if (next.password !== '') changed.push('password' as never);
    this.audit.recordChange(principal, 'user.updated', userTarget(user), { changed });
    await this.flushUnique();
    this.events.everythingChanged();
    return user;
  }

  async delete(principal: Principal, uid: string): Promise<void> {
    const user = await this.getManageable(principal, uid);
    if (user.instanceUid === principal.userUid) throw ApiError.badRequest('You cannot delete yourself.');
    this.audit.recordChange(principal, 'user.deleted', userTarget(user), { login: user.login });
    await this.em.remove(user).flush();
    this.events.everythingChanged();
  }

  /** Refuse every access token issued so far; refresh tokens are revoked by the caller. */
  async endSessions(principal: Principal, uid: string): Promise<User> {
    const user = await this.getManageable(principal, uid);
    user.sessionsValidAfter = new Date();
    this.audit.recordChange(principal, 'user.sessionsRevoked', userTarget(user), {});
    await this.em.flush();
    this.events.everythingChanged();
    return user;
  }

  async findForLogin(em: EntityManager, login: string): Promise<User | null> {
    return em.findOne(User, { login }, { populate: ['company'] });
  }

  async findByUid(em: EntityManager, uid: string): Promise<User | null> {
    return em.findOne(User, { instanceUid: uid }, { populate: ['company'] });
  }

  private async flushUnique(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw ApiError.conflict('A user with this login already exists.');
      throw error;
    }
  }
}
