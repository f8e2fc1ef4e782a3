/**
 * POST /api/desk/tickets/:id/decision against the real built-in desk: each decision, the body
 * rules, who decided in the audit trail (from the credential, never from a header), and the
 * errors a reviewer can run into.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../src/desk/support-desk.ts';
import { tokenSha256, writeStaffFile } from '../../src/staff/staff-file.ts';
import { sampleRequest } from '../helpers/fake-router.ts';
import { type ApiBody, DESK_TOKEN, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
const events: TicketEvent[] = [];
let filed = 0;

const ZHANG_TOKEN = 'zhang-san-token-0123456789';
const LI_TOKEN = 'li-wei-token-0123456789abc';
const AGENT_ONLY_TOKEN = 'agent-only-token-0123456789';

beforeAll(async () => {
  // 张三 from AGENT_TOKENS (both roles); li.wei (reviewer) and agent.only (agent) from a staff file.
  const staffFile = path.join(mkdtempSync(path.join(tmpdir(), 'desk-staff-')), 'staff.json');
  writeStaffFile(staffFile, {
    staff: [
      { name: 'li.wei', roles: ['reviewer'], tokenSha256: tokenSha256(LI_TOKEN) },
      { name: 'agent.only', roles: ['agent'], tokenSha256: tokenSha256(AGENT_ONLY_TOKEN) },
    ],
  });
  server = await startTestServer({ env: { AGENT_TOKENS: `张三:${ZHANG_TOKEN}`, STAFF_FILE: staffFile } });
  server.desk.onTicketEvent((event) => void events.push(event));
});
afterAll(() => server.close());

/** Files a fresh ticket through the desk, as the form does, and returns its id. */
async function newTicket(): Promise<string> {
  filed += 1;
  const conversationId = `conv-${filed}`;
  return (await server.desk.fileTicket(sampleRequest({ conversationId, userId: conversationId }), conversationId)).id;
}

async function decide(id: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/desk/tickets/${id}/decision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DESK_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ApiBody };
}

const lastEntry = (body: ApiBody) => (body.history as { by: string; note?: string; fields?: string[] }[]).at(-1);

