import type { OpenAPIObject } from '@nestjs/swagger';
import { REQUEST_ID_PATTERN } from '../common/input-rules.js';
import { REPLAYED_HEADER } from './idempotency.interceptor.js';
import { NOT_IDEMPOTENT_EXTENSION } from './not-idempotent.decorator.js';

const MUTATING = ['post', 'patch', 'put', 'delete'] as const;
export const REQUEST_ID_PARAMETER = 'XRequestId';
export const REPLAYED_HEADER_NAME = 'XRequestReplayed';

/**
 * The `X-Request-id` header as one reusable parameter on every mutating operation (the one
 * interceptor serves them all), with the replay header and the two refusals it adds.
 */
export function documentRequestIds(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.parameters = {
    ...components.parameters,
    [REQUEST_ID_PARAMETER]: {
      name: 'X-Request-id',
      in: 'header',
      required: false,
      description:
        'Makes the request idempotent for 5 minutes (`IDEMPOTENCY_TTL_SECONDS`): a retry by the same caller with the same id gets the first ' +
        'successful answer again, marked `X-Request-Replayed: true`, and the operation is not repeated. The same id for another method, path ' +
        'or body is a `logical` 422; a retry while the first request still runs waits for it, or gets a `retryableLogical` 409. ' +
        'A failed request keeps nothing: its id may be sent again. A UUID is recommended; 1-64 letters, digits or `. _ : -`.',
      schema: { type: 'string', pattern: REQUEST_ID_PATTERN.source, maxLength: 64, example: 'ba547d14-c556-42bb-b85c-eeeb16e2f5e7' },
    },
  };
  components.headers = {
    ...components.headers,
    [REPLAYED_HEADER_NAME]: { description: 'Present, `true`, when the answer is the stored one of an earlier request with the same `X-Request-id`.', schema: { type: 'string', enum: ['true'] } },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of MUTATING) {
      const operation = item[method];
      if (!operation || (operation as unknown as Record<string, unknown>)[NOT_IDEMPOTENT_EXTENSION]) continue;
      operation.parameters = [...(operation.parameters ?? []), { $ref: `#/components/parameters/${REQUEST_ID_PARAMETER}` }];
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response && /^2\d\d$/.test(status) && !('$ref' in response)) {
          response.headers = { ...response.headers, [headerName()]: { $ref: `#/components/headers/${REPLAYED_HEADER_NAME}` } };
        }
      }
      operation.responses = {
        ...operation.responses,
        '409': operation.responses?.['409'] ?? { description: 'A request with the same `X-Request-id` is still running (`retryableLogical`); retry shortly.', content: errorContent() },
        '422': { description: 'The `X-Request-id` was used for another request in the last 5 minutes (`logical`).', content: errorContent() },
      };
    }
  }
  return document;
}

function headerName(): string {
  return REPLAYED_HEADER.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function errorContent() {
  return { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } };
}
