/**
 * Glue between the turn pipeline and botbuilder: a turn's message becomes an Activity, the bot
 * runs on it with the turn's transaction at hand (its state is staged there, not written), and
 * the bot's replies become OutboundReplies.
 */
import { type Activity, type ActivityHandler, ActivityTypes, type TurnContext } from 'botbuilder';
import type { TurnRunner } from '../conversation/conversation-router.ts';
import type { OutboundReply } from '../conversation/messages.ts';
import type { TurnTransaction } from '../conversation/turn-transaction.ts';
import type { TurnHandoff } from '../handoff/turn-handoff.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import { DOCUMENT_REFERENCE_PREFIX } from '../validation/fields.ts';
import { CollectingAdapter } from './collecting-adapter.ts';

const TRANSACTION = Symbol('turn transaction');
const HANDOFF = Symbol('turn handoff');

/** The handoff of the turn this context runs in (absent when the bot runs outside the pipeline, e.g. the bench). */
export function handoffOf(context: TurnContext): TurnHandoff | undefined {
  return context.turnState.get(HANDOFF) as TurnHandoff | undefined;
}

/** The transaction of the turn this context runs in. */
export function transactionOf(context: TurnContext): TurnTransaction {
  const transaction = context.turnState.get(TRANSACTION) as TurnTransaction | undefined;
  if (!transaction) throw new Error('no turn transaction: run the bot through the turn pipeline');
  return transaction;
}

export function toOutboundReply(activity: Partial<Activity>): OutboundReply {
  const actions = activity.suggestedActions?.actions.map((a) => String(a.value ?? a.title)) ?? [];
  return actions.length > 0 ? { text: activity.text ?? '', suggestedActions: actions } : { text: activity.text ?? '' };
}

export function createBotTurnRunner(bot: ActivityHandler, clock: Clock): TurnRunner {
  const adapter = new CollectingAdapter();
  return async ({ message, turnId, transaction, handoff }) => {
    const activity: Partial<Activity> = {
      type: message.event ? ActivityTypes.Event : ActivityTypes.Message,
      ...(message.event ? { name: message.event.name, value: message.event.value } : {}),
      id: turnId,
      channelId: message.channel,
      conversation: { id: message.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: message.userId, name: '' },
      recipient: { id: 'assistant', name: 'assistant' },
      text: message.text,
      // The document store's reference as the attachment's address: what a ticket's document holds.
      ...(message.attachments?.length
        ? {
            attachments: message.attachments.map((a) => ({
              contentType: a.contentType,
              contentUrl: `${DOCUMENT_REFERENCE_PREFIX}${a.documentId}`,
              name: a.documentId,
            })),
          }
        : {}),
      locale: message.locale,
      timestamp: clock.now(),
      serviceUrl: '',
    };
    const replies = await adapter.process(activity, (context) => {
      context.turnState.set(TRANSACTION, transaction);
      if (handoff) context.turnState.set(HANDOFF, handoff);
      return bot.run(context);
    });
    return replies.map(toOutboundReply);
  };
}
