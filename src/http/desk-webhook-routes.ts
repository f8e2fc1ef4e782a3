/**
 * Decisions coming back from an external desk. Mount at `/api/desk` before the bearer-protected
 * desk routes: these are authenticated by their request signature instead.
 *
 * - `POST /api/desk/webhook`: `X-Unbind-Signature: t=<unix>,v1=<hex>` over the raw body
 *   (DESK_WEBHOOK_SECRET); body `{ticketId, decision, note?, fields?, by?, eventId?}`.
 * - `POST /api/desk/zendesk/webhook`: Zendesk's `X-Zendesk-Webhook-Signature(-Timestamp)`
 *   (ZENDESK_WEBHOOK_SECRET); body as templated in the Zendesk trigger (see README).
 *
 * A bad signature or a timestamp more than 5 minutes off answers 401 before the body is even
 * parsed, and nothing changes. A route whose secret is not configured is not mounted.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import {
  applyInboundDecision,
  type InboundDecision,
  webhookDecisionSchema,
  zendeskDecisionSchema,
} from '../desk/connectors/inbound-decisions.ts';
import {
  SIGNATURE_HEADER,
  type SignatureCheck,
  verifySignatureHeader,
  verifyZendeskSignature,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
} from '../desk/connectors/signatures.ts';
import { sendOutboxError } from '../desk/outbox/error-response.ts';
import type { SupportDesk } from '../desk/support-desk.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import type { Logger } from '../platform/logger.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import { failedFields, sendError } from './http-errors.ts';
import { requestLocale } from './request-locale.ts';

export interface DeskWebhookSecrets {
  /** Accepted secrets of the generic webhook (old and new during a rotation). */
  webhook?: readonly string[];
  /** Accepted Zendesk webhook signing secrets. */
  zendesk?: readonly string[];
}

export interface DeskWebhookDeps {
  desk: SupportDesk;
  /** Remembers event ids already applied. */
  store: VersionedStore;
  secrets: DeskWebhookSecrets;
  clock: Clock;
  logger: Logger;
}

const BODY_LIMIT = '64kb';

/** The exact bytes received: signatures are over them, not over a re-serialised object. */
const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT });

export function deskWebhookRoutes(deps: DeskWebhookDeps): Router {
  const routes = express.Router();
  const logger = deps.logger.child({ component: 'desk-webhook' });

  /** Signature first, then JSON, then the schema, then the desk. */
  async function handle<S extends z.ZodType>(
    req: Request,
    res: Response,
    source: InboundDecision['source'],
    check: (body: Buffer) => SignatureCheck,
    schema: S,
    toDecision: (body: z.output<S>) => Omit<InboundDecision, 'source'>,
  ): Promise<void> {
    const locale = requestLocale(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = check(body);
    if (!verdict.ok) {
      logger.warn({ code: 'desk_webhook.bad_signature', source, reason: verdict.reason }, 'rejected unsigned callback');
      return sendOutboxError(res, 401, 'invalid_signature', locale);
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_json', locale);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return sendError(res, 400, 'invalid_body', locale, { fields: failedFields(parsed.error) });
    const decision: InboundDecision = { source, ...toDecision(parsed.data) };
    const outcome = await applyInboundDecision(deps, decision);
    const logFields = { source, ticketId: decision.ticketId, decision: decision.input.decision, outcome: outcome.kind };
    logger.info({ code: 'desk_webhook.decision', ...logFields }, 'desk decision received');
    switch (outcome.kind) {
      case 'applied':
      case 'duplicate':
        res.json({ ticketId: outcome.ticketId, status: outcome.status, duplicate: outcome.kind === 'duplicate' });
        return;
      case 'not_found':
        return sendError(res, 404, 'ticket_not_found', locale);
      // The same answers as the desk API's decision route.
      case 'invalid_fields':
        return sendError(res, 400, 'invalid_fields', locale, { fields: decision.input.fields ?? [] });
      case 'invalid_transition':
        return sendError(res, 409, 'invalid_transition', locale);
    }
  }

  const webhookSecrets = deps.secrets.webhook ?? [];
  if (webhookSecrets.length > 0) {
    routes.post('/webhook', rawBody, (req, res) =>
      handle(
        req,
        res,
        'webhook',
        (body) =>
          verifySignatureHeader(req.get(SIGNATURE_HEADER), { body, secrets: webhookSecrets, now: deps.clock.now() }),
        webhookDecisionSchema,
        (b) => ({
          ticketId: b.ticketId,
          input: {
            decision: b.decision,
            ...(b.note ? { note: b.note } : {}),
            ...(b.fields ? { fields: b.fields } : {}),
          },
          by: `webhook:${b.by ?? 'desk'}`,
          ...eventIdOf(b.eventId ?? req.get('idempotency-key')),
        }),
      ),
    );
  }

  const zendeskSecrets = deps.secrets.zendesk ?? [];
  if (zendeskSecrets.length > 0) {
    routes.post('/zendesk/webhook', rawBody, (req, res) =>
      handle(
        req,
        res,
        'zendesk',
        (body) =>
          verifyZendeskSignature(req.get(ZENDESK_SIGNATURE_HEADER), req.get(ZENDESK_TIMESTAMP_HEADER), {
            body,
            secrets: zendeskSecrets,
            now: deps.clock.now(),
          }),
        zendeskDecisionSchema,
        (b) => ({
          ticketId: b.external_id,
          input: {
            decision: b.decision,
            ...(b.comment ? { note: b.comment } : {}),
            ...(b.fields ? { fields: b.fields } : {}),
          },
          by: `zendesk:${b.by ?? 'desk'}`,
          // One trigger firing keeps its invocation id across Zendesk's own retries.
          ...eventIdOf(b.event_id ?? req.get('x-zendesk-webhook-invocation-id')),
        }),
      ),
    );
  }

  return routes;
}

function eventIdOf(value: string | undefined): { eventId?: string } {
  const id = value?.trim();
  return id && id.length <= 200 ? { eventId: id } : {};
}
