/**
 * Decisions coming back from the desk: only signed, fresh, untampered callbacks change a ticket,
 * once; everything else is refused and leaves the ticket as it was.
 */
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { computeZendeskSignature, signatureHeader } from '../../src/desk/connectors/signatures.ts';
import { requireBearerToken } from '../../src/http/bearer-auth.ts';
import { deskWebhookRoutes } from '../../src/http/desk-webhook-routes.ts';
import { createErrorHandler, notFoundHandler } from '../../src/http/http-errors.ts';
import { type RunningServer, startHttpServer } from '../../src/http/start-server.ts';
import type { Ticket } from '../../src/validation/ticket.ts';
import { type DeskWorld, openDeskWorld, ticketRequest } from './desk-fixtures.ts';

const SECRET = 'inbound-webhook-secret';
const OLD_SECRET = 'inbound-webhook-secret-old';
const ZENDESK_SECRET = 'zendesk-signing-secret';
let world: DeskWorld;
let server: RunningServer;
let ticket: Ticket;
let n = 0;

beforeAll(async () => {
  world = await openDeskWorld();
  const app = express();
  const deps = { desk: world.desk, store: world.store, clock: world.clock, logger: world.logs.logger };
  app.use(
    '/api/desk',
    deskWebhookRoutes({ ...deps, secrets: { webhook: [SECRET, OLD_SECRET], zendesk: [ZENDESK_SECRET] } }),
  );
  // As in the app: the bearer-protected desk API is mounted after, on the same prefix.
  app.use('/api/desk', requireBearerToken('desk-token-0123456789abcdef'), (_req, res) => void res.json({}));
  app.use(notFoundHandler);
  app.use(createErrorHandler(world.logs.logger, () => 'ref'));
  server = await startHttpServer(app, 0, '127.0.0.1', { shutdownGraceMs: 200 });
});
afterAll(async () => {
  await server.close();
  await world.close();
});
beforeEach(async () => {
  n++;
  ticket = await world.desk.fileTicket(ticketRequest(`conv-${n}`), `confirm-${n}`);
});

/** The answer fields tests read: a success or an error. */
interface Answer {
  ticketId?: string;
  status?: string;
  duplicate?: boolean;
  error: { code: string; fields?: string[] };
}

const nowSeconds = () => Math.floor(world.clock.now().getTime() / 1000);

