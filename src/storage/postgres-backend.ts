/**
 * PostgreSQL backend: @keyv/postgres's table and statements, but on a pool of our own.
 *
 * @keyv/postgres 2.2.3 keeps ONE module-global pg pool: stores opened with the same URL share it, and
 * `disconnect()` ends whatever pool is global at that moment, so closing one store breaks the others
 * (or, with different URLs, ends another store's pool and leaks its own). It also attaches no 'error'
 * listener to the pool, so an idle connection dropped by the server would crash the process.
 * Overriding `connect()`/`disconnect()` gives each store its own pool with a listener and a connect timeout.
 */
import { createRequire } from 'node:module';
import KeyvPostgres from '@keyv/postgres';
import { type CasBackend, createKeyv } from './keyv-versioned-store.ts';
import { type SqlDialect, type SqlQuery, type SqlTransaction, sqlCas, sqlCommit, sqlUpdate } from './sql-cas.ts';
import { StorageTimeoutError } from './versioned-store.ts';

interface PgResult {
  rows: Array<Record<string, unknown>>;
}
interface PgClient {
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  /** With an error (or true) the connection is destroyed instead of going back to the pool. */
  release(destroy?: Error | boolean): void;
}
interface PgPool {
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgModule {
  Pool: new (config: {
    connectionString: string;
    connectionTimeoutMillis?: number;
    query_timeout?: number;
    statement_timeout?: number;
    idle_in_transaction_session_timeout?: number;
  }) => PgPool;
}

// pg is @keyv/postgres's dependency (it ships no types): load the very copy the adapter uses.
const requireFromAdapter = createRequire(createRequire(import.meta.url).resolve('@keyv/postgres'));
const pg = requireFromAdapter('pg') as PgModule;

/** Longer keys than keyv's default VARCHAR(255): channel/conversation/user ids make bot state keys long. */
const KEY_SIZE = 1024;

/** One transaction on one pooled connection. */
function transaction(pool: PgPool): SqlTransaction {
  return async (work) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(async (sql, params) => (await client.query(sql, params)).rows);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not given to the next caller.
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };
}

/** SQLSTATEs of PostgreSQL's own timeouts: query_canceled (statement_timeout), idle_in_transaction_session_timeout. */
const TIMEOUT_STATES = ['57014', '25P03'];
/** Messages of pg's client-side timeouts: query_timeout, and connectionTimeoutMillis (new connection, pool wait). */
const CLIENT_TIMEOUT =
  /^(Query read timeout|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

function isTimeout(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return TIMEOUT_STATES.includes(code as string) || CLIENT_TIMEOUT.test(String(message));
}

export async function openPostgresBackend(storageUrl: string, options: { timeoutMs: number }): Promise<CasBackend> {
  const { timeoutMs } = options;
  const pool = new pg.Pool({
    connectionString: storageUrl,
    // Connecting, or waiting for a free pooled connection.
    connectionTimeoutMillis: timeoutMs,
    // The server cancels a statement (lock waits included) that runs longer, and the connection stays usable.
    statement_timeout: timeoutMs,
    // A server that does not answer at all: the client gives up a little later and drops the connection.
    query_timeout: timeoutMs + 1_000,
    // A transaction whose client stalls (or froze) mid-way releases its row locks instead of blocking others.
    idle_in_transaction_session_timeout: timeoutMs,
  });
  // Errors of idle connections are reported again by the next query that needs a connection.
  pool.on('error', () => undefined);

  class OwnPoolPostgres extends KeyvPostgres {
    // Called from KeyvPostgres's constructor; returns the query function all of its statements use.
    override async connect() {
      return async (sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows;
    }
    override async disconnect() {
      await pool.end();
    }
  }

  const adapter = new OwnPoolPostgres({ uri: storageUrl, keySize: KEY_SIZE });
  const keyv = createKeyv(adapter);
  const table = `${adapter.opts.schema}.${adapter.opts.table}`;
  const query: SqlQuery = (sql, params) => adapter.query(sql, params);
  try {
    // The adapter swallows a failed CREATE TABLE (it only emits 'error'); this fails loudly instead.
    await query(`SELECT 1 FROM ${table} LIMIT 1`, []);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw isTimeout(error) ? new StorageTimeoutError('open', timeoutMs, { cause: error }) : error;
  }
  const dialect: SqlDialect = {
    table,
    param: (n) => `$${n}`,
    startsWith: 'starts_with(key, $1)',
    // ORDER BY: concurrent commits lock the rows they share in the same order instead of deadlocking.
    lockRows: `SELECT key, value FROM ${table} WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
    keyList: (keys) => keys,
    // deadlock_detected (still possible when rows appear between two commits' reads), serialization_failure:
    // PostgreSQL rolled the transaction back, so running it again is safe.
    retryable: (error) => ['40P01', '40001'].includes((error as { code?: unknown }).code as string),
  };
  return {
    keyv,
    ...sqlCas(query, dialect),
    commit: sqlCommit(transaction(pool), dialect),
    update: sqlUpdate(transaction(pool), dialect),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    isTimeout,
  };
}
