import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';

/** One request's unit of work: forked from the root EntityManager on first use only. */
interface RequestScope {
  /** The application's root EntityManager (several apps may share one process, as in tests). */
  root: EntityManager;
  em?: EntityManager;
  forking?: boolean;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/**
 * MikroORM's `context` option: the EntityManager of the current request, forked lazily, so a
 * request that never touches the database (a cached API key on a route without queries, a
 * public ping) pays for no fork. Outside a request scope it returns undefined, and MikroORM
 * refuses the global context as before (`allowGlobalContext: false`).
 */
export function requestEntityManager(): EntityManager | undefined {
  const scope = scopes.getStore();
  if (!scope || scope.forking) return undefined;
  if (!scope.em) {
    // Constructing a fork resolves the context itself; answer "none" while it does.
    scope.forking = true;
    try {
      scope.em = scope.root.fork({ useContext: true, disableContextResolution: true });
    } finally {
      scope.forking = false;
    }
  }
  return scope.em;
}

/**
 * Opens a request scope in Fastify's last hook before the handler, in place of
 * @mikro-orm/nestjs's middleware (which runs through the Express-compatibility layer and forks
 * eagerly on every request). `preHandler`, not `onRequest`: body parsing resumes from socket
 * events, which would leave an earlier scope behind; from `preHandler` on, Nest's guard,
 * pipes and handler all run inside it.
 */
export function registerRequestScope(fastify: FastifyInstance, root: EntityManager): void {
  fastify.addHook('preHandler', (_request, _reply, done) => scopes.run({ root }, done));
}

/** Runs `work` in a unit of work of its own, as a request would (see DatabaseScope). */
export function withUnitOfWork<T>(root: EntityManager, work: () => Promise<T>): Promise<T> {
  return scopes.run({ root }, work);
}
