/**
 * Commits everything a turn staged, with its dedupe record, in one atomic write conditional on
 * the versions the turn read. When another process changed the conversation meanwhile, the turn
 * runs again on fresh state (nothing was sent yet: replies are only handed back after the commit).
 */
import type { Logger } from '../../platform/logger.ts';
import { VersionConflictError, type VersionedStore } from '../../storage/versioned-store.ts';
import { addressKey } from '../address.ts';
import type { OutboundReply } from '../messages.ts';
import { TurnTransaction } from '../turn-transaction.ts';
import { DEDUPE_TTL_MS } from './dedupe.ts';
import type { TurnMiddleware } from './turn-pipeline.ts';

const MAX_ATTEMPTS = 3;

export function commitTurn(deps: { store: VersionedStore; logger: Logger }): TurnMiddleware {
  return async (turn, next) => {
    for (let attempt = 1; ; attempt++) {
      turn.transaction = new TurnTransaction();
      turn.replies = [];
      turn.afterCommit = [];
      await next();
      const writes = turn.transaction.writes();
      if (turn.dedupeKey)
        writes.push({ key: turn.dedupeKey, value: turn.replies, expected: null, ttlMs: DEDUPE_TTL_MS });
      try {
        await deps.store.commit(writes);
        for (const run of turn.afterCommit) run();
        return;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        if (turn.dedupeKey && error.key === turn.dedupeKey) {
          // Another process answered the same message meanwhile: its answer is the answer.
          const earlier = await deps.store.get<OutboundReply[]>(turn.dedupeKey);
          if (earlier) {
            turn.replies = earlier.value;
            return;
          }
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        deps.logger.warn(
          { code: 'turn_state_conflict', attempt, conversation: addressKey(turn.address) },
          'retrying turn',
        );
      }
    }
  };
}
