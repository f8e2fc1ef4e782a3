/**
 * A hostile client opens 2,000 event streams (400 conversations × 5, the per-conversation
 * limit) at once. With the default cap of 1,000 streams, the rest get 429, and a merchant's
 * message is still answered. This tests behaviour under the cap, not speed: the time is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConversation, startTestServer, type TestConversation, type TestServer } from './http-test-server.ts';

const CONVERSATIONS = 400;
const STREAMS_PER_CONVERSATION = 5;

let server: TestServer;
const abort = new AbortController();
/**
 * The open streams' responses, held until the end: fetch closes the connection of a response
 * that is garbage-collected unread, which would make room under the cap mid-test.
 */
const held: Response[] = [];

beforeAll(async () => {
  // Only the stream limits stay at their defaults; the flood's 400 conversations need room.
  server = await startTestServer({ env: { WEBCHAT_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: '1000' } });
});
afterAll(async () => {
  abort.abort();
  await server?.close();
});

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return results;
}

describe('2,000 event streams from one client', () => {
  it('get 1,000 streams and 1,000 × 429; a chat message is still answered', async () => {
    const chats = await inBatches(
      Array.from({ length: CONVERSATIONS }, (_, i) => i),
      50,
      () => openConversation(server),
    );
    const streams = chats.flatMap((chat) => Array.from({ length: STREAMS_PER_CONVERSATION }, () => chat));
    const open = async (chat: TestConversation) => {
      const url = `${server.url}/api/webchat/conversations/${chat.conversationId}/events?token=${chat.token}`;
      const response = await fetch(url, { signal: abort.signal });
      // A refused stream's body is read to the end; an open one is left open.
      if (response.status === 200) held.push(response);
      else await response.arrayBuffer();
      return response.status;
    };
    const statuses = await inBatches(streams, 250, open);
    const counts = Object.fromEntries([200, 429].map((code) => [code, statuses.filter((s) => s === code).length]));
    expect(counts).toEqual({ 200: 1000, 429: 1000 });
    expect(statuses).toHaveLength(2000);

    const merchant = await openConversation(server);
    const started = performance.now();
    const { status, body } = await merchant.say({ text: '我要解绑' });
    const ms = performance.now() - started;
    expect(status).toBe(200);
    expect(body.replies).toEqual(expect.arrayContaining([expect.objectContaining({ text: expect.any(String) })]));
    console.log(`with 1,000 streams open and 1,000 refused, a message was answered in ${ms.toFixed(1)} ms`);
    expect(held).toHaveLength(1000);
    // And the server still holds them all open.
    const listening = chats.reduce((sum, chat) => sum + server.listenerCount(chat.conversationId), 0);
    expect(listening).toBe(1000);
  });
});
