/**
 * Decisions that an external desk sends back (generic webhook, Zendesk trigger), turned into
 * `desk.decide`, at most once per event id.
 */
import { z } from 'zod';
import { updateWithRetry } from '../../storage/update-with-retry.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';
import type { TicketStatus } from '../../validation/ticket.ts';
import { DECISION_RULES, DECISIONS, type DecisionInput, DeskError, type SupportDesk } from '../support-desk.ts';

const SEEN = 'desk/inbound/';
/** Desks retry for hours at most; a week covers any replay worth recognising. */
const SEEN_TTL_MS = 7 * 24 * 60 * 60_000;

const note = z.string().trim().max(2000);
const actor = z
  .string()
  .trim()
  .regex(/^[\w.@+-]{1,60}$/, 'letters, digits and . _ @ + - only');
const eventId = z.string().trim().min(1).max(200);

/** Generic webhook body: `{ticketId, decision, note?, fields?, by?, eventId?}`. */
export const webhookDecisionSchema = z.object({
  ticketId: z.string().trim().min(1).max(64),
  decision: z.enum(DECISIONS),
  note: note.optional(),
  fields: z.array(z.string().max(40)).max(20).optional(),
  by: actor.optional(),
  eventId: eventId.optional(),
});

/** Zendesk placeholders render as strings: "" means absent, and fields come comma-separated. */
const blankAsAbsent = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const fieldList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(/[\s,，]+/).filter(Boolean) : value),
  z.array(z.string().max(40)).max(20),
);

/**
 * Zendesk trigger body (see the README): `{external_id, decision, comment?, fields?, by?, event_id?}`.
 * Extra placeholders (`status`, `ticket_id`, …) are accepted and ignored.
 */
export const zendeskDecisionSchema = z.object({
  external_id: z.string().trim().min(1).max(64),
  decision: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(DECISIONS)),
  comment: z.preprocess(blankAsAbsent, note.optional()),
  fields: z.preprocess(blankAsAbsent, fieldList.optional()),
  by: z.preprocess(blankAsAbsent, actor.optional()),
  event_id: z.preprocess(blankAsAbsent, eventId.optional()),
});

export interface InboundDecision {
  source: 'webhook' | 'zendesk';
  ticketId: string;
  input: DecisionInput;
  /** Recorded in the ticket's history, e.g. `zendesk:agent-7`. */
  by: string;
  eventId?: string;
}

export type InboundOutcome =
  | { kind: 'applied' | 'duplicate'; ticketId: string; status: TicketStatus }
  | { kind: 'not_found' }
  | { kind: 'invalid_transition'; status: TicketStatus }
  | { kind: 'invalid_fields' };

/**
 * Applies the decision once. A repeat (same event id, or the ticket already in the decision's
 * status) changes nothing and counts as success, since desks redeliver and triggers re-fire.
 */
export async function applyInboundDecision(
  deps: { desk: SupportDesk; store: VersionedStore },
  decision: InboundDecision,
): Promise<InboundOutcome> {
  const seenKey = decision.eventId ? `${SEEN}${decision.source}/${decision.eventId}` : undefined;
  if (seenKey) {
    const seen = await updateWithRetry(
      deps.store,
      seenKey,
      (earlier) => (earlier ? undefined : { ticketId: decision.ticketId }),
      { ttlMs: SEEN_TTL_MS },
    );
    if (!seen?.changed) {
      const ticket = await deps.desk.getTicket(decision.ticketId);
      return ticket ? { kind: 'duplicate', ticketId: ticket.id, status: ticket.status } : { kind: 'not_found' };
    }
  }
  try {
    const ticket = await deps.desk.decide(decision.ticketId, decision.input, decision.by);
    return { kind: 'applied', ticketId: ticket.id, status: ticket.status };
  } catch (error) {
    const outcome = error instanceof DeskError ? await explain(deps.desk, decision, error) : undefined;
    // Not applied: forget the event id, so a corrected retry of it is not mistaken for a repeat.
    if (seenKey && outcome?.kind !== 'duplicate') await deps.store.delete(seenKey);
    if (!outcome) throw error;
    return outcome;
  }
}

/** Why the desk refused; a decision the ticket already reflects is a repeat, not a conflict. */
async function explain(desk: SupportDesk, decision: InboundDecision, error: DeskError): Promise<InboundOutcome> {
  if (error.code === 'ticket_not_found') return { kind: 'not_found' };
  if (error.code === 'invalid_fields') return { kind: 'invalid_fields' };
  const ticket = await desk.getTicket(decision.ticketId);
  if (!ticket) return { kind: 'not_found' };
  const last = ticket.history.at(-1);
  const sameFields = sameSet(last?.fields ?? [], decision.input.fields ?? []);
  if (
    ticket.status === DECISION_RULES[decision.input.decision].to &&
    (decision.input.decision !== 'request_changes' || sameFields)
  ) {
    return { kind: 'duplicate', ticketId: ticket.id, status: ticket.status };
  }
  return { kind: 'invalid_transition', status: ticket.status };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
