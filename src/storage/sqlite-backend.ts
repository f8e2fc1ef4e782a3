/**
 * SQLite backend on better-sqlite3: our keyv adapter (sqlite-keyv-adapter.ts), CAS from sql-cas, and
 * commit as one synchronous transaction. The async sqlite3 driver could not do that safely (other calls'
 * statements landed between a transaction's awaits) and spent most of a turn waiting on its thread pool.
 */
import { closeSync, fchmodSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { type CasBackend, type CommitOp, createKeyv } from './keyv-versioned-store.ts';
import { planCommit, type SqlDialect, type SqlQuery, sqlCas, sqlStatements } from './sql-cas.ts';
import { SqliteKeyvAdapter } from './sqlite-keyv-adapter.ts';

const TABLE = 'keyv';

const dialect: SqlDialect = {
  table: TABLE,
  // Named parameters: better-sqlite3 binds `@p1` from { p1 } (its documented form; `?1` is not positional there).
  param: (n) => `@p${n}`,
  // substr/length count characters on both sides; LIKE would be case-insensitive and treat % and _ as wildcards.
  startsWith: 'substr(key, 1, length(@p1)) = @p1',
  // No row locks in SQLite: the transaction is BEGIN IMMEDIATE, which holds the database's write lock.
  lockRows: `SELECT key, value FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(@p1))`,
  keyList: (keys) => JSON.stringify(keys),
};

/** Positional values as better-sqlite3's named parameters p1, p2, … */
const bind = (params: readonly unknown[]) => Object.fromEntries(params.map((value, i) => [`p${i + 1}`, value]));

/**
 * Creates the database file readable and writable by its owner only: it holds merchants' personal data.
 * SQLite gives the -wal and -shm files it creates the database file's mode. An existing file keeps the
 * mode its owner gave it.
 */
function createPrivately(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    fchmodSync(fd, 0o600); // the umask may have taken bits off
  } finally {
    closeSync(fd);
  }
}

export async function openSqliteBackend(storageUrl: string, options: { timeoutMs: number }): Promise<CasBackend> {
  // The same file @keyv/sqlite used for this URL: the scheme stripped, no URL decoding.
  const file = storageUrl.replace(/^sqlite:\/\//, '');
  if (!path.isAbsolute(file)) {
    throw new Error('SQLite storage URL must name an absolute file path: sqlite:///abs/path/file.sqlite');
  }
  await mkdir(path.dirname(file), { recursive: true });
  createPrivately(file);

  let db: Database.Database | undefined;
  let adapter: SqliteKeyvAdapter;
  try {
    // How long a writer waits for another connection's write lock before SQLITE_BUSY, which the store reports
    // as a timeout. The wait is synchronous (it blocks this process), and only happens when another process
    // writes to the same file: this process's own calls never hold a lock between them.
    db = new Database(file, { timeout: options.timeoutMs });
    // WAL: readers run beside the writer, and a commit appends to the log instead of rewriting pages.
    db.pragma('journal_mode = WAL');
    // NORMAL syncs the WAL at checkpoints, not at every commit. A process that dies (even by kill -9)
    // loses nothing, because committed pages are in the OS's cache; only a power loss or an OS crash can
    // lose the last commits (never corrupt the file). It made a turn's storage ~5x faster (STACK-NOTES).
    db.pragma('synchronous = NORMAL');
    adapter = new SqliteKeyvAdapter(db, TABLE);
  } catch (error) {
    db?.close();
    const { code, message } = error as { code?: string; message?: string };
    // Name SQLite's code (e.g. SQLITE_CANTOPEN): its messages alone ("unable to open database file") are vague.
    throw new Error(`SQLite storage could not be opened: ${code ?? 'error'}: ${message}`, { cause: error });
  }
  const keyv = createKeyv(adapter);
  const opened = db;

  const cache = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = opened.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
  const query: SqlQuery = async (sql, params) => {
    const statement = prepared(sql);
    if (statement.reader) return statement.all(bind(params)) as Array<Record<string, unknown>>;
    statement.run(bind(params));
    return [];
  };

  const { insert, upsert, removeKey } = sqlStatements(dialect);
  // Synchronous from BEGIN to COMMIT: nothing else in this process runs in between, and other processes
  // wait for the write lock (busy timeout). better-sqlite3 rolls back when the function throws.
  const commitNow = opened.transaction((ops: readonly CommitOp[]): number => {
    const rows = prepared(dialect.lockRows).all(bind([dialect.keyList(ops.map((op) => op.key))])) as Array<{
      key: string;
      value: string;
    }>;
    const plan = planCommit(ops, new Map(rows.map((row) => [row.key, row.value])));
    if (typeof plan === 'number') return plan;
    for (const write of plan) {
      if (write.next === undefined) prepared(removeKey).run(bind([write.key]));
      else if (!write.fresh) prepared(upsert).run(bind([write.key, write.next]));
      // Cannot happen while we hold the write lock; if it did, throwing rolls everything back.
      else if (prepared(insert).all(bind([write.key, write.next])).length === 0) {
        throw new Error('Storage: SQLite row appeared during a commit');
      }
    }
    return -1;
  });

  const updateNow = opened.transaction((key: string, change: (raw: string | undefined) => string): void => {
    const row = prepared(dialect.lockRows).get(bind([dialect.keyList([key])])) as { value: string } | undefined;
    prepared(upsert).run(bind([key, change(row?.value)]));
  });

  const ping = opened.prepare('SELECT 1');
  return {
    keyv,
    ...sqlCas(query, dialect),
    // IMMEDIATE takes the write lock at BEGIN, so the rows read are the rows written over.
    commit: async (ops) => commitNow.immediate(ops),
    update: async (key, change) => updateNow.immediate(key, change),
    ping: async () => {
      ping.get();
    },
    boundedByItself: true,
    isTimeout: (error) => String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY'),
  };
}
