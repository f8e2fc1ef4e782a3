/**
 * The one entry point for inbound messages: answers a redelivered message from what was
 * answered the first time, runs the turns of one conversation one at a time, and re-runs a
 * turn that lost a race on its stored state (nothing had been sent yet: replies are collected).
 */
import type { Logger } from '../platform/logger.ts';
import { VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import type { ConversationRouter, InboundMessage, OutboundReply } from './messages.ts';

/** How long a message id is remembered for redeliveries (WeChat and Slack retry for minutes). */
export const DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_CONFLICT_RETRIES = 3;

/** Runs the bot for one message; `turnId` is stable across re-runs of the same message. */
export type TurnRunner = (message: InboundMessage, turnId: string) => Promise<OutboundReply[]>;

export interface ConversationRouterDeps {
  store: VersionedStore;
  runTurn: TurnRunner;
  newId: () => string;
  logger: Logger;
}

export function createConversationRouter(deps: ConversationRouterDeps): ConversationRouter {
  const mutex = new KeyedMutex();
  const conversationKey = (m: InboundMessage) => `${m.channel}/${m.conversationId}`;

  async function runWithRetries(message: InboundMessage, turnId: string): Promise<OutboundReply[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.runTurn(message, turnId);
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
        deps.logger.warn(
          { code: 'turn_state_conflict', attempt, conversation: conversationKey(message) },
          'retrying turn',
        );
      }
    }
  }

  return {
    handle(message) {
      return mutex.run(conversationKey(message), async () => {
        const dedupeKey = message.messageId ? `dedupe/${conversationKey(message)}/${message.messageId}` : undefined;
        if (dedupeKey) {
          const earlier = await deps.store.get<OutboundReply[]>(dedupeKey);
          if (earlier) return earlier.value;
        }
        const replies = await runWithRetries(message, message.messageId ?? deps.newId());
        if (dedupeKey) await deps.store.put(dedupeKey, replies, { ttlMs: DEDUPE_TTL_MS });
        return replies;
      });
    },
  };
}
