import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_TOKEN, postMessage, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('request log', () => {
  it('writes one line per request with method, route pattern, status and duration', async () => {
    await postMessage(server, { conversationId: 'c-1', text: '我的电话是13812345678' });
    await fetch(`${server.url}/api/desk/tickets/UB-20261125-0042?status=x`, {
      headers: { authorization: `Bearer ${DESK_TOKEN}` },
    });
    const lines = server.logs().filter((line) => line.msg === 'http request');
    expect(lines).toEqual([
      expect.objectContaining({ method: 'POST', route: '/api/webchat/messages', status: 200, ms: expect.any(Number) }),
      expect.objectContaining({ method: 'GET', route: '/api/desk/tickets/:id', status: 404 }),
    ]);
  });

  it('never logs the body, the query string or the token', async () => {
    const text = server.logText();
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('UB-20261125-0042');
    expect(text).not.toContain(DESK_TOKEN);
    expect(text).not.toContain('status=x');
  });
});
