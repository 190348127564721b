import { type EntityManager, MikroORM } from '@mikro-orm/core';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../../src/webhooks/delivery/delivery-worker.js';
import { testDialect } from '../support/database.js';
import { type Services, startServices } from '../support/medium.js';

/**
 * A PostgreSQL restart ends the sessions under open transactions. The pooled connection of such
 * a transaction must leave the pool (or go back to it): a connection that stays checked out
 * forever shrinks the pool, and closing the pool (on SIGTERM) then waits for it forever.
 */
const ormOf = (s: Services) => s.get<MikroORM>(MikroORM);

describe.runIf(testDialect() === 'postgresql')('a connection lost inside a transaction', () => {
  let s: Services;
  let orm: ReturnType<typeof ormOf>;
  let killer: pg.Client;

  beforeAll(async () => {
    s = await startServices();
    orm = ormOf(s);
    killer = new pg.Client({ connectionString: s.db.url });
    await killer.connect();
    // The only user of the pool from here on is the test (the webhook worker's scans would count).
    await s.get(DeliveryWorker).stop();
    for (let i = 0; i < 100 && (await checkedOut()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await checkedOut()).toBe(0);
  });
  afterAll(async () => {
    await killer?.end();
    await s?.close();
  });

  const checkedOut = async () => {
    const pool = (await (orm.em.getConnection() as PostgreSqlConnection).getNativeClient()) as unknown as pg.Pool;
    return pool.totalCount - pool.idleCount;
  };
  const run = (tx: EntityManager, sql: string) => tx.getConnection().execute(sql, [], 'all', tx.getTransactionContext());
  const terminate = async (tx: EntityManager) => {
    const [{ pid }] = (await run(tx, 'select pg_backend_pid() as pid')) as { pid: number }[];
    await killer.query('select pg_terminate_backend($1)', [pid]);
  };

  it('when a query fails on it (and so does the rollback)', async () => {
    await expect(
      orm.em.fork().transactional(async (tx) => {
        await terminate(tx);
        await run(tx, 'select 1');
      }),
    ).rejects.toThrow();
    expect(await checkedOut()).toBe(0);
  });

  it('when its commit fails', async () => {
    await expect(orm.em.fork().transactional(async (tx) => terminate(tx))).rejects.toThrow();
    expect(await checkedOut()).toBe(0);
  });

  it('and the pool goes on serving transactions', async () => {
    await orm.em.fork().transactional(async (tx) => run(tx, 'select 1'));
    expect(await checkedOut()).toBe(0);
  });
});
