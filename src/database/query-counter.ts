/**
 * SQL statements issued by this process, counted only when `LATCHKEY_BENCH_METRICS=1` hooks
 * `countQuery` into MikroORM's `onQuery`. Read by the bench metrics route; never in responses.
 */
export const queryCount = { total: 0 };

export function countQuery(sql: string): string {
  queryCount.total++;
  return sql;
}
