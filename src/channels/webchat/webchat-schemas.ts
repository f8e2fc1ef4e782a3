/**
 * The web chat API's request rules (DESIGN.md "contract: web chat API"), in one place.
 */
import { z } from 'zod';
import { localeSchema } from '../../validation/ticket.ts';

/** Ids the server issues (UUIDs) and other channels' ids fit; nothing that needs escaping. */
export const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);

export const webchatMessageSchema = z.object({
  conversationId: conversationIdSchema,
  userId: z.string().min(1).max(128).optional(),
  // Empty or very long text is the bot's to answer politely; the body limit caps the size.
  text: z.string(),
  locale: localeSchema.optional(),
  /** Lets a retried send be recognised and answered once. */
  messageId: z.string().min(1).max(128).optional(),
});
export type WebchatMessage = z.infer<typeof webchatMessageSchema>;

/** `POST /api/webchat/conversations`: the page's language, if it knows it. */
export const createConversationSchema = z.object({ locale: localeSchema.optional() });

/** What the server issues (base64url); anything else is refused before it is hashed. */
export const conversationTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,256}$/);
