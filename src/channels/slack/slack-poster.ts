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

/** One message to post as it goes to chat.postMessage (channel, text, blocks, thread_ts, …). */
export type SlackPostArguments = { channel: string; text: string } & Record<string, unknown>;

export interface SlackPoster {
  /** Posts each message not yet posted, in order; stops at the first failure (the rest stay unposted). */
  post(address: ConversationAddress, messages: readonly ProactiveMessage[]): Promise<void>;
  /**
   * Posts one message under `key` unless it was posted already; answers its `ts` either way
   * (another delivery posting it now: SlackPostInProgressError).
   */
  postOnce(key: string, message: SlackPostArguments): Promise<string>;
}

export function createSlackPoster(deps: {
  client: webApi.WebClient;
  store: VersionedStore;
  clock: Clock;
}): SlackPoster {
  const { client, store, clock } = deps;

  /** Whether this delivery now owns the message, or the ts it was posted with. */
  async function claim(key: string): Promise<true | { ts: string }> {
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
      if (held.value.state === 'posted') return { ts: held.value.ts };
      throw new SlackPostInProgressError();
    }
  }

  async function postOnce(key: string, message: SlackPostArguments): Promise<string> {
    const claimed = await claim(key);
    if (claimed !== true) return claimed.ts;
    let ts: string;
    try {
      const answer = await client.chat.postMessage(message as Parameters<typeof client.chat.postMessage>[0]);
      ts = answer.ts ?? '';
    } catch (error) {
      await store.delete(key);
      throw error;
    }
    await store.put<SentRecord>(key, { state: 'posted', ts }, { ttlMs: DEDUPE_TTL_MS });
    return ts;
  }

  return {
    async post(address, messages) {
      for (const message of messages) {
        await postOnce(`slack/sent/${addressKey(address)}/${encodeURIComponent(message.messageId)}`, {
          channel: address.conversationId,
          ...toSlackMessage(message),
          // Replies are plain text: `*` or `_` in a name or a note stay as typed.
          mrkdwn: false,
          unfurl_links: false,
        });
      }
    },
    postOnce,
  };
}
