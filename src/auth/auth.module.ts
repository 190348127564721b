import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { IdentitiesModule } from '../identities/identities.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { IntrospectionController } from './introspection.controller.js';
import { PermissionsController } from './permissions.controller.js';
import { RefreshToken } from './refresh-token.entity.js';
import { ApiKeyHeaderStrategy } from './strategies/api-key-header.strategy.js';
import { AuthorizationHeaderStrategy } from './strategies/authorization-header.strategy.js';
import { BasicStrategy } from './strategies/basic.strategy.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [MikroOrmModule.forFeature([RefreshToken]), PassportModule, JwtModule.register({}), UsersModule, IdentitiesModule],
  controllers: [TokenController, PermissionsController, IntrospectionController],
  providers: [
    TokenService,
    AuthorizationHeaderStrategy,
    ApiKeyHeaderStrategy,
    BasicStrategy,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AuthModule {}
