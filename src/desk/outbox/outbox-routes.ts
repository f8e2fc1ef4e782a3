/**
 * Operator routes for the outbox, behind the desk API's bearer token. Mount at
 * `/api/desk/outbox`:
 * - `GET /` → `{pending: [...], parked: [...]}` (items without their payload: keys, attempts,
 *   next attempt, last error);
 * - `POST /:key/retry` → `200 {item}` puts a parked item back in the queue; `404` unknown key,
 *   `409` not parked.
 */
import express, { type Router } from 'express';
import { requireBearerToken } from '../../http/bearer-auth.ts';
import { requestLocale } from '../../http/request-locale.ts';
import { sendOutboxError } from './error-response.ts';
import type { Outbox } from './outbox.ts';
import { OutboxError, type OutboxItem } from './outbox-types.ts';

/** What operators see of an item: everything but the payload (a whole ticket, personal data included). */
export type OutboxItemView = Omit<OutboxItem<unknown>, 'payload'>;

export function itemView(item: OutboxItem<unknown>): OutboxItemView {
  const { payload: _payload, ...view } = item;
  return view;
}

export function outboxRoutes(deps: { outbox: Outbox<unknown>; deskToken: string }): Router {
  const routes = express.Router();
  // Checked here too, so the routes stay protected wherever they are mounted.
  const auth = requireBearerToken(deps.deskToken);

  routes.get('/', auth, async (_req, res) => {
    const [pending, parked] = await Promise.all([deps.outbox.listPending(), deps.outbox.listParked()]);
    res.json({ pending: pending.map(itemView), parked: parked.map(itemView) });
  });

  routes.post('/:key/retry', auth, async (req, res) => {
    try {
      const item = await deps.outbox.retryParked(req.params.key as string);
      res.json({ item: itemView(item) });
    } catch (error) {
      if (!(error instanceof OutboxError)) throw error;
      const status = error.code === 'outbox_item_not_found' ? 404 : 409;
      sendOutboxError(res, status, error.code, requestLocale(req));
    }
  });

  return routes;
}
