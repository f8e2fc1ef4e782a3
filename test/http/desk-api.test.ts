import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallbackRequest, DECISIONS } from '../../src/desk/support-desk.ts';
import { TICKET_FIELD_NAMES, TICKET_STATUSES, type Ticket } from '../../src/validation/ticket.ts';
import { sampleRequest } from '../helpers/fake-router.ts';
import { type ApiBody, DESK_TOKEN, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
let submitted: Ticket;
let approved: Ticket;
let callback: CallbackRequest;

beforeAll(async () => {
  server = await startTestServer({
    seed: async (desk, clock) => {
      submitted = await desk.fileTicket(sampleRequest(), 'seed-1');
      clock.advance(60_000);
      const second = await desk.fileTicket(sampleRequest({ conversationId: 'conv-2', userId: 'conv-2' }), 'seed-2');
      clock.advance(60_000);
      approved = await desk.decide(second.id, { decision: 'approve' }, 'reviewer:seed');
      const request = {
        conversationId: 'conv-3',
        channel: 'webchat',
        userId: 'conv-3',
        locale: 'zh-CN',
        reason: 'asked',
      };
      callback = await desk.requestCallback(request, 'seed-callback');
    },
  });
});
afterAll(() => server.close());

async function get(path: string, headers: Record<string, string> = { authorization: `Bearer ${DESK_TOKEN}` }) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ApiBody };
}

