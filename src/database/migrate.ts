import { MikroORM, type Options } from '@mikro-orm/core';
import { loadConfig } from '../config/config.js';
import { ormOptions } from './orm.config.js';

/**
 * Apply pending migrations. Two instances starting together on one PostgreSQL may race;
 * the loser's transaction rolls back and it retries once the winner has finished.
 */
export async function migrate(orm: Pick<MikroORM, 'migrator'>, attempts = 5): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await orm.migrator.up();
      return done.map((migration) => migration.name);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** `npm run migrate`: apply pending migrations to DATABASE_URL and exit. */
async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await MikroORM.init(ormOptions(config.databaseUrl) as Options);
  try {
    const applied = await migrate(orm);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await orm.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main().catch((error: unknown) => {
    console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
