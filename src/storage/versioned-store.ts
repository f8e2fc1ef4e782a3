/**
 * The project's one storage core: JSON records with opaque versions and an atomic compare-and-set,
 * on keyv over SQLite, Redis or PostgreSQL. Backends are loaded on demand so that, for example,
 * a Redis deployment never loads the native better-sqlite3 module.
 */

/** Thrown when `put`'s `expected` no longer holds. The message is MemoryStorage's eTag-conflict text. */
export class VersionConflictError extends Error {
  readonly code = 'storage_version_conflict';

  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'VersionConflictError';
  }
}

/**
 * Thrown when a store operation did not finish within the store's `timeoutMs` (the backend is frozen,
 * overloaded or unreachable). The operation may still take effect later: a write that timed out is of
 * unknown outcome, as after any lost connection.
 */
export class StorageTimeoutError extends Error {
  readonly code = 'storage_timeout';

  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`Storage: ${operation} did not finish within ${timeoutMs} ms`, options);
    this.name = 'StorageTimeoutError';
  }
}

export interface StoredRecord<T> {
  value: T;
  version: string;
}

/** One write of an atomic `commit`: a put (with `value`) or a delete. */
export type StoreWrite =
  | { key: string; value: unknown; expected?: string | null; ttlMs?: number }
  | { key: string; delete: true; expected?: string | null };

export interface PutOptions {
  /** undefined or '*': write whatever is stored; null: only if absent; a version: only if still that version */
  expected?: string | null;
  /** Lifetime in milliseconds; absent or 0 means the record never expires. */
  ttlMs?: number;
}

/**
 * A key-value store of JSON values, each with a version that changes on every write.
 *
 * - Values are stored as deep copies (JSON round trip): mutating what you put or got changes nothing stored.
 * - `put` with `expected` is an atomic compare-and-set across processes and connections: of two writers
 *   holding the same version, exactly one succeeds and the other gets a `VersionConflictError`.
 * - Expired records are absent for every operation (get, getMany, keys, expected: null, increment).
 * - Keys are plain strings; the store adds its namespace prefix itself. A key (or prefix) that is not
 *   well-formed UTF-16 (a lone surrogate) or contains NUL is refused with a TypeError.
 * - Every operation settles within the store's `timeoutMs`, rejecting with a StorageTimeoutError if the
 *   backend does not answer in time.
 */
export interface VersionedStore {
  get<T>(key: string): Promise<StoredRecord<T> | undefined>;
  /** Only keys that exist (and have not expired) appear in the result. */
  getMany<T>(keys: readonly string[]): Promise<Map<string, StoredRecord<T>>>;
  /** Returns the new version; throws VersionConflictError when `expected` does not hold. */
  put<T>(key: string, value: T, options?: PutOptions): Promise<string>;
  /** Deleting a missing key is a no-op. */
  delete(key: string): Promise<void>;
  /**
   * Applies every write or none, atomically across processes (one transaction on SQLite and
   * PostgreSQL, one Lua script on Redis). Each write's `expected` is checked as in `put`; if any
   * fails, nothing is written and a VersionConflictError names the first key that failed.
   * Returns the new versions in order ('' for deletes). At most one write per key.
   */
  commit(writes: readonly StoreWrite[]): Promise<string[]>;
  /** Atomically adds 1 and returns the new value (first call → 1). A remaining ttl is kept. */
  increment(key: string): Promise<number>;
  /** All live keys that start with prefix, sorted. */
  keys(prefix: string): Promise<string[]>;
  /** One cheap round trip to the backend (for a readiness check); rejects when it is unreachable or too slow. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Key prefix (default `keyv`, keyv's own): stores with different namespaces never see each other's keys. */
  namespace?: string;
  /** How long any operation (and opening the store) may take before it rejects with a StorageTimeoutError. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Opens a store from a URL: `sqlite:///abs/path/file.sqlite` (parent directory created),
 * `redis://…` / `rediss://…`, `postgres://…` / `postgresql://…`.
 * Connects eagerly, so an unreachable or misconfigured backend fails here rather than on the first turn.
 */
export async function openStore(storageUrl: string, options: OpenStoreOptions = {}): Promise<VersionedStore> {
  const namespace = options.namespace ?? 'keyv';
  if (namespace === '') throw new Error('Storage namespace must not be empty');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`Storage: timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  const scheme = /^([a-z]+):\/\//.exec(storageUrl)?.[1];
  const { KeyvVersionedStore, checkKey } = await import('./keyv-versioned-store.ts');
  checkKey(namespace, 'namespace');
  const settings = { timeoutMs };
  switch (scheme) {
    case 'sqlite': {
      const { openSqliteBackend } = await import('./sqlite-backend.ts');
      return new KeyvVersionedStore(await openSqliteBackend(storageUrl, settings), namespace, settings);
    }
    case 'redis':
    case 'rediss': {
      const { openRedisBackend } = await import('./redis-backend.ts');
      return new KeyvVersionedStore(await openRedisBackend(storageUrl, settings), namespace, settings);
    }
    case 'postgres':
    case 'postgresql': {
      const { openPostgresBackend } = await import('./postgres-backend.ts');
      return new KeyvVersionedStore(await openPostgresBackend(storageUrl, settings), namespace, settings);
    }
    default:
      // Never echo the URL: it may carry a password.
      throw new Error(`Unsupported storage URL scheme "${scheme ?? ''}": use sqlite://, redis:// or postgres://`);
  }
}
