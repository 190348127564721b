import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal.js';

/** The principal the global guard attached to the request (over HTTP, or the GraphQL context's request). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  if (context.getType<string>() === 'graphql') return (context.getArgByIndex(2) as { req: { user: Principal } }).req.user;
  return context.switchToHttp().getRequest<{ user: Principal }>().user;
});
