import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer | undefined;
afterEach(() => server?.close());

/** Opens the event stream and collects its text as it arrives. */
async function openStream(url: string, signal: AbortSignal) {
  const response = await fetch(url, { signal });
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
    const abort = new AbortController();
    const stream = await openStream(`${server.url}/api/webchat/conversations/c-7/events`, abort.signal);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await server.waitForListener('c-7');

    await server.publish('c-7', { text: '您的工单已通过审核。\n请查收。', suggestedActions: ['谢谢'] });
    await server.publish('other', { text: 'not for this conversation' });
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
    const abort = new AbortController();
    await openStream(`${server.url}/api/webchat/conversations/c-8/events`, abort.signal);
    await server.waitForListener('c-8');
    abort.abort();
    for (let i = 0; i < 100 && server.listenerCount('c-8') > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.listenerCount('c-8')).toBe(0);
  });

  it('sends heartbeat comments', async () => {
    server = await startTestServer({ sseHeartbeatMs: 30 });
    const abort = new AbortController();
    const stream = await openStream(`${server.url}/api/webchat/conversations/c-9/events`, abort.signal);
    await stream.waitFor(/: heartbeat\n\n/);
    abort.abort();
  });

  it('closing the server ends open streams instead of hanging', async () => {
    server = await startTestServer();
    const stream = await openStream(
      `${server.url}/api/webchat/conversations/c-10/events`,
      new AbortController().signal,
    );
    await server.waitForListener('c-10');
    const started = Date.now();
    await server.close();
    await stream.done;
    // Well under the 500 ms grace period: the stream was ended, not cut off at the deadline.
    expect(Date.now() - started).toBeLessThan(400);
    expect(server.listenerCount('c-10')).toBe(0);
    server = undefined;
  });

  it('400 for a conversation id that breaks the rules', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/webchat/conversations/${'x'.repeat(200)}/events`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_conversation_id');
  });
});
