import { MikroOrmModule } from '@mikro-orm/nestjs';
import { forwardRef, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ApiKeySecret } from './api-key-secret.entity.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { IdentitiesController } from './identities.controller.js';
import { IdentitiesService } from './identities.service.js';
import { PasswordCredentials } from './password-credentials.js';
import { Identity } from './identity.entity.js';

@Module({
  imports: [MikroOrmModule.forFeature([Identity, ApiKeySecret]), forwardRef(() => UsersModule)],
  controllers: [IdentitiesController],
  providers: [IdentitiesService, ApiKeyVerifier, PasswordCredentials],
  exports: [IdentitiesService, ApiKeyVerifier, PasswordCredentials],
})
export class IdentitiesModule {}
