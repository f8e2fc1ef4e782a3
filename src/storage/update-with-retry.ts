/**
 * Read-modify-write on one key of a VersionedStore: read the record, decide its next value, write
 * it only if the record is still the version read. A writer that lost the race reads again and
 * decides again, so no update is lost and nothing is written from a stale read.
 */
import { type StoredRecord, VersionConflictError, type VersionedStore } from './versioned-store.ts';

/** Losing this many races in a row on one key means a runaway writer, not bad luck: stop and say so. */
const MAX_ATTEMPTS = 100;

export interface UpdateOptions {
  /** Lifetime of the record written, as in `PutOptions.ttlMs`. */
  ttlMs?: number;
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
  options: UpdateOptions = {},
): Promise<UpdateResult<T> | undefined> {
  for (let attempt = 1; ; attempt++) {
    const record = await store.get<T>(key);
    const next = await change(record?.value);
    if (next === undefined) return record && { ...record, changed: false };
    try {
      const version = await store.put(key, next, { expected: record?.version ?? null, ttlMs: options.ttlMs });
      return { value: next, version, changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
