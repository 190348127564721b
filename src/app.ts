import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { answerFrameworkError } from './common/exception.filter.js';
import { answerClientError, jsonBodyParser, securityHeaders } from './common/http-hardening.js';
import { registerBenchMetrics } from './bench-metrics.js';
import type { AppConfig } from './config/config.js';
import { createLoggers, JsonLogger, type Loggers, logRequests, requestIdOf } from './observability/logging.js';
import { serveOpenApi } from './observability/openapi.js';

/** `console/dist` at the project root, from both `src/` and `dist/`. */
const CONSOLE_DIR = fileURLToPath(new URL('../console/dist', import.meta.url));

export interface AppOptions {
  /** Replaces the JSON logger for the application's own messages (request lines still go to pino). */
  logger?: LoggerService;
  /** Where the JSON lines go; stdout, written asynchronously, by default. The suites capture them. */
  logDestination?: DestinationStream;
}

/** Build the application from a validated configuration (used by main; the suites compose the same parts). */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const loggers = createLoggers(config, options.logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createAdapter(config, loggers), {
    logger: options.logger ?? new JsonLogger(loggers.app),
    bufferLogs: false,
  });
  return configureApp(app, config);
}

/** Fastify with Latchkey's limits, error answers, request ids and request log. */
export function createAdapter(config: AppConfig, loggers: Loggers): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    genReqId: requestIdOf,
  });
  logRequests(adapter.getInstance(), loggers.requests);
  return adapter;
}

/** Everything around the modules: headers, CORS, the /api/v3 prefix, the console, OpenAPI. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): NestFastifyApplication {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', securityHeaders);
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, jsonBodyParser(fastify));
  if (config.corsOrigins.length) {
    // Closed unless configured: only the listed origins, credentials in headers (never cookies).
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'X-API-KEY', 'Content-Type'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
      credentials: false,
      maxAge: 600,
    });
  }
  app.setGlobalPrefix('api/v3', { exclude: ['health', 'health/ready'] });
  if (existsSync(join(CONSOLE_DIR, 'index.html'))) {
    // The web console: a static build, served by this app, using only the public /api/v3.
    app.useStaticAssets({ root: CONSOLE_DIR, prefix: '/', index: 'index.html', wildcard: false });
  }
  serveOpenApi(app);
  if (config.benchMetrics) registerBenchMetrics(app);
  app.enableShutdownHooks();
  return app;
}
