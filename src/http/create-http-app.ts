/**
 * The HTTP side of the assistant: web chat API and page, desk API and reviewer page, health check.
 * Channels with their own endpoints (WeChat, Slack, Bot Framework) mount onto the same app.
 */
import express from 'express';
import type { ConversationEvents, ConversationRouter } from '../conversation/messages.ts';
import type { Outbox } from '../desk/outbox/outbox.ts';
import { outboxRoutes } from '../desk/outbox/outbox-routes.ts';
import type { SupportDesk, TicketEvent } from '../desk/support-desk.ts';
import type { LanguageUnderstanding } from '../nlu/index.ts';
import { type Clock, type IdGenerator, randomIds, systemClock } from '../platform/clock-and-ids.ts';
import type { AppConfig } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import { requireBearerToken } from './bearer-auth.ts';
import { deskRoutes } from './desk-routes.ts';
import { deskWebhookRoutes } from './desk-webhook-routes.ts';
import { createErrorHandler, notFoundHandler } from './http-errors.ts';
import { nluRoutes } from './nlu-routes.ts';
import { logRequests } from './request-log.ts';
import { reviewerRoutes } from './reviewer-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { staticRoutes } from './static-routes.ts';
import { webchatRoutes } from './webchat-routes.ts';

export interface HttpAppDeps {
  config: AppConfig;
  router: ConversationRouter;
  events: ConversationEvents;
  desk: SupportDesk;
  logger: Logger;
  /** Makes error references (the number a merchant quotes to support); random by default. */
  ids?: IdGenerator;
  /** Serves POST /api/nlu/parse when given. */
  understanding?: LanguageUnderstanding;
  /** Event stream heartbeat; 25 s by default, shorter in tests. */
  sseHeartbeatMs?: number;
  /** For the inbound desk webhooks (replay protection across instances). */
  store?: VersionedStore;
  clock?: Clock;
  /** Operator view of deliveries to the external desk, when one is configured. */
  outbox?: Outbox<TicketEvent>;
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const logger = deps.logger.child({ component: 'http' });
  const ids = deps.ids ?? randomIds;
  const app = express();
  app.disable('x-powered-by');

  app.use(logRequests(logger));
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(
    '/api/webchat',
    webchatRoutes({ router: deps.router, events: deps.events, heartbeatMs: deps.sseHeartbeatMs }),
  );
  if (deps.understanding) app.use('/api/nlu', nluRoutes(deps.understanding));
  // Signed desk callbacks verify their own signatures over the raw body: mounted before the bearer check.
  if (deps.store) {
    const secrets = { webhook: deps.config.DESK_WEBHOOK_SECRET, zendesk: deps.config.ZENDESK_WEBHOOK_SECRET };
    const clock = deps.clock ?? systemClock;
    app.use('/api/desk', deskWebhookRoutes({ desk: deps.desk, store: deps.store, secrets, clock, logger }));
  }
  if (deps.outbox)
    app.use('/api/desk/outbox', outboxRoutes({ outbox: deps.outbox, deskToken: deps.config.DESK_API_TOKEN }));
  app.use('/api/desk', requireBearerToken(deps.config.DESK_API_TOKEN), deskRoutes(deps.desk));
  // The reviewer's page is public/desk/ (served below with the rest of public/); these are its catalogs.
  app.use(reviewerRoutes());
  app.use(staticRoutes());

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger, () => ids.next().slice(0, 8)));
  return app;
}
