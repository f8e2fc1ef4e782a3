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
import { isLocale } from '../../i18n/translate.ts';
import type { Locale } from '../../validation/ticket.ts';
import { WEBCHAT_CHANNEL } from './webchat-address.ts';
import type { WebchatConversations } from './webchat-conversations.ts';
import type { WebchatLimiter } from './webchat-limits.ts';
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

/** 429 with when to try again; in the message's language, else the one the page started in. */
function sendTooMany(
  req: Request,
  res: Response,
  code: 'rate_limited' | 'too_many_conversations' | 'too_many_streams',
  retryAfterMs: number,
  conversationLocale?: Locale,
) {
  res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  const named = (req.body as { locale?: unknown } | undefined)?.locale;
  sendError(res, 429, code, isLocale(named) ? named : (conversationLocale ?? requestLocale(req)));
}

/** The client's address, as the per-address limits count it (see TRUST_PROXY). */
const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** How long a client told "too many streams" waits before trying again. */
const STREAMS_RETRY_MS = 30_000;

export function webchatRoutes(deps: {
  router: ConversationRouter;
  notices: ConversationEventHub;
  conversations: WebchatConversations;
  limits: WebchatLimiter;
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
    const wait = await deps.limits.newConversation(clientAddress(req));
    if (wait !== undefined) return sendTooMany(req, res, 'too_many_conversations', wait, parsed.data.locale);
    res.status(201).json(await deps.conversations.create(parsed.data.locale));
  });

  routes.post('/messages', jsonBody(WEBCHAT_BODY_LIMIT), async (req, res) => {
    const parsed = webchatMessageSchema.safeParse(req.body);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(parsed.error) });
    }
    const { conversationId, userId, text, locale, messageId } = parsed.data;
    const conversation = await deps.conversations.authorize(conversationId, bearerTokenOf(req));
    if (!conversation) return sendUnauthorized(req, res);
    // Counted before the router: a message over a limit changes nothing but the count.
    const wait = await deps.limits.message(conversationId, clientAddress(req));
    if (wait !== undefined) return sendTooMany(req, res, 'rate_limited', wait, conversation.locale);
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
    const conversation = await deps.conversations.authorize(id.data, token);
    if (!conversation) return sendUnauthorized(req, res);
    if (!deps.limits.streams.hasRoom()) {
      return sendTooMany(req, res, 'too_many_streams', STREAMS_RETRY_MS, conversation.locale);
    }
    // The browser's own reconnect sends Last-Event-ID; a reloaded page passes ?after= from storage.
    const after = req.get('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
    const stream = openEventStream(res, deps.heartbeatMs);
    deps.limits.streams.add(id.data, stream);
    const address = { channel: WEBCHAT_CHANNEL, conversationId: id.data };
    const unsubscribe = deps.notices.subscribe(address, (reply) => stream.send(toClientReply(reply), reply.id), {
      ...(after && /^\d+$/.test(after) ? { after } : {}),
    });
    stream.onClose(unsubscribe);
  });

  return routes;
}
