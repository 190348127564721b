import { MikroORM, type Options } from '@mikro-orm/core';
import { loadConfig } from './config/config.js';
import { migrate } from './database/migrate.js';
import { ormOptions } from './database/orm.config.js';
import { ENTITIES } from './schema.js';

/** `npm run migrate`: apply pending migrations to DATABASE_URL and exit. */
async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await MikroORM.init(ormOptions(config.databaseUrl, ENTITIES) as Options);
  try {
    const applied = await migrate(orm);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await orm.close();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
