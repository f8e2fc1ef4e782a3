/**
 * The built-in support desk: tickets and callback requests kept in the project's own storage,
 * with readable ids (UB-20261125-0007). Filing is idempotent per key: the key is claimed first,
 * atomically, so two deliveries of one confirmation can never make two tickets.
 */
import type { Clock } from '../platform/clock-and-ids.ts';
import { type StoreWrite, VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';
import {
  TICKET_FIELD_NAMES,
  type Ticket,
  type TicketFields,
  type TicketHistoryEntry,
  type TicketRequest,
  type TicketStatus,
  ticketFieldsSchema,
  ticketSchema,
} from '../validation/ticket.ts';
import {
  type AuditEntry,
  type CallbackRequest,
  type Decision,
  type DecisionInput,
  DeskError,
  type SupportDesk,
  type TicketEvent,
  type TicketEventListener,
  type TicketFilter,
} from './support-desk.ts';

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

/** Where each decision takes a ticket, and from which statuses it may be taken. */
const DECISION_RULES: Record<Decision, { to: TicketStatus; from: readonly TicketStatus[] }> = {
  approve: { to: 'approved', from: ['submitted', 'in_review'] },
  reject: { to: 'rejected', from: ['submitted', 'in_review'] },
  request_changes: { to: 'changes_requested', from: ['submitted', 'in_review'] },
};

/** The statuses a reviewer can decide from. */
export const DECIDABLE_STATUSES: readonly TicketStatus[] = [
  ...new Set(Object.values(DECISION_RULES).flatMap((rule) => rule.from)),
];

/**
 * Writes that must happen with a ticket change or not at all (the outbox item that tells the
 * merchant): returned here, committed in the same atomic write as the ticket.
 */
export type TicketChangeRecorder = (event: TicketEvent) => Promise<StoreWrite[]>;

export class BuiltinDesk implements SupportDesk {
  private readonly listeners = new Set<TicketEventListener>();
  private readonly recorders = new Set<{ record: TicketChangeRecorder; afterCommit: () => void }>();

  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
    /** A listener that fails must not undo or block a stored change; it is reported here. */
    private readonly reportListenerError: (error: unknown) => void = () => {},
  ) {}

  /** Adds writes to every ticket change's commit; `afterCommit` runs once such a commit is stored. */
  recordChangesWith(record: TicketChangeRecorder, afterCommit: () => void = () => {}): () => void {
    const recorder = { record, afterCommit };
    this.recorders.add(recorder);
    return () => this.recorders.delete(recorder);
  }

  onTicketEvent(listener: TicketEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async decide(id: string, input: DecisionInput, by: string): Promise<Ticket> {
    const rule = DECISION_RULES[input.decision];
    const fields = input.decision === 'request_changes' ? (input.fields ?? []) : undefined;
    if (fields && (fields.length === 0 || fields.some((f) => !(TICKET_FIELD_NAMES as readonly string[]).includes(f)))) {
      throw new DeskError('invalid_fields', `request_changes needs fields from: ${TICKET_FIELD_NAMES.join(', ')}`);
    }
    const { event } = await this.update(
      id,
      (current) => {
        if (!rule.from.includes(current.status)) {
          throw new DeskError('invalid_transition', `a ${current.status} ticket cannot be decided (${input.decision})`);
        }
        return { status: rule.to, entry: { status: rule.to, by, note: input.note, fields } };
      },
      (ticket) => ({ type: 'decided', ticket, decision: input.decision, note: input.note, fields }),
    );
    await this.emit(event);
    return event.ticket;
  }

  async resubmit(id: string, fields: TicketFields, by: string): Promise<Ticket> {
    const parsed = ticketFieldsSchema.parse(fields);
    let changed: string[] = [];
    const { event } = await this.update(
      id,
      (current) => {
        if (current.status !== 'changes_requested') {
          throw new DeskError('invalid_transition', `only a ticket with changes requested can be resubmitted`);
        }
        changed = changedFields(current.fields, parsed);
        return { status: 'in_review', fields: parsed, entry: { status: 'in_review', by, fields: changed } };
      },
      (ticket) => ({ type: 'resubmitted', ticket, changed }),
    );
    await this.emit(event);
    return event.ticket;
  }

  async listAudit(filter: { ticketId?: string }): Promise<AuditEntry[]> {
    const tickets = filter.ticketId
      ? [await this.getTicket(filter.ticketId)].filter((t): t is Ticket => t !== undefined)
      : await this.listTickets({});
    return tickets
      .flatMap((ticket) =>
        ticket.history.map((entry, i) => ({
          at: entry.at,
          ticketId: ticket.id,
          from: ticket.history[i - 1]?.status,
          to: entry.status,
          by: entry.by,
          ...(entry.note ? { note: entry.note } : {}),
          ...(entry.fields ? { fields: entry.fields } : {}),
        })),
      )
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * Read, change, write only if nobody changed it meanwhile (with what the recorders add, in one
   * commit); on a race, read again and redo.
   */
  private async update<E extends TicketEvent>(
    id: string,
    change: (current: Ticket) => { status: TicketStatus; fields?: TicketFields; entry: Omit<TicketHistoryEntry, 'at'> },
    eventOf: (next: Ticket) => E,
  ): Promise<{ event: E }> {
    for (;;) {
      const record = await this.store.get<Ticket>(TICKET + id);
      if (!record) throw new DeskError('ticket_not_found', `no ticket ${id}`);
      const { status, fields, entry } = change(record.value);
      const at = this.clock.now().toISOString();
      const next = ticketSchema.parse({
        ...record.value,
        status,
        fields: fields ?? record.value.fields,
        history: [...record.value.history, withoutUndefined({ ...entry, at })],
        updatedAt: at,
      });
      const event = eventOf(next);
      const recorders = [...this.recorders];
      const recorded = await Promise.all(recorders.map((recorder) => recorder.record(event)));
      try {
        await this.store.commit([{ key: TICKET + id, value: next, expected: record.version }, ...recorded.flat()]);
        recorders.forEach((recorder, i) => {
          if (recorded[i]?.length) recorder.afterCommit();
        });
        return { event };
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
  }

  private async emit(event: TicketEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.reportListenerError(error);
      }
    }
  }

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
    await this.emit({ type: 'filed', ticket });
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
      .filter((t) => !filter.channel || t.channel === filter.channel)
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

/** Names of the fields (documents flattened) whose values differ. */
function changedFields(before: TicketFields, after: TicketFields): string[] {
  const flat = (f: TicketFields): Record<string, unknown> => {
    const { documents, ...rest } = f;
    return { ...rest, ...documents };
  };
  const a = flat(before);
  const b = flat(after);
  return TICKET_FIELD_NAMES.filter((name) => a[name] !== b[name]);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
