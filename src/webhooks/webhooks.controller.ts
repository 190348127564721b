import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { one, page } from '../common/envelope.js';
import { type JsonPatch, PatchBody } from '../common/json-patch.js';
import { ApiData, ApiJsonPatch } from '../common/openapi.js';
import { PageQuery } from '../common/pagination.dto.js';
import { DeliveryQuery } from './dto/delivery-query.dto.js';
import { DeliveryViewDto, NewWebhookViewDto, WebhookViewDto } from './dto/webhook-view.dto.js';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import { toWebhookView } from './webhook.mapper.js';
import { WebhooksService } from './webhooks.service.js';

const READ = { permission: 'webhooks:read', ownable: false } as const;
const WRITE = { permission: 'webhooks:write', ownable: false } as const;

@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiData(WebhookViewDto, { page: true })
  @Access(READ)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery) {
    return page(await this.webhooks.list(principal, query));
  }

  /** The answer carries the signing secret, this once. */
  @Post()
  @HttpCode(200)
  @ApiData(NewWebhookViewDto)
  @Access(WRITE)
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateWebhookDto) {
    const { webhook, secret } = await this.webhooks.create(principal, dto);
    return one({ ...toWebhookView(webhook), secret });
  }

  @Get(':id')
  @ApiData(WebhookViewDto)
  @Access(READ)
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return one(toWebhookView(await this.webhooks.get(principal, id)));
  }

  @Patch(':id')
  @ApiData(WebhookViewDto)
  @ApiJsonPatch()
  @Access(WRITE)
  async patch(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @PatchBody(UpdateWebhookDto) patch: JsonPatch<UpdateWebhookDto>) {
    return one(toWebhookView(await this.webhooks.patch(principal, id, patch)));
  }

  @Delete(':id')
  @ApiData(Boolean)
  @Access(WRITE)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    await this.webhooks.delete(principal, id);
    return one(true);
  }

  /** Newest first, each with its latest attempts. */
  @Get(':id/deliveries')
  @ApiData(DeliveryViewDto, { page: true })
  @Access(READ)
  async deliveries(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() query: DeliveryQuery) {
    return page(await this.webhooks.deliveries(principal, id, query));
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @ApiData(DeliveryViewDto)
  @Access(WRITE)
  async redeliver(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('deliveryId', ParseUUIDPipe) deliveryId: string) {
    return one(await this.webhooks.redeliver(principal, id, deliveryId));
  }
}
