import { MikroOrmModule } from '@mikro-orm/nestjs';
import { forwardRef, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ApiKeySecret } from './api-key-secret.entity.js';
import { ApiKeyVerifier } from './api-key-verifier.js';
import { ApiKeysController } from './api-keys.controller.js';
import { IdentitiesController } from './identities.controller.js';
import { LastUsedRecorder } from './last-used.recorder.js';
import { IdentitiesService } from './identities.service.js';
import { PasswordCredentials } from './password-credentials.js';
import { TotpController } from './totp.controller.js';
import { TotpService } from './totp.service.js';
import { Identity } from './identity.entity.js';

@Module({
  imports: [MikroOrmModule.forFeature([Identity, ApiKeySecret]), forwardRef(() => UsersModule)],
  controllers: [IdentitiesController, ApiKeysController, TotpController],
  providers: [IdentitiesService, ApiKeyVerifier, PasswordCredentials, LastUsedRecorder, TotpService],
  exports: [IdentitiesService, ApiKeyVerifier, PasswordCredentials, LastUsedRecorder, TotpService],
})
export class IdentitiesModule {}
