import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { IdentitiesModule } from '../identities/identities.module.js';
import { ApiKeysResolver } from './api-keys.resolver.js';
import { formatGraphqlErrors } from './graphql-errors.js';
import { complexityRules, GRAPHQL_BODY_LIMIT, MAX_QUERY_DEPTH } from './graphql-limits.js';

/** Where the GraphQL API answers; `/api/` too, rewritten to it (app.ts), for CloudTower's scripts. */
export const GRAPHQL_PATH = '/api/graphql';

/**
 * The GraphQL API (CloudTower's key flow) on Mercurius, Fastify's GraphQL server. Its resolvers go
 * through the same global guard, pipes and exception filter as the REST controllers.
 */
@Module({
  imports: [
    GraphQLModule.forRoot<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      autoSchemaFile: true,
      sortSchema: true,
      path: GRAPHQL_PATH,
      graphiql: false,
      allowBatchedQueries: false,
      queryDepth: MAX_QUERY_DEPTH,
      validationRules: complexityRules,
      // The complexity rule counts with each request's variables, so documents are validated every time.
      cache: false,
      errorFormatter: formatGraphqlErrors as MercuriusDriverConfig['errorFormatter'],
      additionalRouteOptions: { bodyLimit: GRAPHQL_BODY_LIMIT },
      context: (request: unknown, reply: unknown) => ({ req: request, reply }),
    }),
    IdentitiesModule,
  ],
  providers: [ApiKeysResolver],
})
export class GraphqlApiModule {}
