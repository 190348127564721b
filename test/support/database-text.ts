import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import type { TestDatabase } from './database.js';

export function sqliteFile(db: TestDatabase): string {
  return db.url.slice('sqlite:'.length);
}

/**
 * Every byte the database holds, to prove a secret is never stored in clear: the raw SQLite file
 * and its WAL (free pages included), or every row of every PostgreSQL table.
 */
export async function databaseText(db: TestDatabase): Promise<string> {
  if (db.dialect === 'sqlite') {
    const file = sqliteFile(db);
    return ['', '-wal']
      .map((suffix) => {
        try {
          return readFileSync(file + suffix).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
  }
  const rows = await tableRows(db, () => true);
  return JSON.stringify(rows);
}

/**
 * Columns a refused request may still touch: last-used bookkeeping and the audit trail; and what the
 * webhook worker changes in the background (fan-out marks, deliveries and their attempts, the expiry
 * scan's cursors). An event a refused request caused would still show, in webhook_events.
 */
const VOLATILE_COLUMNS = new Set(['last_used_at', 'last_used_from', 'dispatch_token', 'dispatched_at']);
const VOLATILE_TABLES = new Set(['audit_entries', 'mikro_orm_migrations', 'webhook_deliveries', 'webhook_delivery_attempts', 'webhook_expiry_cursors']);

/**
 * A canonical text of the state that matters (users, companies, identities, key secrets, refresh
 * tokens, server secrets): equal before and after a refused request, or the request changed state.
 */
export async function stateFingerprint(db: TestDatabase): Promise<string> {
  const tables = await tableRows(db, (name) => !VOLATILE_TABLES.has(name));
  const canonical = Object.entries(tables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, rows]) => {
      const lines = rows.map((row) =>
        JSON.stringify(Object.keys(row).filter((column) => !VOLATILE_COLUMNS.has(column)).sort().map((column) => [column, String(row[column])])),
      );
      return `${name}\n${lines.sort().join('\n')}`;
    });
  return canonical.join('\n\n');
}

type Rows = Record<string, Record<string, unknown>[]>;

/** One PostgreSQL connection per database for repeated fingerprints; end it with `closeInspector`. */
const inspectors = new Map<string, Promise<pg.Client>>();

function inspector(db: TestDatabase): Promise<pg.Client> {
  let client = inspectors.get(db.url);
  if (!client) {
    const created = new pg.Client({ connectionString: db.url });
    client = created.connect().then(() => created);
    inspectors.set(db.url, client);
  }
  return client;
}

export async function closeInspector(db: TestDatabase): Promise<void> {
  const client = inspectors.get(db.url);
  inspectors.delete(db.url);
  if (client) await (await client).end();
}

export async function tableRows(db: TestDatabase, include: (table: string) => boolean): Promise<Rows> {
  const out: Rows = {};
  if (db.dialect === 'sqlite') {
    const sqlite = new DatabaseSync(sqliteFile(db), { readOnly: true });
    try {
      const names = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
      for (const { name } of names) if (include(name)) out[name] = sqlite.prepare(`select * from "${name}"`).all() as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
    return out;
  }
  const client = await inspector(db);
  const names = await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'");
  for (const { tablename } of names.rows) {
    if (include(tablename)) out[tablename] = (await client.query(`select * from "${tablename}"`)).rows as Record<string, unknown>[];
  }
  return out;
}
