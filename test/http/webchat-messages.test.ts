import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openConversation,
  postConversation,
  postMessage,
  startTestServer,
  type TestConversation,
  type TestServer,
} from './http-test-server.ts';

let server: TestServer;
let chat: TestConversation;
beforeEach(async () => {
  server = await startTestServer();
  chat = await openConversation(server);
});
afterEach(() => server.close());

/** Everything stored, to prove a refused request changed nothing. */
async function storedState() {
  const { store } = server.assistant;
  return [...(await store.getMany(await store.keys(''))).entries()];
}

describe('POST /api/webchat/conversations', () => {
  it('201 with a server-issued conversation id and a random token, never cached', async () => {
    const first = await postConversation(server, { locale: 'en-US' });
    const second = await postConversation(server);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/), token: expect.any(String) });
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.body.conversationId).not.toBe(first.body.conversationId);
    expect(second.body.token).not.toBe(first.body.token);
  });

  it('keeps only a hash of the token, under a key of its own', async () => {
    const stored = await server.assistant.store.get<Record<string, unknown>>(
      `webchat/conversations/${chat.conversationId}`,
    );
    expect(stored?.value).toMatchObject({
      tokenHash: createHash('sha256').update(chat.token).digest('hex'),
    });
    expect(JSON.stringify(await storedState())).not.toContain(chat.token);
  });

  it('400 for an unknown locale', async () => {
    const { status, body } = await postConversation(server, { locale: 'fr-FR' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_body', fields: ['locale'] });
  });
});

describe('POST /api/webchat/messages', () => {
  it('hands the message to the router as webchat and returns its replies in order', async () => {
    const { status, body, headers } = await chat.say({ text: '我要解绑' });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body.replies).toEqual([
      { text: '好的，我们开始办理解绑。\n请先阅读隐私说明。' },
      { text: '您同意吗？', suggestedActions: ['同意', '不同意'] },
    ]);
    const { conversationId } = chat;
    expect(server.received).toEqual([{ channel: 'webchat', conversationId, userId: conversationId, text: '我要解绑' }]);
  });

  it('passes userId, locale and messageId through when given', async () => {
    await chat.say({ userId: 'u-9', text: 'hi', locale: 'en-US', messageId: 'm-1' });
    expect(server.received[0]).toEqual({
      channel: 'webchat',
      conversationId: chat.conversationId,
      userId: 'u-9',
      text: 'hi',
      locale: 'en-US',
      messageId: 'm-1',
    });
  });

  it('accepts empty text and long text: the bot answers those itself', async () => {
    expect((await chat.say({ text: '' })).status).toBe(200);
    expect((await chat.say({ text: '长'.repeat(20_000) })).status).toBe(200);
  });

  it('drops reply fields outside the contract', async () => {
    server.setScript(() => [{ text: 'ok', suggestedActions: [], internal: 'x' } as never]);
    const { body } = await chat.say({ text: 'x' });
    expect(body.replies).toEqual([{ text: 'ok' }]);
  });

  it('reads application/json with a charset', async () => {
    const { status } = await chat.say({ text: 'hi' }, { 'content-type': 'application/json; charset=utf-8' });
    expect(status).toBe(200);
  });
});

