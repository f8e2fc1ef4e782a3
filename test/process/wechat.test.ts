/**
 * WeChat through `npm start`: the real process, configured as README says, with WeChat's API
 * replaced by a local stand-in (WECHAT_API_BASE). A whole unbind request to a ticket through
 * signed XML (plaintext and safe mode), and a reviewer's decision reaching the merchant inside
 * WeChat's window (customer-service message) and outside it (a template message, and the news
 * itself shown with the answer to their next message).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';
import {
  postToWechat,
  startWechatStandIn,
  type WechatAccount,
  type WechatStandIn,
} from '../helpers/wechat-stand-in.ts';

const DESK_TOKEN = 'wechat-process-desk-token-0123';
const AES = { key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appId: 'wx0123456789abcdef' };
const TOKEN = 'processToken42';

let dataDir: string | undefined;
let server: ServerProcess | undefined;
let standIn: WechatStandIn | undefined;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  await standIn?.close();
  standIn = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const bearer = { authorization: `Bearer ${DESK_TOKEN}`, 'content-type': 'application/json' };

async function startWechat(env: Record<string, string> = {}) {
  dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-wechat-'));
  standIn = await startWechatStandIn();
  server = await startServerProcess({
    DATA_DIR: dataDir,
    DESK_API_TOKEN: DESK_TOKEN,
    WECHAT_TOKEN: TOKEN,
    WECHAT_APP_ID: AES.appId,
    WECHAT_APP_SECRET: 'process-app-secret',
    WECHAT_ENCODING_AES_KEY: AES.key,
    WECHAT_API_BASE: standIn.url,
    ...env,
  });
  return { server, standIn };
}

/** The merchant's conversation: each line a signed text message with its own MsgId; the passive answers. */
function merchant(url: string, account: WechatAccount, openId: string) {
  let msgId = BigInt('6054768590064713728');
  return async (content: string): Promise<string> => {
    msgId += 1n;
    const createTime = Math.floor(Date.now() / 1000);
    const answer = await postToWechat(url, account, {
      FromUserName: openId,
      CreateTime: createTime,
      MsgType: 'text',
      Content: content,
      MsgId: msgId.toString(),
    });
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.text}`);
    return answer.reply?.Content ?? answer.text;
  };
}

async function fileThroughWechat(say: (text: string) => Promise<string>): Promise<string> {
  let last = '';
  for (const text of [...HAPPY_PATH_ZH, '确认提交']) last = await say(text);
  const id = /UB-\d{8}-\d{4}/.exec(last)?.[0];
  if (!id) throw new Error(`no ticket filed: ${last}`);
  return id;
}

async function until<T>(read: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('WeChat through npm start', () => {
  it('plaintext: an unbind request to a ticket, and a decision inside the 48-hour window', {
    timeout: 90_000,
  }, async () => {
    const { server, standIn } = await startWechat();
    expect(server.output()).toMatch(/Channels:.*wechat http:\/\/127\.0\.0\.1:\d+\/wechat/);
    const openId = 'oPlainMerchant000000000000001';
    const say = merchant(server.url, { token: TOKEN }, openId);
    const id = await fileThroughWechat(say);

    // The same id on the web chat is another conversation: the ticket is the WeChat one's.
    const tickets = async (channel: string) =>
      (
        (await (
          await fetch(`${server.url}/api/desk/tickets?conversationId=${openId}&channel=${channel}`, { headers: bearer })
        ).json()) as { tickets: Array<{ id: string; channel: string }> }
      ).tickets;
    expect((await tickets('wechat')).map((t) => [t.id, t.channel])).toEqual([[id, 'wechat']]);
    expect(await tickets('webchat')).toEqual([]);

    const decided = await fetch(`${server.url}/api/desk/tickets/${id}/decision`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(decided.status).toBe(200);
    const told = await until(() => standIn.textsTo(openId).find((text) => text.includes(`${id} 已审核通过`)));
    expect(told).toBeDefined();
    expect(standIn.templatesTo(openId)).toEqual([]);
  });

  it('safe mode: a ticket, then a decision outside the window: a template, and the news at the next message', {
    timeout: 90_000,
  }, async () => {
    const { server, standIn } = await startWechat({
      // 0.002 h = 7.2 s: long enough to file the request, short enough to wait out.
      WECHAT_SERVICE_WINDOW_HOURS: '0.002',
      WECHAT_TEMPLATE_ID_DECISION: 'tmpl-decision-1',
    });
    const openId = 'oSafeMerchant0000000000000002';
    const say = merchant(server.url, { token: TOKEN, aes: AES }, openId);
    const id = await fileThroughWechat(say);
    await new Promise((resolve) => setTimeout(resolve, 7_500));

    const note = '营业执照已过期';
    const decided = await fetch(`${server.url}/api/desk/tickets/${id}/decision`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ decision: 'reject', note }),
    });
    expect(decided.status).toBe(200);
    const template = await until(() => standIn.templatesTo(openId)[0]);
    expect(template.body).toMatchObject({ touser: openId, template_id: 'tmpl-decision-1' });
    expect(standIn.textsTo(openId)).toEqual([]);

    // Their next message: the decision first, then the answer; once.
    const next = await say('你好');
    expect(next).toContain(note);
    expect(next.indexOf(note)).toBeLessThan(next.lastIndexOf('\n\n'));
    expect(await say('谢谢')).not.toContain(note);
  });
});
