import { Injectable } from '@nestjs/common';
import { ALL_PERMISSIONS, isBuiltInPermission } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import type { Role } from '../access/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { JsonPatch } from '../common/json-patch.js';
import type { CustomPermission } from './custom-permission.entity.js';
import type { CreatePermissionDto } from './dto/create-permission.dto.js';
import type { UpdatePermissionDto } from './dto/update-permission.dto.js';
import { PermissionCatalogue } from './permission-catalogue.js';
import { permissionTarget, type PermissionView, toBuiltInView, toPermissionView } from './permission.mapper.js';
import { PermissionsRepository } from './permissions.repository.js';

/** Work done in a permission's deletion, in its transaction, by the modules that refer to it. */
export type PermissionRemoval = (name: string) => Promise<void>;

/** Bound on custom permissions: each is in every principal's role set and in the console's forms. */
export const MAX_CUSTOM_PERMISSIONS = 500;
const TAKEN = 'A permission with this name already exists.';
const BUILT_IN = 'Built-in permissions cannot be changed or deleted.';

/**
 * Integrator-defined permissions and their grants to roles, audited. Each write answers once the
 * catalogue holds it, so this instance's next verification applies it; the flush subscriber's
 * permission fact carries it to cached principals, other instances and resource servers.
 */
@Injectable()
export class PermissionsService {
  private readonly removals: PermissionRemoval[] = [];

  constructor(
    private readonly permissions: PermissionsRepository,
    private readonly audit: AuditService,
    private readonly catalogue: PermissionCatalogue,
  ) {}

  /** Built-in permissions first, in catalogue order, then the custom ones by name. */
  async list(): Promise<PermissionView[]> {
    return [...ALL_PERMISSIONS.map(toBuiltInView), ...(await this.permissions.findAll()).map(toPermissionView)];
  }

  async get(name: string): Promise<PermissionView> {
    if (isBuiltInPermission(name)) return toBuiltInView(name);
    return toPermissionView(await this.find(name));
  }

  async create(principal: Principal, dto: CreatePermissionDto): Promise<CustomPermission> {
    if (isBuiltInPermission(dto.name)) throw ApiError.conflict(`"${dto.name}" is a built-in permission.`);
    if (this.catalogue.roles.custom.size >= MAX_CUSTOM_PERMISSIONS) {
      throw ApiError.badRequest(`At most ${MAX_CUSTOM_PERMISSIONS} custom permissions can be defined.`);
    }
    const permission = this.permissions.add({
      name: dto.name,
      description: dto.description,
      roles: dto.roles as Role[],
      createdBy: principal.userUid,
      creationDate: new Date(),
    });
    this.audit.recordChange(principal, 'permission.created', permissionTarget(permission, principal.companyUid), { roles: permission.roles });
    await this.permissions.flush(TAKEN);
    await this.catalogue.refresh();
    return permission;
  }

  async patch(principal: Principal, name: string, patch: JsonPatch<UpdatePermissionDto>): Promise<CustomPermission> {
    const permission = await this.find(name);
    const { value, changed } = patch.applyTo(toPermissionView(permission), { writable: ['description', 'roles'], readOnly: ['name', 'builtIn'] });
    if (!changed.size) return permission;
    const before = permission.roles;
    permission.description = value.description;
    permission.roles = value.roles;
    const details = { changed: [...changed], ...(changed.has('roles') ? { rolesBefore: before, roles: permission.roles } : {}) };
    this.audit.recordChange(principal, 'permission.updated', permissionTarget(permission, principal.companyUid), details);
    await this.permissions.flush();
    await this.catalogue.refresh();
    return permission;
  }

  /**
   * Registers work for each deletion (the identities module drops the name from keys' own lists,
   * so a permission defined again later under the same name is not held by keys of the old one).
   */
  onRemoval(removal: PermissionRemoval): void {
    this.removals.push(removal);
  }

  async delete(principal: Principal, name: string): Promise<void> {
    await this.permissions.transactional(async () => {
      const permission = await this.find(name);
      this.audit.recordChange(principal, 'permission.deleted', permissionTarget(permission, principal.companyUid), { roles: permission.roles });
      this.permissions.remove(permission);
      for (const removal of this.removals) await removal(name);
      await this.permissions.flush();
    });
    await this.catalogue.refresh();
  }

  private async find(name: string): Promise<CustomPermission> {
    if (isBuiltInPermission(name)) throw ApiError.badRequest(BUILT_IN, { parameterName: 'name' });
    const permission = await this.permissions.findOne(name);
    if (!permission) throw ApiError.notFound('Permission');
    return permission;
  }
}
