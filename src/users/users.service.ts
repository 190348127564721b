import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { isProviderRole, managesTenant, PROVIDER_ROLES, ROLE, type Role, TENANT_ROLES } from '../access/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { Page } from '../common/envelope.js';
import type { PageQuery } from '../common/pagination.dto.js';
import { CompaniesService } from '../companies/companies.service.js';
import type { Company } from '../companies/company.entity.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { UserProfileDto } from './dto/user-profile.dto.js';
import type { User } from './user.entity.js';
import { userTarget } from './user.mapper.js';
import { UsersRepository } from './users.repository.js';

const NAME_TAKEN = 'A user with this user name already exists.';
/** The user properties a patch may change here; the password belongs to the identities module. */
export type UserChanges = Pick<UpdateUserDto, 'status' | 'role' | 'profile'>;
/** The columns a change writes, by their name on the entity. */
const CHANGEABLE = ['status', 'role', 'firstName', 'lastName', 'title', 'email', 'address', 'phone'] as const;

/** Roles a company administrator manages and hands out: not the owner's. */
const BELOW_OWNER: readonly Role[] = [ROLE.CompanyAdministrator, ROLE.CompanyLocationUser];

/** Tenant roles a manager may hand out: an administrator cannot make owners. */
function assignableRoles(principal: Principal, company: Company): readonly Role[] {
  if (company.isProvider) return principal.role === ROLE.PortalAdministrator ? PROVIDER_ROLES : [];
  if (principal.role === ROLE.PortalAdministrator || principal.role === ROLE.PortalOperator || principal.role === ROLE.CompanyOwner) {
    return TENANT_ROLES;
  }
  return principal.role === ROLE.CompanyAdministrator ? BELOW_OWNER : [];
}

/** A profile as the columns hold it: null for what is not set, the title Unknown. */
function profileColumns(profile: UserProfileDto | undefined): Pick<User, 'firstName' | 'lastName' | 'title' | 'email' | 'address' | 'phone'> {
  return {
    firstName: profile?.firstName ?? null,
    lastName: profile?.lastName ?? null,
    title: profile?.title ?? 'Unknown',
    email: profile?.email ?? null,
    address: profile?.address ?? null,
    phone: profile?.phone ?? null,
  };
}

