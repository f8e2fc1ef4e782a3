/**
 * The web chat API: a merchant's message in, the bot's replies out; and an event stream for
 * messages that arrive later (agent replies, desk decisions).
 */
import express, { type Router } from 'express';
import type { ConversationEventHub } from '../../conversation/conversation-events.ts';
import type { ConversationRouter, OutboundReply } from '../../conversation/messages.ts';
import { failedFields, sendError } from '../../http/http-errors.ts';
import { requestLocale } from '../../http/request-locale.ts';
import { openEventStream } from '../../http/server-sent-events.ts';
import { WEBCHAT_CHANNEL } from './webchat-address.ts';
import { conversationIdSchema, webchatMessageSchema } from './webchat-schemas.ts';

export const WEBCHAT_BODY_LIMIT = '64kb';

/** Only the contract's fields reach the client, whatever else a reply carries. */
function toClientReply(reply: OutboundReply): OutboundReply {
  return reply.suggestedActions?.length
    ? { text: reply.text, suggestedActions: reply.suggestedActions }
    : { text: reply.text };
}

export function webchatRoutes(deps: {
  router: ConversationRouter;
  notices: ConversationEventHub;
  heartbeatMs?: number;
}): Router {
  const routes = express.Router();

  routes.post(
    '/messages',
    // Any content type is read as JSON: curl's default form type and sendBeacon's text/plain
    // are common mistakes, and answering them is kinder than a confusing "missing text".
    express.json({ limit: WEBCHAT_BODY_LIMIT, type: () => true }),
    async (req, res) => {
      const parsed = webchatMessageSchema.safeParse(req.body);
      if (!parsed.success) {
        return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(parsed.error) });
      }
      const { conversationId, userId, text, locale, messageId } = parsed.data;
      const replies = await deps.router.handle({
        channel: WEBCHAT_CHANNEL,
        conversationId,
        userId: userId ?? conversationId,
        text,
        ...(locale ? { locale } : {}),
        ...(messageId ? { messageId } : {}),
      });
      res.json({ replies: replies.map(toClientReply) });
    },
  );

  routes.get('/conversations/:id/events', (req, res) => {
    const id = conversationIdSchema.safeParse(req.params.id);
    if (!id.success) return sendError(res, 400, 'invalid_conversation_id', requestLocale(req));
    // The browser's own reconnect sends Last-Event-ID; a reloaded page passes ?after= from storage.
    const after = req.get('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
    const stream = openEventStream(res, deps.heartbeatMs);
    const address = { channel: WEBCHAT_CHANNEL, conversationId: id.data };
    const unsubscribe = deps.notices.subscribe(address, (reply) => stream.send(toClientReply(reply), reply.id), {
      ...(after && /^\d+$/.test(after) ? { after } : {}),
    });
    stream.onClose(unsubscribe);
  });

  return routes;
}
