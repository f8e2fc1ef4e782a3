/**
 * Status for a merchant writing from another conversation: they prove the ticket is theirs with
 * its number and the last four digits of its phone. A wrong pair says nothing about which part
 * was wrong, and after a few wrong tries each further try must wait longer (per conversation and
 * per ticket, so guessing from many chats is slowed down too).
 */
import { timingSafeEqual } from 'node:crypto';
import type { SupportDesk } from '../desk/support-desk.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import { updateWithRetry } from '../storage/update-with-retry.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import type { Ticket } from '../validation/ticket.ts';

/** Wrong tries allowed before waiting starts. */
export const FREE_TRIES = 3;
const FIRST_WAIT_S = 30;
const MAX_WAIT_S = 3600;
/** Failures are forgotten after a quiet hour. */
const FAILURE_MEMORY_MS = 60 * 60 * 1000;

interface Failures {
  count: number;
  lastAt: number;
}

export type LookupResult =
  | { ok: true; ticket: Ticket }
  | { ok: false; reason: 'no_match' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

function waitSeconds(failures: Failures | undefined, nowMs: number): number {
  if (!failures || failures.count < FREE_TRIES) return 0;
  const wait = Math.min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (failures.count - FREE_TRIES));
  return Math.max(0, Math.ceil(wait - (nowMs - failures.lastAt) / 1000));
}

export function createStatusLookup(deps: { desk: SupportDesk; store: VersionedStore; clock: Clock }) {
  const keysFor = (conversationKey: string, ticketId: string) => [
    `status-lookup-failures/conversation/${conversationKey}`,
    `status-lookup-failures/ticket/${ticketId}`,
  ];

  async function recordFailure(key: string, nowMs: number): Promise<void> {
    await updateWithRetry<Failures>(
      deps.store,
      key,
      (failures) => ({ count: (failures?.count ?? 0) + 1, lastAt: nowMs }),
      {
        ttlMs: FAILURE_MEMORY_MS,
      },
    );
  }

  return {
    async lookup(conversationKey: string, ticketId: string, phoneLast4: string): Promise<LookupResult> {
      const nowMs = deps.clock.now().getTime();
      const keys = keysFor(conversationKey, ticketId);
      const failures = await deps.store.getMany<Failures>(keys);
      const wait = Math.max(...keys.map((key) => waitSeconds(failures.get(key)?.value, nowMs)));
      if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };

      const ticket = await deps.desk.getTicket(ticketId);
      const expected = Buffer.from(ticket?.fields.phone.slice(-4) ?? '----');
      const given = Buffer.from(phoneLast4.padEnd(4).slice(0, 4));
      if (ticket && timingSafeEqual(expected, given)) {
        await Promise.all(keys.map((key) => deps.store.delete(key)));
        return { ok: true, ticket };
      }
      await Promise.all(keys.map((key) => recordFailure(key, nowMs)));
      return { ok: false, reason: 'no_match' };
    },
  };
}

export type StatusLookup = ReturnType<typeof createStatusLookup>;