/**
 * Users: who may see and manage whom, and their profile, role and status. A user's credentials,
 * the password included, belong to the identities module, which stages them in the same unit of
 * work before `save()` writes both.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly companies: CompaniesService,
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
   * roles it could hand out: a CompanyAdministrator cannot reset an owner's password, disable the
   * owner or mint keys for the owner, which would make it the owner.
   */
  manageableUsers(principal: Principal): FilterQuery<User> {
    const self: FilterQuery<User> = { instanceUid: principal.userUid };
    let scope: FilterQuery<User>;
    if (principal.role === ROLE.PortalAdministrator) scope = {};
    else if (managesTenant(principal.role)) {
      const roles: Role[] = principal.role === ROLE.CompanyAdministrator ? [...BELOW_OWNER] : [...TENANT_ROLES];
      scope = { $or: [self, { company: principal.companyUid, role: { $in: roles } }] };
    } else scope = self;
    if (!principal.ownObjectsOnly) return scope;
    return { $and: [scope, { $or: [self, { createdBy: principal.userUid }] }] };
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<User>> {
    const [rows, total] = await this.users.findPage(this.visibleUsers(principal), query);
    return { items: rows, total, offset: query.offset };
  }

  async get(principal: Principal, uid: string): Promise<User> {
    const user = await this.users.findOne({ $and: [{ instanceUid: uid }, this.visibleUsers(principal)] });
    if (!user) throw ApiError.notFound('User');
    return user;
  }

  /** A user the caller may manage; 403 for one it may only see, 404 whether it exists or not otherwise. */
  async getManageable(principal: Principal, uid: string): Promise<User> {
    const user = await this.users.findOne({ $and: [{ instanceUid: uid }, this.manageableUsers(principal)] });
    if (user) return user;
    if (await this.users.count({ $and: [{ instanceUid: uid }, this.visibleUsers(principal)] })) {
      throw ApiError.forbidden('You may not change this user.');
    }
    throw ApiError.notFound('User');
  }

  /** Stages a new user (and its audit entry) in the unit of work; `save()` writes it. */
  async add(principal: Principal, dto: Omit<CreateUserDto, 'credentials'> & { credentials: Pick<CreateUserDto['credentials'], 'userName'> }): Promise<User> {
    const company = await this.companies.get(principal, dto.organizationUid ?? principal.companyUid);
    if (!assignableRoles(principal, company).includes(dto.role)) {
      throw ApiError.forbidden(`You may not create a user with role "${dto.role}" in this organization.`);
    }
    const user = this.users.add({
      instanceUid: randomUUID(),
      userName: dto.credentials.userName,
      company,
      role: dto.role,
      status: 'Enabled',
      isService: dto.isService ?? false,
      ...profileColumns(dto.profile),
      createdBy: principal.userUid,
      creationDate: new Date(),
      sessionsValidAfter: null,
    });
    this.audit.recordChange(principal, 'user.created', userTarget(user), { userName: user.userName, role: user.role, isService: user.isService });
    return user;
  }

  /** The first Portal Administrator, staged while no user exists (first start). */
  addFirstAdministrator(provider: Company, userName: string): User {
    return this.users.add({
      instanceUid: randomUUID(),
      userName,
      company: provider,
      role: ROLE.PortalAdministrator,
      status: 'Enabled',
      isService: false,
      ...profileColumns(undefined),
      createdBy: null,
      creationDate: new Date(),
      sessionsValidAfter: null,
    });
  }

  /**
   * Stages validated changes to a manageable user, refusing what the caller may not do (its own
   * status or role, roles it could not hand out). `alsoChanged` names changes staged elsewhere
   * (the password) for the audit entry.
   */
  change(principal: Principal, user: User, next: UserChanges, alsoChanged: string[] = []): void {
    const self = user.instanceUid === principal.userUid;
    if (next.status !== user.status && self) throw ApiError.badRequest('You cannot change your own status.', { propertyName: 'status' });
    if (next.role !== user.role && (self || !assignableRoles(principal, user.company).includes(next.role))) {
      throw ApiError.forbidden(`You may not give this user the role "${String(next.role)}".`);
    }
    const columns = { status: next.status, role: next.role, ...profileColumns(next.profile) };
    const changed: string[] = CHANGEABLE.filter((field) => columns[field] !== user[field]);
    Object.assign(user, columns);
    this.audit.recordChange(principal, 'user.updated', userTarget(user), { changed: [...changed, ...alsoChanged] });
  }

  /** Writes what `add` and `change` staged, and whatever the request staged with them. */
  save(): Promise<void> {
    return this.users.flush(NAME_TAKEN);
  }

  async delete(principal: Principal, uid: string): Promise<void> {
    const user = await this.getManageable(principal, uid);
    if (user.instanceUid === principal.userUid) throw ApiError.badRequest('You cannot delete yourself.');
    this.audit.recordChange(principal, 'user.deleted', userTarget(user), { userName: user.userName });
    this.users.remove(user);
    await this.users.flush();
  }

  /** Refuse every access token issued so far; refresh tokens are revoked by the caller. */
  async endSessions(principal: Principal, uid: string): Promise<User> {
    const user = await this.getManageable(principal, uid);
    user.sessionsValidAfter = new Date();
    this.audit.recordChange(principal, 'user.sessionsRevoked', userTarget(user), {});
    await this.users.flush();
    return user;
  }

  async count(): Promise<number> {
    return this.users.count();
  }

  findForLogin(userName: string): Promise<User | null> {
    return this.users.findOne({ userName });
  }

  findByUid(uid: string): Promise<User | null> {
    return this.users.findOne({ instanceUid: uid });
  }
}
