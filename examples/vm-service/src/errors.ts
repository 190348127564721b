import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** Errors answer in the same envelope as the SDK's refusals: `{ errors: [ { message, type, code } ] }`. */
export function apiError(status: number, message: string, propertyName?: string): HttpException {
  const item = { message, type: 'logical', code: status, ...(propertyName ? { propertyName } : {}) };
  return new HttpException({ errors: [item] }, status);
}

function envelope(status: number, message: string): object {
  const type = status === 401 || status === 403 ? 'security' : status === 429 || status === 503 ? 'retryableLogical' : 'logical';
  return { errors: [{ message, type, code: status }] };
}

const hasErrors = (body: unknown): boolean => typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors);

/** Fastify's own errors (unparseable body, body too large, unsupported media type). */
function frameworkMessage(error: { code?: string; statusCode?: number }): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than the server accepts.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as application/x-www-form-urlencoded or application/json.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is not valid JSON.';
    default:
      return error.statusCode === 404 ? 'Resource was not found.' : 'The request could not be processed.';
  }
}

/** The one answer shape for everything thrown; never a stack trace. */
export function toErrorReply(exception: unknown, logger: Logger): { status: number; body: object } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (hasErrors(body)) return { status, body: body as object };
    // Nest wraps Fastify's body-parser errors, keeping Fastify's error as the cause.
    const cause = exception.cause as { code?: unknown } | undefined;
    if (typeof cause?.code === 'string' && cause.code.startsWith('FST_')) return { status, body: envelope(status, frameworkMessage({ code: cause.code, statusCode: status })) };
    return { status, body: envelope(status, status === 404 ? 'Resource was not found.' : exception.message) };
  }
  const framework = exception as { statusCode?: number; code?: string };
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: envelope(framework.statusCode, frameworkMessage(framework)) };
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return { status: 500, body: envelope(500, 'The server failed to process the request.') };
}

@Catch()
export class EnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('VmService');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = toErrorReply(exception, this.logger);
    void reply.status(status).send(body);
  }
}
