import type { DeliveryAttempt } from './delivery/delivery-attempt.entity.js';
import type { WebhookDelivery } from './delivery/webhook-delivery.entity.js';
import type { Webhook } from './webhook.entity.js';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  description: string;
  enabled: boolean;
  companyUid: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptView {
  number: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string;
  succeeded: boolean;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  giveUpAt: string;
  createdAt: string;
  deliveredAt: string | null;
  attempts: AttemptView[];
}

export function toWebhookView(webhook: Webhook): WebhookView {
  return {
    id: webhook.id,
    url: webhook.url,
    events: [...webhook.events],
    description: webhook.description,
    enabled: webhook.enabled,
    companyUid: webhook.companyUid ?? null,
    createdBy: webhook.createdBy ?? '',
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

export function toAttemptView(attempt: DeliveryAttempt): AttemptView {
  return {
    number: attempt.number,
    at: attempt.at.toISOString(),
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode ?? null,
    error: attempt.error,
    succeeded: attempt.succeeded,
  };
}

export function toDeliveryView(delivery: WebhookDelivery, attempts: DeliveryAttempt[]): DeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.event.id,
    eventType: delivery.event.type,
    status: delivery.status,
    attemptCount: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    giveUpAt: delivery.giveUpAt.toISOString(),
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt ? delivery.deliveredAt.toISOString() : null,
    attempts: attempts.map(toAttemptView),
  };
}
