/**
 * Compare-and-swap on keyv's own SQL table (`key VARCHAR PRIMARY KEY, value TEXT`), shared by SQLite and
 * PostgreSQL. Each operation is one statement, so the database makes it atomic across connections:
 * an UPDATE/DELETE whose WHERE names the exact old value matches no row once someone else changed it
 * (PostgreSQL re-checks the WHERE after waiting for a concurrent writer), and INSERT … ON CONFLICT DO NOTHING
 * inserts only if no row exists. RETURNING tells us whether a row was touched, through the adapter's
 * plain `query` (SQLite's `db.all` reports no change count).
 */
import type { CasBackend } from './keyv-versioned-store.ts';

export type SqlQuery = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface SqlDialect {
  /** The table exactly as the keyv adapter names it in its own statements. */
  table: string;
  /** Positional parameter n (1-based): `?n` for SQLite, `$n` for PostgreSQL. */
  param(n: number): string;
  /** A predicate: column `key` starts with parameter 1, case-sensitively and without LIKE wildcards. */
  startsWith: string;
}

export function sqlCas(query: SqlQuery, dialect: SqlDialect): Pick<CasBackend, 'swap' | 'scan'> {
  const { table, param: p } = dialect;
  const insert = `INSERT INTO ${table} (key, value) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (key) DO NOTHING RETURNING key`;
  const update = `UPDATE ${table} SET value = ${p(1)} WHERE key = ${p(2)} AND value = ${p(3)} RETURNING key`;
  const remove = `DELETE FROM ${table} WHERE key = ${p(1)} AND value = ${p(2)} RETURNING key`;
  const scan = `SELECT key, value FROM ${table} WHERE ${dialect.startsWith}`;

  return {
    // ttlMs is not needed here: keyv's SQL adapters keep the expiry inside the value (`expires`).
    async swap(key, expected, next) {
      let rows: unknown[];
      if (expected === undefined) {
        if (next === undefined) return true;
        rows = await query(insert, [key, next]);
      } else if (next === undefined) {
        rows = await query(remove, [key, expected]);
      } else {
        rows = await query(update, [next, key, expected]);
      }
      return rows.length === 1;
    },
    async scan(prefix) {
      const rows = await query(scan, [prefix]);
      return rows.map((row) => [String(row.key), String(row.value)]);
    },
  };
}
