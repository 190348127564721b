import { Module } from '@nestjs/common';
import { AboutController } from './about.controller.js';
import { AboutRepository } from './about.repository.js';
import { AboutService } from './about.service.js';

/** The installation: its id, first start and server version (`GET /about`). */
@Module({
  controllers: [AboutController],
  providers: [AboutService, AboutRepository],
})
export class AboutModule {}
