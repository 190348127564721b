import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityClass, EntitySchema, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig as definePostgres } from '@mikro-orm/postgresql';
import { defineConfig as defineSqlite } from '@mikro-orm/sqlite';
import { CompiledQuery, type DatabaseConnection } from 'kysely';

/** The entities of the schema; the feature modules own them, so the composition root lists them (src/schema.ts). */
export type Entities = readonly (EntityClass<object> | EntitySchema)[];

export type Dialect = 'sqlite' | 'postgresql';

/** `migrations/<dialect>` at the project root, from both `src/database` and `dist/database`. */
export function migrationsPath(dialect: Dialect): string {
  return fileURLToPath(new URL(`../../migrations/${dialect}`, import.meta.url));
}

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('postgres') ? 'postgresql' : 'sqlite';
}

/** SQLite runs in WAL mode so a killed process never leaves a torn database. */
async function sqlitePragmas(raw: unknown): Promise<void> {
  const connection = raw as DatabaseConnection;
  await connection.executeQuery(CompiledQuery.raw('pragma journal_mode = wal'));
  await connection.executeQuery(CompiledQuery.raw('pragma synchronous = normal'));
  await connection.executeQuery(CompiledQuery.raw('pragma busy_timeout = 5000'));
}

/** One ORM configuration for the app, the migration scripts and the tests. */
export type OrmOptions = ReturnType<typeof definePostgres> | ReturnType<typeof defineSqlite>;

export function ormOptions(databaseUrl: string, entities: Entities): OrmOptions {
  const dialect = dialectOf(databaseUrl);
  const common = {
    entities: [...entities],
    extensions: [Migrator],
    migrations: {
      path: migrationsPath(dialect),
      glob: '!(*.d).cjs',
      emit: 'cjs',
      snapshot: false,
      allOrNothing: true,
      transactional: true,
      silent: true,
    },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  } satisfies Partial<Options>;
  if (dialect === 'postgresql') {
    return definePostgres({ ...common, clientUrl: databaseUrl, pool: { min: 0, max: 10 } });
  }
  const file = databaseUrl.slice('sqlite:'.length);
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  return defineSqlite({ ...common, dbName: file, onCreateConnection: sqlitePragmas });
}
