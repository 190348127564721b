import { SetMetadata } from '@nestjs/common';

export const NOT_IDEMPOTENT_KEY = 'latchkey:notIdempotent';

/**
 * A mutating route whose answers are never stored or replayed under `X-Request-id` (the header
 * stays a log id there): the token endpoint, whose answers are fresh credentials, as in VSPC,
 * which offers no `X-Request-id` on it.
 */
export const NotIdempotent = (): MethodDecorator & ClassDecorator => SetMetadata(NOT_IDEMPOTENT_KEY, true);
