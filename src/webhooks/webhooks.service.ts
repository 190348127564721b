import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../access/principal.js';
import { isProviderRole } from '../access/roles.js';
import { AuditService, type AuditTarget } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { Page } from '../common/envelope.js';
import type { JsonPatch } from '../common/json-patch.js';
import type { PageQuery } from '../common/pagination.dto.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SecretsService } from '../database/secrets.service.js';
import { seal } from '../database/secret-box.js';
import { DeliveryQueueRepository, KEPT_ATTEMPTS } from './delivery/delivery-queue.repository.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import { newSigningSecret } from './delivery/signature.js';
import { targetHost, urlProblem } from './delivery/target-policy.js';
import type { WebhookDelivery } from './delivery/webhook-delivery.entity.js';
import type { DeliveryQuery } from './dto/delivery-query.dto.js';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import type { Webhook } from './webhook.entity.js';
import { type DeliveryView, toDeliveryView, toWebhookView, type WebhookView } from './webhook.mapper.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Webhooks per tenant (and for the provider), so fan-out and the list stay small. */
export const MAX_WEBHOOKS_PER_TENANT = 25;
/** Attempts shown per delivery in the deliveries list. */
const ATTEMPTS_SHOWN = 20;
const WRITABLE = ['url', 'events', 'description', 'enabled'] as const;

/**
 * Webhooks of a tenant: the provider's administrators manage provider webhooks (which hear every
 * tenant) and may see and manage every tenant's; a company's owners and administrators manage
 * their company's. The signing secret is made here, shown once, and stored only sealed.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly queue: DeliveryQueueRepository,
    private readonly secrets: SecretsService,
    private readonly audit: AuditService,
    private readonly worker: DeliveryWorker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private scope(principal: Principal): FilterQuery<Webhook> {
    return isProviderRole(principal.role) ? {} : { companyUid: principal.companyUid };
  }

  private target(principal: Principal, webhook: Webhook): AuditTarget {
    return { type: 'webhook', id: webhook.id, companyUid: webhook.companyUid ?? principal.companyUid };
  }

  private checkUrl(url: string): void {
    const problem = urlProblem(url, this.config.webhooks.allowedHosts);
    if (problem) throw ApiError.badRequest(problem, { propertyName: 'url' });
  }

  async list(principal: Principal, query: PageQuery): Promise<Page<WebhookView>> {
    const [rows, total] = await this.webhooks.findPage(this.scope(principal), query);
    return { items: rows.map(toWebhookView), total, offset: query.offset };
  }

  async get(principal: Principal, id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findOne({ $and: [{ id }, this.scope(principal)] });
    if (!webhook) throw ApiError.notFound('Webhook');
    return webhook;
  }

  async create(principal: Principal, dto: CreateWebhookDto): Promise<{ webhook: Webhook; secret: string }> {
    this.checkUrl(dto.url);
    const companyUid = isProviderRole(principal.role) ? null : principal.companyUid;
    if ((await this.webhooks.count({ companyUid })) >= MAX_WEBHOOKS_PER_TENANT) {
      throw ApiError.badRequest(`A tenant may have at most ${MAX_WEBHOOKS_PER_TENANT} webhooks.`);
    }
    const secret = newSigningSecret();
    const now = new Date();
    const webhook = this.webhooks.add({
      id: randomUUID(),
      companyUid,
      url: dto.url,
      events: [...dto.events],
      description: dto.description ?? '',
      enabled: dto.enabled ?? true,
      sealedSecret: seal(secret, this.secrets.get('webhook-signing')),
      createdBy: principal.userUid,
      createdAt: now,
      updatedAt: now,
    });
    // The URL may carry a receiver's own token in its path: the audit names its host only.
    this.audit.recordChange(principal, 'webhook.created', this.target(principal, webhook), { host: targetHost(dto.url), events: webhook.events, enabled: webhook.enabled });
    await this.webhooks.flush();
    this.worker.wake(webhook.enabled);
    return { webhook, secret };
  }

  async patch(principal: Principal, id: string, patch: JsonPatch<UpdateWebhookDto>): Promise<Webhook> {
    const webhook = await this.get(principal, id);
    const view = toWebhookView(webhook);
    const rules = { writable: WRITABLE, readOnly: (Object.keys(view) as (keyof WebhookView)[]).filter((name) => !(WRITABLE as readonly string[]).includes(name)) };
    const { value, changed } = patch.applyTo(view, rules);
    if (changed.has('url')) this.checkUrl(value.url);
    webhook.url = value.url;
    webhook.events = [...value.events];
    webhook.description = value.description;
    webhook.enabled = value.enabled;
    webhook.updatedAt = new Date();
    this.audit.recordChange(principal, 'webhook.updated', this.target(principal, webhook), { changed: [...changed].sort(), host: targetHost(webhook.url) });
    await this.webhooks.flush();
    this.worker.wake(webhook.enabled);
    return webhook;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const webhook = await this.get(principal, id);
    this.audit.recordChange(principal, 'webhook.deleted', this.target(principal, webhook), { host: targetHost(webhook.url) });
    this.webhooks.remove(webhook);
    await this.webhooks.flush();
  }

  async deliveries(principal: Principal, id: string, query: DeliveryQuery): Promise<Page<DeliveryView>> {
    const webhook = await this.get(principal, id);
    const where: FilterQuery<WebhookDelivery> = query.status ? { webhook: webhook.id, status: query.status } : { webhook: webhook.id };
    const [rows, total] = await this.queue.findDeliveryPage(where, query.limit, query.offset);
    const attempts = await this.queue.attemptsOf(rows.map((row) => row.id), Math.min(ATTEMPTS_SHOWN, KEPT_ATTEMPTS));
    return { items: rows.map((row) => toDeliveryView(row, attempts.get(row.id) ?? [])), total, offset: query.offset };
  }

  /** Queues a delivery again now, with a fresh retry window; one being attempted right now is left to finish. */
  async redeliver(principal: Principal, id: string, deliveryId: string): Promise<DeliveryView> {
    const webhook = await this.get(principal, id);
    const delivery = await this.queue.findDelivery({ id: deliveryId, webhook: webhook.id });
    if (!delivery) throw ApiError.notFound('Delivery');
    const now = new Date();
    const queued = await this.queue.requeue(delivery.id, now, new Date(now.getTime() + this.config.webhooks.retryWindowMs));
    this.audit.recordChange(principal, 'webhook.redelivered', this.target(principal, webhook), { deliveryId: delivery.id, eventType: delivery.event.type, queued });
    await this.queue.flush();
    this.worker.wake(true);
    const fresh = await this.queue.findDelivery({ id: delivery.id }, true);
    const attempts = await this.queue.attemptsOf([delivery.id], ATTEMPTS_SHOWN);
    return toDeliveryView(fresh ?? delivery, attempts.get(delivery.id) ?? []);
  }
}
