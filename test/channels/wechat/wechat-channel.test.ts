/**
 * The WeChat channel over HTTP, in-process, with a scripted bot behind the real turn pipeline
 * and storage: verification, refusals (nothing stored, nothing sent), passive and late answers,
 * retries, numbered choices, long replies, tokens. The whole product through `npm start` is in
 * test/process/wechat.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProactiveMessage } from '../../../src/channels/channel.ts';
import { wechatSignature } from '../../../src/channels/wechat/wechat-crypto.ts';
import type { OutboundReply } from '../../../src/conversation/messages.ts';
import type { Turn } from '../../../src/conversation/pipeline/turn-pipeline.ts';
import { startHttpServer } from '../../../src/http/start-server.ts';
import { createFixedClock, createSequentialIds } from '../../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { createServer } from '../../../src/server.ts';
import type { VersionedStore } from '../../../src/storage/versioned-store.ts';
import { TEST_START } from '../../helpers/test-assistant.ts';
import {
  postToWechat,
  startWechatStandIn,
  type WechatAccount,
  type WechatStandIn,
} from '../../helpers/wechat-stand-in.ts';

const TOKEN = 'channelToken42';
const AES = { key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wx0123456789abcdef' };
const NOW_S = Math.floor(TEST_START.getTime() / 1000);
const OPENID = 'oABCDEFGHIJKLMNOPQRSTUVWXYZ1';

let standIn: WechatStandIn;
let dir: string;
let running: {
  url: string;
  store: VersionedStore;
  advance(ms: number): void;
  send: (address: { channel: string; conversationId: string }, messages: ProactiveMessage[]) => Promise<void>;
  close(): Promise<void>;
};
let turns: Turn[];
/** What the scripted bot answers to a text. */
let script: (text: string) => Promise<OutboundReply[]>;

