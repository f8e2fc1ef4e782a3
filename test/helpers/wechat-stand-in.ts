/**
 * WeChat's side on 127.0.0.1 for tests: a stand-in for api.weixin.qq.com (access tokens,
 * customer-service and template messages; records every call with the errcode it answered and
 * can be told to fail), and a client that signs (and in safe mode encrypts) messages as
 * WeChat's servers do.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WechatCipher, wechatSignature } from '../../src/channels/wechat/wechat-crypto.ts';
import { buildWechatXml, parseWechatXml } from '../../src/channels/wechat/wechat-xml.ts';

export interface WechatApiCall {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  /** What the stand-in answered (0: accepted). */
  errcode: number;
}

export interface WechatStandIn {
  url: string;
  calls: WechatApiCall[];
  /** Texts accepted for `openId` by the customer-service API, in order. */
  textsTo(openId: string): string[];
  /** Template messages accepted for `openId`. */
  templatesTo(openId: string): WechatApiCall[];
  /** The next `times` message sends answer this errcode. */
  failNext(errcode: number, times?: number): void;
  /** Tokens issued so far; only the newest is accepted. */
  tokens: string[];
  /** Makes a temporary media file (what a merchant's image message names) downloadable. */
  addMedia(mediaId: string, bytes: Buffer, contentType?: string): void;
  close(): Promise<void>;
}

export async function startWechatStandIn(): Promise<WechatStandIn> {
  const calls: WechatApiCall[] = [];
  const tokens: string[] = [];
  const failures: number[] = [];
  const media = new Map<string, { bytes: Buffer; contentType: string }>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      const answer = (errcode: number, extra: Record<string, unknown> = {}) => {
        calls.push({ path: url.pathname, query: url.searchParams, body, errcode });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(errcode === 0 ? { errcode, errmsg: 'ok', ...extra } : { errcode, errmsg: 'stand-in' }));
      };
      if (url.pathname === '/cgi-bin/token') {
        tokens.push(`token-${tokens.length + 1}`);
        return answer(0, { access_token: tokens.at(-1), expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/media/get') {
        if (url.searchParams.get('access_token') !== tokens.at(-1)) return answer(40001);
        const file = media.get(url.searchParams.get('media_id') ?? '');
        // WeChat's own answer to an unknown or expired media_id.
        if (!file) return answer(40007);
        calls.push({ path: url.pathname, query: url.searchParams, body, errcode: 0 });
        res.writeHead(200, {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${url.searchParams.get('media_id')}.jpg"`,
          'content-length': String(file.bytes.length),
        });
        res.end(file.bytes);
        return;
      }
      if (url.pathname.startsWith('/cgi-bin/message/')) {
        if (url.searchParams.get('access_token') !== tokens.at(-1)) return answer(40001);
        return answer(failures.shift() ?? 0);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = (path: string, openId: string) =>
    calls.filter((c) => c.path === path && c.body?.touser === openId && c.errcode === 0);
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    tokens,
    textsTo: (openId) =>
      accepted('/cgi-bin/message/custom/send', openId).map((c) =>
        String((c.body?.text as { content?: string } | undefined)?.content),
      ),
    templatesTo: (openId) => accepted('/cgi-bin/message/template/send', openId),
    addMedia(mediaId, bytes, contentType = 'image/jpeg') {
      media.set(mediaId, { bytes, contentType });
    },
    failNext(errcode, times = 1) {
      for (let i = 0; i < times; i++) failures.push(errcode);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface WechatAccount {
  token: string;
  /** Safe mode when set. */
  aes?: { key: string; appId: string };
  /** The account's original id (`gh_…`). */
  accountId?: string;
}

export interface WechatPostOptions {
  /** Unix seconds of the signature (now by default). */
  timestamp?: number;
  nonce?: string;
  /** Replaces the computed signature. */
  signature?: string;
  /** A raw body instead of the message's XML (still encrypted in safe mode unless `rawBody`). */
  body?: string;
  /** Sent exactly as given, not encrypted. */
  rawBody?: string;
}

export interface WechatAnswer {
  status: number;
  text: string;
  /** The passive reply's fields (decrypted in safe mode), when there is one. */
  reply?: Record<string, string>;
}

/** Signs a POST as WeChat does: `signature` over token/timestamp/nonce, and `msg_signature` in safe mode. */
export async function postToWechat(
  baseUrl: string,
  account: WechatAccount,
  fields: Record<string, string | number>,
  options: WechatPostOptions = {},
): Promise<WechatAnswer> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({
    signature: options.signature ?? wechatSignature(account.token, timestamp, nonce),
    timestamp,
    nonce,
    openid: String(fields.FromUserName ?? ''),
  });
  const plain = options.body ?? buildWechatXml({ ToUserName: account.accountId ?? 'gh_test', ...fields });
  let body = options.rawBody ?? plain;
  const cipher = account.aes ? new WechatCipher(account.aes.key, account.aes.appId) : undefined;
  if (cipher && options.rawBody === undefined) {
    const encrypt = cipher.encrypt(plain);
    body = buildWechatXml({ ToUserName: account.accountId ?? 'gh_test', Encrypt: encrypt });
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', wechatSignature(account.token, timestamp, nonce, encrypt));
  }
  const response = await fetch(`${baseUrl}/wechat?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  const text = await response.text();
  let reply: Record<string, string> | undefined;
  if (response.status === 200 && text.startsWith('<xml>')) {
    const outer = parseWechatXml(text);
    if (cipher) {
      if (
        outer.MsgSignature !==
        wechatSignature(account.token, outer.TimeStamp ?? '', outer.Nonce ?? '', outer.Encrypt ?? '')
      ) {
        throw new Error('the reply is not signed');
      }
      reply = { ...parseWechatXml(cipher.decrypt(outer.Encrypt ?? '')) };
    } else {
      reply = { ...outer };
    }
  }
  return { status: response.status, text, ...(reply ? { reply } : {}) };
}
