import type { FilterQuery, RequiredEntityData } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { PageQuery } from '../common/pagination.dto.js';
import { Repository } from '../database/repository.js';
import { User } from './user.entity.js';

/** The users table; other modules reach it through UsersService. */
@Injectable()
export class UsersRepository extends Repository {
  findPage(where: FilterQuery<User>, page: PageQuery): Promise<[User[], number]> {
    return this.em.findAndCount(User, where, {
      populate: ['company'],
      orderBy: { creationDate: 'asc', instanceUid: 'asc' },
      limit: page.limit,
      offset: page.offset,
    });
  }

  /** One user with its company loaded. */
  findOne(where: FilterQuery<User>): Promise<User | null> {
    return this.em.findOne(User, where, { populate: ['company'] });
  }

  count(where: FilterQuery<User> = {}): Promise<number> {
    return this.em.count(User, where);
  }

  add(data: RequiredEntityData<User>): User {
    return this.em.create(User, data);
  }

  remove(user: User): void {
    this.em.remove(user);
  }
}
