import { defineEntity, p } from '@mikro-orm/core';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** One HTTP attempt of a delivery: when, how long, and what the receiver answered (never its body). */
export const DeliveryAttemptSchema = defineEntity({
  name: 'DeliveryAttempt',
  tableName: 'webhook_delivery_attempts',
  properties: {
    id: p.integer().primary().autoincrement(),
    delivery: () => p.manyToOne(WebhookDelivery).deleteRule('cascade').index(),
    number: p.integer(),
    at: p.datetime(),
    durationMs: p.integer(),
    statusCode: p.integer().nullable(),
    error: p.string().length(200).default(''),
    succeeded: p.boolean(),
  },
});

export class DeliveryAttempt extends DeliveryAttemptSchema.class {}
DeliveryAttemptSchema.setClass(DeliveryAttempt);
