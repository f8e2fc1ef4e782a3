/**
 * Slack's wire format → the router's InboundMessage: a merchant's direct message (an Events API
 * `message` event in an `im` channel) or a click on one of the bot's buttons (`block_actions`),
 * whose value is the answer the button stands for. Anything else, edits, deletions and bot
 * messages (our own replies come back as events too) is not a merchant's message: undefined.
 */
import { z } from 'zod';
import type { InboundMessage } from '../../conversation/messages.ts';
import { SLACK_CHANNEL } from './slack-address.ts';
import { plainTextOf } from './slack-text.ts';

const slackId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);

const directMessageSchema = z.object({
  type: z.literal('message'),
  channel_type: z.literal('im'),
  channel: slackId,
  user: slackId,
  text: z.string().optional(),
  // A file shared with words is still what the merchant wrote (the files wait for the documents issue).
  subtype: z.literal('file_share').optional(),
  client_msg_id: slackId.optional(),
});

const envelopeSchema = z.object({ event_id: slackId.optional() });

/** The merchant's direct message, or undefined for any other event. */
export function messageFromEvent(envelope: unknown, event: unknown, botUserId?: string): InboundMessage | undefined {
  const raw = event as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object' || 'bot_id' in raw || 'bot_profile' in raw) return undefined;
  const parsed = directMessageSchema.safeParse(raw);
  if (!parsed.success || parsed.data.user === botUserId) return undefined;
  const { channel, user, text, client_msg_id } = parsed.data;
  // event_id is the same on every retry of one delivery; client_msg_id only when Slack gives none.
  const messageId = envelopeSchema.safeParse(envelope).data?.event_id ?? client_msg_id;
  return {
    channel: SLACK_CHANNEL,
    conversationId: channel,
    userId: user,
    text: plainTextOf(text ?? ''),
    ...(messageId ? { messageId } : {}),
  };
}

const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: slackId }),
  channel: z.object({ id: slackId }).optional(),
  container: z.object({ channel_id: slackId.optional(), message_ts: slackId.optional() }).optional(),
});

const buttonSchema = z.object({ type: z.literal('button'), value: z.string().max(2000) });

/**
 * A click on one of the bot's buttons, as the merchant's answer. Its message id is the message
 * the button is on: a message's buttons answer once, so a double click or a click on an old
 * question changes nothing.
 */
export function messageFromButton(body: unknown, action: unknown): InboundMessage | undefined {
  const parsed = blockActionsSchema.safeParse(body);
  const button = buttonSchema.safeParse(action);
  if (!parsed.success || !button.success) return undefined;
  const { user, channel, container } = parsed.data;
  const conversationId = channel?.id ?? container?.channel_id;
  const messageTs = container?.message_ts;
  if (!conversationId || !messageTs) return undefined;
  return {
    channel: SLACK_CHANNEL,
    conversationId,
    userId: user.id,
    text: button.data.value,
    messageId: `button:${messageTs}`,
  };
}
