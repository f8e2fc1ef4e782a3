/**
 * The writes of one turn, staged while the bot runs and committed together at its end: the
 * conversation's state (conditional on the version read), the dedupe record of the message and
 * anything the turn causes. A crash before the commit leaves none of them; after it, all.
 */
import type { StoreWrite } from '../storage/versioned-store.ts';

export class TurnTransaction {
  private readonly staged = new Map<string, StoreWrite>();

  /**
   * Stages a write. A second write of the same key replaces the first but keeps its expectation
   * (the version this turn read), so the turn still builds on what it read.
   */
  stage(write: StoreWrite): void {
    const earlier = this.staged.get(write.key);
    this.staged.set(write.key, earlier && 'expected' in earlier ? { ...write, expected: earlier.expected } : write);
  }

  writes(): StoreWrite[] {
    return [...this.staged.values()];
  }
}
