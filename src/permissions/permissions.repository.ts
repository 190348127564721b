import type { RequiredEntityData } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Repository } from '../database/repository.js';
import { CustomPermission } from './custom-permission.entity.js';

/** The custom permissions table; other modules reach it through PermissionsService or PermissionCatalogue. */
@Injectable()
export class PermissionsRepository extends Repository {
  findAll(): Promise<CustomPermission[]> {
    return this.em.find(CustomPermission, {}, { orderBy: { name: 'asc' } });
  }

  findOne(name: string): Promise<CustomPermission | null> {
    return this.em.findOne(CustomPermission, { name });
  }

  /** Every row, read apart from any request's unit of work: the catalogue's load. */
  loadAll(): Promise<CustomPermission[]> {
    return this.em.fork({ disableContextResolution: true }).find(CustomPermission, {}, { orderBy: { name: 'asc' } });
  }

  add(data: RequiredEntityData<CustomPermission>): CustomPermission {
    return this.em.create(CustomPermission, data);
  }

  remove(permission: CustomPermission): void {
    this.em.remove(permission);
  }
}
