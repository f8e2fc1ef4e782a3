/**
 * The agent API's request rules (DESIGN.md "contract: agent API"), in one place.
 */
import { z } from 'zod';

/** A lone UTF-16 surrogate: JSON can carry one, UTF-8 storage cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text a person typed: no NUL, no half of a surrogate pair, not blank. */
const typedText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !text.includes('\u0000') && !LONE_SURROGATE.test(text), 'not well-formed text');

/** Any channel's conversation id (WeChat open ids, Slack and Bot Framework ids), as it is kept in keys. */
export const agentConversationIdSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((id) => !id.includes('\u0000') && !LONE_SURROGATE.test(id), 'not a conversation id');

export const agentConversationQuerySchema = z.object({
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/)
    .optional(),
});

/** WeChat cuts customer-service messages at 2,048 bytes; longer is split by the channel, within reason. */
export const AGENT_MESSAGE_MAX = 2000;

export const agentMessageSchema = z.object({ text: typedText(AGENT_MESSAGE_MAX) });

export const agentFieldSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/),
  /** Checked afterwards by the field's own rule, as if the merchant had typed it. */
  value: typedText(2500),
});

/** A call-back request's id as the desk makes them: `CB-20261125-0003`. */
export const agentCallbackIdSchema = z.string().regex(/^CB-\d{8}-\d{4,9}$/);
