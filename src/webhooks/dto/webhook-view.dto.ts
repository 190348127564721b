import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { EVENT_TYPES } from '../events/event-types.js';
import { DELIVERY_STATUSES } from '../delivery/webhook-delivery.entity.js';
import type { AttemptView, DeliveryView, WebhookView } from '../webhook.mapper.js';

@ApiSchema({ name: 'Webhook' })
export class WebhookViewDto implements WebhookView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  url: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true })
  events: string[];

  @ApiProperty()
  description: string;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: 'string', nullable: true, format: 'uuid', description: 'The tenant it hears; null for a provider webhook, which hears every tenant.' })
  companyUid: string | null;

  @ApiProperty({ description: 'Uid of the user who created it.' })
  createdBy: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

@ApiSchema({ name: 'NewWebhook', description: 'A webhook as created: the only answer that carries its signing secret.' })
export class NewWebhookViewDto extends WebhookViewDto {
  @ApiProperty({ description: 'The signing secret (whsec_…). Shown once; store it where the receiver can read it.' })
  secret: string;
}

@ApiSchema({ name: 'WebhookDeliveryAttempt' })
export class AttemptViewDto implements AttemptView {
  @ApiProperty({ type: 'integer' })
  number: number;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: 'integer' })
  durationMs: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'The receiver\'s HTTP status; null when it gave none.' })
  statusCode: number | null;

  @ApiProperty({ description: 'Why it failed; "" on success.' })
  error: string;

  @ApiProperty()
  succeeded: boolean;
}

@ApiSchema({ name: 'WebhookDelivery' })
export class DeliveryViewDto implements DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'Sent as the Latchkey-Delivery header.' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The event\'s id, as in the body.' })
  eventId: string;

  @ApiProperty({ enum: EVENT_TYPES })
  eventType: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: string;

  @ApiProperty({ type: 'integer' })
  attemptCount: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the next attempt is due (pending deliveries).' })
  nextAttemptAt: string | null;

  @ApiProperty({ format: 'date-time', description: 'Retries stop after this.' })
  giveUpAt: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  deliveredAt: string | null;

  @ApiProperty({ type: [AttemptViewDto], description: 'The latest attempts, oldest first.' })
  attempts: AttemptView[];
}
