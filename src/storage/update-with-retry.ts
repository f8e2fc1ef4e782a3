/**
 * Read-modify-write on one key of a VersionedStore: read the record, decide its next value, write
 * it only if the record is still the version read. A writer that lost the race reads again and
 * decides again, so no update is lost and nothing is written from a stale read.
 */
import { type StoredRecord, type StoreWrite, VersionConflictError, type VersionedStore } from './versioned-store.ts';

/** Losing this many races in a row on one key means a runaway writer, not bad luck: stop and say so. */
const MAX_ATTEMPTS = 100;

export interface UpdateOptions<T> {
  /** Lifetime of the record written, as in `PutOptions.ttlMs`. */
  ttlMs?: number;
  /** Other writes that must be stored with this value or not at all: committed atomically with it. */
  alongside?: (next: T) => Promise<StoreWrite[]>;
}

export interface UpdateResult<T> extends StoredRecord<T> {
  /** Whether this call wrote the record (false: `change` left it as it was). */
  changed: boolean;
}

/**
 * `change` gets the current value (undefined when there is none) and returns the next one, or
 * undefined to leave the record as it is; it may throw to refuse, and runs again after a lost race.
 * Returns the record as it stands afterwards: undefined only when there was none and `change` kept it so.
 */
export async function updateWithRetry<T>(
  store: VersionedStore,
  key: string,
  change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
  options: UpdateOptions<T> = {},
): Promise<UpdateResult<T> | undefined> {
  for (let attempt = 1; ; attempt++) {
    const record = await store.get<T>(key);
    const next = await change(record?.value);
    if (next === undefined) return record && { ...record, changed: false };
    const expected = record?.version ?? null;
    try {
      const extra = (await options.alongside?.(next)) ?? [];
      const version =
        extra.length === 0
          ? await store.put(key, next, { expected, ttlMs: options.ttlMs })
          : ((await store.commit([{ key, value: next, expected, ttlMs: options.ttlMs }, ...extra]))[0] as string);
      return { value: next, version, changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
