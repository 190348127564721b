import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PermissionsService } from '../permissions/permissions.service.js';
import { IdentitiesService } from './identities.service.js';

/**
 * When a custom permission is deleted, keys that list it drop it in the same transaction: a
 * permission defined again later under that name starts with no key holding it.
 */
@Injectable()
export class PermissionRemoval implements OnModuleInit {
  constructor(
    private readonly permissions: PermissionsService,
    private readonly identities: IdentitiesService,
  ) {}

  onModuleInit(): void {
    this.permissions.onRemoval((name) => this.identities.forgetPermission(name));
  }
}
