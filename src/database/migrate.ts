import type { MikroORM } from '@mikro-orm/core';

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
