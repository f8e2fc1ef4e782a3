/**
 * Guessing a ticket's last four digits from many chats at once, on every storage backend and
 * through two connections (two instances): tries are counted before they are checked, so no more
 * than FREE_TRIES pairs are ever compared, and the chat that filed the ticket still gets its status.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { createFixedClock } from '../../src/platform/clock-and-ids.ts';
import { createStatusLookup, FREE_TRIES, type LookupResult } from '../../src/status/status-lookup.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import type { Ticket } from '../../src/validation/ticket.ts';
import { testBackends } from '../helpers/backends.ts';
import { sampleRequest } from '../helpers/fake-router.ts';

const backends = await testBackends('store.sqlite');

const GUESSES = 300;
const OWNER = { channel: 'webchat', conversationId: 'conv-owner' };
/** The ticket's phone is 13812345678: every guess below is wrong. */
const wrongDigits = (i: number) => String(i).padStart(4, '0');

describe.each(backends)('status lookup guessed from $name', ({ url }) => {
  const namespace = `test-${randomUUID()}`;
  const clock = createFixedClock(new Date('2026-11-25T02:00:00Z'));
  const stores: VersionedStore[] = [];
  let ticket: Ticket;

  beforeAll(async () => {
    // This test is about counting under a race, not speed: 300 increments of one PostgreSQL row queue
    // on its lock, and on a loaded machine that can pass the default 2 s storage timeout.
    const options = { namespace, timeoutMs: 20_000 };
    stores.push(await openStore(url, options), await openStore(url, options));
    const desk = new BuiltinDesk(stores[0]!, clock);
    ticket = await desk.fileTicket(sampleRequest({ ...OWNER, userId: 'owner' }), 'filing-1');
  });

  afterAll(async () => {
    const [store] = stores;
    for (const key of await store!.keys('')) await store!.delete(key);
    await Promise.all(stores.map((store) => store.close()));
  });

  it(`${GUESSES} wrong guesses from different chats at once: at most ${FREE_TRIES} are checked`, async () => {
    // Two instances, each with its own connection, desk and lookup; the desk counts what it is asked.
    let ticketReads = 0;
    const lookups = stores.map((store) => {
      const desk = new BuiltinDesk(store, clock);
      const getTicket = desk.getTicket.bind(desk);
      desk.getTicket = (id) => {
        ticketReads += 1;
        return getTicket(id);
      };
      return createStatusLookup({ desk, store, clock });
    });
    const results: LookupResult[] = await Promise.all(
      Array.from({ length: GUESSES }, (_, i) =>
        lookups[i % 2]!.lookup({ channel: 'webchat', conversationId: `guesser-${i}` }, ticket.id, wrongDigits(i)),
      ),
    );
    const checked = results.filter((result) => !(result.ok === false && result.reason === 'throttled'));
    expect(checked.length).toBeLessThanOrEqual(FREE_TRIES);
    expect(checked.every((result) => !result.ok)).toBe(true);
    expect(ticketReads).toBe(GUESSES);
    expect(results.find((result) => !result.ok && result.reason === 'throttled')).toEqual({
      ok: false,
      reason: 'throttled',
      retryAfterSeconds: 3600,
    });

    // Even the right pair from a new chat waits for the next window: any check would be one more guess.
    const fresh = await lookups[0]!.lookup({ channel: 'webchat', conversationId: 'fresh' }, ticket.id, '5678');
    expect(fresh).toMatchObject({ ok: false, reason: 'throttled' });

    // The chat that filed the ticket still gets its status.
    const owner = await lookups[1]!.lookup(OWNER, ticket.id, '0000');
    expect(owner).toMatchObject({ ok: true, ticket: { id: ticket.id } });

    // An hour later the right pair gets through from anywhere.
    clock.advance(60 * 60 * 1000);
    const later = await lookups[0]!.lookup({ channel: 'webchat', conversationId: 'fresh' }, ticket.id, '5678');
    expect(later).toMatchObject({ ok: true, ticket: { id: ticket.id } });
  });
});
