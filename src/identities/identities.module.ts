import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CompaniesModule } from '../companies/companies.module.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountsController } from './accounts/accounts.controller.js';
import { AccountsService } from './accounts/accounts.service.js';
import { FirstStartService } from './accounts/first-start.service.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { ApiKeysController } from './api-keys.controller.js';
import { CatalogueFollower } from './credential-changes/catalogue-follower.js';
import { CredentialChangeLog } from './credential-changes/change-log.js';
import { CredentialChanges } from './credential-changes/credential-changes.js';
import { CredentialChangesSubscriber } from './credential-changes/credential-changes.subscriber.js';
import { CredentialRelay } from './credential-changes/credential-relay.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesRepository } from './identities.repository.js';
import { IdentitiesService } from './identities.service.js';
import { LastUsedRecorder } from './last-used.recorder.js';
import { PasswordCredentials } from './password-credentials.js';
import { PermissionRemoval } from './permission-removal.js';
import { TotpController } from './totp/totp.controller.js';
import { TotpService } from './totp/totp.service.js';

/**
 * Every credential a user holds (password, API keys, second factor), the verifier that turns a
 * key into a principal, and the credential changes that keep its cache true on every instance.
 */
@Module({
  imports: [UsersModule, CompaniesModule, PermissionsModule, AuditModule, RateLimitsModule],
  controllers: [IdentitiesController, ApiKeysController, TotpController, AccountsController],
  providers: [
    IdentitiesRepository,
    IdentitiesService,
    AccountsService,
    FirstStartService,
    PasswordCredentials,
    TotpService,
    LastUsedRecorder,
    ApiKeyVerifier,
    CredentialChanges,
    CredentialChangesSubscriber,
    CredentialRelay,
    CredentialChangeLog,
    CatalogueFollower,
    PermissionRemoval,
  ],
  exports: [ApiKeyVerifier, PasswordCredentials, TotpService, LastUsedRecorder, IdentitiesService, CredentialChanges, CredentialRelay],
})
export class IdentitiesModule {}
