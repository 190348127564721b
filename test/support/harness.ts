import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

/** Collects every log line the app writes, so suites can assert no secret reaches the logs. */
export class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];

  protected override printMessages(messages: unknown[], context = '', logLevel: Parameters<ConsoleLogger['printMessages']>[2] = 'log'): void {
    for (const message of messages) this.lines.push(`${logLevel} [${context}] ${typeof message === 'string' ? message : JSON.stringify(message)}`);
  }

  override printStackTrace(stack: string): void {
    this.lines.push(stack);
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
  const app = await createApp(config, { logger: logs });
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
      if (!db) await database.drop();
    },
  };
}
