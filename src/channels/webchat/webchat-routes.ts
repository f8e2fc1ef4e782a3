/**
 * The web chat API: start a conversation, a merchant's message in and the bot's replies out,
 * and an event stream for messages that arrive later (agent replies, desk decisions). Every
 * call but the first carries the conversation's token; without it nothing is read or written.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ConversationEventHub } from '../../conversation/conversation-events.ts';
import type { ConversationRouter, OutboundReply } from '../../conversation/messages.ts';
import { bearerTokenOf } from '../../http/bearer-auth.ts';
import { failedFields, sendError } from '../../http/http-errors.ts';
import { jsonBody } from '../../http/json-body.ts';
import { requestLocale } from '../../http/request-locale.ts';
import { noStore } from '../../http/security-headers.ts';
import { openEventStream } from '../../http/server-sent-events.ts';
import { WEBCHAT_CHANNEL } from './webchat-address.ts';
import type { WebchatConversations } from './webchat-conversations.ts';
import { conversationIdSchema, createConversationSchema, webchatMessageSchema } from './webchat-schemas.ts';

export const WEBCHAT_BODY_LIMIT = '64kb';

/** Only the contract's fields reach the client, whatever else a reply carries. */
function toClientReply(reply: OutboundReply): OutboundReply {
  return reply.suggestedActions?.length
    ? { text: reply.text, suggestedActions: reply.suggestedActions }
    : { text: reply.text };
}

function sendUnauthorized(req: Request, res: Response) {
  res.set('WWW-Authenticate', 'Bearer');
  sendError(res, 401, 'unauthorized', requestLocale(req));
}

export function webchatRoutes(deps: {
  router: ConversationRouter;
  notices: ConversationEventHub;
  conversations: WebchatConversations;
  heartbeatMs?: number;
}): Router {
  const routes = express.Router();
  // Answers carry tokens and what merchants wrote: never cached.
  routes.use(noStore);

  routes.post('/conversations', jsonBody(WEBCHAT_BODY_LIMIT), async (req, res) => {
    const parsed = createConversationSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(parsed.error) });
    }
    res.status(201).json(await deps.conversations.create(parsed.data.locale));
  });

  routes.post('/messages', jsonBody(WEBCHAT_BODY_LIMIT), async (req, res) => {
    const parsed = webchatMessageSchema.safeParse(req.body);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(parsed.error) });
    }
    const { conversationId, userId, text, locale, messageId } = parsed.data;
    if (!(await deps.conversations.authorize(conversationId, bearerTokenOf(req)))) return sendUnauthorized(req, res);
    const replies = await deps.router.handle({
      channel: WEBCHAT_CHANNEL,
      conversationId,
      userId: userId ?? conversationId,
      text,
      ...(locale ? { locale } : {}),
      ...(messageId ? { messageId } : {}),
    });
    res.json({ replies: replies.map(toClientReply) });
  });

  routes.get('/conversations/:id/events', async (req, res) => {
    const id = conversationIdSchema.safeParse(req.params.id);
    if (!id.success) return sendError(res, 400, 'invalid_conversation_id', requestLocale(req));
    // EventSource cannot set headers, so the page passes its token in the query string.
    const token = bearerTokenOf(req) ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    if (!(await deps.conversations.authorize(id.data, token))) return sendUnauthorized(req, res);
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
