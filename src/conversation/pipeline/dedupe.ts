/**
 * A message the channel delivers again (WeChat and Slack retry, a page resends after a timeout)
 * is answered with what the first delivery answered, and changes nothing. The record is written
 * by the commit step, in the same commit as the turn's state.
 */
import type { VersionedStore } from '../../storage/versioned-store.ts';
import { addressKey } from '../address.ts';
import type { OutboundReply } from '../messages.ts';
import type { TurnMiddleware } from './turn-pipeline.ts';

/** How long a message id is remembered for redeliveries (WeChat and Slack retry for minutes). */
export const DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;

export function dedupeKeyOf(address: Parameters<typeof addressKey>[0], messageId: string): string {
  return `dedupe/${addressKey(address)}/${encodeURIComponent(messageId)}`;
}

export function dedupeRedeliveries(store: VersionedStore): TurnMiddleware {
  return async (turn, next) => {
    const { messageId } = turn.message;
    if (messageId === undefined) return next();
    const key = dedupeKeyOf(turn.address, messageId);
    const earlier = await store.get<OutboundReply[]>(key);
    if (earlier) {
      turn.replies = earlier.value;
      return;
    }
    turn.dedupeKey = key;
    await next();
  };
}
