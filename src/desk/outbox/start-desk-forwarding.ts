/**
 * The wire-up for app.ts: picks the external desk the configuration names (Zendesk, a generic
 * webhook, or none), and runs the outbox that forwards the built-in desk's ticket events to it.
 */

import type { Clock } from '../../platform/clock-and-ids.ts';
import type { Logger } from '../../platform/logger.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';
import type { Locale, Ticket } from '../../validation/ticket.ts';
import { type ExternalDesk, presentingTickets } from '../connectors/external-desk.ts';
import { createWebhookDesk } from '../connectors/webhook-desk.ts';
import { createZendeskDesk } from '../connectors/zendesk-desk.ts';
import type { ZendeskCustomFieldIds } from '../connectors/zendesk-ticket.ts';
import type { SupportDesk, TicketEvent } from '../support-desk.ts';
import { catchUpTicketEvents, deliverTo, forwardTicketEvents } from './forward-ticket-events.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import type { OutboxPolicy } from './outbox-types.ts';

/** The configuration this needs, by environment variable name (a `Pick` of AppConfig once wired). */
export interface DeskForwardingSettings {
  DESK_WEBHOOK_URL?: string;
  /** Current secret first; all are accepted inbound, all sign outbound. */
  DESK_WEBHOOK_SECRET?: readonly string[];
  DESK_TIMEOUT_MS?: number;
  ZENDESK_BASE_URL?: string;
  ZENDESK_EMAIL?: string;
  ZENDESK_API_TOKEN?: string;
  ZENDESK_CUSTOM_FIELDS?: ZendeskCustomFieldIds;
  ZENDESK_LOCALE?: Locale;
  OUTBOX_MAX_ATTEMPTS?: number;
  OUTBOX_BASE_DELAY_MS?: number;
  OUTBOX_MAX_DELAY_MS?: number;
}

/** Tickets changed this recently are checked at start for events never enqueued (a crash in between). */
const CATCH_UP_WINDOW_MS = 24 * 60 * 60_000;

export interface DeskForwarding {
  externalDesk: ExternalDesk;
  outbox: Outbox<TicketEvent>;
  /** Stops forwarding and the worker (waits for a delivery in progress). Call before closing the store. */
  stop(): Promise<void>;
}

export function createExternalDesk(
  settings: DeskForwardingSettings,
  deps: { store: VersionedStore; clock: Clock; logger: Logger },
  presentTicket?: (ticket: Ticket) => Ticket,
): ExternalDesk | undefined {
  const desk = connectorOf(settings, deps);
  return desk && presentTicket ? presentingTickets(desk, presentTicket) : desk;
}

function connectorOf(
  settings: DeskForwardingSettings,
  deps: { store: VersionedStore; clock: Clock; logger: Logger },
): ExternalDesk | undefined {
  const timeoutMs = settings.DESK_TIMEOUT_MS;
  if (settings.ZENDESK_BASE_URL && settings.ZENDESK_EMAIL && settings.ZENDESK_API_TOKEN) {
    return createZendeskDesk({
      baseUrl: settings.ZENDESK_BASE_URL,
      email: settings.ZENDESK_EMAIL,
      apiToken: settings.ZENDESK_API_TOKEN,
      ...deps,
      ...(settings.ZENDESK_LOCALE ? { locale: settings.ZENDESK_LOCALE } : {}),
      ...(settings.ZENDESK_CUSTOM_FIELDS ? { customFieldIds: settings.ZENDESK_CUSTOM_FIELDS } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }
  if (settings.DESK_WEBHOOK_URL && settings.DESK_WEBHOOK_SECRET?.length) {
    return createWebhookDesk({
      url: settings.DESK_WEBHOOK_URL,
      secrets: settings.DESK_WEBHOOK_SECRET,
      clock: deps.clock,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }
  return undefined;
}

/**
 * Starts forwarding when an external desk is configured; undefined when none is (the built-in
 * desk alone). Subscribes before catching up, so nothing filed during start-up is missed.
 */
export async function startDeskForwarding(deps: {
  settings: DeskForwardingSettings;
  desk: SupportDesk;
  store: VersionedStore;
  clock: Clock;
  logger: Logger;
  /** Overrides for tests; the OUTBOX_* settings otherwise. */
  policy?: Partial<OutboxPolicy>;
  random?: () => number;
  /** false: the caller drains the outbox itself (tests). */
  startWorker?: boolean;
  /** How the external desk sees a ticket: uploaded documents as signed addresses. */
  presentTicket?: (ticket: Ticket) => Ticket;
}): Promise<DeskForwarding | undefined> {
  const { settings, store, clock, logger } = deps;
  const externalDesk = createExternalDesk(settings, { store, clock, logger }, deps.presentTicket);
  if (!externalDesk) return undefined;
  const policy: Partial<OutboxPolicy> = {
    ...(settings.OUTBOX_MAX_ATTEMPTS ? { maxAttempts: settings.OUTBOX_MAX_ATTEMPTS } : {}),
    ...(settings.OUTBOX_BASE_DELAY_MS ? { baseDelayMs: settings.OUTBOX_BASE_DELAY_MS } : {}),
    ...(settings.OUTBOX_MAX_DELAY_MS ? { maxDelayMs: settings.OUTBOX_MAX_DELAY_MS } : {}),
    // A lease must outlast the slowest delivery, or a second worker could start the same one.
    leaseMs: Math.max(120_000, (settings.DESK_TIMEOUT_MS ?? 10_000) * 6),
    ...deps.policy,
  };
  const outbox = createOutbox<TicketEvent>({
    store,
    clock,
    logger,
    policy,
    deliver: deliverTo(externalDesk),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const forward = { desk: deps.desk, outbox, externalDesk, logger };
  const unsubscribe = forwardTicketEvents(forward);
  await catchUpTicketEvents({ ...forward, since: new Date(clock.now().getTime() - CATCH_UP_WINDOW_MS) });
  if (deps.startWorker !== false) outbox.start();
  logger.info({ code: 'outbox.started', desk: externalDesk.name }, 'forwarding tickets to the external desk');
  return {
    externalDesk,
    outbox,
    async stop() {
      unsubscribe();
      await outbox.stop();
    },
  };
}
