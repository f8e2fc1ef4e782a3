/**
 * The desk API (DESIGN.md "contract: desk API") for reviewers, agents and other systems: read
 * tickets, callback requests and the audit trail; decide a ticket. Mounted behind the bearer token.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { DECISION_NOTE_MAX, DeskError, type SupportDesk } from '../desk/support-desk.ts';
import { TICKET_FIELD_NAMES, ticketStatusSchema } from '../validation/ticket.ts';
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

/**
 * `reviewer:<name>` for the audit trail. The name comes from the optional X-Reviewer header,
 * percent-encoded when it is not ASCII (headers cannot carry 张三 as is); only letters, digits,
 * spaces and `.@_-` are kept, so the trail never holds markup or control characters.
 */
export function reviewerFromHeader(header: string | undefined): string {
  let name = header ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded after all: keep it as sent.
  }
  const clean = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} ._@-]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 64)
    .trim();
  return `reviewer:${clean || 'desk'}`;
}

export function deskRoutes(desk: SupportDesk): Router {
  const routes = express.Router();

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
      const ticket = await desk.decide(req.params.id, parsed.data, reviewerFromHeader(req.get('x-reviewer')));
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

  routes.get('/callbacks', async (_req, res) => {
    res.json({ callbacks: await desk.listCallbacks() });
  });

  return routes;
}
