import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { keepRawBody } from './raw-body.js';
import { ReportSignatureGuard } from './report-signature.guard.js';
import { SECRET_SCANNING_ROUTE, SecretScanningController } from './secret-scanning.controller.js';
import { SecretScanningService } from './secret-scanning.service.js';

/** Leaked-key reports from secret scanners, signed with their published keys (SECRET_SCANNING_KEYS_FILE). */
@Module({
  imports: [IdentitiesModule, RateLimitsModule],
  controllers: [SecretScanningController],
  providers: [SecretScanningService, ReportSignatureGuard],
})
export class SecretScanningModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    keepRawBody(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), SECRET_SCANNING_ROUTE, this.config.bodyLimitBytes);
  }
}
