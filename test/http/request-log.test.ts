import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESK_TOKEN,
  openConversation,
  startTestServer,
  type TestConversation,
  type TestServer,
} from './http-test-server.ts';

let server: TestServer;
let chat: TestConversation;
beforeAll(async () => {
  server = await startTestServer();
  chat = await openConversation(server);
});
afterAll(() => server.close());

describe('request log', () => {
  it('writes one line per request with method, route pattern, status and duration', async () => {
    await chat.say({ text: '我的电话是13812345678' });
    const events = `${server.url}/api/webchat/conversations/${chat.conversationId}/events?token=${chat.token}`;
    const abort = new AbortController();
    await fetch(events, { signal: abort.signal });
    abort.abort();
    await fetch(`${server.url}/api/desk/tickets/UB-20261125-0042?status=x`, {
      headers: { authorization: `Bearer ${DESK_TOKEN}` },
    });
    const lines = () => server.logs().filter((line) => line.msg === 'http request');
    // A stream is logged when it closes, which may come after the next request's line.
    await expect.poll(() => lines().length).toBe(4);
    const isStream = (line: Record<string, unknown>) => line.route === '/api/webchat/conversations/:id/events';
    expect(lines().find(isStream)).toMatchObject({ method: 'GET', status: 200 });
    expect(lines().filter((line) => !isStream(line))).toEqual([
      expect.objectContaining({ method: 'POST', route: '/api/webchat/conversations', status: 201 }),
      expect.objectContaining({ method: 'POST', route: '/api/webchat/messages', status: 200, ms: expect.any(Number) }),
      expect.objectContaining({ method: 'GET', route: '/api/desk/tickets/:id', status: 404 }),
    ]);
  });

  it('never logs the body, the query string or the token', async () => {
    const text = server.logText();
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('UB-20261125-0042');
    expect(text).not.toContain(DESK_TOKEN);
    expect(text).not.toContain(chat.token);
    expect(text).not.toContain('status=x');
  });
});
