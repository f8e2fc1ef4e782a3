/**
 * The built-in support desk: tickets and callback requests kept in the project's own storage,
 * with readable ids (UB-20261125-0007). Filing is idempotent per key: the key is claimed first,
 * atomically, so two deliveries of one confirmation can never make two tickets.
 */
import type { Clock } from '../platform/clock-and-ids.ts';
import { updateWithRetry } from '../storage/update-with-retry.ts';
import type { StoreWrite, VersionedStore } from '../storage/versioned-store.ts';
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
  DECISION_RULES,
  type DecisionInput,
  DeskError,
  type SupportDesk,
  type TicketEvent,
  type TicketEventListener,
  type TicketFilter,
  WITHDRAWABLE_STATUSES,
} from './support-desk.ts';

const TICKET = 'desk/ticket/';
const CALLBACK = 'desk/callback/';
const CLAIM = 'desk/claim/';
const SEQUENCE = 'desk/sequence/';

/** Ticket ids carry the date in China, where the merchants and the desk are. */
const DESK_TIME_ZONE = 'Asia/Shanghai';

/** The desk's calendar day of a moment, `20261125`: in ticket ids, and the day of daily limits. */
/** Made once: building an Intl.DateTimeFormat costs about a millisecond, formatting microseconds. */
const DESK_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: DESK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function dayStamp(date: Date): string {
  return DESK_DAY.format(date).replaceAll('-', '');
}

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
    const { ticket, event } = await this.update(
      id,
      (current) => {
        if (!rule.from.includes(current.status)) {
          throw new DeskError('invalid_transition', `a ${current.status} ticket cannot be decided (${input.decision})`);
        }
        return { status: rule.to, entry: { status: rule.to, by, note: input.note, fields } };
      },
      (next) => ({ type: 'decided', ticket: next, decision: input.decision, note: input.note, fields }),
    );
    if (event) await this.emit(event);
    return ticket;
  }

  async resubmit(id: string, fields: TicketFields, by: string): Promise<Ticket> {
    const parsed = ticketFieldsSchema.parse(fields);
    let changed: string[] = [];
    const { ticket, event } = await this.update(
      id,
      (current) => {
        if (current.status !== 'changes_requested') {
          throw new DeskError('invalid_transition', `only a ticket with changes requested can be resubmitted`);
        }
        changed = changedFields(current.fields, parsed);
        return { status: 'in_review', fields: parsed, entry: { status: 'in_review', by, fields: changed } };
      },
      (next) => ({ type: 'resubmitted', ticket: next, changed }),
    );
    if (event) await this.emit(event);
    return ticket;
  }

  async withdraw(id: string, by: string, note?: string): Promise<Ticket> {
    const { ticket, event } = await this.update(
      id,
      (current) => {
        // A second delivery of the same confirmation, or another instance, finds it done already.
        if (current.status === 'cancelled') return undefined;
        if (!WITHDRAWABLE_STATUSES.includes(current.status)) {
          throw new DeskError('invalid_transition', `a ${current.status} ticket cannot be withdrawn`);
        }
        return { status: 'cancelled', entry: { status: 'cancelled', by, note } };
      },
      (next) => ({ type: 'withdrawn', ticket: next, ...(note ? { note } : {}) }),
    );
    if (event) await this.emit(event);
    return ticket;
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
   * Applies `change` to the stored ticket, committed together with what the recorders add for its
   * event; on a race with another writer, to the newer ticket. `change` returns undefined to leave
   * the ticket as it is (then there is no event).
   */
  private async update<E extends TicketEvent>(
    id: string,
    change: (
      current: Ticket,
    ) => { status: TicketStatus; fields?: TicketFields; entry: Omit<TicketHistoryEntry, 'at'> } | undefined,
    eventOf: (next: Ticket) => E,
  ): Promise<{ ticket: Ticket; event?: E }> {
    const recorders = [...this.recorders];
    let event: E | undefined;
    let recorded: StoreWrite[][] = [];
    const updated = await updateWithRetry<Ticket>(
      this.store,
      TICKET + id,
      (current) => {
        if (!current) throw new DeskError('ticket_not_found', `no ticket ${id}`);
        const next = change(current);
        if (!next) return undefined;
        const { status, fields, entry } = next;
        const at = this.clock.now().toISOString();
        return ticketSchema.parse({
          ...current,
          status,
          fields: fields ?? current.fields,
          history: [...current.history, withoutUndefined({ ...entry, at })],
          updatedAt: at,
        });
      },
      {
        alongside: async (next) => {
          event = eventOf(next);
          const current = event;
          recorded = await Promise.all(recorders.map((recorder) => recorder.record(current)));
          return recorded.flat();
        },
      },
    );
    if (!updated?.changed) return { ticket: updated!.value };
    recorders.forEach((recorder, i) => {
      if (recorded[i]?.length) recorder.afterCommit();
    });
    return { ticket: updated.value, event };
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
    const now = this.clock.now().toISOString();
    // Another delivery of the same confirmation may have filed it already: theirs is the same ticket.
    const filed = await updateWithRetry<Ticket>(this.store, TICKET + id, (existing) =>
      existing
        ? undefined
        : ticketSchema.parse({
            id,
            ...request,
            status: 'submitted',
            history: [{ at: now, status: 'submitted', by: `merchant:${request.userId}` }],
            createdAt: now,
            updatedAt: now,
          }),
    );
    if (filed!.changed) await this.emit({ type: 'filed', ticket: filed!.value });
    return filed!.value;
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
      .filter((t) => !filter.sn || t.fields.sn === filter.sn)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async requestCallback(
    request: Omit<CallbackRequest, 'id' | 'createdAt'>,
    idempotencyKey: string,
  ): Promise<CallbackRequest> {
    const id = await this.claimId('CB', idempotencyKey);
    const callback: CallbackRequest = { id, ...request, createdAt: this.clock.now().toISOString() };
    const stored = await updateWithRetry<CallbackRequest>(this.store, CALLBACK + id, (existing) =>
      existing ? undefined : callback,
    );
    return stored!.value;
  }

  async listCallbacks(): Promise<CallbackRequest[]> {
    const records = await this.store.getMany<CallbackRequest>(await this.store.keys(CALLBACK));
    return [...records.values()].map((r) => r.value).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async closeCallback(id: string, by: string): Promise<CallbackRequest | undefined> {
    const closed = await updateWithRetry<CallbackRequest>(this.store, CALLBACK + id, (current) => {
      // Unknown, or closed already (a double click, a colleague): nothing to change.
      if (!current || current.closedAt) return undefined;
      return { ...current, closedAt: this.clock.now().toISOString(), closedBy: by };
    });
    return closed?.value;
  }

  /**
   * The id filed under this idempotency key: the one claimed earlier, or a new one claimed now.
   * A claim that loses the race reads the winner's id.
   */
  private async claimId(prefix: string, idempotencyKey: string): Promise<string> {
    const claimed = await updateWithRetry<string>(
      this.store,
      `${CLAIM}${prefix}/${idempotencyKey}`,
      async (earlier) => {
        if (earlier) return undefined;
        const day = dayStamp(this.clock.now());
        const sequence = await this.store.increment(`${SEQUENCE}${prefix}/${day}`);
        return `${prefix}-${day}-${String(sequence).padStart(4, '0')}`;
      },
    );
    return claimed!.value;
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
