import type { FilterQuery, RequiredEntityData } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { PageQuery } from '../common/pagination.dto.js';
import { Repository } from '../database/repository.js';
import { Webhook } from './webhook.entity.js';

/** The webhooks table; the signing secret is loaded only where a delivery is signed. */
@Injectable()
export class WebhooksRepository extends Repository {
  findPage(where: FilterQuery<Webhook>, page: PageQuery): Promise<[Webhook[], number]> {
    return this.em.findAndCount(Webhook, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: page.limit, offset: page.offset });
  }

  findOne(where: FilterQuery<Webhook>): Promise<Webhook | null> {
    return this.em.findOne(Webhook, where);
  }

  count(where: FilterQuery<Webhook>): Promise<number> {
    return this.em.count(Webhook, where);
  }

  add(data: RequiredEntityData<Webhook>): Webhook {
    return this.em.create(Webhook, data);
  }

  remove(webhook: Webhook): void {
    this.em.remove(webhook);
  }
}
