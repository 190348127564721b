import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgresql';

export interface TestDatabase {
  url: string;
  dialect: Dialect;
  drop(): Promise<void>;
}

export function testDialect(): Dialect {
  return process.env.TEST_DIALECT === 'postgresql' ? 'postgresql' : 'sqlite';
}

/**
 * A fresh database per suite: a temporary SQLite file, or a new database on the server named by
 * DATABASE_URL_TEST. An unreachable PostgreSQL fails the suite; it is never skipped.
 */
export async function createTestDatabase(dialect: Dialect = testDialect()): Promise<TestDatabase> {
  const name = `latchkey_test_${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      url: `sqlite:${file}`,
      dialect,
      file,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      },
    } as TestDatabase;
  }
  const adminUrl = process.env.DATABASE_URL_TEST;
  if (!adminUrl) throw new Error('TEST_DIALECT=postgresql needs DATABASE_URL_TEST');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dialect,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // A closed app's pool may still be hanging up; forcing the drop would kill those
        // connections under their feet (an uncaught 57P01 in the test run). Wait, bounded.
        for (let i = 0; i < 50; i++) {
          const open = await client.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (open.rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