describe('only JSON bodies are read', () => {
  // A page on another site can POST text/plain or a form here without a CORS preflight.
  it.each([
    ['text/plain (a cross-origin POST with no preflight)', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
    ['no content type', { 'content-type': '' }],
  ])('415 for %s, even with the right token: the router is not called', async (_label, headers) => {
    const before = await storedState();
    const response = await fetch(`${server.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { ...chat.authorization, 'accept-language': 'en', ...headers },
      body: JSON.stringify({ conversationId: chat.conversationId, text: 'hi', messageId: 'm-415' }),
    });
    expect(response.status).toBe(415);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('Content-Type: application/json');
    expect(server.received).toEqual([]);
    expect(await storedState()).toEqual(before);
  });

  it('415 for a conversation asked for as text/plain: none is started', async () => {
    const before = await storedState();
    const { status } = await postConversation(server, '{}', { 'content-type': 'text/plain' });
    expect(status).toBe(415);
    expect(await storedState()).toEqual(before);
  });
});

describe('a conversation belongs to whoever started it', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: `Bearer ${'x'.repeat(43)}` }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('401 with %s: the router is not called and nothing is stored', async (_label, headers) => {
    const before = await storedState();
    const {
      status,
      body,
      headers: responseHeaders,
    } = await postMessage(
      server,
      { conversationId: chat.conversationId, text: '我要解绑', messageId: 'm-401' },
      headers,
    );
    expect(status).toBe(401);
    expect(body.error.code).toBe('unauthorized');
    expect(responseHeaders.get('www-authenticate')).toBe('Bearer');
    expect(server.received).toEqual([]);
    expect(await storedState()).toEqual(before);
  });

  it("401 with another conversation's token, and for a conversation the server never issued", async () => {
    const other = await openConversation(server);
    const before = await storedState();
    const stolen = await postMessage(server, { conversationId: chat.conversationId, text: 'hi' }, other.authorization);
    expect(stolen.status).toBe(401);
    const madeUp = await postMessage(server, { conversationId: 'my-own-id', text: 'hi' }, chat.authorization);
    expect(madeUp.status).toBe(401);
    expect(server.received).toEqual([]);
    expect(await storedState()).toEqual(before);
  });

  it('the same token keeps working, and a new conversation gets a new one', async () => {
    expect((await chat.say({ text: 'one' })).status).toBe(200);
    expect((await chat.say({ text: 'two' })).status).toBe(200);
    const next = await openConversation(server);
    expect((await next.say({ text: 'three' })).status).toBe(200);
    expect(server.received.map((m) => m.conversationId)).toEqual([
      chat.conversationId,
      chat.conversationId,
      next.conversationId,
    ]);
  });
});

describe('POST /api/webchat/messages: bad requests', () => {
  it('400 invalid_json for JSON that does not parse', async () => {
    const { status, body } = await postMessage(server, '{"conversationId": "c-1", "text": ', chat.authorization);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.message).toMatch(/JSON/);
  });

  it('400 invalid_body naming the missing text', async () => {
    const { status, body } = await postMessage(server, { conversationId: chat.conversationId }, chat.authorization);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_body', fields: ['text'] });
    expect(server.received).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with a slash', 'a/b'],
    ['with a space', 'a b'],
    ['not a string', 42],
  ])('400 invalid_body for a conversationId %s', async (_label, conversationId) => {
    const { status, body } = await chat.say({ conversationId, text: 'hi' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_body', fields: ['conversationId'] });
  });

  it.each([
    ['a lone surrogate', 'm-\ud800'],
    ['a NUL', 'm\u00001'],
    ['a space', 'm 1'],
    ['an emoji', 'm-😀'],
    ['a slash', 'm/1'],
    ['an empty string', ''],
    ['129 characters', 'm'.repeat(129)],
    ['a number', 7],
  ])('400 invalid_body for a messageId with %s, and nothing reaches storage', async (_label, messageId) => {
    const before = await storedState();
    const { status, body } = await chat.say({ text: 'hi', messageId });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_body', fields: ['messageId'] });
    expect(server.received).toEqual([]);
    expect(await storedState()).toEqual(before);
  });

  it('accepts printable ids up to 128 characters: UUIDs, colons, dots', async () => {
    for (const messageId of ['6f1c2a4e-8b1d-4c55-9a3e-0d2f1b7c9e10', 'wx:msg.123_A', 'm'.repeat(128)]) {
      expect((await chat.say({ text: 'hi', messageId })).status).toBe(200);
    }
  });

  it.each([
    ['userId', { userId: 'u\u0000' }],
    ['userId', { userId: 'u-\udc00' }],
    ['text', { text: 'hello\u0000' }],
    ['text', { text: '半个\ud83d' }],
  ])('400 invalid_body for a %s with a NUL or a lone surrogate', async (field, fields) => {
    const before = await storedState();
    const { status, body } = await chat.say({ text: 'hi', ...fields });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_body', fields: [field] });
    expect(server.received).toEqual([]);
    expect(await storedState()).toEqual(before);
  });

  it('400 for an empty body, an array body and an unknown locale', async () => {
    expect((await postMessage(server, '', chat.authorization)).status).toBe(400);
    expect((await postMessage(server, [], chat.authorization)).status).toBe(400);
    const { body } = await chat.say({ text: 'x', locale: 'fr-FR' });
    expect(body.error.fields).toEqual(['locale']);
  });

  it('413 payload_too_large above 64 KiB, 200 just under it', async () => {
    const envelope = JSON.stringify({ conversationId: chat.conversationId, text: '' }).length;
    const fits = await chat.say({ text: 'a'.repeat(64 * 1024 - envelope) });
    expect(fits.status).toBe(200);
    const { status, body } = await chat.say({ text: 'a'.repeat(64 * 1024) });
    expect(status).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
  });
});

describe('error messages speak the request language', () => {
  it('uses zh-CN when nothing says otherwise', async () => {
    const { body } = await chat.say({ text: undefined });
    expect(body.error.message).toMatch(/请补全后重新发送/);
  });

  it('uses the locale in the body first', async () => {
    const { body } = await chat.say({ locale: 'en-US' }, { 'accept-language': 'zh' });
    expect(body.error.message).toMatch(/Please complete it/);
  });

  it('uses Accept-Language when the body has no locale, even for broken JSON', async () => {
    const broken = await postMessage(server, '{', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(broken.body.error.message).toMatch(/not valid JSON/);
    const weighted = await postMessage(server, '{', { 'accept-language': 'en;q=0.4, zh-TW;q=0.8' });
    expect(weighted.body.error.message).toMatch(/不是有效的 JSON/);
  });

  it('413 is localized too', async () => {
    const { body } = await chat.say({ text: 'a'.repeat(70_000) }, { 'accept-language': 'en' });
    expect(body.error.message).toMatch(/too long: the limit is 64 KB/);
  });
});

describe('unexpected errors', () => {
  it('500 with a polite localized message and a reference, logged with a code, nothing leaked', async () => {
    const { status, body } = await chat.say({ text: 'boom', locale: 'en-US' });
    expect(status).toBe(500);
    expect(body.error).toEqual({
      code: 'internal_error',
      message: expect.stringMatching(/^Sorry, something went wrong.*reference ref-1\.$/),
      reference: 'ref-1',
    });
    expect(JSON.stringify(body)).not.toMatch(/13812345678|scripted failure|at .*\.ts/);
    const logged = server.logs().find((line) => line.code === 'http.unhandled');
    expect(logged).toMatchObject({ level: 'error', reference: 'ref-1' });
    expect(server.logText()).not.toContain('13812345678');
  });
});
