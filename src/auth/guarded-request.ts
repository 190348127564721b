import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../access/principal.js';

export type AuthenticatedRequest = FastifyRequest & { user?: Principal };

/**
 * The HTTP request behind a route or a GraphQL field, and the method its rule is judged by: a
 * GraphQL query reads and a mutation writes, whatever HTTP method carried them.
 */
export function requestOf(context: ExecutionContext): { request: AuthenticatedRequest; method: string; graphql: boolean } {
  if (context.getType<string>() === 'graphql') {
    const request = (context.getArgByIndex(2) as { req: AuthenticatedRequest }).req;
    const operation = (context.getArgByIndex(3) as { operation?: { operation?: string } } | undefined)?.operation?.operation;
    return { request, method: operation === 'query' ? 'GET' : 'POST', graphql: true };
  }
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return { request, method: request.method, graphql: false };
}

