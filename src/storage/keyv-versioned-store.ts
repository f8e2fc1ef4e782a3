/**
 * VersionedStore on a keyv adapter plus one native compare-and-swap per backend.
 *
 * Records are kept in keyv's own layout: the adapter row/string holds keyv's envelope
 * `{"value": {"value": …, "version": …}, "expires": …}` serialized with JSON.
 *
 * Reads go to the adapter, not to `keyv.get`/`getMany`/`iterator`: those delete an expired row
 * unconditionally after reading it, which can delete a record another process wrote in between
 * (a lost update). Here expired rows are removed only by a conditional swap of the exact bytes read.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { systemRandom } from '../platform/clock-and-ids.ts';
import { withDeadline } from './deadline.ts';
import {
  type PutOptions,
  StorageTimeoutError,
  type StoredRecord,
  type StoreWrite,
  VersionConflictError,
  type VersionedStore,
} from './versioned-store.ts';

/** What a backend adds under keyv's connection. Keys here are full (namespaced) keys; values are raw strings. */
export interface CasBackend {
  readonly keyv: Keyv;
  /**
   * Atomically: if the stored raw value is exactly `expected` (undefined: no row), store `next`
   * (undefined: delete the row) and return true; otherwise change nothing and return false.
   */
  swap(key: string, expected: string | undefined, next: string | undefined, ttlMs?: number): Promise<boolean>;
  /** Raw rows whose key starts with `prefix`, expired ones included. */
  scan(prefix: string): Promise<Array<[key: string, raw: string]>>;
  /**
   * Atomically: if every op's `holds` accepts the raw value stored under its key at that moment, apply
   * every op and return -1; otherwise change nothing and return the index of the first op (in order)
   * that does not hold. At most one op per key. Once `signal` is aborted, no new attempt starts.
   */
  commit(ops: readonly CommitOp[], signal?: AbortSignal): Promise<number>;
  /**
   * Atomically replaces the raw value under `key` by `change(raw)` (undefined: no row), holding the row
   * locked meanwhile, so concurrent callers queue instead of racing (SQL backends). Without it, the store
   * increments with compare-and-swap rounds.
   */
  update?(key: string, change: (raw: string | undefined) => string, signal?: AbortSignal): Promise<void>;
  /** One cheap round trip. */
  ping(): Promise<void>;
  /**
   * Every call finishes or fails within the store's timeout by itself (SQLite: synchronous calls bounded by
   * the busy timeout), so the store needs no timer of its own per call.
   */
  boundedByItself?: boolean;
  /** Whether an error is the backend's own timeout (a lock wait, a statement or connection timeout). */
  isTimeout?(error: unknown): boolean;
}

/** One write of a backend commit. Keys are full (namespaced) keys; values are raw strings. */
export interface CommitOp {
  key: string;
  /** Judges the stored raw value (undefined: no row); absent for an unconditional write. */
  holds?: (raw: string | undefined) => boolean;
  /** The new raw value; undefined deletes the row. */
  next: string | undefined;
  ttlMs?: number;
}

interface Envelope<T> {
  value: StoredRecord<T>;
  expires?: number;
}

/** Keyv configured the way every backend needs it. */
export function createKeyv(adapter: KeyvStoreAdapter): Keyv {
  return new Keyv(adapter, {
    // We prefix keys ourselves: keyv's prefixing skips keys that already start with `namespace:` in get()
    // but not in getMany(), and with the Redis adapter it would be applied twice.
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: true,
    // Plain JSON, the round trip MemoryStorage does too (keyv's default serializer rewrites strings that start
    // with ':' and revives ':base64:' strings as Buffers), so the raw text is standard JSON for SQL to inspect.
    serialize: JSON.stringify,
    deserialize: JSON.parse,
  });
}

const NEVER_ABORTED = new AbortController().signal;

const MAX_ATTEMPTS = 200;

