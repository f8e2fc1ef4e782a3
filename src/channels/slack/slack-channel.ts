/**
 * Slack (Bolt 5): merchants write to the app in a direct message. Events and button clicks come
 * in at /slack/events through our receiver (signature first); each becomes one turn of the
 * router, whose replies are stored before Slack's 200 and then posted with chat.postMessage. Messages
 * that arrive later (desk decisions) go to the same DM through `send`. With SLACK_AGENT_CHANNEL it
 * is also the agents' workspace (agent-workspace-slack.ts): handoff cards, their buttons and
 * threads come in through the same routes. Off unless both
 * SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set.
 */
import { App, webApi } from '@slack/bolt';
import { addressKey, addressOf, type ConversationAddress } from '../../conversation/address.ts';
import type { InboundMessage } from '../../conversation/messages.ts';
import { DEDUPE_TTL_MS } from '../../conversation/pipeline/dedupe.ts';
import { createOutbox } from '../../desk/outbox/outbox.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import { slackSettingsOf } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';
import type { ChannelFactory, ProactiveMessage } from '../channel.ts';
import { AGENT_ACTION_PATTERN } from './agent-card.ts';
import { createSlackAgentWorkspace, type SlackAgentWorkspace } from './agent-workspace-slack.ts';
import { SLACK_CHANNEL } from './slack-address.ts';
import { messageFromButton, messageFromEvent } from './slack-inbound.ts';
import { createSlackPoster, type SlackPoster } from './slack-poster.ts';
import { SlackExpressReceiver } from './slack-receiver.ts';
import { slackSdkLogger } from './slack-sdk-logger.ts';
import { ANSWER_ACTION_PREFIX, answeredBlocks } from './slack-text.ts';

/** A Web API call may take this long before it fails (the client's default is forever). */
const API_TIMEOUT_MS = 10_000;

/** A turn's replies waiting to be posted to its DM. */
interface PendingReplies {
  address: ConversationAddress;
  messages: ProactiveMessage[];
}

/**
 * A turn's replies are stored before Slack gets its 200 and posted by a worker, in order per DM,
 * retried while Slack's API is down: Slack's 3 seconds are for the turn, not for our calls to
 * its API, and a reply is not lost when those fail. Each message is posted once (slack-poster.ts).
 */
function createReplyOutbox(deps: { poster: SlackPoster; store: VersionedStore; clock: Clock; logger: Logger }) {
  return createOutbox<PendingReplies>({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    prefix: 'slack-replies/',
    // The merchant is waiting: retry soon, for about an hour, then park for an operator.
    policy: {
      baseDelayMs: 1_000,
      maxDelayMs: 5 * 60_000,
      maxAttempts: 20,
      leaseMs: 30_000,
      deliveredRetentionMs: DEDUPE_TTL_MS,
    },
    deliver: async ({ address, messages }) => {
      await deps.poster.post(address, messages);
      return {};
    },
  });
}

export const slackChannel: ChannelFactory = ({ config, router, store, clock, ids, logger: rootLogger }) => {
  const settings = slackSettingsOf(config);
  if (!settings) return undefined;
  const logger = rootLogger.child({ component: 'slack' });
  const sdkLogger = slackSdkLogger(rootLogger);
  const client = new webApi.WebClient(settings.botToken, {
    ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
    logger: sdkLogger,
    timeout: API_TIMEOUT_MS,
    // A few quick tries; the reply and proactive outboxes retry for longer on their own.
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
  const replies = createReplyOutbox({ poster, store, clock, logger });
  replies.start();
  const turn = async (message: InboundMessage) => {
    const answer = await router.handle(message);
    if (answer.length === 0) return;
    const address = addressOf(message);
    const messageId = message.messageId ?? ids.next();
    // Enqueued again by a redelivery, the same key is the same item: nothing is posted twice.
    await replies.enqueue(
      `${addressKey(address)}/${encodeURIComponent(messageId)}`,
      { address, messages: answer.map((reply, i) => ({ ...reply, messageId: `${messageId}#${i}` })) },
      { group: addressKey(address) },
    );
  };

  // The agents' workspace (SLACK_AGENT_CHANNEL), once the app gives it the agents (attachAgents).
  let agentWorkspace: SlackAgentWorkspace | undefined;

  app.event('message', async ({ body, event, context }) => {
    if (agentWorkspace && (await agentWorkspace.onMessage(body, event, context.botUserId))) return;
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

  app.action({ type: 'block_actions', action_id: AGENT_ACTION_PATTERN }, async (args) => {
    await args.ack();
    await agentWorkspace?.onAction(args.body, args.action);
  });

  return {
    name: SLACK_CHANNEL,
    entryPath: '/slack/events',
    http: { path: '/slack', routes: receiver.routes },
    send: (address, messages) => poster.post(address, messages),
    attachAgents: ({ agents, events }) => {
      if (!settings.agents || agentWorkspace) return;
      agentWorkspace = createSlackAgentWorkspace({
        settings: settings.agents,
        client,
        poster,
        store,
        clock,
        logger,
        agents,
        events,
      });
      agentWorkspace.start();
    },
    close: async () => {
      await agentWorkspace?.stop();
      await replies.stop();
    },
  };
};
