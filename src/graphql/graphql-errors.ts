import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { ApiError } from '../common/api-error.js';

/** Extension codes by HTTP status, in the words GraphQL clients know (Apollo's set). */
const CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Anything shaped like a key or a token, wherever a message quotes input back. */
const SECRETS = /\blk_[A-Za-z0-9]+|\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
/** graphql-js quotes a refused variable's value; the name is enough. */
const VARIABLE_VALUE = /^(Variable "\$[_A-Za-z0-9]+") got invalid value .*?;/s;

const logger = new Logger('GraphQL');

function redact(message: string): string {
  return message.replace(VARIABLE_VALUE, '$1 has an invalid value;').replace(SECRETS, '[redacted]').slice(0, 1000);
}

interface Classified {
  status: number;
  formatted: GraphQLFormattedError;
  /** What REST would send with it: `WWW-Authenticate`, `Retry-After`. */
  headers?: Record<string, string>;
}

/** One error as the client sees it: a clear message and an extension code, never a stack, a key or SQL. */
function classify(error: GraphQLError, validation: boolean): Classified {
  const original = error.originalError;
  const where = { ...(error.locations ? { locations: error.locations } : {}), ...(error.path ? { path: error.path } : {}) };
  if (original instanceof ApiError) {
    const code = CODES[original.status] ?? 'BAD_REQUEST';
    const field = original.field ?? {};
    return {
      status: original.status,
      formatted: { message: redact(original.message), ...where, extensions: { code, status: original.status, type: original.type, ...field } },
      headers: original.headers,
    };
  }
  const framework = original as { statusCode?: unknown } | undefined;
  if (!original || validation || (typeof framework?.statusCode === 'number' && framework.statusCode < 500)) {
    // Parse and validation errors (and Fastify's own refusals): the document is at fault.
    const status = typeof framework?.statusCode === 'number' ? framework.statusCode : 400;
    const code = /^Syntax Error/.test(error.message) ? 'GRAPHQL_PARSE_FAILED' : (CODES[status] && status !== 400 ? CODES[status] : 'GRAPHQL_VALIDATION_FAILED');
    return { status, formatted: { message: redact(error.message), ...where, extensions: { code, status, type: status === 413 || status === 415 ? 'transport' : 'logical' } } };
  }
  logger.error(original.stack ?? original.message);
  return { status: 520, formatted: { message: 'The server failed to process the request.', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR', status: 520, type: 'unspecified' } } };
}

/**
 * Mercurius's `errorFormatter`. Resolver errors answer 200 with `data` (GraphQL over HTTP) when
 * anything resolved; when nothing did and every error has one status, that status is the answer's
 * with REST's headers (401 with `WWW-Authenticate`, 429 with `Retry-After`, 403, 404…), so `curl -f`
 * and proxies see the failure too.
 */
export function formatGraphqlErrors(execution: ExecutionResult & { errors: readonly GraphQLError[] }, context: { reply?: FastifyReply }) {
  // Validation failures reach the formatter as one error wrapping the list.
  const errors = execution.errors.flatMap((error) => {
    const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
    return Array.isArray(inner) ? inner.map((item) => ({ error: item instanceof GraphQLError ? item : new GraphQLError(String((item as Error).message ?? item)), validation: true })) : [{ error, validation: false }];
  });
  const classified = errors.map(({ error, validation }) => classify(error, validation));
  const statuses = new Set(classified.map((item) => item.status));
  const status = execution.data || statuses.size !== 1 ? (execution.data ? 200 : 400) : [...statuses][0];
  if (status !== 200) void context.reply?.headers(classified[0].headers ?? {});
  return { statusCode: status, response: { data: execution.data ?? null, errors: classified.map((item) => item.formatted) } };
}