export class KeyvVersionedStore implements VersionedStore {
  private readonly adapter: KeyvStoreAdapter;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly backend: CasBackend,
    namespace: string,
    options: { timeoutMs: number },
  ) {
    this.adapter = backend.keyv.store as KeyvStoreAdapter;
    this.prefix = `${namespace}:`;
    this.timeoutMs = options.timeoutMs;
  }

  // Every public operation runs under the store's deadline (withDeadline); the work itself is in the
  // private methods below, which call each other without stacking deadlines.

  get<T>(key: string): Promise<StoredRecord<T> | undefined> {
    return this.timed('get', async () => {
      checkKey(key);
      return (await this.readMany<T>([key])).get(key);
    });
  }

  getMany<T>(keys: readonly string[]): Promise<Map<string, StoredRecord<T>>> {
    return this.timed('getMany', async () => {
      for (const key of keys) checkKey(key);
      return this.readMany<T>(keys);
    });
  }

  put<T>(key: string, value: T, options: PutOptions = {}): Promise<string> {
    return this.timed('put', async () => {
      checkKey(key);
      return this.putNow(key, value, options);
    });
  }

  commit(writes: readonly StoreWrite[]): Promise<string[]> {
    return this.timed('commit', async (signal) => {
      for (const write of writes) checkKey(write.key);
      return this.commitNow(writes, signal);
    });
  }

  delete(key: string): Promise<void> {
    return this.timed('delete', async () => {
      checkKey(key);
      await this.backend.keyv.delete(this.prefix + key);
    });
  }

  increment(key: string): Promise<number> {
    return this.timed('increment', async (signal) => {
      checkKey(key);
      return this.incrementNow(key, signal);
    });
  }

  keys(prefix: string): Promise<string[]> {
    return this.timed('keys', async () => {
      checkKey(prefix, 'prefix');
      return this.keysNow(prefix);
    });
  }

  ping(): Promise<void> {
    return this.timed('ping', () => this.backend.ping());
  }

  /** Idempotent: ending a pg pool or closing an SQLite handle twice would throw. */
  close(): Promise<void> {
    this.closing ??= this.timed('close', () => this.backend.keyv.disconnect());
    return this.closing;
  }

  private async timed<T>(operation: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      // A timer and an abort signal per call cost more than a whole SQLite read: skip them where not needed.
      if (this.backend.boundedByItself) return await work(NEVER_ABORTED);
      return await withDeadline(operation, this.timeoutMs, work);
    } catch (error) {
      // The backend's own timeouts (set from the same timeoutMs) look the same to callers as ours.
      if (!(error instanceof StorageTimeoutError) && this.backend.isTimeout?.(error)) {
        throw new StorageTimeoutError(operation, this.timeoutMs, { cause: error });
      }
      throw error;
    }
  }

  private async readMany<T>(keys: readonly string[]): Promise<Map<string, StoredRecord<T>>> {
    const full = keys.map((key) => this.prefix + key);
    const raws = full.length === 0 ? [] : await this.readRaw(full);
    const found = new Map<string, StoredRecord<T>>();
    await Promise.all(
      keys.map(async (key, i) => {
        const envelope = await this.live<T>(full[i]!, raws[i]);
        if (envelope) found.set(key, envelope.value);
      }),
    );
    // Promise.all settles out of order: rebuild in request order for predictable iteration.
    return new Map(keys.filter((key) => found.has(key)).map((key) => [key, found.get(key)!]));
  }

  private async putNow<T>(key: string, value: T, options: PutOptions): Promise<string> {
    const { expected } = options;
    const ttlMs = normalizeTtl(options.ttlMs);
    const full = this.prefix + key;
    const version = randomUUID();
    const expires = ttlMs ? Date.now() + ttlMs : undefined;
    // Serialize before the first await, so a caller mutating `value` afterwards cannot change what is stored.
    const raw = JSON.stringify({ value: { value, version }, expires } satisfies Envelope<T>);
    if (expected === undefined || expected === '*') {
      await this.adapter.set(full, raw, ttlMs);
      return version;
    }
    const [current] = await this.readRaw([full]);
    // An expired row is not cleaned up here: the swap below replaces exactly those bytes.
    const live = unexpired<T>(current);
    const holds = expected === null ? live === undefined : live?.value.version === expected;
    // The check above only fails fast; the swap re-checks the exact bytes atomically in the backend.
    if (!holds || !(await this.backend.swap(full, current, raw, ttlMs))) {
      throw new VersionConflictError(key);
    }
    return version;
  }

  private async commitNow(writes: readonly StoreWrite[], signal: AbortSignal): Promise<string[]> {
    const seen = new Set<string>();
    const versions: string[] = [];
    const ops = writes.map((write): CommitOp => {
      if (seen.has(write.key)) throw new TypeError(`Storage: commit writes "${write.key}" more than once`);
      seen.add(write.key);
      const key = this.prefix + write.key;
      const holds = expectation(write.expected);
      if ('delete' in write && write.delete === true) {
        versions.push('');
        return { key, holds, next: undefined };
      }
      const { value, ttlMs: ttl } = write as { value: unknown; ttlMs?: number };
      const ttlMs = normalizeTtl(ttl);
      const version = randomUUID();
      const expires = ttlMs ? Date.now() + ttlMs : undefined;
      versions.push(version);
      // Serialized now, as in put: later mutation of `value` by the caller cannot change what is stored.
      return { key, holds, next: JSON.stringify({ value: { value, version }, expires }), ttlMs };
    });
    if (ops.length === 0) return versions;
    const failed = await this.backend.commit(ops, signal);
    if (failed >= 0) throw new VersionConflictError(writes[failed]!.key);
    return versions;
  }

  private async incrementNow(key: string, signal: AbortSignal): Promise<number> {
    const full = this.prefix + key;
    if (this.backend.update) {
      let count = 0;
      await this.backend.update(
        full,
        (raw) => {
          const next = incremented(key, raw);
          count = next.count;
          return next.raw;
        },
        signal,
      );
      return count;
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      signal.throwIfAborted();
      const [current] = await this.readRaw([full]);
      const next = incremented(key, current);
      if (await this.backend.swap(full, current, next.raw, next.ttlMs)) return next.count;
      // Lost the race: someone else's increment landed. Back off a little, with jitter, so callers spread out.
      await sleep(systemRandom() * Math.min(2 ** attempt, 50));
    }
    throw new Error(`Storage: increment of "${key}" kept conflicting (${MAX_ATTEMPTS} attempts)`);
  }

  private async keysNow(prefix: string): Promise<string[]> {
    const rows = await this.backend.scan(this.prefix + prefix);
    const live = await Promise.all(rows.map(async ([full, raw]) => ((await this.live(full, raw)) ? full : undefined)));
    return live
      .filter((full): full is string => full !== undefined)
      .map((full) => full.slice(this.prefix.length))
      .sort();
  }

  private async readRaw(full: string[]): Promise<Array<string | undefined>> {
    // All three adapters have getMany (one query / MGET); keep a fallback for any other adapter.
    const raws = this.adapter.getMany
      ? await this.adapter.getMany<string>(full)
      : await Promise.all(full.map((key) => this.adapter.get<string>(key)));
    return raws.map((raw) => (typeof raw === 'string' ? raw : undefined));
  }

  /** Decodes a raw row; an expired one is removed (only if still those exact bytes) and reported absent. */
  private async live<T>(full: string, raw: string | undefined): Promise<Envelope<T> | undefined> {
    const envelope = unexpired<T>(raw);
    if (raw !== undefined && envelope === undefined) await this.backend.swap(full, raw, undefined);
    return envelope;
  }
}

