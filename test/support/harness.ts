import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { configureApp, createAdapter } from '../../src/app.js';
import { AppModule } from '../../src/app.module.js';
import { type AppConfig, loadConfig } from '../../src/config/config.js';
import { createLoggers, JsonLogger } from '../../src/observability/logging.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { closeInspector } from './database-text.js';
import { TEST_DOUBLES } from './doubles.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

/**
 * The app's log destination in the suites: collects every JSON line it writes (its own messages
 * and the request logs), so suites can assert no secret reaches the logs.
 */
export class CapturingLogger {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line.endsWith('\n') ? line.slice(0, -1) : line);
  }

  /** The lines as parsed JSON records. */
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** One answer as the server sent it, recorded so suites can scan every body for secrets. */
export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  body: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: CapturingLogger;
  /** Every response body the app sent (text and JSON; streamed files are not recorded). */
  responses: RecordedResponse[];
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * The application as `createApp` builds it, from the same module, adapter and configuration, with
 * the test doubles (doubles.ts) in place of the classes they extend.
 */
export async function buildApp(config: AppConfig, logs: CapturingLogger): Promise<NestFastifyApplication> {
  const loggers = createLoggers(config, logs);
  const logger = new JsonLogger(loggers.app);
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).setLogger(logger);
  for (const [original, double] of TEST_DOUBLES) builder.overrideProvider(original).useClass(double);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(config, loggers), { logger, bufferLogs: false });
  return configureApp(app, config);
}

/** Start the real app on a loopback random port with its own fresh database. */
export async function startApp(env: Record<string, string> = {}, db?: TestDatabase): Promise<TestApp> {
  const database = db ?? (await createTestDatabase());
  const config = loadConfig({
    DATABASE_URL: database.url,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs = new CapturingLogger();
  const app = await buildApp(config, logs);
  const responses: RecordedResponse[] = [];
  app.getHttpAdapter().getInstance().addHook('onSend', async (req, reply, payload) => {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      responses.push({ method: req.method, url: req.url, status: reply.statusCode, body: payload.toString() });
    }
    return payload;
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    db: database,
    logs,
    responses,
    http: request(url),
    close: async () => {
      await app.close();
      // The suites' own inspection connection (database-text.ts) goes before the database does.
      await closeInspector(database);
      if (!db) await database.drop();
    },
  };
}
