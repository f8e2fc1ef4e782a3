/** SQLite backend: @keyv/sqlite's connection and table, WAL journal, CAS from sql-cas. */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { type CasBackend, createKeyv } from './keyv-versioned-store.ts';
import { type SqlQuery, type SqlTransaction, sqlCas } from './sql-cas.ts';

/** How long a writer waits for another connection's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

interface Sqlite3Database {
  configure(option: 'busyTimeout', value: number): void;
  all(
    sql: string,
    params: unknown[],
    callback: (error: Error | null, rows: Array<Record<string, unknown>>) => void,
  ): void;
  close(callback: (error: Error | null) => void): void;
}
interface Sqlite3Module {
  Database: new (file: string, callback: (error: Error | null) => void) => Sqlite3Database;
}

// The driver @keyv/sqlite uses, loaded from the adapter so both are the same copy.
const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve('@keyv/sqlite'));
const sqlite3 = requireFromAdapter('sqlite3') as Sqlite3Module;

/**
 * Transactions on a connection of their own, one at a time: sqlite3 runs a connection's statements in
 * the order they arrive from any caller, so on the adapter's connection other calls' statements would
 * land inside the transaction (and be rolled back with it).
 */
async function openTransactions(file: string): Promise<{ transaction: SqlTransaction; close(): Promise<void> }> {
  const db = await new Promise<Sqlite3Database>((resolve, reject) => {
    const opened = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  db.configure('busyTimeout', BUSY_TIMEOUT_MS);
  const query: SqlQuery = (sql, params) =>
    new Promise((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows))));
  let queue: Promise<unknown> = Promise.resolve();
  const transaction: SqlTransaction = (work) => {
    const run = queue.then(async () => {
      // IMMEDIATE takes the write lock now: a deferred transaction that reads first could not upgrade
      // to writing once another connection has written.
      await query('BEGIN IMMEDIATE', []);
      try {
        const result = await work(query);
        await query('COMMIT', []);
        return result;
      } catch (error) {
        await query('ROLLBACK', []).catch(() => undefined);
        throw error;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };
  const close = () => new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
  return { transaction, close };
}

export async function openSqliteBackend(storageUrl: string): Promise<CasBackend> {
  // Strip the scheme the same way the adapter does (no URL decoding), so both agree on the file.
  const file = storageUrl.replace(/^sqlite:\/\//, '');
  if (!path.isAbsolute(file)) {
    throw new Error('SQLite storage URL must name an absolute file path: sqlite:///abs/path/file.sqlite');
  }
  await mkdir(path.dirname(file), { recursive: true });

  let closeTransactions = async (): Promise<void> => undefined;
  class WithTransactions extends KeyvSqlite {
    override async disconnect() {
      await super.disconnect();
      await closeTransactions();
    }
  }
  const adapter = new WithTransactions({ uri: `sqlite://${file}`, busyTimeout: BUSY_TIMEOUT_MS });
  const keyv = createKeyv(adapter);
  let transactions: Awaited<ReturnType<typeof openTransactions>>;
  try {
    // The adapter opens the file and creates its table lazily; this first query surfaces any failure now.
    // WAL lets readers run beside the writer and made turns ~3x faster here (STACK-NOTES).
    await adapter.query('PRAGMA journal_mode=WAL');
    transactions = await openTransactions(file);
    closeTransactions = transactions.close;
  } catch (error) {
    await adapter.disconnect().catch(() => undefined);
    throw error;
  }
  const query: SqlQuery = (sql, params) => adapter.query(sql, params);
  const cas = sqlCas(query, transactions.transaction, {
    table: adapter.opts.table ?? 'keyv',
    param: (n) => `?${n}`,
    // substr/length count characters on both sides; LIKE would be case-insensitive and treat % and _ as wildcards.
    startsWith: 'substr(key, 1, length(?1)) = ?1',
    lockRows: `SELECT key, value FROM ${adapter.opts.table ?? 'keyv'} WHERE key IN (SELECT value FROM json_each(?1))`,
    keyList: (keys) => JSON.stringify(keys),
  });
  return { keyv, ...cas };
}
