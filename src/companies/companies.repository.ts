import type { FilterQuery, RequiredEntityData } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { PageQuery } from '../common/pagination.dto.js';
import { Repository } from '../database/repository.js';
import { Company } from './company.entity.js';

/** The companies table; other modules reach it through CompaniesService. */
@Injectable()
export class CompaniesRepository extends Repository {
  findPage(where: FilterQuery<Company>, page: PageQuery): Promise<[Company[], number]> {
    return this.em.findAndCount(Company, where, {
      orderBy: { creationDate: 'asc', instanceUid: 'asc' },
      limit: page.limit,
      offset: page.offset,
    });
  }

  findOne(where: FilterQuery<Company>): Promise<Company | null> {
    return this.em.findOne(Company, where);
  }

  add(data: RequiredEntityData<Company>): Company {
    return this.em.create(Company, data);
  }

  remove(company: Company): void {
    this.em.remove(company);
  }
}
