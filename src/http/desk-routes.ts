/**
 * The desk API (DESIGN.md "contract: desk API") for agents and other systems: read tickets
 * and callback requests. Mounted behind the bearer token.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { SupportDesk } from '../desk/support-desk.ts';
import { ticketStatusSchema } from '../validation/ticket.ts';
import { sendError } from './http-errors.ts';
import { requestLocale } from './request-locale.ts';
import { failedFields } from './webchat-schemas.ts';

const ticketQuerySchema = z.object({
  conversationId: z.string().min(1).max(128).optional(),
  status: ticketStatusSchema.optional(),
});

export function deskRoutes(desk: SupportDesk): Router {
  const routes = express.Router();

  routes.get('/tickets', async (req, res) => {
    const query = ticketQuerySchema.safeParse(req.query);
    if (!query.success) {
      return sendError(res, 400, 'invalid_query', requestLocale(req), { fields: failedFields(query.error) });
    }
    const { conversationId, status } = query.data;
    const tickets = await desk.listTickets({
      ...(conversationId ? { conversationId } : {}),
      ...(status ? { status } : {}),
    });
    res.json({ tickets });
  });

  routes.get('/tickets/:id', async (req, res) => {
    const ticket = await desk.getTicket(req.params.id);
    if (!ticket) return sendError(res, 404, 'ticket_not_found', requestLocale(req));
    res.json(ticket);
  });

  routes.get('/callbacks', async (_req, res) => {
    res.json({ callbacks: await desk.listCallbacks() });
  });

  return routes;
}
