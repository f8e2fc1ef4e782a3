/**
 * Outbox concurrency and order: two app instances on one SQLite file, a worker that dies
 * mid-delivery, a ticket's events in order, idempotent enqueue, what is (not) forwarded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { catchUpTicketEvents, eventsFromHistory, outboxKey } from '../../src/desk/outbox/forward-ticket-events.ts';
import { DEFAULT_OUTBOX_POLICY, retryDelayMs } from '../../src/desk/outbox/outbox-types.ts';
import { ticketRequest } from './desk-fixtures.ts';
import { type Harness, openHarness } from './outbox-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

describe('two workers', () => {
  it('on separate connections to one store deliver each item exactly once', async () => {
    const tickets = [];
    for (let i = 0; i < 8; i++) tickets.push(await h.fileTicket());
    const other = h.makeOutbox({ store: await h.world.openSecondStore(), workerId: 'instance-b' });
    const [a, b] = await Promise.all([h.outbox.drain(), other.drain()]);
    expect(a.delivered + b.delivered).toBe(8);
    expect(h.server.requests).toHaveLength(8);
    for (const ticket of tickets) expect(h.requestsFor(ticket.id)).toHaveLength(1);
  });

  it('a worker that dies mid-delivery: after its lease runs out another one delivers', async () => {
    h.server.failNext({ kind: 'hang' });
    const ticket = await h.fileTicket();
    const stuck = h.makeOutbox({ workerId: 'stuck', timeoutMs: 60_000 });
    const stuckPass = stuck.runDue();
    await expect.poll(() => h.server.requests.length).toBe(1);
    const rescuer = h.makeOutbox({ workerId: 'rescuer' });
    // Leased: nobody else touches it…
    expect(await rescuer.runDue()).toMatchObject({ delivered: 0, skipped: 0 });
    // …until the lease expires.
    h.world.clock.advance(60_001);
    expect(await rescuer.runDue()).toMatchObject({ delivered: 1 });
    // The stuck worker's connection finally breaks; its outcome must not overwrite the delivery.
    await h.server.down();
    await stuckPass;
    await h.server.up();
    expect(await h.outbox.get(`${ticket.id}:filed:1`)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(h.world.logs.lines().some((l) => l.code === 'outbox.lease_lost')).toBe(true);
    expect(h.server.tickets.filter((t) => t.externalId === ticket.id)).toHaveLength(1);
  });
});

describe('enqueue', () => {
  it('is idempotent per key, also after delivery', async () => {
    const ticket = await h.fileTicket();
    const event = { type: 'filed' as const, ticket };
    expect((await h.outbox.enqueue(outboxKey(event), event)).created).toBe(false);
    expect(await h.outbox.listPending()).toHaveLength(1);
    await h.outbox.drain();
    expect((await h.outbox.enqueue(outboxKey(event), event)).created).toBe(false);
    expect(await h.outbox.drain()).toMatchObject({ delivered: 0 });
    expect(h.server.requests).toHaveLength(1);
  });
});

describe('forwarding', () => {
  it("a ticket's events go out in order, even when the filing has to wait for a retry", async () => {
    h.server.failNext({ kind: 'status', status: 503 });
    const ticket = await h.fileTicket();
    await h.outbox.drain();
    await h.world.desk.decide(ticket.id, { decision: 'approve' }, 'reviewer:li');
    // The decision is due now, but the filing ahead of it is not: nothing goes out.
    expect(await h.outbox.drain()).toMatchObject({ delivered: 0 });
    await h.settle();
    expect(h.requestsFor(ticket.id).map((r) => r.event)).toEqual(['filed', 'filed', 'decided']);
    expect(h.server.tickets.find((t) => t.externalId === ticket.id)?.status).toBe('approved');
  });

  it('forwards our reviewers’ decisions, not those that came from the external desk itself', async () => {
    const first = await h.fileTicket();
    const second = await h.fileTicket();
    await h.world.desk.decide(first.id, { decision: 'approve' }, 'reviewer:li');
    await h.world.desk.decide(second.id, { decision: 'reject', note: '资料不全' }, 'webhook:desk');
    const keys = (await h.outbox.listPending()).map((i) => i.key);
    expect(keys).toEqual([`${first.id}:filed:1`, `${second.id}:filed:1`, `${first.id}:decided:2`]);
  });

  it('catch-up enqueues, once and in order, events stored but never enqueued (a crash in between)', async () => {
    const forwarded = await h.fileTicket();
    // The same storage through a desk nobody listens to: as if the process died before enqueuing.
    const unobserved = new BuiltinDesk(h.world.store, h.world.clock);
    const lost = await unobserved.fileTicket(ticketRequest('conv-lost'), 'confirm-lost');
    await unobserved.decide(lost.id, { decision: 'request_changes', fields: ['phone'] }, 'reviewer:li');
    const other = await unobserved.fileTicket(ticketRequest('conv-remote'), 'confirm-remote');
    await unobserved.decide(other.id, { decision: 'approve' }, 'webhook:desk');
    const deps = {
      desk: h.world.desk,
      outbox: h.outbox,
      externalDesk: { name: 'webhook', deliver: async () => ({}) },
      since: new Date(h.world.clock.now().getTime() - 60_000),
    };
    expect(await catchUpTicketEvents(deps)).toBe(3);
    expect(await catchUpTicketEvents(deps)).toBe(0);
    const keys = (await h.outbox.listPending()).map((i) => i.key).sort();
    expect(keys).toEqual(
      [`${forwarded.id}:filed:1`, `${lost.id}:filed:1`, `${lost.id}:decided:2`, `${other.id}:filed:1`].sort(),
    );
    await h.settle();
    expect(h.requestsFor(lost.id).map((r) => r.event)).toEqual(['filed', 'decided']);
    expect(h.requestsFor(other.id).map((r) => r.event)).toEqual(['filed']);
  });

  it('rebuilds events from history', async () => {
    const ticket = await h.fileTicket();
    await h.world.desk.decide(ticket.id, { decision: 'request_changes', fields: ['phone'], note: '号码打不通' }, 'r');
    const changed = await h.world.desk.resubmit(ticket.id, { ...ticket.fields, phone: '13900001111' }, 'm');
    const events = eventsFromHistory(changed);
    expect(events.map(outboxKey)).toEqual([
      `${ticket.id}:filed:1`,
      `${ticket.id}:decided:2`,
      `${ticket.id}:resubmitted:3`,
    ]);
    expect(events[1]).toMatchObject({ decision: 'request_changes', fields: ['phone'], note: '号码打不通' });
    expect(events[2]).toMatchObject({ changed: ['phone'] });
    // The same keys the live forwarding used.
    expect((await h.outbox.listPending()).map((i) => i.key)).toEqual(events.map(outboxKey));
  });
});

describe('retry delays', () => {
  const policy = { ...DEFAULT_OUTBOX_POLICY, baseDelayMs: 1_000, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
  it('full jitter under a doubling ceiling', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, policy, () => 0.999))).toEqual([
      999, 1998, 3996, 7992, 7992, 7992,
    ]);
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(2_000);
  });
  it('never sooner than Retry-After, which is capped', () => {
    expect(retryDelayMs(1, policy, () => 0.5, 30_000)).toBe(30_000);
    expect(retryDelayMs(4, policy, () => 0.999, 10)).toBe(7_992);
    expect(retryDelayMs(1, policy, () => 0.5, 86_400_000)).toBe(60_000);
  });
});
