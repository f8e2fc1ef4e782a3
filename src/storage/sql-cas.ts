/**
 * Compare-and-swap on keyv's own SQL table (`key VARCHAR PRIMARY KEY, value TEXT`), shared by SQLite and
 * PostgreSQL. Each swap is one statement, so the database makes it atomic across connections:
 * an UPDATE/DELETE whose WHERE names the exact old value matches no row once someone else changed it
 * (PostgreSQL re-checks the WHERE after waiting for a concurrent writer), and INSERT … ON CONFLICT DO NOTHING
 * inserts only if no row exists. RETURNING tells us whether a row was touched, so one `query` returning rows
 * serves every statement.
 *
 * A commit is one transaction: read its rows locked, judge every op against them (planCommit), then write.
 */
import type { CasBackend, CommitOp } from './keyv-versioned-store.ts';

export type SqlQuery = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** Runs `work` inside BEGIN … COMMIT on a connection nobody else uses meanwhile; ROLLBACK if it throws. */
export type SqlTransaction = <T>(work: (query: SqlQuery) => Promise<T>) => Promise<T>;

export interface SqlDialect {
  /** The table exactly as the keyv adapter names it in its own statements. */
  table: string;
  /** Positional parameter n (1-based): `?n` for SQLite, `$n` for PostgreSQL. */
  param(n: number): string;
  /** A predicate: column `key` starts with parameter 1, case-sensitively and without LIKE wildcards. */
  startsWith: string;
  /**
   * SELECT key, value of the rows whose key is in parameter 1, locked against other writers until the
   * transaction ends (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already locks the database).
   */
  lockRows: string;
  /** Parameter 1 of lockRows for these keys. */
  keyList(keys: string[]): unknown;
  /** Errors after which a whole transaction may simply run again (deadlock, serialization failure). */
  retryable?(error: unknown): boolean;
}

/** A write a commit makes once every op holds. */
export interface PlannedWrite {
  key: string;
  next: string | undefined;
  /** The row was absent when checked and must still be: an INSERT that finds a row lost a race. */
  fresh: boolean;
}

/**
 * Judges a commit against the rows read under lock: the index of the first op that does not hold, or
 * the writes to make, in key order, so that commits over the same keys take their locks in one order.
 */
export function planCommit(ops: readonly CommitOp[], current: ReadonlyMap<string, string>): number | PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  for (const [i, op] of ops.entries()) {
    const raw = current.get(op.key);
    if (op.holds && !op.holds(raw)) return i;
    // A conditional delete of an absent row has nothing to do; deleting by key now could remove a row
    // someone inserted after our check.
    if (op.next === undefined && raw === undefined && op.holds) continue;
    writes.push({ key: op.key, next: op.next, fresh: raw === undefined && op.holds !== undefined });
  }
  return writes.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** An INSERT of a row that was absent under our check found one: run the whole transaction again. */
export class LostInsertRace extends Error {
  constructor() {
    super('Storage: a commit kept losing races to insert absent keys');
  }
}

export const COMMIT_ATTEMPTS = 20;

/** The statements both SQL backends run, in the dialect's syntax. */
export function sqlStatements(dialect: SqlDialect) {
  const { table, param: p } = dialect;
  return {
    /** Inserts only if no row exists; RETURNING tells whether it did. */
    insert: `INSERT INTO ${table} (key, value) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (key) DO NOTHING RETURNING key`,
    update: `UPDATE ${table} SET value = ${p(1)} WHERE key = ${p(2)} AND value = ${p(3)} RETURNING key`,
    remove: `DELETE FROM ${table} WHERE key = ${p(1)} AND value = ${p(2)} RETURNING key`,
    scan: `SELECT key, value FROM ${table} WHERE ${dialect.startsWith}`,
    // Unconditional writes, for rows a transaction has already locked (or that need no check).
    upsert: `INSERT INTO ${table} (key, value) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    removeKey: `DELETE FROM ${table} WHERE key = ${p(1)}`,
  };
}

export function sqlCas(query: SqlQuery, dialect: SqlDialect): Pick<CasBackend, 'swap' | 'scan'> {
  const { insert, update, remove, scan } = sqlStatements(dialect);
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

/** update as one transaction (PostgreSQL): the row locked, changed, written; again after a lost insert race. */
export function sqlUpdate(transaction: SqlTransaction, dialect: SqlDialect): NonNullable<CasBackend['update']> {
  const { insert, upsert } = sqlStatements(dialect);
  return async (key, change, signal) => {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        await transaction(async (tx) => {
          const [row] = await tx(dialect.lockRows, [dialect.keyList([key])]);
          const next = change(row ? String(row.value) : undefined);
          if (row) await tx(upsert, [key, next]);
          else if ((await tx(insert, [key, next])).length === 0) throw new LostInsertRace();
        });
        return;
      } catch (error) {
        const again = error instanceof LostInsertRace || dialect.retryable?.(error) === true;
        if (!again || attempt >= COMMIT_ATTEMPTS) throw error;
      }
    }
  };
}

/** commit as one transaction of asynchronous statements (PostgreSQL): lock, judge, write; again after a lost race. */
export function sqlCommit(transaction: SqlTransaction, dialect: SqlDialect): CasBackend['commit'] {
  const { insert, upsert, removeKey } = sqlStatements(dialect);
  return async (ops, signal) => {
    const keys = ops.map((op) => op.key);
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await transaction(async (tx) => {
          const rows = await tx(dialect.lockRows, [dialect.keyList(keys)]);
          const plan = planCommit(ops, new Map(rows.map((row) => [String(row.key), String(row.value)])));
          // A failed check wrote nothing: the COMMIT that follows only ends the transaction.
          if (typeof plan === 'number') return plan;
          for (const write of plan) {
            if (write.next === undefined) await tx(removeKey, [write.key]);
            else if (!write.fresh) await tx(upsert, [write.key, write.next]);
            else if ((await tx(insert, [write.key, write.next])).length === 0) throw new LostInsertRace();
          }
          return -1;
        });
      } catch (error) {
        const again = error instanceof LostInsertRace || dialect.retryable?.(error) === true;
        if (!again || attempt >= COMMIT_ATTEMPTS) throw error;
      }
    }
  };
}
