/**
 * The real pipeline for outbox tests: built-in desk on SQLite → forwardTicketEvents → outbox →
 * webhook connector → local desk server. Short backoffs, a fixed clock moved by hand, and a
 * fixed "random" so every retry time is known.
 */
import { createWebhookDesk } from '../../src/desk/connectors/webhook-desk.ts';
import { deliverTo, forwardTicketEvents } from '../../src/desk/outbox/forward-ticket-events.ts';
import { createOutbox, type Outbox } from '../../src/desk/outbox/outbox.ts';
import type { OutboxPolicy } from '../../src/desk/outbox/outbox-types.ts';
import type { TicketEvent } from '../../src/desk/support-desk.ts';
import type { VersionedStore } from '../../src/storage/versioned-store.ts';
import type { Ticket } from '../../src/validation/ticket.ts';
import { type LocalDeskServer, startLocalDesk } from '../helpers/local-desk-server.ts';
import { type DeskWorld, openDeskWorld, ticketRequest } from './desk-fixtures.ts';

export const TEST_POLICY: Partial<OutboxPolicy> = {
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  maxAttempts: 4,
  leaseMs: 60_000,
  pollIntervalMs: 20,
};

export interface Harness {
  world: DeskWorld;
  server: LocalDeskServer;
  outbox: Outbox<TicketEvent>;
  /** A new outbox (and forwarding) on the world's current store and desk, as after a restart. */
  restartOutbox(): Promise<void>;
  /** An outbox on another store connection: a second app instance. */
  makeOutbox(options?: { store?: VersionedStore; workerId?: string; timeoutMs?: number }): Outbox<TicketEvent>;
  fileTicket(): Promise<Ticket>;
  /** Delivers until nothing is pending, moving the clock to each next attempt. */
  settle(outbox?: Outbox<TicketEvent>): Promise<void>;
  /** Requests the desk received for one of our tickets. */
  requestsFor(ticketId: string): Array<{ event: string; key: string }>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const world = await openDeskWorld();
  const server = await startLocalDesk();
  let unsubscribe = () => {};
  let conversation = 0;

  const connector = (timeoutMs = 300) =>
    createWebhookDesk({ url: `${server.url}/hooks/desk`, secrets: ['outbound-secret'], clock: world.clock, timeoutMs });
  const webhook = connector();
  const forward = () => forwardTicketEvents({ desk: world.desk, outbox: harness.outbox, externalDesk: webhook });

  const makeOutbox: Harness['makeOutbox'] = (options = {}) =>
    createOutbox<TicketEvent>({
      store: options.store ?? world.store,
      clock: world.clock,
      logger: world.logs.logger,
      policy: TEST_POLICY,
      random: () => 0.5,
      ...(options.workerId ? { workerId: options.workerId } : {}),
      deliver: deliverTo(options.timeoutMs ? connector(options.timeoutMs) : webhook),
    });

  const harness: Harness = {
    world,
    server,
    outbox: makeOutbox(),
    async restartOutbox() {
      unsubscribe();
      harness.outbox = makeOutbox();
      unsubscribe = forward();
    },
    makeOutbox,
    fileTicket() {
      conversation++;
      return world.desk.fileTicket(ticketRequest(`conv-${conversation}`), `confirm-${conversation}`);
    },
    async settle(outbox = harness.outbox) {
      for (let i = 0; i < 50; i++) {
        await outbox.drain();
        const pending = await outbox.listPending();
        if (pending.length === 0) return;
        // Items due now but queued behind a ticket's earlier event wait for that one: jump to the next retry.
        const now = world.clock.now().getTime();
        const later = pending.map((item) => Date.parse(item.nextAttemptAt)).filter((at) => at > now);
        if (later.length === 0) break;
        world.clock.advance(Math.min(...later) - now);
      }
      throw new Error('outbox did not settle');
    },
    requestsFor(ticketId) {
      return server.requests
        .map((r) => r.json as { event?: string; ticket?: { id?: string }; eventId?: string })
        .filter((body) => body?.ticket?.id === ticketId)
        .map((body) => ({ event: body.event ?? '', key: body.eventId ?? '' }));
    },
    async close() {
      unsubscribe();
      await harness.outbox.stop();
      await server.close();
      await world.close();
    },
  };
  unsubscribe = forward();
  return harness;
}
