import { GraphQLError, type ValidationRule } from 'graphql';
import { createComplexityRule, simpleEstimator } from 'graphql-query-complexity';

/** Deepest selection accepted; `createApiKey { roles { id } }` is 3, introspection tools send about 13. */
export const MAX_QUERY_DEPTH = 15;
/** Fields (aliases included) one document may ask for; a full introspection query stays below it. */
export const MAX_COMPLEXITY = 500;
/** Request body accepted on the GraphQL routes; the scripts send a few hundred bytes. */
export const GRAPHQL_BODY_LIMIT = 64 * 1024;

/** The per-document rules: at most MAX_COMPLEXITY fields, each counted once. */
export function complexityRules({ variables }: { variables?: Record<string, unknown> | null }): ValidationRule[] {
  return [
    createComplexityRule({
      maximumComplexity: MAX_COMPLEXITY,
      variables: variables ?? {},
      estimators: [simpleEstimator({ defaultComplexity: 1 })],
      createError: (max, actual) => new GraphQLError(`The query asks for ${actual} fields; at most ${max} are answered.`),
    }),
  ];
}
