import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/api-error.js';
import { formatGraphqlErrors } from './graphql-errors.js';

const KEY = `lk_${'A1b2'.repeat(12)}x`;
const located = (message: string, originalError?: Error) => new GraphQLError(message, { originalError, path: ['createApiKey'] });

describe('formatGraphqlErrors', () => {
  it('gives an ApiError its code, status and type, and the answer its status when nothing resolved', () => {
    const headers: Record<string, string> = {};
    const reply = { headers: (h: Record<string, string>) => Object.assign(headers, h) };
    const { statusCode, response } = formatGraphqlErrors({ data: null, errors: [located('x', ApiError.unauthorized('A valid access token or API key is required.'))] }, { reply } as never);
    expect(statusCode).toBe(401);
    expect(headers['www-authenticate']).toContain('Bearer');
    expect(response.errors[0]).toEqual({ message: 'A valid access token or API key is required.', path: ['createApiKey'], extensions: { code: 'UNAUTHENTICATED', status: 401, type: 'security' } });
  });

  it('answers 200 when something resolved', () => {
    const { statusCode } = formatGraphqlErrors({ data: { a: [] }, errors: [located('x', ApiError.forbidden())] }, {});
    expect(statusCode).toBe(200);
  });

  it('never passes on a stack, an unknown error\'s message, or a key quoted back', () => {
    const failure = new Error(`insert into "api_key_secrets" failed near ${KEY}`);
    const { statusCode, response } = formatGraphqlErrors({ data: null, errors: [located(failure.message, failure)] }, {});
    expect(statusCode).toBe(520);
    expect(response.errors[0]).toMatchObject({ message: 'The server failed to process the request.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const quoted = formatGraphqlErrors({ errors: [new GraphQLError(`Variable "$n" got invalid value "${KEY}"; Int cannot represent non-integer value: "${KEY}"`)] }, {});
    expect(quoted.statusCode).toBe(400);
    expect(JSON.stringify(quoted.response)).not.toContain(KEY);
    expect(quoted.response.errors[0].message).toMatch(/^Variable "\$n" has an invalid value;/);
    const literal = formatGraphqlErrors({ errors: [new GraphQLError(`Int cannot represent non-integer value: "${KEY}"`)] }, {});
    expect(literal.response.errors[0].message).toBe('Int cannot represent non-integer value: "[redacted]"');
  });

  it('unwraps a list of validation errors', () => {
    const wrapper = new GraphQLError('Graphql validation error', { originalError: Object.assign(new Error('validation'), { errors: [new GraphQLError('Cannot query field "nope" on type "Query".')] }) });
    const { statusCode, response } = formatGraphqlErrors({ errors: [wrapper] }, {});
    expect(statusCode).toBe(400);
    expect(response.errors).toEqual([{ message: 'Cannot query field "nope" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', status: 400, type: 'logical' } }]);
  });
});
