/**
 * The HTTP side of the assistant: web chat API and page, desk API and reviewer page, health check.
 * Channels with their own endpoints (WeChat, Slack, Bot Framework) mount onto the same app.
 */
import express from 'express';
import type { ConversationEvents, ConversationRouter } from '../conversation/messages.ts';
import type { SupportDesk } from '../desk/support-desk.ts';
import { type IdGenerator, randomIds } from '../platform/clock-and-ids.ts';
import type { AppConfig } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { requireBearerToken } from './bearer-auth.ts';
import { deskRoutes } from './desk-routes.ts';
import { createErrorHandler, notFoundHandler } from './http-errors.ts';
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
  /** Event stream heartbeat; 25 s by default, shorter in tests. */
  sseHeartbeatMs?: number;
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
  app.use('/api/desk', requireBearerToken(deps.config.DESK_API_TOKEN), deskRoutes(deps.desk));
  // The reviewer's page is public/desk/ (served below with the rest of public/); these are its catalogs.
  app.use(reviewerRoutes());
  app.use(staticRoutes());

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger, () => ids.next().slice(0, 8)));
  return app;
}
