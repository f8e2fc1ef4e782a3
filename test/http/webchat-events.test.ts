import { afterEach, describe, expect, it } from 'vitest';
import { openConversation, startTestServer, type TestConversation, type TestServer } from './http-test-server.ts';

let server: TestServer | undefined;
afterEach(() => server?.close());

/** The event stream of a conversation, with its token in the query string as the page sends it. */
const eventsUrl = (chat: TestConversation) =>
  `${server?.url}/api/webchat/conversations/${chat.conversationId}/events?token=${chat.token}`;

/** Opens the event stream and collects its text as it arrives. */
async function openStream(url: string, signal: AbortSignal, headers: Record<string, string> = {}) {
  const response = await fetch(url, { signal, headers });
  let received = '';
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        received += chunk.value;
      }
    } catch {
      // Aborted by the test.
    }
  })();
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 250 && !pattern.test(received); i++) await new Promise((r) => setTimeout(r, 20));
    expect(received).toMatch(pattern);
  };
  return { response, waitFor, done, text: () => received };
}

describe('GET /api/webchat/conversations/:id/events', () => {
  it('streams replies that arrive later as JSON data lines', async () => {
    server = await startTestServer();
    const chat = await openConversation(server);
    const other = await openConversation(server);
    const abort = new AbortController();
    const stream = await openStream(eventsUrl(chat), abort.signal);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await server.waitForListener(chat.conversationId);

    await server.publish(chat.conversationId, { text: '您的工单已通过审核。\n请查收。', suggestedActions: ['谢谢'] });
    await server.publish(other.conversationId, { text: 'not for this conversation' });
    await stream.waitFor(/data: .*审核/);
    const dataLines = stream
      .text()
      .split('\n')
      .filter((line) => line.startsWith('data: '));
    expect(dataLines.map((line) => JSON.parse(line.slice(6)))).toEqual([
      { text: '您的工单已通过审核。\n请查收。', suggestedActions: ['谢谢'] },
    ]);
    abort.abort();
  });

  it('unsubscribes when the client goes away', async () => {
    server = await startTestServer();
    const chat = await openConversation(server);
    const { conversationId } = chat;
    const abort = new AbortController();
    await openStream(eventsUrl(chat), abort.signal);
    await server.waitForListener(conversationId);
    abort.abort();
    for (let i = 0; i < 100 && server.listenerCount(conversationId) > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(server.listenerCount(conversationId)).toBe(0);
  });

  it('sends heartbeat comments', async () => {
    server = await startTestServer({ sseHeartbeatMs: 30 });
    const abort = new AbortController();
    const stream = await openStream(eventsUrl(await openConversation(server)), abort.signal);
    await stream.waitFor(/: heartbeat\n\n/);
    abort.abort();
  });

  it('closing the server ends open streams instead of hanging', async () => {
    server = await startTestServer();
    const chat = await openConversation(server);
    const stream = await openStream(eventsUrl(chat), new AbortController().signal);
    await server.waitForListener(chat.conversationId);
    const started = Date.now();
    await server.close();
    await stream.done;
    // Well under the 500 ms grace period: the stream was ended, not cut off at the deadline.
    expect(Date.now() - started).toBeLessThan(400);
    expect(server.listenerCount(chat.conversationId)).toBe(0);
    server = undefined;
  });

  it('takes the token in the Authorization header too', async () => {
    server = await startTestServer();
    const chat = await openConversation(server);
    const abort = new AbortController();
    const url = `${server.url}/api/webchat/conversations/${chat.conversationId}/events`;
    const stream = await openStream(url, abort.signal, chat.authorization);
    expect(stream.response.status).toBe(200);
    await server.waitForListener(chat.conversationId);
    abort.abort();
  });

  it("401 without a token, with a wrong one and with another conversation's, and nobody listens", async () => {
    server = await startTestServer();
    const chat = await openConversation(server);
    const other = await openConversation(server);
    const base = `${server.url}/api/webchat/conversations/${chat.conversationId}/events`;
    for (const [url, headers] of [
      [base, {}],
      [`${base}?token=${'x'.repeat(43)}`, {}],
      [`${base}?token=${other.token}`, {}],
      [base, other.authorization],
      [`${server.url}/api/webchat/conversations/never-issued/events?token=${chat.token}`, {}],
    ] as const) {
      const response = await fetch(url, { headers });
      expect(response.status, url).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(server.listenerCount(chat.conversationId)).toBe(0);
  });

  it('400 for a conversation id that breaks the rules', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/webchat/conversations/${'x'.repeat(200)}/events`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_conversation_id');
  });
});
