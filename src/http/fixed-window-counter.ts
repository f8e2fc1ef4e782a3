/**
 * Fixed-window rate counting in the shared store, so every instance behind a load balancer counts
 * the same hits: one record per subject and window, bumped with the store's atomic `increment`.
 */
import type { Clock } from '../platform/clock-and-ids.ts';
import { VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';

export interface WindowCount {
  /** Hits in this window, this one included. */
  count: number;
  /** Until the window ends (for Retry-After). */
  retryAfterMs: number;
}

export class FixedWindowCounter {
  /** Window records this process knows exist (key → window index), so most hits are one write. */
  private readonly created = new Map<string, number>();
  private prunedAt = -1;

  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
    /** Key prefix of this counter's records, e.g. `webchat/rate/conversation`. */
    private readonly prefix: string,
    private readonly windowMs = 60_000,
  ) {}

  async hit(subject: string): Promise<WindowCount> {
    const now = this.clock.now().getTime();
    const index = Math.floor(now / this.windowMs);
    // Keyed by the window, so a new window is a new record and an old one just expires.
    const key = `${this.prefix}/${encodeURIComponent(subject)}/${index}`;
    this.prune(index);
    if (!this.created.has(key)) {
      try {
        // `increment` keeps a record's ttl but gives a new record none: create it with one first.
        // Twice the window: created at the window's start at the earliest, it outlives the window.
        await this.store.put(key, 0, { expected: null, ttlMs: 2 * this.windowMs });
      } catch (error) {
        // Another request or instance created it first: it has its ttl.
        if (!(error instanceof VersionConflictError)) throw error;
      }
      this.created.set(key, index);
    }
    const count = await this.store.increment(key);
    return { count, retryAfterMs: (index + 1) * this.windowMs - now };
  }

  /** Forgets the records of windows that are over, once per window. */
  private prune(index: number): void {
    if (index === this.prunedAt) return;
    this.prunedAt = index;
    for (const [key, keyIndex] of this.created) if (keyIndex < index) this.created.delete(key);
  }
}
