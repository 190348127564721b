import { defineEntity, p } from '@mikro-orm/core';
import { WebhookEvent } from '../events/webhook-event.entity.js';
import { Webhook } from '../webhook.entity.js';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event on its way to one webhook (unique per pair). A worker claims a due delivery by
 * setting `leaseToken` and pushing `nextAttemptAt` past its request timeout in one conditional
 * update; a worker that dies mid-attempt leaves the lease to run out, and the delivery is due again.
 */
export const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  properties: {
    id: p.string().length(36).primary(),
    webhook: () => p.manyToOne(Webhook).deleteRule('cascade').index(),
    event: () => p.manyToOne(WebhookEvent).deleteRule('cascade').index(),
    status: p.string().length(16).$type<DeliveryStatus>(),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    /** Retries stop after this (24 h after queueing or a redelivery request, by default). */
    giveUpAt: p.datetime(),
    leaseToken: p.string().length(36).nullable().index(),
    createdAt: p.datetime(),
    lastAttemptAt: p.datetime().nullable(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.string().length(200).default(''),
    deliveredAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['webhook', 'event'] }],
  indexes: [{ properties: ['status', 'nextAttemptAt'] }],
});

export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);
