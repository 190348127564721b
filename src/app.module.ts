import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AboutModule } from './about/about.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ApiExceptionFilter } from './common/exception.filter.js';
import { ApiValidationPipe } from './common/validation.js';
import { CompaniesModule } from './companies/companies.module.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { GraphqlApiModule } from './graphql/graphql-api.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { IdentitiesModule } from './identities/identities.module.js';
import { IntegrationModule } from './integration/integration.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { SecretScanningModule } from './secret-scanning/secret-scanning.module.js';
import { HealthModule } from './observability/health.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { PermissionsModule } from './permissions/permissions.module.js';
import { PingModule } from './ping/ping.module.js';
import { ENTITIES } from './schema.js';
import { ShutdownSequence } from './shutdown.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, ENTITIES),
        AuditModule,
        IdempotencyModule,
        RateLimitsModule,
        CompaniesModule,
        PermissionsModule,
        UsersModule,
        IdentitiesModule,
        AuthModule,
        GraphqlApiModule,
        WebhooksModule,
        SecretScanningModule,
        OAuthModule,
        IntegrationModule,
        HealthModule,
        PingModule,
        AboutModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useClass: ApiValidationPipe },
        ShutdownSequence,
      ],
    };
  }
}
