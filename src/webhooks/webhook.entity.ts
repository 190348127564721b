import { defineEntity, p } from '@mikro-orm/core';

/**
 * A receiver of lifecycle events. `companyUid` is the tenant it hears; null for the provider's
 * webhooks, which hear every tenant. The signing secret is stored sealed (AES-256-GCM under a
 * server secret), since it must be read back to sign each delivery.
 */
export const WebhookSchema = defineEntity({
  name: 'Webhook',
  tableName: 'webhooks',
  properties: {
    id: p.string().length(36).primary(),
    companyUid: p.string().length(36).nullable().index(),
    url: p.string().length(2048),
    events: p.json<string[]>(),
    description: p.string().length(128).default(''),
    enabled: p.boolean().default(true),
    sealedSecret: p.text().hidden().lazy(),
    createdBy: p.string().length(36).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export class Webhook extends WebhookSchema.class {}
WebhookSchema.setClass(Webhook);
