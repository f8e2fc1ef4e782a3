/**
 * The web chat API: start a conversation, a merchant's message in and the bot's replies out,
 * and an event stream for messages that arrive later (agent replies, desk decisions). Every
 * call but the first carries the conversation's token; without it nothing is read or written.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ConversationEventHub } from '../../conversation/conversation-events.ts';
import type { ConversationRouter, MessageAttachment, OutboundReply } from '../../conversation/messages.ts';
import { DocumentRefused } from '../../documents/document-checks.ts';
import {
  DOCUMENT_PROBLEM_STATUS,
  type DocumentProblem,
  documentProblemMessage,
} from '../../documents/document-errors.ts';
import type { DocumentStore } from '../../documents/document-store.ts';
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
import {
  conversationIdSchema,
  createConversationSchema,
  documentIdSchema,
  webchatMessageSchema,
} from './webchat-schemas.ts';
import { readUpload, type WebchatUploads } from './webchat-uploads.ts';

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

/** A refused document: its status and, in the conversation's language, why and what to do. */
function sendDocumentProblem(res: Response, problem: DocumentProblem, locale: Locale, maxBytes: number) {
  res
    .status(DOCUMENT_PROBLEM_STATUS[problem])
    .json({ error: { code: problem, message: documentProblemMessage(locale, problem, maxBytes) } });
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
  documents: DocumentStore;
  uploads: WebchatUploads;
  heartbeatMs?: number;
}): Router {
  const { documents, uploads } = deps;
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
    const { conversationId, userId, text = '', locale, messageId } = parsed.data;
    const conversation = await deps.conversations.authorize(conversationId, bearerTokenOf(req));
    if (!conversation) return sendUnauthorized(req, res);
    // Only what this conversation uploaded: a document id from elsewhere names nothing here.
    const attachments: MessageAttachment[] = [];
    for (const { documentId } of parsed.data.attachments ?? []) {
      const upload = await uploads.find(conversationId, documentId);
      if (!upload)
        return sendDocumentProblem(
          res,
          'not_uploaded_here',
          locale ?? conversation.locale ?? requestLocale(req),
          documents.maxBytes,
        );
      attachments.push({ documentId, contentType: upload.contentType });
    }
    // Counted before the router: a message over a limit changes nothing but the count.
    const wait = await deps.limits.message(conversationId, clientAddress(req));
    if (wait !== undefined) return sendTooMany(req, res, 'rate_limited', wait, conversation.locale);
    const replies = await deps.router.handle({
      channel: WEBCHAT_CHANNEL,
      conversationId,
      userId: userId ?? conversationId,
      text,
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(locale ? { locale } : {}),
      ...(messageId ? { messageId } : {}),
    });
    res.json({ replies: replies.map(toClientReply) });
  });

  // A photo or PDF, checked and kept before the answer: the message that sends it comes after.
  routes.post('/conversations/:id/uploads', async (req, res) => {
    const id = conversationIdSchema.safeParse(req.params.id);
    if (!id.success) return sendError(res, 400, 'invalid_conversation_id', requestLocale(req));
    const conversation = await deps.conversations.authorize(id.data, bearerTokenOf(req));
    if (!conversation) {
      req.resume();
      return sendUnauthorized(req, res);
    }
    const locale = conversation.locale ?? requestLocale(req);
    // An upload counts as a message: the same limits keep one client from filling the disk.
    const wait = await deps.limits.message(id.data, clientAddress(req));
    if (wait !== undefined) {
      req.resume();
      return sendTooMany(req, res, 'rate_limited', wait, conversation.locale);
    }
    if (!req.is('multipart/form-data')) {
      req.resume();
      return sendError(res, 415, 'unsupported_media_type', locale);
    }
    const upload = await readUpload(req, documents.maxBytes);
    if (upload.kind !== 'file') {
      // Closes the connection after answering: the rest of an oversized body is not read.
      if (upload.kind === 'too_large') res.set('Connection', 'close');
      return sendDocumentProblem(res, upload.kind, locale, documents.maxBytes);
    }
    try {
      const stored = await documents.put(upload.bytes);
      await uploads.record(id.data, stored);
      res.status(201).json(stored);
    } catch (error) {
      if (!(error instanceof DocumentRefused)) throw error;
      sendDocumentProblem(res, error.reason, locale, documents.maxBytes);
    }
  });

  // The thumbnail in the merchant's own bubble: only to the conversation that uploaded it. The
  // token may come in the query string, since an <img> cannot send headers.
  routes.get('/conversations/:id/documents/:documentId/thumbnail', async (req, res) => {
    const id = conversationIdSchema.safeParse(req.params.id);
    const documentId = documentIdSchema.safeParse(req.params.documentId);
    if (!id.success || !documentId.success) return sendError(res, 404, 'not_found', requestLocale(req));
    const token = bearerTokenOf(req) ?? (typeof req.query.token === 'string' ? req.query.token : undefined);
    const conversation = await deps.conversations.authorize(id.data, token);
    if (!conversation) return sendUnauthorized(req, res);
    const thumbnail = (await uploads.find(id.data, documentId.data)) && (await documents.thumbnail(documentId.data));
    if (!thumbnail) return sendError(res, 404, 'not_found', conversation.locale ?? requestLocale(req));
    res.type(thumbnail.contentType).send(thumbnail.bytes);
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