describe('desk API authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-123' }],
    ['a token prefix', { authorization: `Bearer ${DESK_TOKEN.slice(0, -1)}` }],
    ['another scheme', { authorization: `Basic ${DESK_TOKEN}` }],
  ])('401 with %s', async (_label, headers) => {
    for (const path of [
      '/api/desk/tickets',
      '/api/desk/tickets/UB-20261125-0001',
      '/api/desk/callbacks',
      '/api/desk/audit',
    ]) {
      const { status, body, headers: responseHeaders } = await get(path, headers);
      expect(status).toBe(401);
      expect(body.error.code).toBe('unauthorized');
      expect(responseHeaders.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('401 message follows Accept-Language', async () => {
    const { body } = await get('/api/desk/tickets', { 'accept-language': 'en-US' });
    expect(body.error.message).toMatch(/Bearer token/);
  });

  it('accepts the scheme in any case', async () => {
    expect((await get('/api/desk/tickets', { authorization: `bearer ${DESK_TOKEN}` })).status).toBe(200);
  });
});

describe('GET /api/desk/tickets', () => {
  it('lists every ticket, as the desk filed and decided them', async () => {
    const { status, body } = await get('/api/desk/tickets');
    expect(status).toBe(200);
    expect(body.tickets).toEqual([submitted, approved]);
    expect(submitted).toMatchObject({ id: 'UB-20261125-0001', status: 'submitted' });
    expect(approved).toMatchObject({ id: 'UB-20261125-0002', status: 'approved' });
  });

  it('filters by conversationId and status', async () => {
    expect((await get('/api/desk/tickets?conversationId=conv-2')).body.tickets).toEqual([approved]);
    expect((await get('/api/desk/tickets?status=submitted')).body.tickets).toEqual([submitted]);
    expect((await get('/api/desk/tickets?conversationId=conv-2&status=submitted')).body.tickets).toEqual([]);
  });

  it('400 invalid_query for an unknown status or a repeated parameter', async () => {
    const bad = await get('/api/desk/tickets?status=done');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_query', fields: ['status'] });
    expect((await get('/api/desk/tickets?status=approved&status=rejected')).status).toBe(400);
  });
});

describe('GET /api/desk/tickets/:id and /api/desk/callbacks', () => {
  it('returns the ticket', async () => {
    const { status, body } = await get(`/api/desk/tickets/${approved.id}`);
    expect(status).toBe(200);
    expect(body).toEqual(approved);
  });

  it('404 ticket_not_found for an unknown id', async () => {
    const { status, body } = await get('/api/desk/tickets/UB-20990101-9999');
    expect(status).toBe(404);
    expect(body.error.code).toBe('ticket_not_found');
  });

  it('lists callback requests', async () => {
    expect((await get('/api/desk/callbacks')).body).toEqual({ callbacks: [callback] });
  });
});

describe('GET /api/desk/audit', () => {
  it("lists one ticket's changes: who, when, from which status to which", async () => {
    const { status, body } = await get(`/api/desk/audit?ticketId=${approved.id}`);
    expect(status).toBe(200);
    expect(body.entries).toEqual([
      { at: '2026-11-25T08:01:00.000Z', ticketId: approved.id, to: 'submitted', by: 'merchant:conv-2' },
      { at: '2026-11-25T08:02:00.000Z', ticketId: approved.id, from: 'submitted', to: 'approved', by: 'reviewer:seed' },
    ]);
  });

  it('lists every ticket without ticketId, and nothing for an unknown ticket', async () => {
    expect((await get('/api/desk/audit')).body.entries.map((e) => `${e.ticketId} ${e.to}`)).toEqual([
      `${submitted.id} submitted`,
      `${approved.id} submitted`,
      `${approved.id} approved`,
    ]);
    expect((await get('/api/desk/audit?ticketId=UB-20990101-9999')).body).toEqual({ entries: [] });
  });

  it('400 invalid_query for a malformed ticketId', async () => {
    const { status, body } = await get('/api/desk/audit?ticketId=../../etc');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_query', fields: ['ticketId'] });
  });
});

describe('desk API answers are never cached', () => {
  it.each([
    ['a list', '/api/desk/tickets', 200],
    ['a ticket', '/api/desk/tickets/UB-20261125-0001', 200],
    ['an unknown ticket', '/api/desk/tickets/UB-20261125-9999', 404],
    ['the audit', '/api/desk/audit', 200],
    ['the outbox', '/api/desk/outbox/proactive', 200],
  ])('Cache-Control: no-store on %s', async (_label, path, status) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('and on a refusal', async () => {
    expect((await get('/api/desk/tickets', {})).headers.get('cache-control')).toBe('no-store');
  });
});

describe("the reviewer's page and its catalogs", () => {
  it('serves /desk/ under the same strict content security policy; /desk redirects there', async () => {
    const page = await fetch(`${server.url}/desk/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('/desk/desk.js');
    const bare = await fetch(`${server.url}/desk`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/desk/');
  });

  it('serves desk.json, and only the label sections of unbind.json, in each language', async () => {
    const read = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as Record<string, never>;
    const [zh, en] = [await read('/locales/zh-CN/desk.json'), await read('/locales/en-US/desk.json')];
    expect(zh.pageTitle).toBe('解绑工单审核台');
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const labels = await read('/locales/en-US/unbind.json');
    expect(Object.keys(labels)).toEqual(['label', 'condition', 'reason']);
    expect(labels.label).toMatchObject({ sn: 'Serial number' });
  });

  it("serves the lists it shares with the server as a module made from the server's own", async () => {
    const response = await fetch(`${server.url}/desk/contract.js`);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const source = await response.text();
    expect(source).toContain(`export const FIELD_NAMES = ${JSON.stringify(TICKET_FIELD_NAMES)};`);
    expect(source).toContain(`export const STATUSES = ${JSON.stringify(TICKET_STATUSES)};`);
    expect(source).toContain(`export const DECISIONS = ${JSON.stringify(DECISIONS)};`);
    expect(source).toContain('export const DECIDABLE = ["submitted","in_review"];');
    expect(source).toContain(
      '"businessLicense","legalRepIdFront","legalRepIdBack","newLegalRepId","guardianId","devicePhoto"',
    );
  });

  it.each(['/locales/fr-FR/desk.json', '/locales/..%2Fzh-CN/unbind.json'])('404 for %s', async (path) => {
    expect((await fetch(`${server.url}${path}`)).status).toBe(404);
  });
});
