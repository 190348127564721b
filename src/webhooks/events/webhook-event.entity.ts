import { defineEntity, p } from '@mikro-orm/core';

/**
 * The outbox: one row per lifecycle event, written in the same transaction as the change that
 * caused it. The dispatcher claims undispatched rows (`dispatchToken`) and fans each out into one
 * delivery per matching webhook, in one transaction, so an event is fanned out exactly once.
 */
export const WebhookEventSchema = defineEntity({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  properties: {
    id: p.string().length(36).primary(),
    type: p.string().length(32),
    /** The tenant of the event's subject; provider webhooks hear every tenant. */
    companyUid: p.string().length(36).nullable(),
    createdAt: p.datetime().index(),
    data: p.json<Record<string, unknown>>(),
    dispatchToken: p.string().length(36).nullable().index(),
    dispatchedAt: p.datetime().nullable().index(),
  },
});

export class WebhookEvent extends WebhookEventSchema.class {}
WebhookEventSchema.setClass(WebhookEvent);
