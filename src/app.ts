import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { answerError, answerFrameworkError } from './common/exception.filter.js';
import { answerClientError, jsonBodyParser, securityHeaders } from './common/http-hardening.js';
import { registerBenchMetrics } from './bench-metrics.js';
import { GRAPHQL_PATH } from './graphql/graphql-api.module.js';
import type { AppConfig } from './config/config.js';
import { createLoggers, JsonLogger, type Loggers, logRequests, requestIdOf } from './observability/logging.js';
import { METADATA_PATH } from './oauth/oauth-metadata.controller.js';
import { serveOpenApi } from './observability/openapi.js';
import { ShutdownState } from './observability/shutdown-state.js';

/** `console/dist` at the project root, from both `src/` and `dist/`. */
const CONSOLE_DIR = fileURLToPath(new URL('../console/dist', import.meta.url));

export interface AppOptions {
  /** Replaces the JSON logger for the application's own messages (request lines still go to pino). */
  logger?: LoggerService;
  /** Where the JSON lines go; stdout, written asynchronously, by default. The suites capture them. */
  logDestination?: DestinationStream;
  /** The loggers to use (main keeps them, to flush them last on shutdown); made from the options above otherwise. */
  loggers?: Loggers;
}

/** Build the application from a validated configuration (used by main; the suites compose the same parts). */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const loggers = options.loggers ?? createLoggers(config, options.logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createAdapter(config, loggers), {
    logger: options.logger ?? new JsonLogger(loggers.app),
    bufferLogs: false,
  });
  return configureApp(app, config);
}

/** CloudTower's scripts post GraphQL to `/api/`: that URL (and `/api`) is the GraphQL endpoint too. */
function graphqlAtApiRoot(request: { url?: string }): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path === '/api/' || path === '/api' ? GRAPHQL_PATH + (query === -1 ? '' : url.slice(query)) : url;
}

/**
 * Fastify with its error handler set once, at creation. Nest would install its handler at the end
 * of start-up, but registering the GraphQL plugin during start-up builds every route registered so
 * far, and those would keep Fastify's default handler (answers outside the envelope). Latchkey's
 * handler gives the answers ApiExceptionFilter gives, so Nest's later call is not needed.
 */
class LatchkeyAdapter extends FastifyAdapter {
  override setErrorHandler(): FastifyInstance {
    return this.getInstance();
  }
}

/** Fastify with Latchkey's limits, error answers, request ids and request log. */
export function createAdapter(config: AppConfig, loggers: Loggers): FastifyAdapter {
  const adapter = new LatchkeyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    genReqId: requestIdOf,
    rewriteUrl: graphqlAtApiRoot,
  });
  adapter.getInstance().setErrorHandler((error, request, reply) => answerError(error, request, reply));
  logRequests(adapter.getInstance(), loggers.requests);
  return adapter;
}

/** Everything around the modules: headers, CORS, the /api/v3 prefix, the console, OpenAPI. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): NestFastifyApplication {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', securityHeaders);
  const shutdown = app.get(ShutdownState);
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    // While draining, every answer closes its connection: the client (HAProxy) opens its next
    // one to an instance that is staying, and no idle keep-alive connection holds the exit.
    if (shutdown.draining) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, jsonBodyParser(fastify));
  if (config.corsOrigins.length) {
    // Closed unless configured: only the listed origins, credentials in headers (never cookies).
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'X-API-KEY', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id', 'X-Request-Replayed'],
      credentials: false,
      maxAge: 600,
    });
  }
  app.setGlobalPrefix('api/v3', { exclude: ['health', 'health/ready', METADATA_PATH, `${METADATA_PATH}/:issuerPath`] });
  if (existsSync(join(CONSOLE_DIR, 'index.html'))) {
    // The web console: a static build, served by this app, using only the public /api/v3.
    app.useStaticAssets({ root: CONSOLE_DIR, prefix: '/', index: 'index.html', wildcard: false });
  }
  serveOpenApi(app);
  if (config.benchMetrics) registerBenchMetrics(app);
  // No enableShutdownHooks(): main() handles SIGTERM itself (src/shutdown.ts), draining first.
  return app;
}
