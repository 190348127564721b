import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { withUnitOfWork } from './request-scope.js';

/**
 * A unit of work for work done outside an HTTP request (start-up, background batches): the same
 * scope a request gets, so repositories resolve their EntityManager in it as they do in a request.
 */
@Injectable()
export class DatabaseScope {
  constructor(private readonly em: EntityManager) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return withUnitOfWork(this.em, work);
  }
}
