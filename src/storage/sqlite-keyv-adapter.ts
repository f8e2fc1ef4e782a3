/**
 * A keyv store adapter on better-sqlite3 (there is none on the registry). It keeps @keyv/sqlite's table,
 * `keyv(key VARCHAR(255) PRIMARY KEY, value TEXT)` (SQLite does not enforce the 255), so files written
 * through @keyv/sqlite open unchanged. better-sqlite3 is synchronous: each call runs to its end before any
 * other code of this process, so statements of different callers never interleave on the connection.
 */
import { EventEmitter } from 'node:events';
import type { Database } from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

interface Row {
  key: string;
  value: string;
}

export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; table: string };
  namespace?: string | undefined;
  private readonly statements;

  constructor(
    readonly db: Database,
    table = 'keyv',
  ) {
    super();
    this.opts = { dialect: 'sqlite', table };
    db.exec(`CREATE TABLE IF NOT EXISTS ${table}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
    // Prepared once: preparing costs about as much as running these statements.
    this.statements = {
      get: db.prepare<[string], Pick<Row, 'value'>>(`SELECT value FROM ${table} WHERE key = ?`),
      // One statement for any number of keys: the list travels as a JSON array.
      getMany: db.prepare<[string], Row>(
        `SELECT key, value FROM ${table} WHERE key IN (SELECT value FROM json_each(?))`,
      ),
      set: db.prepare<[string, string]>(
        `INSERT INTO ${table} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
      delete: db.prepare<[string]>(`DELETE FROM ${table} WHERE key = ?`),
      deleteMany: db.prepare<[string]>(`DELETE FROM ${table} WHERE key IN (SELECT value FROM json_each(?))`),
      has: db.prepare<[string]>(`SELECT 1 FROM ${table} WHERE key = ?`),
      clearAll: db.prepare(`DELETE FROM ${table}`),
      // substr, not LIKE: LIKE is case-insensitive and treats % and _ as wildcards.
      clearPrefix: db.prepare<[string, string]>(`DELETE FROM ${table} WHERE substr(key, 1, length(?)) = ?`),
    };
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.statements.get.get(key)?.value as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    const rows = this.statements.getMany.all(JSON.stringify(keys));
    const found = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => found.get(key) as StoredData<Value | undefined>);
  }

  /** keyv hands over its serialized envelope; the expiry lives inside it, so `ttl` is not needed here. */
  async set(key: string, value: string): Promise<void> {
    this.statements.set.run(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.delete.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.statements.deleteMany.run(JSON.stringify(keys)).changes > 0;
  }

  async has(key: string): Promise<boolean> {
    return this.statements.has.get(key) !== undefined;
  }

  async clear(): Promise<void> {
    if (this.namespace) {
      const prefix = `${this.namespace}:`;
      this.statements.clearPrefix.run(prefix, prefix);
    } else {
      this.statements.clearAll.run();
    }
  }

  async disconnect(): Promise<void> {
    this.db.close();
  }
}
