/**
 * A support desk outside the product (a generic webhook receiver, Zendesk) that receives copies
 * of the built-in desk's tickets. The built-in desk stays the system of record; the outbox calls
 * `deliver` until it succeeds, so a connector only has to say whether a failure is worth retrying.
 */
import type { Ticket } from '../../validation/ticket.ts';
import type { TicketEvent } from '../support-desk.ts';

/** What a delivery left on the remote side, if the desk says. */
export interface DeliveryResult {
  /** The remote desk's id of the ticket (Zendesk ticket number, the receiver's id, …). */
  remoteId?: string;
}

/**
 * An external desk, as the outbox sees it.
 *
 * - `deliver` must be safe to call more than once with the same key: the outbox retries after
 *   timeouts and crashes, when it cannot know whether the desk already acted. Connectors pass the
 *   key on (`Idempotency-Key`) and/or look the ticket up before creating it.
 * - 'filed' creates the remote ticket; 'resubmitted', 'decided' and 'withdrawn' update it.
 * - Failures are thrown as `DeliveryError`; anything else thrown counts as retryable.
 */
export interface ExternalDesk {
  /**
   * Short, stable name (`webhook`, `zendesk`). Decisions that arrive from this desk are recorded
   * with `by` = `${name}:…`, which is how forwarding knows not to echo them back.
   */
  readonly name: string;
  deliver(event: TicketEvent, idempotencyKey: string): Promise<DeliveryResult>;
}

export type DeliveryErrorCode =
  | 'desk_unavailable'
  | 'desk_rate_limited'
  | 'desk_timeout'
  | 'desk_unreachable'
  | 'desk_rejected'
  | 'desk_bad_response'
  | 'remote_ticket_unknown'
  | 'zendesk_idempotency_mismatch';

/** A failed delivery. The message carries no personal data: it is logged and shown to operators. */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  /** How long the desk asked us to wait (429/503 `Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The desk's HTTP status, when there was a response. */
  readonly status?: number;

  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    options: { retryable: boolean; retryAfterMs?: number; status?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** Anything a connector throws, as a DeliveryError; unknown failures are retried rather than lost. */
export function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError('desk_unreachable', message, { retryable: true, cause: error });
}

/**
 * The desk with each event's ticket shown as `present` makes it: uploaded documents as signed
 * addresses (src/documents/signed-urls.ts), which the remote desk's agents can open without a
 * reviewer's token. The built-in desk keeps the references.
 */
export function presentingTickets(desk: ExternalDesk, present: (ticket: Ticket) => Ticket): ExternalDesk {
  return {
    name: desk.name,
    deliver: (event, idempotencyKey) => desk.deliver({ ...event, ticket: present(event.ticket) }, idempotencyKey),
  };
}