async function post(path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

function webhook(
  payload: unknown,
  options: { t?: number; secret?: string; send?: string; headers?: Record<string, string> } = {},
) {
  const body = JSON.stringify(payload);
  const header = signatureHeader([options.secret ?? SECRET], options.t ?? nowSeconds(), body);
  return post('/api/desk/webhook', options.send ?? body, { 'x-unbind-signature': header, ...options.headers });
}

function zendesk(payload: unknown, options: { ts?: string; send?: string; headers?: Record<string, string> } = {}) {
  const body = JSON.stringify(payload);
  const ts =
    options.ts ??
    world.clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  const signature = computeZendeskSignature(ZENDESK_SECRET, ts, body);
  return post('/api/desk/zendesk/webhook', options.send ?? body, {
    'x-zendesk-webhook-signature': signature,
    'x-zendesk-webhook-signature-timestamp': ts,
    ...options.headers,
  });
}

async function expectUnchanged() {
  const current = await world.desk.getTicket(ticket.id);
  expect(current?.status).toBe('submitted');
  expect(current?.history).toHaveLength(1);
}

describe('POST /api/desk/webhook', () => {
  it('applies a signed decision, recorded as webhook:<by>', async () => {
    const { status, body } = await webhook({ ticketId: ticket.id, decision: 'approve', by: 'alice' });
    expect(status).toBe(200);
    expect(body).toEqual({ ticketId: ticket.id, status: 'approved', duplicate: false });
    expect((await world.desk.getTicket(ticket.id))?.history.at(-1)).toMatchObject({
      status: 'approved',
      by: 'webhook:alice',
    });
  });

  it('accepts the old secret during a rotation', async () => {
    const { status } = await webhook(
      { ticketId: ticket.id, decision: 'reject', note: '资料不全' },
      { secret: OLD_SECRET },
    );
    expect(status).toBe(200);
    expect((await world.desk.getTicket(ticket.id))?.history.at(-1)?.by).toBe('webhook:desk');
  });

  it.each<[string, { skew?: number; tamper?: boolean; secret?: string }]>([
    ['a stale timestamp', { skew: -301 }],
    ['a future timestamp', { skew: 301 }],
    ['a tampered body', { tamper: true }],
    ['a wrong secret', { secret: 'not-the-secret' }],
  ])('401 for %s, and the ticket is unchanged', async (_label, options) => {
    const payload = { ticketId: ticket.id, decision: 'approve' };
    const { status, body } = await webhook(payload, {
      t: nowSeconds() + (options.skew ?? 0),
      ...(options.secret ? { secret: options.secret } : {}),
      ...(options.tamper ? { send: JSON.stringify({ ticketId: ticket.id, decision: 'reject' }) } : {}),
    });
    expect(status).toBe(401);
    expect(body.error.code).toBe('invalid_signature');
    await expectUnchanged();
  });

  it('401 without a signature (the bearer token does not open this route either)', async () => {
    const body = JSON.stringify({ ticketId: ticket.id, decision: 'approve' });
    const response = await post('/api/desk/webhook', body, { authorization: 'Bearer desk-token-0123456789abcdef' });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_signature');
    await expectUnchanged();
  });

  it('a replayed callback with the same eventId changes nothing and answers 200', async () => {
    const payload = { ticketId: ticket.id, decision: 'request_changes', fields: ['phone'], eventId: 'evt-1' };
    expect((await webhook(payload)).body.duplicate).toBe(false);
    const replay = await webhook(payload);
    expect(replay).toEqual({
      status: 200,
      body: { ticketId: ticket.id, status: 'changes_requested', duplicate: true },
    });
    expect((await world.desk.getTicket(ticket.id))?.history).toHaveLength(2);
  });

  it('dedupes by Idempotency-Key too, and a repeat of a decision already taken is not a conflict', async () => {
    const headers = { 'idempotency-key': `idem-${ticket.id}` };
    await webhook({ ticketId: ticket.id, decision: 'approve' }, { headers });
    expect((await webhook({ ticketId: ticket.id, decision: 'approve' }, { headers })).body.duplicate).toBe(true);
    expect((await webhook({ ticketId: ticket.id, decision: 'approve' })).body.duplicate).toBe(true);
    expect((await world.desk.getTicket(ticket.id))?.history).toHaveLength(2);
  });

  it('409 for a decision the status does not allow, 404 for an unknown ticket', async () => {
    await webhook({ ticketId: ticket.id, decision: 'approve' });
    const conflict = await webhook({ ticketId: ticket.id, decision: 'reject', note: 'x' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('invalid_transition');
    const missing = await webhook({ ticketId: 'UB-20990101-0001', decision: 'approve' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ticket_not_found');
  });

  it('400 for a bad body or unknown fields, after the signature check', async () => {
    const bad = await webhook({ ticketId: ticket.id, decision: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_body', fields: ['decision'] });
    const fields = await webhook({ ticketId: ticket.id, decision: 'request_changes', fields: ['shoeSize'] });
    expect(fields.status).toBe(400);
    expect(fields.body.error.code).toBe('invalid_fields');
    const header = signatureHeader([SECRET], nowSeconds(), 'not json');
    expect((await post('/api/desk/webhook', 'not json', { 'x-unbind-signature': header })).status).toBe(400);
    await expectUnchanged();
  });
});

describe('POST /api/desk/zendesk/webhook', () => {
  it('maps the trigger body to a decision: fields comma-separated, comment as the note', async () => {
    const payload = {
      external_id: ticket.id,
      ticket_id: '1001',
      status: 'pending',
      decision: 'request_changes',
      comment: '请重新上传营业执照',
      fields: 'phone, businessLicense',
      by: 'agent.li',
    };
    const { status, body } = await zendesk(payload);
    expect(status).toBe(200);
    expect(body.status).toBe('changes_requested');
    expect((await world.desk.getTicket(ticket.id))?.history.at(-1)).toMatchObject({
      by: 'zendesk:agent.li',
      note: '请重新上传营业执照',
      fields: ['phone', 'businessLicense'],
    });
  });

  it('empty placeholders count as absent; a re-fired trigger (same invocation id) changes nothing', async () => {
    const payload = { external_id: ticket.id, decision: 'approve', comment: '', fields: '', by: '' };
    const headers = { 'x-zendesk-webhook-invocation-id': `inv-${ticket.id}` };
    expect((await zendesk(payload, { headers })).body).toMatchObject({ status: 'approved', duplicate: false });
    expect((await zendesk(payload, { headers })).body.duplicate).toBe(true);
    const history = (await world.desk.getTicket(ticket.id))?.history;
    expect(history).toHaveLength(2);
    expect(history?.at(-1)?.by).toBe('zendesk:desk');
  });

  it.each<[string, { ts?: string; tamper?: boolean }]>([
    ['stale', { ts: '2026-11-25T01:54:59Z' }],
    ['future', { ts: '2026-11-25T02:05:01Z' }],
    ['tampered', { tamper: true }],
  ])('401 when %s, and the ticket is unchanged', async (_label, options) => {
    const payload = { external_id: ticket.id, decision: 'approve' };
    const { status, body } = await zendesk(payload, {
      ...(options.ts ? { ts: options.ts } : {}),
      ...(options.tamper ? { send: JSON.stringify({ external_id: ticket.id, decision: 'reject' }) } : {}),
    });
    expect(status).toBe(401);
    expect(body.error.code).toBe('invalid_signature');
    await expectUnchanged();
  });
});
