/**
 * The desk API (DESIGN.md "contract: desk API") for reviewers, agents and other systems: read
 * tickets, callback requests and the audit trail; decide a ticket. Mounted behind `requireCaller`:
 * the audit records who decided from the credential (`desk-api` or `reviewer:<name>`).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { DECISION_NOTE_MAX, DeskError, type SupportDesk } from '../desk/support-desk.ts';
import type { DocumentStore } from '../documents/document-store.ts';
import { DOCUMENT_ID } from '../validation/fields.ts';
import { TICKET_FIELD_NAMES, ticketStatusSchema } from '../validation/ticket.ts';
import { auditActorOf, callerOf } from './bearer-auth.ts';
import { failedFields, sendError } from './http-errors.ts';
import { jsonBody } from './json-body.ts';
import { requestLocale } from './request-locale.ts';

const ticketIdSchema = z.string().regex(/^UB-\d{8}-\d{4,}$/);

const ticketQuerySchema = z.object({
  conversationId: z.string().min(1).max(128).optional(),
  channel: z.string().min(1).max(64).optional(),
  status: ticketStatusSchema.optional(),
});

const auditQuerySchema = z.object({ ticketId: ticketIdSchema.optional() });

/** The reviewer's words to the merchant; blank space alone says nothing. */
const noteSchema = z.string().trim().min(1).max(DECISION_NOTE_MAX);

const decisionBodySchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), note: noteSchema.optional(), fields: z.never().optional() }),
  z.object({ decision: z.literal('reject'), note: noteSchema, fields: z.never().optional() }),
  z.object({
    decision: z.literal('request_changes'),
    note: noteSchema,
    fields: z
      .array(z.enum(TICKET_FIELD_NAMES))
      .min(1)
      .max(TICKET_FIELD_NAMES.length * 2)
      .transform((fields) => [...new Set(fields)]),
  }),
]);

/** A decision sizes to well under a kilobyte; anything near this limit is not one. */
const DECISION_BODY_LIMIT = '16kb';

const DESK_ERROR_STATUS: Record<DeskError['code'], number> = {
  ticket_not_found: 404,
  invalid_transition: 409,
  invalid_fields: 400,
};

export function deskRoutes(desk: SupportDesk, documents: DocumentStore): Router {
  const routes = express.Router();

  // A document a merchant uploaded, for reviewers (behind requireCaller like every desk route);
  // `?size=thumbnail` for the small JPEG of an image.
  routes.get('/documents/:documentId', async (req, res) => {
    const documentId = z.string().regex(DOCUMENT_ID).safeParse(req.params.documentId);
    const size = z.enum(['full', 'thumbnail']).default('full').safeParse(req.query.size);
    if (!size.success) return sendError(res, 400, 'invalid_query', requestLocale(req), { fields: ['size'] });
    const found = documentId.success
      ? await (size.data === 'thumbnail' ? documents.thumbnail(documentId.data) : documents.get(documentId.data))
      : undefined;
    if (!found) return sendError(res, 404, 'not_found', requestLocale(req));
    // Shown, never run: a PDF or image from a merchant opens in the browser's own viewer.
    res.set('Content-Disposition', `inline; filename="${req.params.documentId}"`);
    res.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    res.type(found.contentType).send(found.bytes);
  });

  routes.get('/tickets', async (req, res) => {
    const query = ticketQuerySchema.safeParse(req.query);
    if (!query.success) {
      return sendError(res, 400, 'invalid_query', requestLocale(req), { fields: failedFields(query.error) });
    }
    const { conversationId, channel, status } = query.data;
    const tickets = await desk.listTickets({
      ...(conversationId ? { conversationId } : {}),
      ...(channel ? { channel } : {}),
      ...(status ? { status } : {}),
    });
    res.json({ tickets });
  });

  routes.get('/tickets/:id', async (req, res) => {
    const ticket = await desk.getTicket(req.params.id);
    if (!ticket) return sendError(res, 404, 'ticket_not_found', requestLocale(req));
    res.json(ticket);
  });

  routes.post('/tickets/:id/decision', jsonBody(DECISION_BODY_LIMIT), async (req, res) => {
    const locale = requestLocale(req);
    const parsed = decisionBodySchema.safeParse(req.body);
    if (!parsed.success) {
      const fields = failedFields(parsed.error);
      // Only the list of fields to re-ask is wrong: say which names are allowed.
      const wrongFieldList =
        (req.body as { decision?: unknown } | undefined)?.decision === 'request_changes' &&
        fields.every((name) => name === 'fields' || name.startsWith('fields.'));
      return wrongFieldList
        ? sendError(res, 400, 'invalid_fields', locale, { fields: ['fields'] })
        : sendError(res, 400, 'invalid_body', locale, { fields });
    }
    try {
      const ticket = await desk.decide(req.params.id, parsed.data, auditActorOf(callerOf(res)));
      res.json(ticket);
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      sendError(res, DESK_ERROR_STATUS[error.code], error.code, locale);
    }
  });

  routes.get('/audit', async (req, res) => {
    const query = auditQuerySchema.safeParse(req.query);
    if (!query.success) {
      return sendError(res, 400, 'invalid_query', requestLocale(req), { fields: failedFields(query.error) });
    }
    const { ticketId } = query.data;
    res.json({ entries: await desk.listAudit(ticketId ? { ticketId } : {}) });
  });

  // Who the page is signed in as: the name and roles come from the token, nothing else.
  routes.get('/me', (_req, res) => {
    const caller = callerOf(res);
    res.json(caller.kind === 'machine' ? { name: auditActorOf(caller), roles: [], machine: true } : caller.member);
  });

  routes.get('/callbacks', async (_req, res) => {
    res.json({ callbacks: await desk.listCallbacks() });
  });

  return routes;
}
