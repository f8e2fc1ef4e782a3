import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postMessage, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

describe('POST /api/webchat/messages', () => {
  it('hands the message to the router as webchat and returns its replies in order', async () => {
    const { status, body } = await postMessage(server, { conversationId: 'c-1', text: '我要解绑' });
    expect(status).toBe(200);
    expect(body.replies).toEqual([
      { text: '好的，我们开始办理解绑。\n请先阅读隐私说明。' },
      { text: '您同意吗？', suggestedActions: ['同意', '不同意'] },
    ]);
    expect(server.received).toEqual([{ channel: 'webchat', conversationId: 'c-1', userId: 'c-1', text: '我要解绑' }]);
  });

  it('passes userId, locale and messageId through when given', async () => {
    await postMessage(server, { conversationId: 'c-1', userId: 'u-9', text: 'hi', locale: 'en-US', messageId: 'm-1' });
    expect(server.received[0]).toEqual({
      channel: 'webchat',
      conversationId: 'c-1',
      userId: 'u-9',
      text: 'hi',
      locale: 'en-US',
      messageId: 'm-1',
    });
  });

  it('accepts empty text and long text: the bot answers those itself', async () => {
    expect((await postMessage(server, { conversationId: 'c-1', text: '' })).status).toBe(200);
    expect((await postMessage(server, { conversationId: 'c-1', text: '长'.repeat(20_000) })).status).toBe(200);
  });

  it('drops reply fields outside the contract', async () => {
    server.setScript(() => [{ text: 'ok', suggestedActions: [], internal: 'x' } as never]);
    const { body } = await postMessage(server, { conversationId: 'c-1', text: 'x' });
    expect(body.replies).toEqual([{ text: 'ok' }]);
  });

  it('reads a body sent without a JSON content type', async () => {
    const response = await fetch(`${server.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ conversationId: 'c-1', text: 'hi' }),
    });
    expect(response.status).toBe(200);
  });
});

describe('POST /api/webchat/messages: bad requests', () => {
  it('400 invalid_json for JSON that does not parse', async () => {
    const { status, body } = await postMessage(server, '{"conversationId": "c-1", "text": ');
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.message).toMatch(/JSON/);
  });

  it('400 invalid_body naming the missing text', async () => {
    const { status, body } = await postMessage(server, { conversationId: 'c-1' });
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
    const { status, body } = await postMessage(server, { conversationId, text: 'hi' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_body', fields: ['conversationId'] });
  });

  it('400 for an empty body, an array body and an unknown locale', async () => {
    expect((await postMessage(server, '')).status).toBe(400);
    expect((await postMessage(server, [])).status).toBe(400);
    const { body } = await postMessage(server, { conversationId: 'c', text: 'x', locale: 'fr-FR' });
    expect(body.error.fields).toEqual(['locale']);
  });

  it('413 payload_too_large above 64 KiB, 200 just under it', async () => {
    const envelope = JSON.stringify({ conversationId: 'c-1', text: '' }).length;
    const fits = await postMessage(server, { conversationId: 'c-1', text: 'a'.repeat(64 * 1024 - envelope) });
    expect(fits.status).toBe(200);
    const { status, body } = await postMessage(server, { conversationId: 'c-1', text: 'a'.repeat(64 * 1024) });
    expect(status).toBe(413);
    expect(body.error.code).toBe('payload_too_large');
  });
});

describe('error messages speak the request language', () => {
  it('uses zh-CN when nothing says otherwise', async () => {
    const { body } = await postMessage(server, { conversationId: 'c-1' });
    expect(body.error.message).toMatch(/请补全后重新发送/);
  });

  it('uses the locale in the body first', async () => {
    const { body } = await postMessage(server, { conversationId: 'c-1', locale: 'en-US' }, { 'accept-language': 'zh' });
    expect(body.error.message).toMatch(/Please complete it/);
  });

  it('uses Accept-Language when the body has no locale, even for broken JSON', async () => {
    const broken = await postMessage(server, '{', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(broken.body.error.message).toMatch(/not valid JSON/);
    const weighted = await postMessage(server, '{', { 'accept-language': 'en;q=0.4, zh-TW;q=0.8' });
    expect(weighted.body.error.message).toMatch(/不是有效的 JSON/);
  });

  it('413 is localized too', async () => {
    const { body } = await postMessage(
      server,
      { conversationId: 'c', text: 'a'.repeat(70_000) },
      { 'accept-language': 'en' },
    );
    expect(body.error.message).toMatch(/too long: the limit is 64 KB/);
  });
});

describe('unexpected errors', () => {
  it('500 with a polite localized message and a reference, logged with a code, nothing leaked', async () => {
    const { status, body } = await postMessage(server, { conversationId: 'c-1', text: 'boom', locale: 'en-US' });
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
