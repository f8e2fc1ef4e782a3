/**
 * The Zendesk connector against a local Zendesk-like desk: the create body agents will read,
 * updates through the stored remote id, and the idempotency cases.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, type ExternalDesk } from '../../src/desk/connectors/external-desk.ts';
import { createZendeskDesk, zendeskRemoteId } from '../../src/desk/connectors/zendesk-desk.ts';
import type { TicketEvent } from '../../src/desk/support-desk.ts';
import type { Ticket } from '../../src/validation/ticket.ts';
import { type LocalDeskServer, startLocalDesk, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../helpers/local-desk-server.ts';
import { type DeskWorld, openDeskWorld, PHONE, ticketRequest } from './desk-fixtures.ts';

let world: DeskWorld;
let server: LocalDeskServer;
let zendesk: ExternalDesk;

beforeAll(async () => {
  world = await openDeskWorld();
  server = await startLocalDesk();
  zendesk = createZendeskDesk({
    baseUrl: `${server.url}/`,
    email: ZENDESK_EMAIL,
    apiToken: ZENDESK_TOKEN,
    store: world.store,
    clock: world.clock,
    logger: world.logs.logger,
    customFieldIds: { sn: 360001, merchantNo: 360002, ticketId: 360003 },
    timeoutMs: 2_000,
  });
});
afterAll(async () => {
  await server.close();
  await world.close();
});
afterEach(() => server.heal());

let conversation = 0;
async function fileTicket(): Promise<Ticket> {
  conversation++;
  return world.desk.fileTicket(ticketRequest(`conv-${conversation}`), `confirm-${conversation}`);
}

const created = (ticketId: string) => server.tickets.filter((t) => t.externalId === ticketId);

describe('Zendesk connector: creating the ticket', () => {
  it('POSTs /api/v2/tickets.json with a readable internal note, tags, custom fields and external_id', async () => {
    const ticket = await fileTicket();
    const result = await zendesk.deliver({ type: 'filed', ticket }, `${ticket.id}:filed:1`);
    const post = server.requests.find((r) => r.method === 'POST' && r.path === '/api/v2/tickets.json');
    expect(post?.headers['idempotency-key']).toBe(`${ticket.id}:filed:1`);
    expect(post?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64')}`,
    );
    const body = (post!.json as { ticket: Record<string, unknown> }).ticket;
    expect(body).toMatchObject({
      subject: `POS 解绑申请 ${ticket.id}（SN N5W1234567）`,
      requester: { name: '张三', email: 'zhangsan@example.com' },
      tags: ['pos-unbind', 'relocation_or_closure'],
      custom_fields: [
        { id: 360003, value: ticket.id },
        { id: 360001, value: 'N5W1234567' },
        { id: 360002, value: '102100012345678' },
      ],
      external_id: ticket.id,
    });
    const comment = body.comment as { body: string; public: boolean };
    expect(comment.public).toBe(false);
    // A summary an agent can read: labels the merchant saw, documents as links, no raw JSON.
    expect(comment.body).toContain('设备序列号：N5W1234567');
    expect(comment.body).toContain('解绑原因：搬迁或关店');
    expect(comment.body).toContain(`手机号：${PHONE}`);
    expect(comment.body).toContain('- 营业执照：https://files.example.com/licence.jpg');
    expect(comment.body).toContain('2026-11-25 10:00');
    expect(comment.body).not.toMatch(/[{}"]|outbox:|unbind:/);
    expect(result).toEqual({ remoteId: String(created(ticket.id)[0]?.id) });
    expect(await zendeskRemoteId(world.store, ticket.id)).toBe(result.remoteId);
  });

  it('a repeated delivery creates nothing new', async () => {
    const ticket = await fileTicket();
    const first = await zendesk.deliver({ type: 'filed', ticket }, `${ticket.id}:filed:1`);
    const again = await zendesk.deliver({ type: 'filed', ticket }, `${ticket.id}:filed:1`);
    expect(again).toEqual(first);
    expect(created(ticket.id)).toHaveLength(1);
  });

  it('an answer lost after Zendesk created the ticket: the retry finds it, one ticket', async () => {
    const ticket = await fileTicket();
    // The POST creates the ticket, then the connection is cut before the answer.
    server.failNext({ kind: 'destroy', afterActing: true }, 1, (r) => r.method === 'POST');
    const error = await zendesk.deliver({ type: 'filed', ticket }, `${ticket.id}:filed:1`).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true });
    const result = await zendesk.deliver({ type: 'filed', ticket }, `${ticket.id}:filed:1`);
    expect(created(ticket.id)).toHaveLength(1);
    expect(result.remoteId).toBe(String(created(ticket.id)[0]?.id));
  });

  it('IdempotentRequestError (same key, other body) is not retryable and is logged with its code', async () => {
    const ticket = await fileTicket();
    // Another body already went out under this key (e.g. the configuration changed between attempts).
    await fetch(`${server.url}/api/v2/tickets.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64')}`,
        'idempotency-key': 'reused-key',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ticket: { subject: 'something else', external_id: 'OTHER-1' } }),
    });
    const error = await zendesk.deliver({ type: 'filed', ticket }, 'reused-key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code: 'zendesk_idempotency_mismatch', retryable: false, status: 400 });
    expect(world.logs.lines().some((l) => l.code === 'zendesk.idempotency_mismatch')).toBe(true);
    expect(created(ticket.id)).toHaveLength(0);
  });

  it('422 is not retryable and names Zendesk’s error, nothing more', async () => {
    const ticket = await fileTicket();
    const body = JSON.stringify({ error: 'RecordInvalid', details: { requester: [{ description: PHONE }] } });
    server.failNext({ kind: 'status', status: 422, body }, 1, (r) => r.method === 'POST');
    const error = (await zendesk.deliver({ type: 'filed', ticket }, 'k-422').catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'desk_rejected', retryable: false });
    expect(error.message).toContain('RecordInvalid');
    expect(error.message).not.toContain(PHONE);
  });
});

describe('Zendesk connector: updates', () => {
  it('a decision taken on our side becomes a PUT with an internal note, status and tags', async () => {
    const ticket = await fileTicket();
    const { remoteId } = await zendesk.deliver({ type: 'filed', ticket }, `${ticket.id}:filed:1`);
    const decided = await world.desk.decide(
      ticket.id,
      { decision: 'request_changes', note: '执照照片看不清', fields: ['businessLicense'] },
      'reviewer:li',
    );
    const event: TicketEvent = {
      type: 'decided',
      ticket: decided,
      decision: 'request_changes',
      note: '执照照片看不清',
      fields: ['businessLicense'],
    };
    await zendesk.deliver(event, `${ticket.id}:decided:2`);
    const put = server.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe(`/api/v2/tickets/${remoteId}.json`);
    expect(put?.json).toEqual({
      ticket: {
        comment: {
          body: '已在解绑助手的审核页面要求商户补充：营业执照。\n给商户的说明：执照照片看不清\n操作人：reviewer:li',
          public: false,
        },
        status: 'pending',
        additional_tags: ['unbind-changes-requested'],
        remove_tags: ['unbind-approved', 'unbind-rejected'],
      },
    });
    const remote = server.tickets.find((t) => String(t.id) === remoteId);
    expect(remote?.status).toBe('pending');

    const fields = {
      ...decided.fields,
      documents: { ...decided.fields.documents, businessLicense: 'https://x.example.com/new.jpg' },
    };
    const resubmitted = await world.desk.resubmit(ticket.id, fields, 'merchant:m');
    await zendesk.deliver({ type: 'resubmitted', ticket: resubmitted, changed: ['businessLicense'] }, 'k-re');
    expect(remote?.status).toBe('open');
    expect(remote?.tags).toContain('unbind-resubmitted');
    expect(remote?.tags).not.toContain('unbind-changes-requested');
    expect(remote?.comments.at(-1)).toContain('营业执照：https://x.example.com/new.jpg');
  });

  it('an update before the remote ticket exists is retryable', async () => {
    const ticket = await fileTicket();
    const decided = await world.desk.decide(ticket.id, { decision: 'approve' }, 'reviewer:li');
    const error = await zendesk
      .deliver({ type: 'decided', ticket: decided, decision: 'approve' }, 'k-early')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'remote_ticket_unknown', retryable: true });
  });
});
