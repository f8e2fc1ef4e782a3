/**
 * Slack (Bolt 5): merchants write to the app in a direct message. Events and button clicks come
 * in at /slack/events through our receiver (signature first); each becomes one turn of the
 * router, and its replies are posted with chat.postMessage once the turn is committed. Messages
 * that arrive later (desk decisions) go to the same DM through `send`. Off unless both
 * SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set.
 */
import { App, webApi } from '@slack/bolt';
import type { ConversationAddress } from '../../conversation/address.ts';
import { addressKey } from '../../conversation/address.ts';
import type { InboundMessage, OutboundReply } from '../../conversation/messages.ts';
import { slackSettingsOf } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelFactory } from '../channel.ts';
import { SLACK_CHANNEL } from './slack-address.ts';
import { messageFromButton, messageFromEvent } from './slack-inbound.ts';
import { createSlackPoster, type SlackPoster, SlackPostInProgressError } from './slack-poster.ts';
import { SlackExpressReceiver } from './slack-receiver.ts';
import { slackSdkLogger } from './slack-sdk-logger.ts';
import { ANSWER_ACTION_PREFIX, answeredBlocks } from './slack-text.ts';

/** A Web API call may take this long before it fails (the client's default is forever). */
const API_TIMEOUT_MS = 10_000;

/**
 * Posts each conversation's replies in the order of its turns, after the HTTP answer: Slack's
 * 3 seconds are for the turn, not for our calls to its API.
 */
function createReplyQueue(poster: SlackPoster, logger: Logger) {
  const tails = new Map<string, Promise<void>>();
  return (address: ConversationAddress, replies: OutboundReply[], messageId: string) => {
    const key = addressKey(address);
    const messages = replies.map((reply, i) => ({ ...reply, messageId: `${messageId}#${i}` }));
    const tail = (tails.get(key) ?? Promise.resolve())
      .then(() => poster.post(address, messages))
      .catch((error: unknown) => {
        // A redelivery finds the first delivery still posting: that one posts them.
        if (error instanceof SlackPostInProgressError) return;
        logger.error({ err: error, code: 'slack.reply_not_posted' }, 'replies not posted to Slack');
      });
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
  };
}

export const slackChannel: ChannelFactory = ({ config, router, store, clock, logger: rootLogger }) => {
  const settings = slackSettingsOf(config);
  if (!settings) return undefined;
  const logger = rootLogger.child({ component: 'slack' });
  const sdkLogger = slackSdkLogger(rootLogger);
  const client = new webApi.WebClient(settings.botToken, {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    logger: sdkLogger,
    timeout: API_TIMEOUT_MS,
    // A few quick tries; the proactive outbox retries for longer on its own.
    retryConfig: { retries: 2, minTimeout: 500, maxTimeout: 2_000 },
  });
  // Who the bot is (to ignore its own messages), asked once it is first needed and asked again
  // after a failure: Bolt's own check runs at construction and would keep a failure forever.
  let identity: Promise<{ botId: string; botUserId: string }> | undefined;
  const whoAmI = () => {
    identity ??= client.auth.test().then(
      (answer) => ({ botId: answer.bot_id ?? '', botUserId: answer.user_id ?? '' }),
      (error: unknown) => {
        identity = undefined;
        throw error;
      },
    );
    return identity;
  };
  const receiver = new SlackExpressReceiver({ signingSecret: settings.signingSecret, clock, logger });
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: settings.botToken, ...(await whoAmI()) }),
    logger: sdkLogger,
    clientOptions: settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {},
    // State lives in our store, not in Bolt's in-memory conversation store.
    convoStore: false,
  });
  // Rethrown, so the receiver answers 500 and Slack retries; the error handler logs it.
  app.error(async (error) => {
    throw error;
  });
  const poster = createSlackPoster({ client, store, clock });
  const postReplies = createReplyQueue(poster, logger);
  const turn = async (message: InboundMessage) => {
    const replies = await router.handle(message);
    postReplies(message, replies, message.messageId ?? '');
  };

  app.event('message', async ({ body, event, context }) => {
    const message = messageFromEvent(body, event, context.botUserId);
    if (message) await turn(message);
  });
  app.action({ type: 'block_actions', action_id: new RegExp(`^${ANSWER_ACTION_PREFIX}\\d+$`) }, async (args) => {
    await args.ack();
    const message = messageFromButton(args.body, args.action);
    if (!message) return;
    await turn(message);
    // The question shows the answer instead of its buttons; cosmetic, so a failure is only logged.
    const original = (args.body as { message?: { ts?: string; text?: string; blocks?: Record<string, unknown>[] } })
      .message;
    if (original?.ts && original.blocks) {
      client.chat
        .update({
          channel: message.conversationId,
          ts: original.ts,
          text: original.text ?? '',
          blocks: answeredBlocks(original.blocks, message.text),
        } as Parameters<typeof client.chat.update>[0])
        .catch((error: unknown) => logger.warn({ err: error, code: 'slack.update_failed' }, 'button not replaced'));
    }
  });

  return {
    name: SLACK_CHANNEL,
    entryPath: '/slack/events',
    http: { path: '/slack', routes: receiver.routes },
    send: (address, messages) => poster.post(address, messages),
  };
};
