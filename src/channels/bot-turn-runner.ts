/**
 * Glue between the conversation router and botbuilder for channels that answer within the
 * request: an InboundMessage becomes a message Activity, the bot's replies become OutboundReplies.
 */
import { type Activity, type ActivityHandler, ActivityTypes } from 'botbuilder';
import type { TurnRunner } from '../conversation/conversation-router.ts';
import type { OutboundReply } from '../conversation/messages.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import { CollectingAdapter } from './collecting-adapter.ts';

export function toOutboundReply(activity: Partial<Activity>): OutboundReply {
  const actions = activity.suggestedActions?.actions.map((a) => String(a.value ?? a.title)) ?? [];
  return actions.length > 0 ? { text: activity.text ?? '', suggestedActions: actions } : { text: activity.text ?? '' };
}

export function createBotTurnRunner(bot: ActivityHandler, clock: Clock): TurnRunner {
  const adapter = new CollectingAdapter();
  return async (message, turnId) => {
    const activity: Partial<Activity> = {
      type: message.event ? ActivityTypes.Event : ActivityTypes.Message,
      ...(message.event ? { name: message.event.name, value: message.event.value } : {}),
      id: turnId,
      channelId: message.channel,
      conversation: { id: message.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: message.userId, name: '' },
      recipient: { id: 'assistant', name: 'assistant' },
      text: message.text,
      locale: message.locale,
      timestamp: clock.now(),
      serviceUrl: '',
    };
    const replies = await adapter.process(activity, (context) => bot.run(context));
    return replies.map(toOutboundReply);
  };
}
