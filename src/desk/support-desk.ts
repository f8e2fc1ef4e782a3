/**
 * The support desk as the rest of the product sees it. The built-in desk implements it and is
 * the system of record; external desks (webhook, Zendesk) receive copies through the outbox.
 */
import type { Ticket, TicketFields, TicketRequest, TicketStatus } from '../validation/ticket.ts';

export interface CallbackRequest {
  /** e.g. CB-20261125-0003 */
  id: string;
  conversationId: string;
  channel: string;
  userId: string;
  locale: string;
  /** Why the merchant wants a person: `asked`, `stuck_or_asked`. */
  reason: string;
  /** The form slot the merchant was on, if any. */
  slot?: string;
  /** Phone to call back, if the merchant gave one already. */
  phone?: string;
  createdAt: string;
  /** Set once an agent has dealt with it (called back): when, and who (`agent:<name>`). */
  closedAt?: string;
  closedBy?: string;
}

export interface TicketFilter {
  conversationId?: string;
  /** With conversationId: the same id on another channel is another conversation. */
  channel?: string;
  status?: TicketStatus;
  /** The device's serial number, as stored (upper case): a status lookup by SN. */
  sn?: string;
}

export const DECISIONS = ['approve', 'reject', 'request_changes'] as const;
/** The longest reviewer note a merchant is sent. */
export const DECISION_NOTE_MAX = 1000;
export type Decision = (typeof DECISIONS)[number];

/** Where each decision takes a ticket, and from which statuses it may be taken: every desk's one rule. */
export const DECISION_RULES: Readonly<Record<Decision, { to: TicketStatus; from: readonly TicketStatus[] }>> = {
  approve: { to: 'approved', from: ['submitted', 'in_review'] },
  reject: { to: 'rejected', from: ['submitted', 'in_review'] },
  request_changes: { to: 'changes_requested', from: ['submitted', 'in_review'] },
};

/**
 * The statuses a merchant can withdraw a ticket from (it becomes `cancelled`): while a reviewer
 * has not decided it, or is waiting for the merchant's corrections.
 */
export const WITHDRAWABLE_STATUSES: readonly TicketStatus[] = ['submitted', 'in_review', 'changes_requested'];

/** The decision that takes a ticket to this status; undefined for statuses no decision leads to. */
export function decisionLeadingTo(status: TicketStatus): Decision | undefined {
  return DECISIONS.find((decision) => DECISION_RULES[decision].to === status);
}

export interface DecisionInput {
  decision: Decision;
  /** The reviewer's words to the merchant (required for reject and request_changes). */
  note?: string;
  /** With request_changes: the ticket fields to ask again (`phone`, `businessLicense`, …). */
  fields?: string[];
}

/** One status change: who, when, why. */
export interface AuditEntry {
  at: string;
  ticketId: string;
  from?: TicketStatus;
  to: TicketStatus;
  by: string;
  note?: string;
  fields?: string[];
}

/** What happened to a ticket, for whoever tells the merchant or forwards it to another desk. */
export type TicketEvent =
  | { type: 'filed'; ticket: Ticket }
  | { type: 'decided'; ticket: Ticket; decision: Decision; note?: string; fields?: string[] }
  | { type: 'resubmitted'; ticket: Ticket; changed: string[] }
  /** The merchant withdrew the request: the ticket is `cancelled` and no longer decided. */
  | { type: 'withdrawn'; ticket: Ticket; note?: string };

export type TicketEventListener = (event: TicketEvent) => Promise<void> | void;

export class DeskError extends Error {
  constructor(
    readonly code: 'ticket_not_found' | 'invalid_transition' | 'invalid_fields',
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

export interface SupportDesk {
  /**
   * Files a ticket. Calling it again with the same idempotency key returns the ticket filed
   * the first time and files nothing new.
   */
  fileTicket(request: TicketRequest, idempotencyKey: string): Promise<Ticket>;
  getTicket(id: string): Promise<Ticket | undefined>;
  listTickets(filter: TicketFilter): Promise<Ticket[]>;
  /** A reviewer's decision; throws DeskError for an unknown ticket or a decision its status doesn't allow. */
  decide(id: string, input: DecisionInput, by: string): Promise<Ticket>;
  /** The merchant's corrected fields after request_changes; the same ticket goes back to review. */
  resubmit(id: string, fields: TicketFields, by: string): Promise<Ticket>;
  /**
   * The merchant withdraws a ticket not yet decided (WITHDRAWABLE_STATUSES): it becomes
   * `cancelled`. Idempotent: withdrawing a ticket already cancelled changes and emits nothing and
   * returns it. Throws DeskError for an unknown ticket or one already decided.
   */
  withdraw(id: string, by: string, note?: string): Promise<Ticket>;
  listAudit(filter: { ticketId?: string }): Promise<AuditEntry[]>;
  /** Called after each change is stored. */
  onTicketEvent(listener: TicketEventListener): () => void;
  /** Asks for a person to contact the merchant; idempotent per key like fileTicket. */
  requestCallback(request: Omit<CallbackRequest, 'id' | 'createdAt'>, idempotencyKey: string): Promise<CallbackRequest>;
  listCallbacks(): Promise<CallbackRequest[]>;
  /**
   * Marks a call-back request done, by whom and when; undefined when there is no such request.
   * Idempotent: closing it again changes nothing and returns it as first closed.
   */
  closeCallback(id: string, by: string): Promise<CallbackRequest | undefined>;
}