// Expiry is wall-clock time shared with the other processes on the same store (and Redis's own
// expiry), so it reads Date.now() rather than an injected clock.

/** The decoded envelope, or undefined when there is no row or it has expired (keyv's rule: now > expires). */
function unexpired<T>(raw: string | undefined): Envelope<T> | undefined {
  if (raw === undefined) return undefined;
  const envelope = JSON.parse(raw) as Envelope<T>;
  return typeof envelope.expires === 'number' && Date.now() > envelope.expires ? undefined : envelope;
}

/**
 * Keys must be well-formed UTF-16 without NUL. A lone surrogate cannot be encoded as UTF-8: Redis would
 * store it as U+FFFD, so '\ud800' and '\udbff' would name the same record. PostgreSQL refuses NUL in text
 * (an error per request), and SQLite's length() stops at the first NUL.
 */
export function checkKey(key: string, what = 'key'): void {
  if (typeof key !== 'string') throw new TypeError(`Storage: a ${what} must be a string`);
  // String.prototype.isWellFormed is in Node 20 but not in TypeScript's ES2022 library.
  if (!(key as string & { isWellFormed(): boolean }).isWellFormed() || key.includes('\0')) {
    throw new TypeError(`Storage: a ${what} must be well-formed UTF-16 without NUL characters`);
  }
}

/** `expected` as put reads it, as a test of the raw row; undefined when the write is unconditional. */
function expectation(expected: string | null | undefined): CommitOp['holds'] {
  if (expected === undefined || expected === '*') return undefined;
  if (expected === null) return (raw) => unexpired(raw) === undefined;
  return (raw) => unexpired(raw)?.value.version === expected;
}

/** The envelope after adding 1 to the count in `raw` (an expired or absent record counts 0); its ttl is kept. */
function incremented(key: string, raw: string | undefined): { raw: string; count: number; ttlMs?: number } {
  const live = unexpired<unknown>(raw);
  const count = live?.value.value ?? 0;
  if (typeof count !== 'number') throw new TypeError(`Storage: "${key}" does not hold a number`);
  const expires = live?.expires;
  const next = JSON.stringify({ value: { value: count + 1, version: randomUUID() }, expires });
  const ttlMs = expires === undefined ? undefined : Math.max(1, Math.ceil(expires - Date.now()));
  return { raw: next, count: count + 1, ...(ttlMs === undefined ? {} : { ttlMs }) };
}

/** 0 or absent: no expiry (as in keyv). Whole milliseconds, because Redis PX rejects fractions. */
function normalizeTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs >= 0)) {
    throw new RangeError(`Storage: ttlMs must be a non-negative number, got ${ttlMs}`);
  }
  return ttlMs ? Math.ceil(ttlMs) : undefined;
}
