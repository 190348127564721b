import { MikroORM, type Options } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/database/migrate.js';
import { ormOptions } from '../src/database/orm.config.js';
import { ENTITIES } from '../src/schema.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

describe('committed migrations', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await MikroORM.init(ormOptions(db.url, ENTITIES) as Options);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('apply to an empty database and then match the entities exactly', async () => {
    const applied = await migrate(orm);
    expect(applied.length).toBeGreaterThan(0);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim(), `entities and migrations disagree; run npm run migration:create\n${diff}`).toBe('');
  });

  it('are idempotent: a second run applies nothing', async () => {
    expect(await migrate(orm)).toEqual([]);
  });
});
