/**
 * "The ticket reaches the desk exactly once, even when that desk is down": the real pipeline
 * (built-in desk on SQLite → outbox → webhook connector) against a desk that fails in each way,
 * including while the app restarts; then parking, the operator routes and retrying.
 */
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxRoutes } from '../../src/desk/outbox/outbox-routes.ts';
import { startHttpServer } from '../../src/http/start-server.ts';
import type { Fault } from '../helpers/local-desk-server.ts';
import { PHONE } from './desk-fixtures.ts';
import { type Harness, openHarness } from './outbox-harness.ts';

/** What the operator routes answer, as tests read it. */
interface OperatorAnswer {
  pending: Array<{ key: string }>;
  parked: Array<{ key: string; payload?: unknown }>;
  item: Record<string, unknown>;
  error: { code: string };
}

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

describe('transient desk failures: retried, one ticket on the desk', () => {
  it.each<[string, Fault]>([
    ['500', { kind: 'status', status: 500 }],
    ['429 with Retry-After', { kind: 'status', status: 429, retryAfter: '30' }],
    ['a hang past the timeout', { kind: 'hang' }],
    ['a connection closed without an answer', { kind: 'destroy' }],
    ['an answer lost after the desk acted', { kind: 'destroy', afterActing: true }],
  ])('%s', async (_label, fault) => {
    h.server.failNext(fault);
    const ticket = await h.fileTicket();
    await h.outbox.drain();
    const [waiting] = await h.outbox.listPending();
    expect(waiting).toMatchObject({ key: `${ticket.id}:filed:1`, attempts: 1, lastError: { retryable: true } });
    await h.settle();
    expect(h.server.tickets.filter((t) => t.externalId === ticket.id)).toHaveLength(1);
    expect(await h.outbox.get(`${ticket.id}:filed:1`)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(h.requestsFor(ticket.id).map((r) => r.key)).toEqual([`${ticket.id}:filed:1`, `${ticket.id}:filed:1`]);
  });

  it('waits as long as Retry-After says (not less), then delivers', async () => {
    h.server.failNext({ kind: 'status', status: 429, retryAfter: '30' });
    const ticket = await h.fileTicket();
    await h.outbox.drain();
    const [waiting] = await h.outbox.listPending();
    expect(Date.parse(waiting?.nextAttemptAt ?? '') - h.world.clock.now().getTime()).toBe(30_000);
    h.world.clock.advance(29_999);
    expect((await h.outbox.drain()).delivered).toBe(0);
    h.world.clock.advance(1);
    expect((await h.outbox.drain()).delivered).toBe(1);
    expect(h.server.tickets.filter((t) => t.externalId === ticket.id)).toHaveLength(1);
  });

  it('desk down while the app restarts: the item survives on disk and goes out once the desk is back', async () => {
    await h.server.down();
    const ticket = await h.fileTicket();
    await h.outbox.drain();
    await h.outbox.stop();
    // Restart: a new store connection on the same SQLite file, a new desk, a new outbox.
    await h.world.reopen();
    await h.restartOutbox();
    const [survived] = await h.outbox.listPending();
    expect(survived).toMatchObject({
      key: `${ticket.id}:filed:1`,
      attempts: 1,
      lastError: { code: 'desk_unreachable' },
    });
    // The stored next-attempt time holds across the restart: nothing is due before it.
    expect((await h.outbox.drain()).retried).toBe(0);
    h.world.clock.advance(Date.parse(survived?.nextAttemptAt ?? '') - h.world.clock.now().getTime());
    expect((await h.outbox.drain()).retried).toBe(1);
    expect((await h.outbox.listPending())[0]?.attempts).toBe(2);
    await h.server.up();
    await h.settle();
    expect(h.server.tickets.filter((t) => t.externalId === ticket.id)).toHaveLength(1);
    expect((await h.outbox.get(`${ticket.id}:filed:1`))?.state).toBe('delivered');
  });

  it('the background worker delivers what is filed while it runs', async () => {
    h.outbox.start();
    const ticket = await h.fileTicket();
    await expect.poll(() => h.server.tickets.filter((t) => t.externalId === ticket.id).length).toBe(1);
    await h.outbox.stop();
  });

  it('logs carry codes and keys, never the phone number, email or document links', async () => {
    h.server.failNext({ kind: 'status', status: 500 });
    await h.fileTicket();
    await h.settle();
    const text = h.world.logs.text();
    expect(text).toContain('outbox.retry');
    expect(text).toContain('outbox.delivered');
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('zhangsan@example.com');
    expect(text).not.toContain('files.example.com');
  });
});

describe('parking and the operator routes', () => {
  const TOKEN = 'desk-token-for-outbox-tests-0123';

  async function operatorApi() {
    const app = express();
    app.use('/api/desk/outbox', outboxRoutes({ outbox: h.outbox, deskToken: TOKEN }));
    const running = await startHttpServer(app, 0, '127.0.0.1', { shutdownGraceMs: 200 });
    const call = async (method: string, path: string, token: string | null = TOKEN) => {
      const response = await fetch(`${running.url}/api/desk/outbox${path}`, {
        method,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: response.status, body: (await response.json()) as OperatorAnswer };
    };
    return { call, close: running.close };
  }

  it('parks after the last attempt, shows it, and retries it on request', async () => {
    h.server.failAlways({ kind: 'status', status: 502 });
    const ticket = await h.fileTicket();
    const key = `${ticket.id}:filed:1`;
    await h.settle();
    expect(await h.outbox.listPending()).toEqual([]);
    const [parked] = await h.outbox.listParked();
    expect(parked).toMatchObject({
      key,
      state: 'parked',
      attempts: 4,
      lastError: { code: 'desk_unavailable', status: 502 },
    });

    const api = await operatorApi();
    try {
      const listed = await api.call('GET', '');
      expect(listed.status).toBe(200);
      expect(listed.body.pending).toEqual([]);
      expect(listed.body.parked.map((i) => i.key)).toEqual([key]);
      // Operators see the delivery state, not the ticket's personal data.
      expect(listed.body.parked[0]?.payload).toBeUndefined();
      expect(JSON.stringify(listed.body)).not.toContain(PHONE);

      expect((await api.call('GET', '', null)).status).toBe(401);
      expect((await api.call('POST', `/${encodeURIComponent(key)}/retry`, 'wrong-token-wrong-token')).status).toBe(401);

      h.server.heal();
      const retried = await api.call('POST', `/${encodeURIComponent(key)}/retry`);
      expect(retried.status).toBe(200);
      expect(retried.body.item).toMatchObject({ key, state: 'pending', attempts: 0 });
      expect((await api.call('GET', '')).body.pending.map((i) => i.key)).toEqual([key]);
      await h.outbox.drain();
      expect(h.server.tickets.filter((t) => t.externalId === ticket.id)).toHaveLength(1);

      const again = await api.call('POST', `/${encodeURIComponent(key)}/retry`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('outbox_item_not_parked');
      const unknown = await api.call('POST', '/UB-20990101-0001%3Afiled%3A1/retry');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('outbox_item_not_found');
    } finally {
      await api.close();
    }
  });

  it('a failure retrying cannot fix (400) parks at once', async () => {
    h.server.failNext({ kind: 'status', status: 400 });
    const ticket = await h.fileTicket();
    const summary = await h.outbox.drain();
    expect(summary).toMatchObject({ parked: 1, retried: 0 });
    expect(await h.outbox.listParked()).toMatchObject([
      { key: `${ticket.id}:filed:1`, attempts: 1, lastError: { code: 'desk_rejected', retryable: false } },
    ]);
  });
});
