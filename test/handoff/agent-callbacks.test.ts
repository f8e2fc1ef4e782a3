/**
 * Call-back requests for agents, on the real server over HTTP: listed open first (agent token
 * only), closed with who and when from the token, idempotently; an unknown or malformed id is
 * refused and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../helpers/real-server.ts';
import { TEST_START } from '../helpers/test-assistant.ts';

const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';

let server: RealServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function call(method: string, route: string, token?: string) {
  const response = await fetch(`${server?.url}${route}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function seed(running: RealServer, conversationId: string, phone?: string) {
  return running.assistant.desk.requestCallback(
    {
      conversationId,
      channel: 'webchat',
      userId: conversationId,
      locale: 'zh-CN',
      reason: 'asked',
      ...(phone ? { phone } : {}),
    },
    `seed-${conversationId}`,
  );
}

describe('call-back requests for agents', () => {
  it('lists them for agents only, open first; closing records who and when, once', async () => {
    server = await startRealServer({ AGENT_TOKENS: `alice:${ALICE},bob:${BOB}` });
    const first = await seed(server, 'conv-1', '13812345678');
    const second = await seed(server, 'conv-2');
    expect((await call('GET', '/api/agent/callbacks')).status).toBe(401);
    expect((await call('GET', '/api/agent/callbacks', 'real-server-desk-token-0123456789')).status).toBe(401);
    expect((await call('POST', `/api/agent/callbacks/${first.id}/close`)).status).toBe(401);

    const listed = await call('GET', '/api/agent/callbacks', ALICE);
    expect(listed.body.callbacks.map((c: { id: string }) => c.id)).toEqual([first.id, second.id]);
    expect(listed.body.callbacks[0]).toMatchObject({ phone: '13812345678', reason: 'asked', locale: 'zh-CN' });

    const closed = await call('POST', `/api/agent/callbacks/${first.id}/close`, ALICE);
    expect(closed).toEqual({
      status: 200,
      body: { callback: { ...first, closedAt: TEST_START.toISOString(), closedBy: 'agent:alice' } },
    });
    // Again, by someone else: it stays closed as it was first.
    expect((await call('POST', `/api/agent/callbacks/${first.id}/close`, BOB)).body.callback.closedBy).toBe(
      'agent:alice',
    );
    const after = await call('GET', '/api/agent/callbacks', BOB);
    expect(after.body.callbacks.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
    expect((await server.assistant.desk.listCallbacks()).find((c) => c.id === first.id)?.closedBy).toBe('agent:alice');
  });

  it('an unknown id is 404, a malformed one 400; nothing changes', async () => {
    server = await startRealServer({ AGENT_TOKENS: `alice:${ALICE}` });
    const open = await seed(server, 'conv-3');
    expect((await call('POST', '/api/agent/callbacks/CB-20261125-9999/close', ALICE)).status).toBe(404);
    expect((await call('POST', '/api/agent/callbacks/..%2Fticket/close', ALICE)).status).toBe(400);
    expect(await server.assistant.desk.listCallbacks()).toEqual([open]);
  });

  it('two agents closing at once: one stored close, both answered with it', async () => {
    server = await startRealServer({ AGENT_TOKENS: `alice:${ALICE},bob:${BOB}` });
    const request = await seed(server, 'conv-4');
    const answers = await Promise.all([
      call('POST', `/api/agent/callbacks/${request.id}/close`, ALICE),
      call('POST', `/api/agent/callbacks/${request.id}/close`, BOB),
    ]);
    const [stored] = await server.assistant.desk.listCallbacks();
    expect(answers.map((answer) => answer.body.callback)).toEqual([stored, stored]);
    expect(['agent:alice', 'agent:bob']).toContain(stored?.closedBy);
  });
});
