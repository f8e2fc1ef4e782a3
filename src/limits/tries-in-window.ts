/**
 * Tries counted in fixed time windows, atomically: each try gets its own number from the store
 * before anything is checked, so tries made at the same moment cannot all find the count still
 * under a limit (as a read, compare, then write would let them).
 */
import { VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';

export interface TryCount {
  /** This try's number in its window: 1 for the first. */
  count: number;
  /** The key of the window's counter, to forget its tries. */
  key: string;
  windowEndsAtMs: number;
}

export async function countTryInWindow(
  store: VersionedStore,
  keyPrefix: string,
  windowMs: number,
  nowMs: number,
): Promise<TryCount> {
  const windowStartMs = Math.floor(nowMs / windowMs) * windowMs;
  const key = `${keyPrefix}/${windowStartMs}`;
  try {
    // `increment` keeps the lifetime of the record it finds: create it with one, so that old
    // windows' counters go away by themselves.
    await store.put(key, 0, { expected: null, ttlMs: windowMs });
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
  }
  return { count: await store.increment(key), key, windowEndsAtMs: windowStartMs + windowMs };
}
