import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { OAuthMetadataController } from './oauth-metadata.controller.js';
import { RevocationController } from './revocation.controller.js';
import { RevocationService } from './revocation.service.js';

/** The OAuth faces of Latchkey's tokens: RFC 7009 revocation and RFC 8414 metadata. */
@Module({
  imports: [AuthModule, IdentitiesModule, AuditModule, RateLimitsModule],
  controllers: [RevocationController, OAuthMetadataController],
  providers: [RevocationService],
})
export class OAuthModule {}
