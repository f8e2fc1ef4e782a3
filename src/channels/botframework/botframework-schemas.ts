/**
 * What an inbound activity must have before the adapter sees it. Only the fields this channel
 * reads are checked; the rest passes through to botbuilder as it came.
 */
import { z } from 'zod';

/** A lone UTF-16 surrogate: JSON can carry one (`"\ud800"`), UTF-8 storage cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Well-formed text for storage (SQLite, PostgreSQL): no NUL, no lone surrogate. */
const storable = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s) && !s.includes('\u0000'), 'not well-formed text');

/** Ids end up in storage keys (percent-encoded there); Teams' can be long ("19:…@thread.tacv2;messageid=…"). */
const idSchema = storable(512).pipe(z.string().min(1));

export const activitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  id: idSchema.optional(),
  channelId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.looseObject({ id: idSchema }),
  from: z.looseObject({ id: idSchema }),
  recipient: z.looseObject({ id: idSchema }).optional(),
  // Long text is the bot's to answer politely; the body limit caps it.
  text: storable(64 * 1024).optional(),
  locale: z.string().max(32).optional(),
  membersAdded: z.array(z.looseObject({ id: z.string() })).optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(256).optional(), contentUrl: z.string().max(2048).optional() }))
    .optional(),
});
export type InboundActivity = z.infer<typeof activitySchema>;
