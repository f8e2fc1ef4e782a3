/**
 * A merchant's withdrawal at the desk: only from a status nobody has decided, recorded once even
 * when two instances or two deliveries try, closed to reviewers afterwards, and copied to the
 * external desks (webhook event `withdrawn`; Zendesk solved with a note and a tag).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { deskSettingsShape } from '../../src/desk/connectors/desk-settings-schema.ts';
import { webhookBody } from '../../src/desk/connectors/webhook-desk.ts';
import { eventsFromHistory } from '../../src/desk/outbox/forward-ticket-events.ts';
import { type DeskForwarding, startDeskForwarding } from '../../src/desk/outbox/start-desk-forwarding.ts';
import type { TicketEvent } from '../../src/desk/support-desk.ts';
import { openStore } from '../../src/storage/versioned-store.ts';
import { testBackends } from '../helpers/backends.ts';
import { type LocalDeskServer, startLocalDesk, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../helpers/local-desk-server.ts';
import { type DeskWorld, openDeskWorld, ticketRequest } from './desk-fixtures.ts';

const backends = await testBackends('withdrawal.sqlite');

let world: DeskWorld;
beforeEach(async () => {
  world = await openDeskWorld();
});
afterEach(async () => world.close());

describe('BuiltinDesk.withdraw', () => {
  it('cancels a ticket in review: history, audit and one event', async () => {
    const events: TicketEvent[] = [];
    world.desk.onTicketEvent((event) => void events.push(event));
    const filed = await world.desk.fileTicket(ticketRequest(), 'confirm-1');
    world.clock.advance(60_000);
    const withdrawn = await world.desk.withdraw(filed.id, 'merchant:merchant-conv-1', '换了别家');
    expect(withdrawn.status).toBe('cancelled');
    expect(withdrawn.history.at(-1)).toEqual({
      at: '2026-11-25T02:01:00.000Z',
      status: 'cancelled',
      by: 'merchant:merchant-conv-1',
      note: '换了别家',
    });
    expect((await world.desk.listAudit({ ticketId: filed.id })).at(-1)).toMatchObject({
      from: 'submitted',
      to: 'cancelled',
      by: 'merchant:merchant-conv-1',
    });
    expect(events.map((e) => e.type)).toEqual(['filed', 'withdrawn']);
    expect(events[1]).toMatchObject({ type: 'withdrawn', note: '换了别家', ticket: { status: 'cancelled' } });
  });

  it('is idempotent: again, or from two instances at once, it records one withdrawal', async () => {
    const filed = await world.desk.fileTicket(ticketRequest(), 'confirm-1');
    const other = new BuiltinDesk(await world.openSecondStore(), world.clock);
    const events: TicketEvent[] = [];
    for (const desk of [world.desk, other]) desk.onTicketEvent((event) => void events.push(event));
    const results = await Promise.all([
      world.desk.withdraw(filed.id, 'merchant:a'),
      other.withdraw(filed.id, 'merchant:a'),
      world.desk.withdraw(filed.id, 'merchant:a'),
    ]);
    expect(results.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await world.desk.withdraw(filed.id, 'merchant:a');
    const stored = await world.desk.getTicket(filed.id);
    expect(stored?.history.map((h) => h.status)).toEqual(['submitted', 'cancelled']);
    expect(events.map((e) => e.type)).toEqual(['withdrawn']);
  });

  it('refuses decided tickets and unknown ones; a withdrawn ticket cannot be decided', async () => {
    const approved = await world.desk.fileTicket(ticketRequest('conv-a'), 'confirm-a');
    await world.desk.decide(approved.id, { decision: 'approve' }, 'reviewer:li');
    await expect(world.desk.withdraw(approved.id, 'merchant:a')).rejects.toMatchObject({ code: 'invalid_transition' });
    await expect(world.desk.withdraw('UB-20261125-9999', 'merchant:a')).rejects.toMatchObject({
      code: 'ticket_not_found',
    });

    const withdrawn = await world.desk.fileTicket(ticketRequest('conv-b'), 'confirm-b');
    await world.desk.withdraw(withdrawn.id, 'merchant:b');
    for (const decision of ['approve', 'reject', 'request_changes'] as const) {
      const input = decision === 'request_changes' ? { decision, fields: ['phone'], note: 'x' } : { decision };
      await expect(world.desk.decide(withdrawn.id, input, 'reviewer:li')).rejects.toMatchObject({
        code: 'invalid_transition',
      });
    }
    expect((await world.desk.getTicket(approved.id))?.status).toBe('approved');
  });

  it('a ticket waiting for corrections can be withdrawn too', async () => {
    const filed = await world.desk.fileTicket(ticketRequest(), 'confirm-1');
    await world.desk.decide(filed.id, { decision: 'request_changes', fields: ['phone'], note: '打不通' }, 'r');
    expect((await world.desk.withdraw(filed.id, 'merchant:a')).status).toBe('cancelled');
  });

  it('the history rebuilds the withdrawal event (catch-up after a crash), and the webhook body names it', async () => {
    const filed = await world.desk.fileTicket(ticketRequest(), 'confirm-1');
    const withdrawn = await world.desk.withdraw(filed.id, 'merchant:a', '不需要了');
    const rebuilt = eventsFromHistory(withdrawn);
    expect(rebuilt.map((e) => e.type)).toEqual(['filed', 'withdrawn']);
    expect(webhookBody(rebuilt[1]!, 'key-1')).toEqual({
      eventId: 'key-1',
      event: 'withdrawn',
      ticket: withdrawn,
      note: '不需要了',
    });
  });
});

describe('a withdrawal forwarded to Zendesk', () => {
  let server: LocalDeskServer;
  let forwarding: DeskForwarding | undefined;
  afterEach(async () => {
    await forwarding?.stop();
    await server.close();
  });

  it('solves the remote ticket with a note and the withdrawn tag, once', async () => {
    server = await startLocalDesk();
    forwarding = await startDeskForwarding({
      settings: z.object(deskSettingsShape).parse({
        ZENDESK_BASE_URL: server.url,
        ZENDESK_EMAIL,
        ZENDESK_API_TOKEN: ZENDESK_TOKEN,
        DESK_TIMEOUT_MS: '2000',
      }),
      desk: world.desk,
      store: world.store,
      clock: world.clock,
      logger: world.logs.logger,
      policy: { pollIntervalMs: 20, baseDelayMs: 10, maxDelayMs: 50 },
    });
    const ticket = await world.desk.fileTicket(ticketRequest(), 'confirm-1');
    await world.desk.decide(ticket.id, { decision: 'request_changes', fields: ['phone'], note: '打不通' }, 'r');
    await world.desk.withdraw(ticket.id, 'merchant:a');
    await world.desk.withdraw(ticket.id, 'merchant:a');
    const remote = () => server.tickets.find((t) => t.externalId === ticket.id);
    await expect.poll(() => remote()?.status).toBe('solved');
    await forwarding?.outbox.drain();
    expect(remote()?.tags).toContain('unbind-cancelled');
    expect(remote()?.tags).not.toContain('unbind-changes-requested');
    expect(remote()?.comments.at(-1)).toContain('商户已在解绑助手中撤回这份申请');
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });
});

describe.each(backends)('withdrawing from two instances at once on $name', ({ url }) => {
  it('records one withdrawal and emits one event', async () => {
    const namespace = `test-${randomUUID()}`;
    const stores = [await openStore(url, { namespace }), await openStore(url, { namespace })];
    try {
      const desks = stores.map((store) => new BuiltinDesk(store, world.clock));
      const events: TicketEvent[] = [];
      for (const desk of desks) desk.onTicketEvent((event) => void events.push(event));
      const filed = await desks[0]!.fileTicket(ticketRequest(), 'confirm-1');
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => desks[i % 2]!.withdraw(filed.id, 'merchant:merchant-conv-1')),
      );
      const stored = await desks[1]!.getTicket(filed.id);
      expect(stored?.history.map((h) => h.status)).toEqual(['submitted', 'cancelled']);
      expect(events.map((e) => e.type)).toEqual(['filed', 'withdrawn']);
    } finally {
      for (const key of await stores[0]!.keys('')) await stores[0]!.delete(key);
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
