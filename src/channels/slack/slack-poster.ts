/**
 * Posts messages to a Slack conversation at most once per messageId, as far as Slack allows: each
 * message is claimed in the shared store before chat.postMessage and marked posted after it, so a
 * Slack retry, a redelivered proactive item or a second instance finds it and posts nothing. A
 * claim whose post failed is released; one whose process died expires after CLAIM_TTL_MS and is
 * then posted again. Only a process killed between Slack's answer and the mark posts twice.
 */
import type { webApi } from '@slack/bolt';
import { addressKey, type ConversationAddress } from '../../conversation/address.ts';
import { DEDUPE_TTL_MS } from '../../conversation/pipeline/dedupe.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';
import { VersionConflictError } from '../../storage/versioned-store.ts';
import type { ProactiveMessage } from '../channel.ts';
import { toSlackMessage } from './slack-text.ts';

/** Longer than a post with the client's retries takes, short enough that a crashed claim is retried soon. */
export const CLAIM_TTL_MS = 60_000;

type SentRecord = { state: 'posting'; at: string } | { state: 'posted'; ts: string };

/** Another delivery of this message is posting it now: try again later (the proactive outbox does). */
export class SlackPostInProgressError extends Error {
  readonly code = 'slack_post_in_progress';
  constructor() {
    super('another delivery is posting this Slack message');
    this.name = 'SlackPostInProgressError';
  }
}

export interface SlackPoster {
  /** Posts each message not yet posted, in order; stops at the first failure (the rest stay unposted). */
  post(address: ConversationAddress, messages: readonly ProactiveMessage[]): Promise<void>;
}

export function createSlackPoster(deps: {
  client: webApi.WebClient;
  store: VersionedStore;
  clock: Clock;
}): SlackPoster {
  const { client, store, clock } = deps;

  /** Whether this delivery now owns the message (false: already posted). */
  async function claim(key: string): Promise<boolean> {
    try {
      await store.put<SentRecord>(
        key,
        { state: 'posting', at: clock.now().toISOString() },
        { expected: null, ttlMs: CLAIM_TTL_MS },
      );
      return true;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const held = await store.get<SentRecord>(key);
      if (held === undefined) return claim(key);
      if (held.value.state === 'posted') return false;
      throw new SlackPostInProgressError();
    }
  }

  return {
    async post(address, messages) {
      for (const message of messages) {
        const key = `slack/sent/${addressKey(address)}/${encodeURIComponent(message.messageId)}`;
        if (!(await claim(key))) continue;
        let ts: string;
        try {
          const answer = await client.chat.postMessage({
            channel: address.conversationId,
            ...toSlackMessage(message),
            // Replies are plain text: `*` or `_` in a name or a note stay as typed.
            mrkdwn: false,
            unfurl_links: false,
          } as Parameters<typeof client.chat.postMessage>[0]);
          ts = answer.ts ?? '';
        } catch (error) {
          await store.delete(key);
          throw error;
        }
        await store.put<SentRecord>(key, { state: 'posted', ts }, { ttlMs: DEDUPE_TTL_MS });
      }
    },
  };
}
