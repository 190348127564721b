import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Principal } from '../../src/access/principal.js';
import { sessionPrincipal } from '../../src/access/principals.js';
import { loadConfig } from '../../src/config/config.js';
import { DatabaseScope } from '../../src/database/database-scope.js';
import { PermissionCatalogue } from '../../src/permissions/permission-catalogue.js';
import { UsersService } from '../../src/users/users.service.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { closeInspector } from './database-text.js';
import { ADMIN, buildApp, CapturingLogger } from './harness.js';

/**
 * The medium tier: the app's services on a fresh real database (SQLite, or PostgreSQL in the
 * medium-postgresql project), initialised but not listening — rules tested where they live,
 * without HTTP, as immich's test/medium does.
 */
export interface Services {
  app: NestFastifyApplication;
  db: TestDatabase;
  get<T>(type: Type<T>): T;
  /** Runs `work` in a unit of work of its own, as one request would. */
  work<T>(work: () => Promise<T>): Promise<T>;
  /** A session principal of the user with this login, as the guard would build it. */
  as(login: string, options?: { readOnly?: boolean }): Promise<Principal>;
  close(): Promise<void>;
}

/** With `shared`, a second instance on another's database (which that one drops). */
export async function startServices(env: Record<string, string> = {}, shared?: TestDatabase): Promise<Services> {
  const db = shared ?? (await createTestDatabase());
  const config = loadConfig({ DATABASE_URL: db.url, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn', ...env });
  const app = await buildApp(config, new CapturingLogger());
  await app.init();
  const work = <T>(fn: () => Promise<T>) => app.get(DatabaseScope).run(fn);
  return {
    app,
    db,
    get: (type) => app.get(type),
    work,
    as: (login, options = {}) =>
      work(async () => {
        const user = await app.get(UsersService).findForLogin(login);
        if (!user) throw new Error(`no user ${login}`);
        return { ...sessionPrincipal(user, options.readOnly ?? false, app.get(PermissionCatalogue).roles), clientIp: '127.0.0.1' };
      }),
    close: async () => {
      await app.close();
      if (shared) return;
      await closeInspector(db);
      await db.drop();
    },
  };
}
