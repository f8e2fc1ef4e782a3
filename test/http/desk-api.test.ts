import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTicket } from '../helpers/fake-router.ts';
import { type ApiBody, DESK_TOKEN, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
const submitted = sampleTicket();
const approved = sampleTicket({ id: 'UB-20261125-0002', conversationId: 'conv-2', status: 'approved' });
const callback = {
  id: 'CB-20261125-0003',
  conversationId: 'conv-3',
  channel: 'webchat',
  userId: 'conv-3',
  locale: 'zh-CN',
  reason: 'asked',
  createdAt: '2026-11-25T09:00:00.000Z',
};

beforeAll(async () => {
  server = await startTestServer({ tickets: [submitted, approved], callbacks: [callback] });
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
    for (const path of ['/api/desk/tickets', '/api/desk/tickets/UB-20261125-0001', '/api/desk/callbacks']) {
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
  it('lists every ticket', async () => {
    const { status, body } = await get('/api/desk/tickets');
    expect(status).toBe(200);
    expect(body.tickets.map((t) => t.id)).toEqual([submitted.id, approved.id]);
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
