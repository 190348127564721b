import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import pg from 'pg';
import { migrate } from './database/migrate.js';
import { ormOptions } from './database/orm.config.js';
import { ENTITIES } from './schema.js';

/**
 * `npm run migration:create -- <name>`: diff the entities against the committed migrations and
 * write the next migration for both dialects. PostgreSQL needs a scratch database, made and
 * dropped here through PG_ADMIN_URL (default: the local server's `postgres` database).
 */
async function createFor(databaseUrl: string, name: string): Promise<string | undefined> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, ENTITIES) as Options);
  try {
    await migrate(orm);
    const result = await orm.migrator.create(undefined, false, false, name);
    return result.diff.up.length ? result.fileName : undefined;
  } finally {
    await orm.close();
  }
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'change';
  const sqliteFile = join(tmpdir(), `latchkey-gen-${randomBytes(4).toString('hex')}.sqlite`);
  try {
    console.log('sqlite:', (await createFor(`sqlite:${sqliteFile}`, name)) ?? 'no changes');
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteFile + suffix, { force: true });
  }
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const database = `latchkey_gen_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    console.log('postgresql:', (await createFor(url.toString(), name)) ?? 'no changes');
  } finally {
    await admin.query(`drop database ${database} with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
