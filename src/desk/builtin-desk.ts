/**
 * The built-in support desk: tickets and callback requests kept in the project's own storage,
 * with readable ids (UB-20261125-0007). Filing is idempotent per key: the key is claimed first,
 * atomically, so two deliveries of one confirmation can never make two tickets.
 */
import type { Clock } from '../platform/clock-and-ids.ts';
import { VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';
import { type Ticket, type TicketRequest, ticketSchema } from '../validation/ticket.ts';
import type { CallbackRequest, SupportDesk, TicketFilter } from './support-desk.ts';

const TICKET = 'desk/ticket/';
const CALLBACK = 'desk/callback/';
const CLAIM = 'desk/claim/';
const SEQUENCE = 'desk/sequence/';

/** Ticket ids carry the date in China, where the merchants and the desk are. */
const DESK_TIME_ZONE = 'Asia/Shanghai';

function dayStamp(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DESK_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
  return parts.replaceAll('-', '');
}

export class BuiltinDesk implements SupportDesk {
  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
  ) {}

  async fileTicket(request: TicketRequest, idempotencyKey: string): Promise<Ticket> {
    const id = await this.claimId('UB', idempotencyKey);
    const existing = await this.getTicket(id);
    if (existing) return existing;
    const now = this.clock.now().toISOString();
    const ticket = ticketSchema.parse({
      id,
      ...request,
      status: 'submitted',
      history: [{ at: now, status: 'submitted', by: `merchant:${request.userId}` }],
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.store.put(TICKET + id, ticket, { expected: null });
    } catch (error) {
      // Another delivery of the same confirmation wrote it first: theirs is the same ticket.
      if (!(error instanceof VersionConflictError)) throw error;
      return (await this.getTicket(id)) as Ticket;
    }
    return ticket;
  }

  async getTicket(id: string): Promise<Ticket | undefined> {
    return (await this.store.get<Ticket>(TICKET + id))?.value;
  }

  async listTickets(filter: TicketFilter): Promise<Ticket[]> {
    const keys = await this.store.keys(TICKET);
    const records = await this.store.getMany<Ticket>(keys);
    return [...records.values()]
      .map((r) => r.value)
      .filter((t) => !filter.conversationId || t.conversationId === filter.conversationId)
      .filter((t) => !filter.status || t.status === filter.status)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async requestCallback(
    request: Omit<CallbackRequest, 'id' | 'createdAt'>,
    idempotencyKey: string,
  ): Promise<CallbackRequest> {
    const id = await this.claimId('CB', idempotencyKey);
    const existing = await this.store.get<CallbackRequest>(CALLBACK + id);
    if (existing) return existing.value;
    const callback: CallbackRequest = { id, ...request, createdAt: this.clock.now().toISOString() };
    await this.store.put(CALLBACK + id, callback);
    return callback;
  }

  async listCallbacks(): Promise<CallbackRequest[]> {
    const records = await this.store.getMany<CallbackRequest>(await this.store.keys(CALLBACK));
    return [...records.values()].map((r) => r.value).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * The id filed under this idempotency key: the one claimed earlier, or a new one claimed now.
   * A claim that loses the race reads the winner's id.
   */
  private async claimId(prefix: string, idempotencyKey: string): Promise<string> {
    const claimKey = `${CLAIM}${prefix}/${idempotencyKey}`;
    const claimed = await this.store.get<string>(claimKey);
    if (claimed) return claimed.value;
    const day = dayStamp(this.clock.now());
    const sequence = await this.store.increment(`${SEQUENCE}${prefix}/${day}`);
    const id = `${prefix}-${day}-${String(sequence).padStart(4, '0')}`;
    try {
      await this.store.put(claimKey, id, { expected: null });
      return id;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const winner = await this.store.get<string>(claimKey);
      if (!winner) throw error;
      return winner.value;
    }
  }
}
