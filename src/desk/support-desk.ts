/**
 * The support desk as the rest of the product sees it. The built-in desk implements it;
 * HTTP connectors to other desks implement it too.
 */
import type { Ticket, TicketRequest, TicketStatus } from '../validation/ticket.ts';

export interface CallbackRequest {
  /** e.g. CB-20261125-0003 */
  id: string;
  conversationId: string;
  channel: string;
  userId: string;
  locale: string;
  /** Why the merchant wants a person: `retry_limit`, `asked`, `lost_device`. */
  reason: string;
  /** The form slot the merchant was stuck on, if any. */
  slot?: string;
  /** Phone to call back, if the merchant gave one already. */
  phone?: string;
  createdAt: string;
}

export interface TicketFilter {
  conversationId?: string;
  status?: TicketStatus;
}

export interface SupportDesk {
  /**
   * Files a ticket. Calling it again with the same idempotency key returns the ticket filed
   * the first time and files nothing new.
   */
  fileTicket(request: TicketRequest, idempotencyKey: string): Promise<Ticket>;
  getTicket(id: string): Promise<Ticket | undefined>;
  listTickets(filter: TicketFilter): Promise<Ticket[]>;
  /** Asks for a person to contact the merchant; idempotent per key like fileTicket. */
  requestCallback(request: Omit<CallbackRequest, 'id' | 'createdAt'>, idempotencyKey: string): Promise<CallbackRequest>;
  listCallbacks(): Promise<CallbackRequest[]>;
}
