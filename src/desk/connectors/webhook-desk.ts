/**
 * The generic webhook connector: every ticket event is POSTed as signed JSON to one URL
 * (DESK_WEBHOOK_URL), for desks, workflow tools or a team's own service.
 *
 * Request: `POST <url>`, `Content-Type: application/json`, `Idempotency-Key: <outbox key>`
 * (the same on every retry: receivers should dedupe by it), `X-Unbind-Signature: t=…,v1=…`, body
 * `{eventId, event: 'filed'|'decided'|'resubmitted'|'withdrawn', ticket, decision?, note?, fields?, changed?}`;
 * `withdrawn`: the merchant withdrew the request, `ticket.status` is `cancelled` and it can no
 * longer be decided.
 * Any 2xx is success; a JSON answer `{remoteId}` (or `{id}`) is kept as the remote ticket's id.
 */
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { TicketEvent } from '../support-desk.ts';
import type { DeliveryResult, ExternalDesk } from './external-desk.ts';
import { isSuccess, jsonOf, sendDeskRequest, statusFailure } from './http-delivery.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signatures.ts';

export const DEFAULT_DESK_TIMEOUT_MS = 10_000;

export interface WebhookDeskOptions {
  url: string;
  /** Signing secrets, current first; each yields a v1 so receivers can rotate too. */
  secrets: readonly string[];
  clock: Clock;
  timeoutMs?: number;
}

/** The JSON body for one event: the event's own data, nothing derived, so receivers see what we saw. */
export function webhookBody(event: TicketEvent, eventId: string): Record<string, unknown> {
  switch (event.type) {
    case 'filed':
      return { eventId, event: 'filed', ticket: event.ticket };
    case 'decided':
      return {
        eventId,
        event: 'decided',
        ticket: event.ticket,
        decision: event.decision,
        ...(event.note ? { note: event.note } : {}),
        ...(event.fields ? { fields: event.fields } : {}),
      };
    case 'resubmitted':
      return { eventId, event: 'resubmitted', ticket: event.ticket, changed: event.changed };
    case 'withdrawn':
      return { eventId, event: 'withdrawn', ticket: event.ticket, ...(event.note ? { note: event.note } : {}) };
  }
}

export function createWebhookDesk(options: WebhookDeskOptions): ExternalDesk {
  if (options.secrets.length === 0) throw new Error('The webhook desk needs at least one signing secret');
  const timeoutMs = options.timeoutMs ?? DEFAULT_DESK_TIMEOUT_MS;
  return {
    name: 'webhook',
    async deliver(event: TicketEvent, idempotencyKey: string): Promise<DeliveryResult> {
      const body = JSON.stringify(webhookBody(event, idempotencyKey));
      // Signed at each attempt, so a retry hours later is still within the receiver's tolerance.
      const timestamp = Math.floor(options.clock.now().getTime() / 1000);
      const response = await sendDeskRequest({
        method: 'POST',
        url: options.url,
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          [SIGNATURE_HEADER]: signatureHeader(options.secrets, timestamp, body),
        },
        body,
        timeoutMs,
      });
      if (!isSuccess(response)) throw statusFailure(response, options.clock);
      return remoteIdOf(jsonOf(response));
    },
  };
}

function remoteIdOf(answer: unknown): DeliveryResult {
  if (typeof answer !== 'object' || answer === null) return {};
  const { remoteId, id } = answer as { remoteId?: unknown; id?: unknown };
  const value = remoteId ?? id;
  return typeof value === 'string' || typeof value === 'number' ? { remoteId: String(value) } : {};
}