describe('POST /api/desk/tickets/:id/decision', () => {
  it('approves: 200 with the updated ticket, by desk-api with the machine token', async () => {
    const id = await newTicket();
    const { status, body } = await decide(id, { decision: 'approve' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, status: 'approved' });
    expect(lastEntry(body)).toEqual({ at: expect.any(String), status: 'approved', by: 'desk-api' });
    expect(events.at(-1)).toMatchObject({ type: 'decided', decision: 'approve', ticket: { id } });
    expect(await server.desk.getTicket(id)).toEqual(body);
  });

  it('rejects with a note (trimmed)', async () => {
    const id = await newTicket();
    const { status, body } = await decide(id, { decision: 'reject', note: '  营业执照已过期。 ' });
    expect(status).toBe(200);
    expect(body.status).toBe('rejected');
    expect(lastEntry(body)).toMatchObject({ note: '营业执照已过期。' });
  });

  it('requests changes to named fields, each once', async () => {
    const id = await newTicket();
    const fields = ['phone', 'businessLicense', 'phone'];
    const { status, body } = await decide(id, { decision: 'request_changes', note: '请重新上传', fields });
    expect(status).toBe(200);
    expect(body.status).toBe('changes_requested');
    expect(lastEntry(body)).toMatchObject({ note: '请重新上传', fields: ['phone', 'businessLicense'] });
    expect(events.at(-1)).toMatchObject({ decision: 'request_changes', fields: ['phone', 'businessLicense'] });
  });

  it('409 invalid_transition when the ticket is already decided, in the reader language', async () => {
    const id = await newTicket();
    expect((await decide(id, { decision: 'approve' })).status).toBe(200);
    const again = await decide(id, { decision: 'reject', note: 'too late' }, { 'accept-language': 'en-US' });
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'invalid_transition',
      message: expect.stringMatching(/already been decided/),
    });
    expect((await server.desk.getTicket(id))?.status).toBe('approved');
  });

  it('404 ticket_not_found for an unknown ticket', async () => {
    const { status, body } = await decide('UB-20990101-9999', { decision: 'approve' });
    expect(status).toBe(404);
    expect(body.error.code).toBe('ticket_not_found');
    expect(body.error.message).toBe('没有找到这个工单。请确认工单号是否正确。');
  });

  it.each([
    ['no body', '', 'invalid_body', ['decision']],
    ['an unknown decision', { decision: 'maybe' }, 'invalid_body', ['decision']],
    ['reject without a note', { decision: 'reject' }, 'invalid_body', ['note']],
    ['reject with a blank note', { decision: 'reject', note: ' \n ' }, 'invalid_body', ['note']],
    ['a note over 1000 characters', { decision: 'reject', note: 'x'.repeat(1001) }, 'invalid_body', ['note']],
    ['request_changes without a note', { decision: 'request_changes', fields: ['sn'] }, 'invalid_body', ['note']],
    ['approve with fields', { decision: 'approve', fields: ['sn'] }, 'invalid_body', ['fields']],
    ['request_changes without fields', { decision: 'request_changes', note: 'n' }, 'invalid_fields', ['fields']],
    [
      'request_changes with no fields',
      { decision: 'request_changes', note: 'n', fields: [] },
      'invalid_fields',
      ['fields'],
    ],
    [
      'an unknown field',
      { decision: 'request_changes', note: 'n', fields: ['sn', 'password'] },
      'invalid_fields',
      ['fields'],
    ],
  ])('400 for %s, and the ticket is unchanged', async (_label, body, code, fields) => {
    const id = await newTicket();
    const response = await decide(id, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code, fields });
    expect((await server.desk.getTicket(id))?.status).toBe('submitted');
  });

  it('names the fields that may be re-asked when the list is wrong', async () => {
    const id = await newTicket();
    const { body } = await decide(
      id,
      { decision: 'request_changes', note: 'n', fields: ['x'] },
      { 'accept-language': 'en' },
    );
    expect(body.error.message).toContain('sn, merchantNo, deviceCondition');
  });

  it('413 above its 16 KB body limit, and the message says 16 KB, not another route limit', async () => {
    const id = await newTicket();
    const note = 'a'.repeat(17 * 1024);
    const en = await decide(id, { decision: 'reject', note }, { 'accept-language': 'en' });
    expect(en.status).toBe(413);
    expect(en.body.error.code).toBe('payload_too_large');
    expect(en.body.error.message).toContain('the limit is 16 KB');
    expect((await decide(id, { decision: 'reject', note })).body.error.message).toContain('最多 16 KB');
    expect((await server.desk.getTicket(id))?.status).toBe('submitted');
  });

  it('415 for a body that is not application/json, and the ticket is unchanged', async () => {
    const id = await newTicket();
    const response = await decide(id, { decision: 'approve' }, { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
    expect((await server.desk.getTicket(id))?.status).toBe('submitted');
  });

  it('400 invalid_json for broken JSON', async () => {
    expect((await decide(await newTicket(), '{"decision":')).body.error.code).toBe('invalid_json');
  });

  it('401 without the token, before reading the body', async () => {
    const id = await newTicket();
    const response = await fetch(`${server.url}/api/desk/tickets/${id}/decision`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong-token-wrong-token-123', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(401);
    expect((await server.desk.getTicket(id))?.status).toBe('submitted');
  });

  it('DESK_API_TOKEN is the machine: the audit says desk-api, whatever X-Reviewer says', async () => {
    const id = await newTicket();
    const { body } = await decide(id, { decision: 'approve' }, { 'x-reviewer': 'mallory' });
    expect(lastEntry(body)?.by).toBe('desk-api');
  });

  it.each([
    ['AGENT_TOKENS', '张三', ZHANG_TOKEN],
    ['the staff file', 'li.wei', LI_TOKEN],
  ])(
    "a reviewer's own token (%s): the audit names them from the credential, never from X-Reviewer",
    async (_source, name, token) => {
      const id = await newTicket();
      const headers = { authorization: `Bearer ${token}`, 'x-reviewer': encodeURIComponent('mallory') };
      const { status, body } = await decide(id, { decision: 'approve' }, headers);
      expect(status).toBe(200);
      expect(lastEntry(body)?.by).toBe(`reviewer:${name}`);
      const audit = await fetch(`${server.url}/api/desk/audit?ticketId=${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { entries } = (await audit.json()) as ApiBody;
      expect(entries.map((e) => [e.to, e.by])).toEqual([
        ['submitted', `merchant:${(await server.desk.getTicket(id))?.userId}`],
        ['approved', `reviewer:${name}`],
      ]);
    },
  );

  it.each([
    ['an agent without the reviewer role', AGENT_ONLY_TOKEN],
    ["a wrong token as long as a reviewer's", `${LI_TOKEN.slice(0, -1)}${LI_TOKEN.endsWith('x') ? 'y' : 'x'}`],
    ['a reviewer name in X-Reviewer alone', undefined],
  ])('401 for %s, and the ticket is unchanged', async (_case, token) => {
    const id = await newTicket();
    const response = await fetch(`${server.url}/api/desk/tickets/${id}/decision`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-reviewer': 'li.wei',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await server.desk.getTicket(id))?.status).toBe('submitted');
  });
});

describe('GET /api/desk/me', () => {
  const me = async (token: string) => {
    const response = await fetch(`${server.url}/api/desk/me`, {
      headers: { authorization: `Bearer ${token}`, 'x-reviewer': 'mallory' },
    });
    return { status: response.status, body: await response.json() };
  };

  it('says who the token belongs to', async () => {
    expect(await me(ZHANG_TOKEN)).toEqual({ status: 200, body: { name: '张三', roles: ['agent', 'reviewer'] } });
    expect(await me(LI_TOKEN)).toEqual({ status: 200, body: { name: 'li.wei', roles: ['reviewer'] } });
    expect(await me(DESK_TOKEN)).toEqual({ status: 200, body: { name: 'desk-api', roles: [], machine: true } });
    expect((await me(AGENT_ONLY_TOKEN)).status).toBe(401);
  });
});
