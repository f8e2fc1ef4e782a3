/**
 * Status for a merchant writing from another conversation: they prove the ticket is theirs with
 * its number, or its device's serial number (the most recent ticket of that SN whose phone ends so),
 * and the last four digits of its phone. A wrong pair says nothing about which part was wrong, nor
 * whether the ticket or SN exists. Every try is counted first, per ticket number or SN as given
 * (existing or not) and per conversation, and only the first FREE_TRIES of an hour are checked:
 * however many chats guess at once, a ticket's last four digits are compared at most FREE_TRIES
 * times an hour through its number, and as many through its SN.
 */
import { timingSafeEqual } from 'node:crypto';
import { addressKey, type ConversationAddress, sameConversation } from '../conversation/address.ts';
import type { SupportDesk } from '../desk/support-desk.ts';
import { countTryInWindow } from '../limits/tries-in-window.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import { isTicketId } from '../validation/fields.ts';
import type { Ticket } from '../validation/ticket.ts';

/** Tries checked per ticket and per conversation in one window; later ones wait for the next. */
export const FREE_TRIES = 3;
export const TRY_WINDOW_MS = 60 * 60 * 1000;

export type LookupResult =
  | { ok: true; ticket: Ticket }
  | { ok: false; reason: 'no_match' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export function createStatusLookup(deps: { desk: SupportDesk; store: VersionedStore; clock: Clock }) {
  const countTry = (keyPrefix: string, nowMs: number) => countTryInWindow(deps.store, keyPrefix, TRY_WINDOW_MS, nowMs);

  return {
    /** `ticketIdOrSn`: a value of ticketIdOrSnSchema (a ticket number, or an SN). */
    async lookup(asker: ConversationAddress, ticketIdOrSn: string, phoneLast4: string): Promise<LookupResult> {
      const byTicketId = isTicketId(ticketIdOrSn);
      const ticket = byTicketId ? await deps.desk.getTicket(ticketIdOrSn) : undefined;
      // Oldest first: the last one that matches is the device's most recent request.
      const candidates = byTicketId ? (ticket ? [ticket] : []) : await deps.desk.listTickets({ sn: ticketIdOrSn });
      // The chat that filed the ticket needs no proof, so guesses from elsewhere never lock it out.
      const own = candidates.filter((candidate) => sameConversation(candidate, asker)).at(-1);
      if (own) return { ok: true, ticket: own };

      const nowMs = deps.clock.now().getTime();
      const subject = `${byTicketId ? 'ticket' : 'sn'}/${encodeURIComponent(ticketIdOrSn)}`;
      const [perTicket, perConversation] = await Promise.all([
        countTry(`status-lookup-tries/${subject}`, nowMs),
        countTry(`status-lookup-tries/conversation/${addressKey(asker)}`, nowMs),
      ]);
      const exhausted = [perTicket, perConversation].filter((tries) => tries.count > FREE_TRIES);
      if (exhausted.length > 0) {
        const waitMs = Math.max(...exhausted.map((tries) => tries.windowEndsAtMs)) - nowMs;
        return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }

      const given = Buffer.from(phoneLast4.padEnd(4).slice(0, 4));
      // Every candidate is compared (one placeholder when there is none), so the time taken does
      // not tell which one matched, or whether any exists.
      const matches = (candidates.length > 0 ? candidates : [undefined]).map((candidate) => {
        const expected = Buffer.from(candidate?.fields.phone.slice(-4) ?? '----');
        return timingSafeEqual(expected, given) && candidate !== undefined ? candidate : undefined;
      });
      const matched = matches.filter((candidate) => candidate !== undefined).at(-1);
      if (matched) {
        // This chat proved it knows the pair: its own tries start over. The ticket's count stays,
        // since it counts every chat's guesses.
        await deps.store.delete(perConversation.key);
        return { ok: true, ticket: matched };
      }
      return { ok: false, reason: 'no_match' };
    },
  };
}

export type StatusLookup = ReturnType<typeof createStatusLookup>;
