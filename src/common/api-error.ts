import { HttpStatus } from '@nestjs/common';

/** VSPC error types: how a client should react to the failure. */
export type ErrorType = 'logical' | 'retryableLogical' | 'security' | 'transport' | 'unspecified';

export interface ErrorItem {
  message: string;
  type: ErrorType;
  code: number;
  propertyName?: string;
  parameterName?: string;
}

/** An error answered in the VSPC envelope: `{ errors: [ ... ] }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType = 'logical',
    readonly field?: { propertyName?: string; parameterName?: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toItem(): ErrorItem {
    return { message: this.message, type: this.type, code: this.status, ...this.field };
  }

  static badRequest(message: string, field?: { propertyName?: string; parameterName?: string }): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, message, 'logical', field);
  }

  static unauthorized(message = 'Authentication required.'): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, message, 'security', undefined, {
      'www-authenticate': 'Bearer realm="latchkey", Basic realm="latchkey"',
    });
  }

  static forbidden(message = 'The credential does not grant this action.'): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, message, 'security');
  }

  static notFound(what = 'Object'): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, `${what} was not found.`, 'logical');
  }

  static conflict(message: string): ApiError {
    return new ApiError(HttpStatus.CONFLICT, message, 'logical');
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    return new ApiError(HttpStatus.TOO_MANY_REQUESTS, message, 'retryableLogical', undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}

/** OAuth2 (RFC 6749 §5.2) error for the token endpoint, which answers outside the envelope. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}
