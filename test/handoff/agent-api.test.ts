/**
 * The agent API on the real server (createServer: bot, SQLite, channels, HTTP), over HTTP: tokens
 * per agent (401 without), the queue, claim (409 with the owner), a conversation's transcript and
 * answers, an agent's message reaching the merchant in web chat (its event stream) and in WeChat
 * (the local stand-in of WeChat's API), fields, hand back, close, the agents' event stream.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../helpers/real-server.ts';
import { TEST_START } from '../helpers/test-assistant.ts';
import { postToWechat, startWechatStandIn, type WechatStandIn } from '../helpers/wechat-stand-in.ts';

const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';
const AGENT_ENV = { AGENT_TOKENS: `alice:${ALICE},bob:${BOB}` };

let server: RealServer | undefined;
let standIn: WechatStandIn | undefined;
beforeEach(() => {
  server = undefined;
  standIn = undefined;
});
afterEach(async () => {
  await server?.close();
  await standIn?.close();
});

async function call(method: string, route: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server?.url}${route}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function webchat() {
  const started = await call('POST', '/api/webchat/conversations', { body: {} });
  const { conversationId, token } = started.body as { conversationId: string; token: string };
  const say = async (text: string) => {
    const response = await fetch(`${server?.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ conversationId, text }),
    });
    return ((await response.json()) as { replies: { text: string }[] }).replies.map((r) => r.text);
  };
  return { conversationId, token, say };
}

/** Reads an event stream as it arrives. */
async function openStream(url: string, signal: AbortSignal, headers: Record<string, string> = {}) {
  const response = await fetch(url, { signal, headers });
  let received = '';
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
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
  return { response, waitFor, text: () => received };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the agent API', () => {
  it('401 without an agent token, with a wrong one, or with the desk token', async () => {
    server = await startRealServer(AGENT_ENV);
    for (const token of [undefined, 'wrong-token-0123456789', 'real-server-desk-token-0123456789']) {
      const answer = await call('GET', '/api/agent/queue', token ? { token } : {});
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    expect((await call('POST', '/api/agent/conversations/x/claim')).status).toBe(401);
    expect((await fetch(`${server.url}/api/agent/events?token=nope`)).status).toBe(401);
  });

  it('queue, claim (409 with the owner), transcript and answers, a message to web chat, hand back', async () => {
    server = await startRealServer(AGENT_ENV);
    const merchant = await webchat();
    for (const text of ['我要解绑', '同意', 'N5W1234567']) await merchant.say(text);
    expect((await merchant.say('人工')).join()).toContain('排在第 1 位');

    const queue = await call('GET', '/api/agent/queue', { token: ALICE });
    expect(queue).toEqual({
      status: 200,
      body: {
        conversations: [
          {
            conversationId: merchant.conversationId,
            channel: 'webchat',
            locale: 'zh-CN',
            waitingSince: TEST_START.toISOString(),
            reason: 'asked',
            owner: 'queued',
          },
        ],
      },
    });
    // Written while no agent is connected: all there when one connects.
    expect(await merchant.say('有人在吗')).toEqual([]);
    expect(await merchant.say('我的商户号是102100012345678')).toEqual([]);

    const path = `/api/agent/conversations/${merchant.conversationId}`;
    expect(await call('POST', `${path}/claim`, { token: ALICE })).toEqual({
      status: 200,
      body: { owner: 'agent:alice' },
    });
    const taken = await call('POST', `${path}/claim`, { token: BOB });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'already_claimed' }, owner: 'agent:alice' });
    expect(taken.body.error.message).toContain('agent:alice');

    const view = await call('GET', `${path}?channel=webchat`, { token: BOB });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      address: { channel: 'webchat', conversationId: merchant.conversationId },
      owner: 'agent:alice',
      answers: { sn: 'N5W1234567', consent: true },
    });
    const merchantLines = view.body.transcript.filter((e: { author: string }) => e.author === 'merchant');
    expect(merchantLines.map((e: { text: string }) => e.text)).toEqual([
      '我要解绑',
      '同意',
      'N5W1234567',
      '人工',
      '有人在吗',
      '我的商户号是102100012345678',
    ]);

    // The merchant's page listens; the agent writes.
    const abort = new AbortController();
    const page = await openStream(
      `${server.url}/api/webchat/conversations/${merchant.conversationId}/events?token=${merchant.token}&after=0`,
      abort.signal,
    );
    await page.waitFor(/客服 alice 已接入/);
    expect((await call('POST', `${path}/messages`, { token: BOB, body: { text: '我来' } })).status).toBe(409);
    expect((await call('POST', `${path}/messages`, { token: ALICE, body: { text: '  ' } })).status).toBe(400);
    const sent = await call('POST', `${path}/messages`, { token: ALICE, body: { text: '您好，商户号已收到。' } });
    expect(sent).toMatchObject({ status: 201, body: { message: { author: 'agent:alice', channel: 'webchat' } } });
    await page.waitFor(/您好，商户号已收到。/);

    const filled = await call('POST', `${path}/fields`, {
      token: ALICE,
      body: { name: 'merchantNo', value: '102100012345678' },
    });
    expect(filled).toMatchObject({ status: 200, body: { answers: { merchantNo: '102100012345678' } } });
    const wrong = await call('POST', `${path}/fields`, { token: ALICE, body: { name: 'merchantNo', value: '12' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_field_value');

    expect(await call('POST', `${path}/handback`, { token: ALICE })).toEqual({ status: 200, body: { owner: 'bot' } });
    await page.waitFor(/交回给智能助手[\s\S]*这台设备现在的状态/);
    abort.abort();
    expect((await merchant.say('1')).join()).toContain('原因');
    expect((await call('POST', `${path}/close`, { token: ALICE })).status).toBe(409);
    expect((await call('GET', '/api/agent/conversations/nobody', { token: ALICE })).status).toBe(404);
  });

  it("the agents' event stream: the queue first, then merchants' messages and queue changes", async () => {
    server = await startRealServer(AGENT_ENV);
    const abort = new AbortController();
    const events = await openStream(`${server.url}/api/agent/events?token=${ALICE}`, abort.signal);
    expect(events.response.status).toBe(200);
    await events.waitFor(/"type":"queue","conversations":\[\]/);
    const merchant = await webchat();
    await merchant.say('人工');
    await events.waitFor(/"type":"queued"/);
    await merchant.say('在吗');
    await events.waitFor(/"author":"merchant","channel":"webchat","text":"在吗"/);
    await call('POST', `/api/agent/conversations/${merchant.conversationId}/claim`, { token: BOB });
    await events.waitFor(/"type":"owner".*"owner":"agent:bob"/);
    abort.abort();
  });

  it("an agent's message reaches a merchant in WeChat, through WeChat's API (stand-in)", async () => {
    standIn = await startWechatStandIn();
    const token = 'channelToken42';
    server = await startRealServer({
      ...AGENT_ENV,
      WECHAT_TOKEN: token,
      WECHAT_APP_ID: 'wx0123456789abcdef',
      WECHAT_APP_SECRET: 'app-secret-for-tests',
      WECHAT_API_BASE: standIn.url,
      WECHAT_REPLY_WAIT_MS: '200',
    });
    const openId = 'oHANDOFF0123456789abcdefghij';
    const nowS = Math.floor(TEST_START.getTime() / 1000);
    const say = (content: string, msgId: string) =>
      postToWechat(
        server!.url,
        { token },
        { FromUserName: openId, CreateTime: nowS, MsgType: 'text', Content: content, MsgId: msgId },
        { timestamp: nowS },
      );
    expect((await say('人工', '1001')).text).toContain('排在第 1 位');
    const queue = await call('GET', '/api/agent/queue', { token: ALICE });
    expect(queue.body.conversations[0]).toMatchObject({ channel: 'wechat', conversationId: openId });
    const path = `/api/agent/conversations/${openId}`;
    expect((await call('POST', `${path}/claim`, { token: ALICE })).status).toBe(200);
    await call('POST', `${path}/messages`, { token: ALICE, body: { text: '您好，我是客服 alice。' } });
    await until(() => standIn!.textsTo(openId).includes('您好，我是客服 alice。'));
    expect(standIn.textsTo(openId).filter((text) => text === '您好，我是客服 alice。')).toHaveLength(1);
    expect(standIn.textsTo(openId)).toContain('客服 alice 已接入，接下来由客服为您服务。');
    // The merchant's answer from WeChat is in the transcript, the bot silent.
    await say('好的，谢谢', '1002');
    const view = await call('GET', `${path}?channel=wechat`, { token: ALICE });
    expect(view.body.transcript.at(-1)).toMatchObject({ author: 'merchant', channel: 'wechat', text: '好的，谢谢' });
  });
});
