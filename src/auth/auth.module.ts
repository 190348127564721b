import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module.js';
import { CompaniesModule } from '../companies/companies.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { AccessPolicy } from './access-policy.js';
import { AuthEvents } from './auth-events.js';
import { Authenticator } from './authenticator.js';
import { FailedAuthenticationListener } from './listeners/failed-authentication.listener.js';
import { KeyUseListener } from './listeners/key-use.listener.js';
import { RefusalAuditListener } from './listeners/refusal-audit.listener.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { ApiKeyHeaderStrategy } from './strategies/api-key-header.strategy.js';
import { AuthorizationHeaderStrategy } from './strategies/authorization-header.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';

/** Credentials in, principals out: the token endpoint, the strategies, the global guard and its policy. */
@Module({
  imports: [PassportModule, JwtModule.register({}), IdentitiesModule, PermissionsModule, UsersModule, CompaniesModule, AuditModule, RateLimitsModule],
  controllers: [TokenController],
  providers: [
    TokenService,
    RefreshTokensRepository,
    AuthorizationHeaderStrategy,
    ApiKeyHeaderStrategy,
    BasicStrategy,
    Authenticator,
    AccessPolicy,
    AuthEvents,
    FailedAuthenticationListener,
    RefusalAuditListener,
    KeyUseListener,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [TokenService, AccessPolicy, AuthEvents],
})
export class AuthModule {}
