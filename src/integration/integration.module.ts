import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CompaniesModule } from '../companies/companies.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { CredentialEvents } from './credential-events.js';
import { EventsController } from './events.controller.js';
import { IntrospectionController } from './introspection.controller.js';
import { VerificationService } from './verification.service.js';
import { VerifyController } from './verify.controller.js';

/**
 * What other services call (integration surface): RFC 7662 introspection, the verify API that runs
 * Latchkey's policy for a resource server's request, and the events stream of credential changes.
 */
@Module({
  imports: [AuthModule, IdentitiesModule, PermissionsModule, CompaniesModule],
  controllers: [IntrospectionController, VerifyController, EventsController],
  providers: [VerificationService, CredentialEvents],
})
export class IntegrationModule {}
