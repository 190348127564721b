import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ErrorItem, ErrorType, OAuthError } from './api-error.js';

/** VSPC answers unexpected server failures with 520 rather than 500. */
export const SERVER_ERROR_STATUS = 520;

interface ErrorReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function typeFor(status: number): ErrorType {
  if (status === 401 || status === 403) return 'security';
  if (status === 429 || status === 503) return 'retryableLogical';
  if (status === 413 || status === 415) return 'transport';
  return 'logical';
}

function envelope(status: number, message: string): ErrorReply {
  const item: ErrorItem = { message, type: typeFor(status), code: status };
  return { status, body: { errors: [item] }, headers: {} };
}

/** Fastify's own errors (bad JSON, body limit, media type) carry a statusCode and an FST_ code. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function frameworkMessage(error: FrameworkError, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is larger than the server accepts.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type.';
    case 'FST_ERR_BAD_URL':
      return 'The request URL is not validly encoded.';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path parameter is longer than the server accepts.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Request body is not valid JSON.';
    default:
      if (error instanceof SyntaxError) return 'Request body is not valid JSON.';
      return status === 404 ? 'Resource was not found.' : 'The request could not be processed.';
  }
}

/** Maps anything thrown into the VSPC envelope (or RFC 6749 form for the token endpoint). */
export function toErrorReply(exception: unknown, logger: Logger): ErrorReply {
  if (exception instanceof ApiError) {
    return { status: exception.status, body: { errors: [exception.toItem()] }, headers: exception.headers };
  }
  if (exception instanceof OAuthError) {
    const body = { error: exception.error, error_description: exception.description };
    const headers: Record<string, string> = exception.status === 401 ? { 'www-authenticate': 'Basic realm="latchkey"' } : {};
    if (exception.retryAfterSeconds !== undefined) headers['retry-after'] = String(exception.retryAfterSeconds);
    return { status: exception.status, body, headers: { 'cache-control': 'no-store', ...headers } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const message = status === 404 ? 'Resource was not found.' : exception.message;
    return envelope(status, message);
  }
  const framework = exception as FrameworkError;
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return envelope(framework.statusCode, frameworkMessage(framework, framework.statusCode));
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return envelope(SERVER_ERROR_STATUS, 'The server failed to process the request.');
}

/**
 * The token endpoint speaks OAuth 2 (RFC 6749 §5.2) even for errors raised before its handler
 * runs (unparseable body, body limit, validation): the envelope's message becomes the description.
 */
export function asOAuthError(answer: ErrorReply): ErrorReply {
  const body = answer.body as { errors?: ErrorItem[] };
  if (!body?.errors?.length) return answer;
  const error = answer.status >= 500 ? 'server_error' : answer.status === 401 ? 'invalid_client' : 'invalid_request';
  return {
    status: answer.status,
    body: { error, error_description: body.errors[0].message },
    headers: { ...answer.headers, 'cache-control': 'no-store' },
  };
}

const TOKEN_ENDPOINT = '/api/v3/token';

function isTokenRequest(request: FastifyRequest | undefined): boolean {
  return request?.method === 'POST' && request.url.split('?')[0] === TOKEN_ENDPOINT;
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const answer = toErrorReply(exception, this.logger);
    sendError(reply, isTokenRequest(host.switchToHttp().getRequest<FastifyRequest>()) ? asOAuthError(answer) : answer);
  }
}

/** Router-level failures (undecodable URL, over-long path parameter) never reach Nest; same envelope. */
export function answerFrameworkError(error: unknown, _request: FastifyRequest, reply: FastifyReply): void {
  sendError(reply, toErrorReply(error, new Logger('Errors')));
}

export function sendError(reply: FastifyReply, { status, body, headers }: ErrorReply): void {
  void reply.status(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
}
