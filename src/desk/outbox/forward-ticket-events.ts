/**
 * Copies the built-in desk's ticket events to an external desk through the outbox.
 *
 * Keys are `${ticket.id}:${event.type}:${ticket.history.length}`: stable for one change whichever
 * process saw it, so a repeat is one item. Items are grouped per ticket and ordered by history
 * position, so a decision never reaches the desk before the filing it belongs to.
 */
import type { Logger } from '../../platform/logger.ts';
import type { Ticket } from '../../validation/ticket.ts';
import type { DeliveryResult, ExternalDesk } from '../connectors/external-desk.ts';
import { decisionLeadingTo, type SupportDesk, type TicketEvent } from '../support-desk.ts';
import type { Outbox } from './outbox.ts';

export function outboxKey(event: TicketEvent): string {
  return `${event.ticket.id}:${event.type}:${event.ticket.history.length}`;
}

/** A decision the external desk made itself (recorded as `by: '<desk name>:…'`): sending it back would echo. */
export function isFromDesk(event: TicketEvent, deskName: string): boolean {
  return event.type === 'decided' && (event.ticket.history.at(-1)?.by ?? '').startsWith(`${deskName}:`);
}

/** The outbox's `deliver` for ticket events. */
export function deliverTo(externalDesk: ExternalDesk): (event: TicketEvent, key: string) => Promise<DeliveryResult> {
  return (event, key) => externalDesk.deliver(event, key);
}

export interface ForwardDeps {
  desk: SupportDesk;
  outbox: Outbox<TicketEvent>;
  externalDesk: ExternalDesk;
  logger?: Logger;
}

async function enqueue(outbox: Outbox<TicketEvent>, event: TicketEvent): Promise<void> {
  await outbox.enqueue(outboxKey(event), event, { group: event.ticket.id, order: event.ticket.history.length });
}

/**
 * Subscribes to the desk's events; returns the unsubscribe function. The item is stored before
 * the desk's call returns (the desk awaits its listeners), so the merchant's ticket number is
 * only given once its copy to the external desk is durable too.
 */
export function forwardTicketEvents(deps: ForwardDeps): () => void {
  return deps.desk.onTicketEvent(async (event) => {
    if (isFromDesk(event, deps.externalDesk.name)) return;
    try {
      await enqueue(deps.outbox, event);
    } catch (error) {
      // The ticket itself is stored; catchUpTicketEvents at the next start enqueues what was missed.
      deps.logger?.error({ code: 'outbox.enqueue_failed', key: outboxKey(event), err: error }, 'could not enqueue');
      throw error;
    }
  });
}

/** The events a ticket's history records, rebuilt with the ticket as it was after each (current fields). */
export function eventsFromHistory(ticket: Ticket): TicketEvent[] {
  return ticket.history.flatMap((entry, i): TicketEvent[] => {
    const snapshot: Ticket = {
      ...ticket,
      status: entry.status,
      history: ticket.history.slice(0, i + 1),
      updatedAt: entry.at,
    };
    if (i === 0) return [{ type: 'filed', ticket: snapshot }];
    const decision = decisionLeadingTo(entry.status);
    if (decision) {
      const details = {
        ...(entry.note ? { note: entry.note } : {}),
        ...(entry.fields ? { fields: entry.fields } : {}),
      };
      return [{ type: 'decided', ticket: snapshot, decision, ...details }];
    }
    if (entry.status === 'in_review' && ticket.history[i - 1]?.status === 'changes_requested') {
      return [{ type: 'resubmitted', ticket: snapshot, changed: entry.fields ?? [] }];
    }
    // Only a merchant's withdrawal makes a ticket cancelled (see SupportDesk.withdraw).
    if (entry.status === 'cancelled') {
      return [{ type: 'withdrawn', ticket: snapshot, ...(entry.note ? { note: entry.note } : {}) }];
    }
    return [];
  });
}

/**
 * Enqueues every ticket event since `since` that is not in the outbox: repairs a crash between
 * storing a change and enqueuing it. Run at start-up; keep `since` well inside the outbox's
 * delivered retention (default 7 days), or old deliveries would be sent again.
 * Returns how many items were created.
 */
export async function catchUpTicketEvents(deps: ForwardDeps & { since: Date }): Promise<number> {
  const since = deps.since.getTime();
  let created = 0;
  for (const ticket of await deps.desk.listTickets({})) {
    if (Date.parse(ticket.updatedAt) < since) continue;
    for (const event of eventsFromHistory(ticket)) {
      if (Date.parse(event.ticket.updatedAt) < since || isFromDesk(event, deps.externalDesk.name)) continue;
      const outcome = await deps.outbox.enqueue(outboxKey(event), event, {
        group: ticket.id,
        order: event.ticket.history.length,
      });
      if (outcome.created) created++;
    }
  }
  if (created > 0) deps.logger?.warn({ code: 'outbox.caught_up', created }, 'enqueued ticket events that were missed');
  return created;
}
