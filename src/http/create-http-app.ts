/**
 * The HTTP side of the assistant: every channel's inbound routes, the language-understanding
 * API, the desk API with its signed callbacks and operator routes, the pages, health. Everything
 * it needs is required: a route is never silently left out.
 */
import express from 'express';
import type { Assistant } from '../app.ts';
import { outboxRoutes } from '../desk/outbox/outbox-routes.ts';
import { type IdGenerator, randomIds } from '../platform/clock-and-ids.ts';
import type { AppConfig } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { agentRoutes } from './agent-routes.ts';
import { requireCaller } from './bearer-auth.ts';
import { deskRoutes } from './desk-routes.ts';
import { deskWebhookRoutes } from './desk-webhook-routes.ts';
import { createErrorHandler, notFoundHandler } from './http-errors.ts';
import { nluRoutes } from './nlu-routes.ts';
import { readinessRoute } from './readiness.ts';
import { logRequests } from './request-log.ts';
import { reviewerRoutes } from './reviewer-routes.ts';
import { noStore, securityHeaders } from './security-headers.ts';
import { signedDocumentRoutes } from './signed-document-routes.ts';
import { staticRoutes } from './static-routes.ts';

export interface HttpAppDeps {
  config: AppConfig;
  assistant: Assistant;
  logger: Logger;
  /** Makes error references (the number a merchant quotes to support); random by default. */
  ids?: IdGenerator;
}

export function createHttpApp({ config, assistant, ...deps }: HttpAppDeps): express.Express {
  const { staff } = assistant;
  const logger = deps.logger.child({ component: 'http' });
  const ids = deps.ids ?? randomIds;
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy, the client's address (per-address limits) is in X-Forwarded-For.
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);

  app.use(logRequests(logger));
  app.use(securityHeaders);

  // Liveness only: the process answers. Whether it can serve turns is /readyz (storage).
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get(
    '/readyz',
    readinessRoute({ store: assistant.store, ...(assistant.outbox ? { outbox: assistant.outbox } : {}) }),
  );
  for (const channel of assistant.channels.values()) {
    if (channel.http) app.use(channel.http.path, channel.http.routes);
  }
  app.use('/api/nlu', nluRoutes(assistant.understanding));
  // Tickets carry phone numbers and document links: no browser or proxy may keep a copy.
  app.use('/api/desk', noStore);
  // Signed desk callbacks verify their own signatures over the raw body: mounted before the bearer check.
  const secrets = { webhook: config.DESK_WEBHOOK_SECRET, zendesk: config.ZENDESK_WEBHOOK_SECRET };
  app.use(
    '/api/desk',
    deskWebhookRoutes({ desk: assistant.desk, store: assistant.store, secrets, clock: assistant.clock, logger }),
  );
  app.use(
    '/api/desk/outbox/proactive',
    outboxRoutes({ outbox: assistant.proactive.outbox, deskToken: config.DESK_API_TOKEN }),
  );
  if (assistant.outbox) {
    app.use('/api/desk/outbox', outboxRoutes({ outbox: assistant.outbox, deskToken: config.DESK_API_TOKEN }));
  }
  // A machine (DESK_API_TOKEN) or a reviewer's own token; the audit records which, from the token.
  const caller = requireCaller({ machineToken: config.DESK_API_TOKEN, staff, role: 'reviewer' });
  app.use('/api/desk', caller, deskRoutes(assistant.desk, assistant.documents));
  // Agents, each with their own token (AGENT_TOKENS); without any configured, every call is 401.
  app.use(
    '/api/agent',
    agentRoutes({ staff, agents: assistant.agents, events: assistant.agentEvents, desk: assistant.desk }),
  );
  // Signed document addresses carry their own proof (no bearer): what the external desks link to.
  app.use(signedDocumentRoutes({ signer: assistant.documentUrls, documents: assistant.documents }));
  // The reviewer's page is public/desk/ (served below with the rest of public/); these are its catalogs.
  app.use(reviewerRoutes());
  app.use(staticRoutes());

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger, () => ids.next().slice(0, 8)));
  return app;
}
