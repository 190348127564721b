import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { registerBenchMetrics } from './bench-metrics.js';
import type { AppConfig } from './config/config.js';

/** `console/dist` at the project root, from both `src/` and `dist/`. */
const CONSOLE_DIR = fileURLToPath(new URL('../console/dist', import.meta.url));

const NEST_LEVELS: Record<string, LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/** Build the application from a validated configuration (used by main and by the e2e suites). */
export async function createApp(config: AppConfig, options: { logger?: LoggerService } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: options.logger ?? NEST_LEVELS[config.logLevel],
    bufferLogs: false,
  });
  app.setGlobalPrefix('api/v3', { exclude: ['health', 'health/ready'] });
  if (existsSync(join(CONSOLE_DIR, 'index.html'))) {
    // The web console: a static build, served by this app, using only the public /api/v3.
    app.useStaticAssets({ root: CONSOLE_DIR, prefix: '/', index: 'index.html', wildcard: false });
  }
  if (config.benchMetrics) registerBenchMetrics(app);
  app.enableShutdownHooks();
  return app;
}
