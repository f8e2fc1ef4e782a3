/**
 * What one client may ask of the web chat: messages per conversation and per address, new
 * conversations per address (429, politely, in the merchant's language, nothing changed), and
 * open event streams (a few per conversation, a total per process).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import {
  openConversation,
  postConversation,
  startTestServer,
  type TestConversation,
  type TestServer,
} from './http-test-server.ts';

let server: TestServer | undefined;
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const abort of aborts.splice(0)) abort.abort();
  await server?.close();
  server = undefined;
});

/** Everything stored but the rate counters themselves. */
async function storedState(running: TestServer) {
  const { store } = running.assistant;
  const keys = (await store.keys('')).filter((key) => !key.startsWith('webchat/rate/'));
  return [...(await store.getMany(keys)).entries()];
}

const from = (address: string) => ({ 'x-forwarded-for': address });

describe('the limits are settings', () => {
  it('have defaults, and a bad value stops the start naming the variable', () => {
    const config = loadConfig({}, () => 'generated-token-0123456789');
    expect(config).toMatchObject({
      WEBCHAT_STREAMS_PER_CONVERSATION: 5,
      WEBCHAT_STREAMS_MAX: 1000,
      WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE: 30,
      WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE: 120,
      WEBCHAT_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: 30,
    });
    expect(config.TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '1' }, () => 'x').TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, () => 'x').TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    for (const [name, value] of [
      ['WEBCHAT_STREAMS_MAX', '0'],
      ['WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE', 'many'],
      ['TRUST_PROXY', 'yes;please'],
    ]) {
      expect(() => loadConfig({ [name as string]: value }, () => 'x')).toThrow(ConfigError);
      expect(() => loadConfig({ [name as string]: value }, () => 'x')).toThrow(name);
    }
  });
});

describe('messages per conversation per minute', () => {
  it('over the limit: 429 in the merchant language with Retry-After, the bot not asked, nothing changed', async () => {
    server = await startTestServer({ env: { WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE: '3' } });
    const chat = await openConversation(server, 'en-US');
    for (const text of ['one', 'two', 'three']) expect((await chat.say({ text })).status).toBe(200);
    const before = await storedState(server);

    const over = await chat.say({ text: 'four', messageId: 'm-4' });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    // The page started in English, so the answer is English without a locale in the message.
    expect(over.body.error.message).toMatch(/faster than we can answer/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const zh = await chat.say({ text: 'five', locale: 'zh-CN' });
    expect(zh.body.error.message).toMatch(/您发送消息太快了/);
    expect(server.received.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(await storedState(server)).toEqual(before);

    // Another conversation is not held back by this one.
    expect((await (await openConversation(server)).say({ text: 'hi' })).status).toBe(200);
    // The next minute starts again.
    server.clock.advance(60_000);
    expect((await chat.say({ text: 'six' })).status).toBe(200);
  });
});

describe('messages per client address per minute', () => {
  it('counts every conversation of one address, not other addresses', async () => {
    server = await startTestServer({
      env: { TRUST_PROXY: 'true', WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE: '4' },
    });
    const first = await openConversation(server, undefined, from('203.0.113.7'));
    const second = await openConversation(server, undefined, from('203.0.113.7'));
    const neighbour = await openConversation(server, undefined, from('203.0.113.8'));
    const say = (chat: TestConversation, text: string, address: string) => chat.say({ text }, from(address));
    for (const chat of [first, second, first, second]) expect((await say(chat, 'hi', '203.0.113.7')).status).toBe(200);
    const over = await say(first, 'again', '203.0.113.7');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toMatch(/您发送消息太快了/);
    expect((await say(neighbour, 'hi', '203.0.113.8')).status).toBe(200);
    expect(server.received).toHaveLength(5);
  });

  it('without TRUST_PROXY, X-Forwarded-For is not believed: the connection address counts', async () => {
    server = await startTestServer({ env: { WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE: '2' } });
    const chat = await openConversation(server);
    expect((await chat.say({ text: '1' }, from('198.51.100.1'))).status).toBe(200);
    expect((await chat.say({ text: '2' }, from('198.51.100.2'))).status).toBe(200);
    expect((await chat.say({ text: '3' }, from('198.51.100.3'))).status).toBe(429);
  });
});

describe('new conversations per client address per minute', () => {
  it('429 over the limit, and no conversation is started', async () => {
    server = await startTestServer({ env: { WEBCHAT_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: '2' } });
    await openConversation(server);
    await openConversation(server);
    const before = await storedState(server);
    const over = await postConversation(server, { locale: 'en-US' });
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'too_many_conversations' });
    expect(over.body.error.message).toMatch(/wait a minute/);
    expect(over.body).not.toHaveProperty('token');
    expect(await storedState(server)).toEqual(before);
  });
});

/** Opens a conversation's event stream; resolves once the headers are in. */
async function openStream(running: TestServer, chat: TestConversation) {
  const abort = new AbortController();
  aborts.push(abort);
  const url = `${running.url}/api/webchat/conversations/${chat.conversationId}/events?token=${chat.token}`;
  const response = await fetch(url, { signal: abort.signal });
  let text = '';
  const ended = (async () => {
    if (response.status !== 200) return;
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        text += chunk.value;
      }
    } catch {
      // Aborted by the test.
    }
  })();
  return { response, ended, text: () => text };
}

describe('event streams', () => {
  it('a conversation keeps its newest streams: one over the limit closes the oldest', async () => {
    server = await startTestServer({ env: { WEBCHAT_STREAMS_PER_CONVERSATION: '2' } });
    const chat = await openConversation(server);
    const oldest = await openStream(server, chat);
    const middle = await openStream(server, chat);
    await expect.poll(() => server?.listenerCount(chat.conversationId)).toBe(2);
    const newest = await openStream(server, chat);
    expect(newest.response.status).toBe(200);
    await oldest.ended;
    // Told to wait before reconnecting, so two tabs do not keep closing each other.
    expect(oldest.text()).toMatch(/retry: 60000\n\n$/);
    await expect.poll(() => server?.listenerCount(chat.conversationId)).toBe(2);
    await server.publish(chat.conversationId, { text: '审核通过' });
    for (const stream of [middle, newest]) await expect.poll(stream.text).toContain('审核通过');
  });

  it('over the total: 429 too_many_streams; a closed stream makes room', async () => {
    server = await startTestServer({ env: { WEBCHAT_STREAMS_MAX: '2' } });
    const chats = [await openConversation(server), await openConversation(server), await openConversation(server)];
    const first = await openStream(server, chats[0]!);
    await openStream(server, chats[1]!);
    const third = await openStream(server, chats[2]!);
    expect(third.response.status).toBe(429);
    expect(((await third.response.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
    expect(third.response.headers.get('retry-after')).toBe('30');
    aborts[0]?.abort();
    await first.ended;
    await expect.poll(async () => (await openStream(server!, chats[2]!)).response.status).toBe(200);
  });
});
