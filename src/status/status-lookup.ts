/**
 * Status for a merchant writing from another conversation: they prove the ticket is theirs with
 * its number and the last four digits of its phone. A wrong pair says nothing about which part
 * was wrong. Every try is counted first, per ticket and per conversation, and only the first
 * FREE_TRIES of an hour are checked: however many chats guess at once, a ticket's last four
 * digits are compared at most FREE_TRIES times an hour.
 */
import { timingSafeEqual } from 'node:crypto';
import { addressKey, type ConversationAddress, sameConversation } from '../conversation/address.ts';
import type { SupportDesk } from '../desk/support-desk.ts';
import { countTryInWindow } from '../limits/tries-in-window.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
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
    async lookup(asker: ConversationAddress, ticketId: string, phoneLast4: string): Promise<LookupResult> {
      const ticket = await deps.desk.getTicket(ticketId);
      // The chat that filed the ticket needs no proof, so guesses from elsewhere never lock it out.
      if (ticket && sameConversation(ticket, asker)) return { ok: true, ticket };

      const nowMs = deps.clock.now().getTime();
      const [perTicket, perConversation] = await Promise.all([
        countTry(`status-lookup-tries/ticket/${encodeURIComponent(ticketId)}`, nowMs),
        countTry(`status-lookup-tries/conversation/${addressKey(asker)}`, nowMs),
      ]);
      const exhausted = [perTicket, perConversation].filter((tries) => tries.count > FREE_TRIES);
      if (exhausted.length > 0) {
        const waitMs = Math.max(...exhausted.map((tries) => tries.windowEndsAtMs)) - nowMs;
        return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }

      const expected = Buffer.from(ticket?.fields.phone.slice(-4) ?? '----');
      const given = Buffer.from(phoneLast4.padEnd(4).slice(0, 4));
      if (ticket && timingSafeEqual(expected, given)) {
        // This chat proved it knows the pair: its own tries start over. The ticket's count stays,
        // since it counts every chat's guesses.
        await deps.store.delete(perConversation.key);
        return { ok: true, ticket };
      }
      return { ok: false, reason: 'no_match' };
    },
  };
}

export type StatusLookup = ReturnType<typeof createStatusLookup>;
