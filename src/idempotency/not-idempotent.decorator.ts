import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const NOT_IDEMPOTENT_KEY = 'latchkey:notIdempotent';
/** Marks the operation in the OpenAPI document, which then lists no `X-Request-id` parameter for it. */
export const NOT_IDEMPOTENT_EXTENSION = 'x-latchkey-not-idempotent';

/**
 * A mutating route whose answers are never stored or replayed under `X-Request-id` (the header
 * stays a log id there): the token endpoint, whose answers are fresh credentials, as in VSPC,
 * which offers no `X-Request-id` on it.
 */
export const NotIdempotent = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(NOT_IDEMPOTENT_KEY, true), ApiExtension(NOT_IDEMPOTENT_EXTENSION, true));
