import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { IdentitiesModule } from '../identities/identities.module.js';
import { DeliveryQueueRepository } from './delivery/delivery-queue.repository.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import { OutboxSignal } from './events/outbox-signal.js';
import { OutboxSubscriber } from './events/outbox.subscriber.js';
import { ExpiryRepository } from './expiry/expiry.repository.js';
import { ExpiryScanner } from './expiry/expiry-scanner.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Lifecycle events leave as signed webhooks: the outbox written with each change (OutboxSubscriber),
 * the expiry scan, the delivery queue and its worker, and the webhooks' own CRUD.
 */
@Module({
  imports: [IdentitiesModule, AuditModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService, DeliveryQueueRepository, DeliveryWorker, OutboxSignal, OutboxSubscriber, ExpiryRepository, ExpiryScanner],
  exports: [DeliveryWorker],
})
export class WebhooksModule {}
