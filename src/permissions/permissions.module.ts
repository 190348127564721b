import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { PermissionCatalogue } from './permission-catalogue.js';
import { PermissionsController } from './permissions.controller.js';
import { PermissionsRepository } from './permissions.repository.js';
import { PermissionsService } from './permissions.service.js';

/**
 * Permissions: Latchkey's built-in ones and those integrators define for their own services, the
 * roles each is granted to, and the in-memory catalogue principals are built from.
 */
@Module({
  imports: [AuditModule],
  controllers: [PermissionsController],
  providers: [PermissionsRepository, PermissionsService, PermissionCatalogue],
  exports: [PermissionCatalogue, PermissionsService],
})
export class PermissionsModule {}
