/**
 * The web chat API's request rules (DESIGN.md "contract: web chat API"), in one place.
 */
import { z } from 'zod';
import { DOCUMENT_ID } from '../../validation/fields.ts';
import { localeSchema } from '../../validation/ticket.ts';

/**
 * Printable ids: the UUIDs the server and the page make, and other channels' ids, fit. They end
 * up in storage keys, so nothing that needs escaping, and never a NUL or a lone surrogate
 * (which PostgreSQL refuses and encodeURIComponent throws on).
 */
const idSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);

export const conversationIdSchema = idSchema;

/** What the document store hands out: `<sha256>.<ext>`. */
export const documentIdSchema = z.string().regex(DOCUMENT_ID);

/** As many documents as the form asks for at most, in one message. */
export const MAX_ATTACHMENTS = 8;

/** A lone UTF-16 surrogate: JSON can carry one (`"\ud800"`), UTF-8 storage cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const webchatMessageSchema = z
  .object({
    conversationId: conversationIdSchema,
    userId: idSchema.optional(),
    // Empty or very long text is the bot's to answer politely; the body limit caps the size. What
    // no keyboard types (a NUL, half of a surrogate pair) is refused: it must not reach storage.
    text: z
      .string()
      .refine((text) => !text.includes('\u0000') && !LONE_SURROGATE.test(text), 'not well-formed text')
      .optional(),
    /** Documents uploaded in this conversation (POST …/uploads), sent with or without text. */
    attachments: z
      .array(z.object({ documentId: documentIdSchema }).strict())
      .max(MAX_ATTACHMENTS)
      .optional(),
    locale: localeSchema.optional(),
    /** Lets a retried send be recognised and answered once. */
    messageId: idSchema.optional(),
  })
  // Text is what a message is, unless it carries a document (a photo sent on its own).
  .refine((message) => message.text !== undefined || (message.attachments?.length ?? 0) > 0, {
    path: ['text'],
    message: 'required without attachments',
  });
export type WebchatMessage = z.infer<typeof webchatMessageSchema>;

/** `POST /api/webchat/conversations`: the page's language, if it knows it. */
export const createConversationSchema = z.object({ locale: localeSchema.optional() });

/** What the server issues (base64url); anything else is refused before it is hashed. */
export const conversationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,256}$/);
