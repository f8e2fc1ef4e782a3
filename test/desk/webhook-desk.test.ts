/**
 * The generic webhook connector against a local desk: what it sends, and how each kind of
 * failure is classified (retry or not, how long to wait).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/desk/connectors/external-desk.ts';
import { parseRetryAfter } from '../../src/desk/connectors/http-delivery.ts';
import { verifySignatureHeader } from '../../src/desk/connectors/signatures.ts';
import { createWebhookDesk } from '../../src/desk/connectors/webhook-desk.ts';
import type { TicketEvent } from '../../src/desk/support-desk.ts';
import { type LocalDeskServer, startLocalDesk } from '../helpers/local-desk-server.ts';
import { type DeskWorld, openDeskWorld, ticketRequest } from './desk-fixtures.ts';

const SECRET = 'outbound-webhook-secret';
let world: DeskWorld;
let server: LocalDeskServer;
let filed: TicketEvent;

beforeAll(async () => {
  world = await openDeskWorld();
  server = await startLocalDesk();
  filed = { type: 'filed', ticket: await world.desk.fileTicket(ticketRequest(), 'confirm-1') };
});
afterAll(async () => {
  await server.close();
  await world.close();
});
afterEach(() => {
  server.heal();
  server.requests.length = 0;
});

const connector = (timeoutMs = 2_000) =>
  createWebhookDesk({ url: `${server.url}/hooks/unbind?token=abc`, secrets: [SECRET], clock: world.clock, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('webhook connector: the request', () => {
  it('POSTs {eventId, event, ticket} with Idempotency-Key and a verifiable signature', async () => {
    const result = await connector().deliver(filed, 'UB-1:filed:1');
    expect(result).toEqual({ remoteId: '1001' });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/unbind?token=abc');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe('UB-1:filed:1');
    expect(request?.json).toEqual({ eventId: 'UB-1:filed:1', event: 'filed', ticket: filed.ticket });
    const header = request?.headers['x-unbind-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const check = verifySignatureHeader(header, {
      body: request?.body ?? '',
      secrets: [SECRET],
      now: world.clock.now(),
    });
    expect(check).toEqual({ ok: true });
  });

  it('sends decisions with their note and fields', async () => {
    const decided: TicketEvent = {
      type: 'decided',
      ticket: filed.ticket,
      decision: 'request_changes',
      fields: ['phone'],
    };
    await connector().deliver(decided, 'k-2');
    expect(server.requests[0]?.json).toMatchObject({
      event: 'decided',
      decision: 'request_changes',
      fields: ['phone'],
    });
  });
});

describe('webhook connector: failures', () => {
  it('5xx is retryable', async () => {
    server.failNext({ kind: 'status', status: 503 });
    const error = await failure(connector().deliver(filed, 'k-503'));
    expect(error).toMatchObject({ code: 'desk_unavailable', retryable: true, status: 503 });
  });

  it('429 with Retry-After seconds is retryable after that long', async () => {
    server.failNext({ kind: 'status', status: 429, retryAfter: '7' });
    const error = await failure(connector().deliver(filed, 'k-429'));
    expect(error).toMatchObject({ code: 'desk_rate_limited', retryable: true, retryAfterMs: 7_000 });
  });

  it('429 with Retry-After as an HTTP date', async () => {
    const at = new Date(world.clock.now().getTime() + 90_000).toUTCString();
    server.failNext({ kind: 'status', status: 429, retryAfter: at });
    const error = await failure(connector().deliver(filed, 'k-429-date'));
    expect(error.retryAfterMs).toBe(90_000);
  });

  it('other 4xx are not retryable', async () => {
    for (const status of [400, 401, 404, 422]) {
      server.failNext({ kind: 'status', status });
      const error = await failure(connector().deliver(filed, `k-${status}`));
      expect(error).toMatchObject({ code: 'desk_rejected', retryable: false, status });
    }
  });

  it('a desk that hangs past the timeout is a retryable timeout', async () => {
    server.failNext({ kind: 'hang' });
    const error = await failure(connector(200).deliver(filed, 'k-hang'));
    expect(error).toMatchObject({ code: 'desk_timeout', retryable: true });
  });

  it('a connection cut without an answer is retryable', async () => {
    server.failNext({ kind: 'destroy' });
    const error = await failure(connector().deliver(filed, 'k-reset'));
    expect(error).toMatchObject({ code: 'desk_unreachable', retryable: true });
  });

  it('a desk that is down is retryable, and the URL (it may hold a token) is not in the message', async () => {
    await server.down();
    try {
      const error = await failure(connector().deliver(filed, 'k-down'));
      expect(error).toMatchObject({ code: 'desk_unreachable', retryable: true });
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain('token=abc');
    } finally {
      await server.up();
    }
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-25T02:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Wed, 25 Nov 2026 02:00:30 GMT', 30_000],
    ['Wed, 25 Nov 2026 01:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s → %s', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
