/**
 * The Zendesk connector (Zendesk or a compatible API). 'filed' creates a ticket with
 * `external_id` = our ticket id; later events update it through the remote id kept in storage.
 *
 * Exactly once: creation carries `Idempotency-Key` (Zendesk replays the first answer for 2 hours)
 * and, before creating, looks the ticket up by `external_id`, which also covers retries that come
 * after those 2 hours (a desk down for a night).
 */
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { Logger } from '../../platform/logger.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';
import type { Locale, Ticket } from '../../validation/ticket.ts';
import type { TicketEvent } from '../support-desk.ts';
import { DeliveryError, type DeliveryResult, type ExternalDesk } from './external-desk.ts';
import { type DeskResponse, isSuccess, jsonOf, sendDeskRequest, statusFailure } from './http-delivery.ts';
import { DEFAULT_DESK_TIMEOUT_MS } from './webhook-desk.ts';
import {
  type ZendeskCustomFieldIds,
  zendeskCreateBody,
  zendeskDecisionBody,
  zendeskResubmitBody,
  zendeskWithdrawnBody,
} from './zendesk-ticket.ts';

const REMOTE = 'desk/zendesk/remote/';

export interface ZendeskDeskOptions {
  /** e.g. https://acme.zendesk.com */
  baseUrl: string;
  /** Agent email and API token: Basic `{email}/token:{apiToken}`. */
  email: string;
  apiToken: string;
  /** Keeps our ticket id → Zendesk ticket id. */
  store: VersionedStore;
  clock: Clock;
  logger: Logger;
  /** Language of the notes agents read (default zh-CN). */
  locale?: Locale;
  customFieldIds?: ZendeskCustomFieldIds;
  timeoutMs?: number;
}

interface RemoteMapping {
  remoteId: string;
}

/** The Zendesk ticket id stored for one of our tickets, if it was created. */
export async function zendeskRemoteId(store: VersionedStore, ticketId: string): Promise<string | undefined> {
  return (await store.get<RemoteMapping>(REMOTE + ticketId))?.value.remoteId;
}

export function createZendeskDesk(options: ZendeskDeskOptions): ExternalDesk {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/api/v2`;
  const locale = options.locale ?? 'zh-CN';
  const timeoutMs = options.timeoutMs ?? DEFAULT_DESK_TIMEOUT_MS;
  const logger = options.logger.child({ component: 'zendesk' });
  const auth = `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`;

  const send = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, extra: Record<string, string> = {}) =>
    sendDeskRequest({
      method,
      url: base + path,
      headers: { authorization: auth, accept: 'application/json', 'content-type': 'application/json', ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs,
    });

  const remember = async (ticketId: string, remoteId: string) => {
    await options.store.put<RemoteMapping>(REMOTE + ticketId, { remoteId });
    return { remoteId };
  };

  /** A ticket Zendesk already holds for this id (created by an earlier attempt), if any. */
  async function findByExternalId(ticketId: string): Promise<string | undefined> {
    const response = await send('GET', `/tickets.json?external_id=${encodeURIComponent(ticketId)}`);
    if (!isSuccess(response)) {
      const failure = statusFailure(response, options.clock);
      if (failure.retryable) throw failure;
      // Without permission to search, creation is still protected by the idempotency key for 2 hours.
      logger.warn(
        { code: 'zendesk.lookup_refused', status: response.status, ticketId },
        'lookup by external_id refused',
      );
      return undefined;
    }
    const found = (jsonOf(response) as { tickets?: Array<{ id?: unknown }> } | undefined)?.tickets?.[0]?.id;
    return found === undefined ? undefined : String(found);
  }

  async function remoteIdFor(ticketId: string): Promise<string | undefined> {
    const stored = await zendeskRemoteId(options.store, ticketId);
    if (stored) return stored;
    const found = await findByExternalId(ticketId);
    if (found) await remember(ticketId, found);
    return found;
  }

  async function create(ticket: Ticket, idempotencyKey: string): Promise<DeliveryResult> {
    const existing = await remoteIdFor(ticket.id);
    if (existing) return { remoteId: existing };
    const body = zendeskCreateBody(ticket, { locale, customFieldIds: options.customFieldIds });
    const response = await send('POST', '/tickets.json', body, { 'idempotency-key': idempotencyKey });
    if (isSuccess(response)) {
      const id = (jsonOf(response) as { ticket?: { id?: unknown } } | undefined)?.ticket?.id;
      if (id === undefined) {
        // It was probably created: the retry finds it by external_id instead of creating another.
        throw new DeliveryError('desk_bad_response', 'created, but no ticket id in the answer', { retryable: true });
      }
      return remember(ticket.id, String(id));
    }
    if (isIdempotencyMismatch(response)) {
      // Same key, different body: our body changed between attempts (config edited?). Retrying cannot fix it.
      logger.error(
        { code: 'zendesk.idempotency_mismatch', ticketId: ticket.id },
        'Zendesk refused the idempotency key',
      );
      throw new DeliveryError('zendesk_idempotency_mismatch', 'Zendesk: request does not match its idempotency key', {
        retryable: false,
        status: response.status,
      });
    }
    throw withZendeskError(statusFailure(response, options.clock), response);
  }

  async function update(ticket: Ticket, body: unknown): Promise<DeliveryResult> {
    const remoteId = await remoteIdFor(ticket.id);
    if (!remoteId) {
      // Filing goes first in the outbox, so this is a creation still in flight elsewhere: try again later.
      throw new DeliveryError('remote_ticket_unknown', `no Zendesk ticket for ${ticket.id} yet`, { retryable: true });
    }
    const response = await send('PUT', `/tickets/${encodeURIComponent(remoteId)}.json`, body);
    if (!isSuccess(response)) throw withZendeskError(statusFailure(response, options.clock), response);
    return { remoteId };
  }

  return {
    name: 'zendesk',
    deliver(event: TicketEvent, idempotencyKey: string): Promise<DeliveryResult> {
      switch (event.type) {
        case 'filed':
          return create(event.ticket, idempotencyKey);
        case 'resubmitted':
          return update(event.ticket, zendeskResubmitBody(event.ticket, event.changed, locale));
        case 'decided': {
          const by = event.ticket.history.at(-1)?.by ?? 'desk';
          const details = {
            by,
            ...(event.note ? { note: event.note } : {}),
            ...(event.fields ? { fields: event.fields } : {}),
          };
          return update(event.ticket, zendeskDecisionBody(event.decision, details, locale));
        }
        case 'withdrawn':
          return update(event.ticket, zendeskWithdrawnBody(event.note, locale));
      }
    },
  };
}

/** Zendesk's 400 for a reused key with another body: `{"error": "IdempotentRequestError", …}`. */
function isIdempotencyMismatch(response: DeskResponse): boolean {
  return response.status === 400 && response.text.includes('IdempotentRequestError');
}

/** Adds Zendesk's error name (`RecordInvalid`, …) to the message; its details may quote personal data, so not those. */
function withZendeskError(failure: DeliveryError, response: DeskResponse): DeliveryError {
  const name = (jsonOf(response) as { error?: unknown } | undefined)?.error;
  if (typeof name !== 'string' || !/^\w{1,60}$/.test(name)) return failure;
  return new DeliveryError(failure.code, `${failure.message} (${name})`, {
    retryable: failure.retryable,
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    ...(failure.status === undefined ? {} : { status: failure.status }),
  });
}
