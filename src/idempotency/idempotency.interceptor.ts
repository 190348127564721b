import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { concatMap, from, mergeMap, type Observable, of, throwError, catchError } from 'rxjs';
import type { Principal } from '../access/principal.js';
import { ApiError } from '../common/api-error.js';
import { REQUEST_ID_PATTERN } from '../common/input-rules.js';
import { IdempotencyService } from './idempotency.service.js';
import { NOT_IDEMPOTENT_KEY } from './not-idempotent.decorator.js';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Set on an answer that was stored from an earlier request with the same `X-Request-id`. */
export const REPLAYED_HEADER = 'x-request-replayed';
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Who is retrying: the credential for authenticated routes (a session is its user's; a key is
 * itself), the client address for public ones. Another caller's id never meets this one's.
 */
export function callerOf(request: FastifyRequest & { user?: Principal }): string {
  const principal = request.user;
  if (!principal) return `anonymous:${request.ip}`;
  return `${principal.kind}:${principal.userUid}:${principal.identityId ?? ''}`;
}

/**
 * The one home of `X-Request-id` idempotence, a global interceptor: it runs after the guard (so
 * the caller is known and refused requests are never stored) and around the pipes and the
 * handler of every POST, PATCH and DELETE that carries the header.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const header = request.headers[REQUEST_ID_HEADER];
    if (!MUTATING.has(request.method) || header === undefined || header === '') return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(NOT_IDEMPOTENT_KEY, [context.getHandler(), context.getClass()])) return next.handle();
    if (typeof header !== 'string' || !REQUEST_ID_PATTERN.test(header)) {
      throw ApiError.badRequest('X-Request-id must be sent once, as 1 to 64 letters, digits or ". _ : -" (a UUID is recommended).', { parameterName: 'X-Request-id' });
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const startedAt = new Date();
    const admission = await this.idempotency.admit({ caller: callerOf(request), requestId: header, method: request.method, url: request.url, body: request.body });
    if (!admission.run) {
      void reply.header(REPLAYED_HEADER, 'true');
      return of(admission.body);
    }
    const { recordKey } = admission;
    return next.handle().pipe(
      concatMap(async (body: unknown) => {
        // The operation is done: failing to keep its answer must not turn it into an error.
        await this.idempotency.complete(recordKey, reply.statusCode, body, startedAt).catch((error: unknown) => this.warn('keep', error));
        return body;
      }),
      catchError((error: unknown) =>
        from(this.idempotency.release(recordKey).catch((failure: unknown) => this.warn('release', failure))).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`could not ${what} an idempotency record: ${error instanceof Error ? error.message : String(error)}`);
  }
}