async function start(env: Record<string, string> = {}) {
  dir = mkdtempSync(path.join(tmpdir(), 'wechat-channel-'));
  const config = loadConfig(
    {
      DESK_API_TOKEN: 'wechat-channel-desk-token-0123',
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'test.sqlite')}`,
      WECHAT_TOKEN: TOKEN,
      WECHAT_APP_ID: AES.appId,
      WECHAT_APP_SECRET: 'app-secret-for-tests',
      WECHAT_ENCODING_AES_KEY: AES.key,
      WECHAT_API_BASE: standIn.url,
      WECHAT_REPLY_WAIT_MS: '200',
      ...env,
    },
    () => '',
  );
  const clock = createFixedClock(TEST_START);
  const server = await createServer({
    config,
    logger: createLogger('silent'),
    clock,
    ids: createSequentialIds('run'),
    runTurn: async (turn) => {
      turns.push(turn);
      return script(turn.message.text);
    },
  });
  const http = await startHttpServer(server.app, 0, '127.0.0.1', { shutdownGraceMs: 200 });
  running = {
    url: http.url,
    store: server.assistant.store,
    advance: (ms) => clock.advance(ms),
    send: (address, messages) => server.assistant.channels.get('wechat')!.send(address, messages),
    close: async () => {
      await http.close();
      await server.close();
    },
  };
}

beforeEach(async () => {
  turns = [];
  script = async (text) => [{ text: `echo: ${text}` }];
  standIn = await startWechatStandIn();
});

afterEach(async () => {
  await running?.close();
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

const plain: WechatAccount = { token: TOKEN };
const safe: WechatAccount = { token: TOKEN, aes: AES };
const text = (content: string, msgId: string) => ({
  FromUserName: OPENID,
  CreateTime: NOW_S,
  MsgType: 'text',
  Content: content,
  MsgId: msgId,
});
const send = (fields: Record<string, string | number>, account = plain, options = {}) =>
  postToWechat(running.url, account, fields, { timestamp: NOW_S, ...options });

async function storedKeys(): Promise<string[]> {
  return running.store.keys('');
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WeChat: verification and refusals', () => {
  it('answers the URL verification with echostr, and 401 for a wrong signature', async () => {
    await start();
    const nonce = '12345';
    const ok = new URLSearchParams({
      signature: wechatSignature(TOKEN, String(NOW_S), nonce),
      timestamp: String(NOW_S),
      nonce,
      echostr: '9876543210',
    });
    const good = await fetch(`${running.url}/wechat?${ok}`);
    expect([good.status, await good.text()]).toEqual([200, '9876543210']);
    ok.set('signature', wechatSignature('other', String(NOW_S), nonce));
    expect((await fetch(`${running.url}/wechat?${ok}`)).status).toBe(401);
  });

  it('bad signatures, stale timestamps, malformed, entity-laden and oversized XML: 401/400/413, nothing stored or sent', async () => {
    await start();
    const before = await storedKeys();
    const message = text('我要解绑', '1001');
    expect((await send(message, plain, { signature: 'f'.repeat(40) })).status).toBe(401);
    expect((await send(message, plain, { timestamp: NOW_S - 301 })).status).toBe(401);
    expect((await send(message, plain, { timestamp: NOW_S + 301 })).status).toBe(401);
    expect((await send(message, plain, { rawBody: '<xml><FromUserName>oops</xml>' })).status).toBe(400);
    expect((await send(message, plain, { rawBody: 'not xml at all' })).status).toBe(400);
    const xxe = `<!DOCTYPE xml [<!ENTITY x "${'a'.repeat(10)}">]><xml><FromUserName>&x;</FromUserName></xml>`;
    expect((await send(message, plain, { rawBody: xxe })).status).toBe(400);
    expect(
      (await send(message, plain, { rawBody: `<xml><Content>${'x'.repeat(70_000)}</Content></xml>` })).status,
    ).toBe(413);
    // Well-formed XML that is not a message (no sender): 400.
    expect((await send({ MsgType: 'text', Content: 'hi' })).status).toBe(400);
    // Safe mode: a wrong msg_signature, and a ciphertext for another AppID.
    const forged = await postToWechat(running.url, safe, message, {
      timestamp: NOW_S,
      rawBody: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>',
    });
    expect(forged.status).toBe(400);
    const otherApp = await send(message, { token: TOKEN, aes: { key: AES.key, appId: 'wx9999999999999999' } });
    expect(otherApp.status).toBe(400);
    expect(await storedKeys()).toEqual(before);
    expect(turns).toHaveLength(0);
    expect(standIn.calls).toHaveLength(0);
  });

  it('refuses an encrypted message whose msg_signature is wrong', async () => {
    await start();
    const answer = await postToWechat(running.url, { token: TOKEN, aes: AES }, text('hi', '1002'), {
      timestamp: NOW_S,
      // Signed as plaintext, but a different Encrypt body: the msg_signature cannot match.
      rawBody:
        '<xml><Encrypt><![CDATA[jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==]]></Encrypt></xml>',
    });
    expect(answer.status).toBe(400);
  });
});

describe('WeChat: messages', () => {
  it('a text message reaches the router with its MsgId as a string and is answered passively, in both modes', async () => {
    await start();
    for (const [account, msgId] of [
      [plain, '6054768590064713728'],
      [safe, '6054768590064713729'],
    ] as const) {
      const answer = await send(text('你好', msgId), account);
      expect(answer.status).toBe(200);
      expect(answer.reply).toMatchObject({
        ToUserName: OPENID,
        FromUserName: 'gh_test',
        MsgType: 'text',
        Content: 'echo: 你好',
      });
    }
    expect(turns.map((t) => t.message)).toEqual([
      expect.objectContaining({
        channel: 'wechat',
        conversationId: OPENID,
        userId: OPENID,
        messageId: '6054768590064713728',
      }),
      expect.objectContaining({ messageId: '6054768590064713729' }),
    ]);
  });

  it("WeChat's three retries and a replayed request are processed once and answered alike", async () => {
    await start();
    const first = await send(text('你好', '2001'), plain, { nonce: '42' });
    const keys = await storedKeys();
    for (let i = 0; i < 3; i++) {
      const again = await send(text('你好', '2001'), plain, { nonce: String(100 + i) });
      expect(again.reply?.Content).toBe(first.reply?.Content);
    }
    // The very same signed request, replayed.
    expect((await send(text('你好', '2001'), plain, { nonce: '42' })).reply?.Content).toBe(first.reply?.Content);
    expect(turns).toHaveLength(1);
    expect(await storedKeys()).toEqual(keys);
  });

  it('choices become numbered lines, and a digit picks one', async () => {
    await start();
    script = async (t) =>
      t === 'start'
        ? [{ text: '请问您要办什么？', suggestedActions: ['我要解绑', '查询进度'] }]
        : [{ text: `got ${t}` }];
    const asked = await send(text('start', '3001'));
    expect(asked.reply?.Content).toBe('请问您要办什么？\n1. 我要解绑\n2. 查询进度\n（回复数字即可选择）');
    expect((await send(text('2', '3002'))).reply?.Content).toBe('got 查询进度');
    // No choices offered now: a digit is sent as typed.
    expect((await send(text('2', '3003'))).reply?.Content).toBe('got 2');
  });

  it('a reply over 2,048 bytes is split: the first part passively, the rest through the API', async () => {
    await start();
    const long = `${'解绑'.repeat(400)}\n${'进度'.repeat(400)}`;
    script = async () => [{ text: long }];
    const answer = await send(text('long', '4001'));
    expect(Buffer.byteLength(answer.reply?.Content ?? '')).toBeLessThanOrEqual(2048);
    // Two over-long lines: each cut once, and never joined across the line break.
    await until(() => standIn.textsTo(OPENID).length === 3);
    const rest = standIn.textsTo(OPENID);
    expect(rest.every((t) => Buffer.byteLength(t) <= 2048)).toBe(true);
    // Cut inside the first (over-long) line, at the line break after it.
    expect([answer.reply?.Content, ...rest].join('').replaceAll('\n', '')).toBe(long.replace('\n', ''));
  });

  it('a turn slower than the wait: `success` now, the replies through the customer-service API, once', async () => {
    await start();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    script = async (t) => {
      if (t === 'slow') await released;
      return [{ text: `done ${t}` }, { text: 'second' }];
    };
    const answer = await send(text('slow', '5001'), safe);
    expect([answer.status, answer.text]).toEqual([200, 'success']);
    // WeChat retries anyway (it lost our answer): still `success`, nothing twice.
    expect((await send(text('slow', '5001'), safe)).text).toBe('success');
    release();
    await until(() => standIn.textsTo(OPENID).length === 2);
    // The next message must not overtake them, and answers passively again.
    expect((await send(text('next', '5002'), safe)).reply?.Content).toBe('done next\n\nsecond');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standIn.textsTo(OPENID)).toEqual(['done slow', 'second']);
    expect(turns).toHaveLength(2);
    expect(standIn.tokens).toHaveLength(1);
  });

  it('an access token WeChat calls invalid (40001) is fetched again, shared through the store', async () => {
    await start();
    script = async () => [{ text: 'x'.repeat(3000) }];
    await send(text('long', '6001'));
    await until(() => standIn.textsTo(OPENID).length === 1);
    // The stand-in now refuses the cached token, as after another instance fetched a new one.
    standIn.tokens.push('token-elsewhere');
    await send(text('long', '6002'));
    await until(() => standIn.textsTo(OPENID).length === 2);
    expect(standIn.calls.filter((c) => c.path === '/cgi-bin/token')).toHaveLength(2);
    expect(standIn.calls.filter((c) => c.errcode === 40001)).toHaveLength(1);
  });

  it('an unknown picture, voice, other messages and following are answered politely; a repeated follow is greeted, nothing stored', async () => {
    await start();
    const image = await send({
      FromUserName: OPENID,
      CreateTime: NOW_S,
      MsgType: 'image',
      PicUrl: 'http://x',
      MediaId: 'm',
      MsgId: '7001',
    });
    // A media_id WeChat does not know (40007): the merchant is asked to try again, nothing reaches the bot.
    expect(image.reply?.Content).toContain('暂时无法接收文件');
    const voice = await send({
      FromUserName: OPENID,
      CreateTime: NOW_S,
      MsgType: 'voice',
      MediaId: 'm',
      MsgId: '7002',
    });
    expect(voice.reply?.Content).toContain('语音');
    const other = await send({ FromUserName: OPENID, CreateTime: NOW_S, MsgType: 'miniprogrampage', MsgId: '7003' });
    expect(other.reply?.Content).toContain('文字');
    const follow = { FromUserName: OPENID, CreateTime: NOW_S + 1, MsgType: 'event', Event: 'subscribe' };
    const greeted = await send(follow);
    expect(greeted.reply?.Content).toMatch(/感谢关注[\s\S]*1\. 我要解绑/);
    const keys = await storedKeys();
    expect((await send(follow)).reply?.Content).toBe(greeted.reply?.Content);
    expect(await storedKeys()).toEqual(keys);
    // The greeting's choices: "1" is "我要解绑".
    await send(text('1', '7004'));
    expect(turns.map((t) => t.message.text)).toEqual(['我要解绑']);
  });
});

describe('WeChat: later messages and the window', () => {
  const address = { channel: 'wechat', conversationId: OPENID };

  it('inside the window through the API once per messageId; outside it kept for the next message', async () => {
    await start({ WECHAT_SERVICE_WINDOW_HOURS: '1' });
    // The channel's own lines follow the language the bot answers in.
    script = async (t) => [{ text: `收到 ${t}` }];
    await send(text('hi', '8001'));
    await running.send(address, [{ messageId: 'd1#0', text: '已审核通过' }]);
    await running.send(address, [{ messageId: 'd1#0', text: '已审核通过' }]);
    await until(() => standIn.textsTo(OPENID).length === 1);
    running.advance(61 * 60_000);
    await running.send(address, [{ messageId: 'd2#0', text: '需要补充材料', suggestedActions: ['好的', '转人工'] }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // No template configured: nothing more is sent; the news waits, with its choices.
    expect(standIn.textsTo(OPENID)).toEqual(['已审核通过']);
    expect(standIn.templatesTo(OPENID)).toEqual([]);
    const next = await send(text('2', '8002'), plain, { timestamp: NOW_S + 61 * 60 });
    expect(next.reply?.Content).toBe('需要补充材料\n1. 好的\n2. 转人工\n（回复数字即可选择）\n\n收到 转人工');
    expect((await send(text('你好', '8003'), plain, { timestamp: NOW_S + 61 * 60 })).reply?.Content).toBe('收到 你好');
  });

  it('a send refused as out of the window (45015) is kept for the next message, not lost', async () => {
    await start();
    await send(text('hi', '8101'));
    standIn.failNext(45015);
    await running.send(address, [{ messageId: 'd3#0', text: '已驳回' }]);
    await until(() => standIn.calls.some((c) => c.errcode === 45015));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await send(text('进度', '8102'))).reply?.Content).toBe('已驳回\n\necho: 进度');
  });

  it('a failed send (WeChat busy) is retried through the outbox until it arrives', async () => {
    await start();
    await send(text('hi', '8151'));
    standIn.failNext(-1, 2);
    await running.send(address, [{ messageId: 'd4#0', text: '已审核通过' }]);
    await until(() => standIn.calls.filter((c) => c.errcode === -1).length === 1);
    // Backoff waits on the server's clock: move it past any delay.
    for (let i = 0; i < 5 && standIn.textsTo(OPENID).length === 0; i++) {
      running.advance(10 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    await until(() => standIn.textsTo(OPENID).length === 1);
    expect(standIn.textsTo(OPENID)).toEqual(['已审核通过']);
  });

  it('renews the access token five minutes before it expires', async () => {
    await start();
    script = async () => [{ text: 'x'.repeat(3000) }];
    await send(text('long', '8201'));
    await until(() => standIn.textsTo(OPENID).length === 1);
    running.advance((7200 - 299) * 1000);
    await send(text('long', '8202'), plain, { timestamp: NOW_S + 7200 - 299 });
    await until(() => standIn.textsTo(OPENID).length === 2);
    expect(standIn.tokens).toHaveLength(2);
  });

  it('without AppID and AppSecret: passive answers only; a late answer waits for the next message', async () => {
    await start({ WECHAT_APP_ID: '', WECHAT_APP_SECRET: '', WECHAT_ENCODING_AES_KEY: '' });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    script = async (t) => {
      if (t === 'slow') await released;
      return [{ text: `done ${t}` }];
    };
    expect((await send(text('slow', '8301'))).text).toBe('success');
    release();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await send(text('next', '8302'))).reply?.Content).toBe('done slow\n\ndone next');
    expect(standIn.calls).toEqual([]);
  });
});
