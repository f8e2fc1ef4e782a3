/**
 * `/wechat`: WeChat's server URL. GET is the URL verification; POST carries messages. Every
 * request's signature and timestamp are checked before anything else (401, nothing read or
 * stored); then the body (at most 64 KiB, 413) is parsed, decrypted in safe mode (400 when it is
 * not a well-formed message of ours), and answered: passively (encrypted again in safe mode)
 * or with `success`.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Clock, IdGenerator } from '../../platform/clock-and-ids.ts';
import type { Logger } from '../../platform/logger.ts';
import { signatureMatches, type WechatCipher, WechatCryptoError, wechatSignature } from './wechat-crypto.ts';
import { WechatInboundError, type WechatInboundHandler } from './wechat-inbound.ts';
import { buildWechatXml, parseWechatXml, WechatXmlError } from './wechat-xml.ts';

export const WECHAT_BODY_LIMIT = '64kb';

export interface WechatRoutesDeps {
  token: string;
  /** Safe mode; absent: plaintext only. */
  cipher?: WechatCipher;
  handle: WechatInboundHandler;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  maxSkewS: number;
}

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : undefined);

/** WeChat reads only the status and body: plain words for whoever else calls. */
function refuse(res: Response, status: number, reason: string): void {
  res.status(status).type('text/plain').send(reason);
}

export function wechatRoutes(deps: WechatRoutesDeps): Router {
  const routes = express.Router();
  const logger = deps.logger.child({ component: 'wechat' });

  /** The query's `signature` over the token, timestamp and nonce, with a fresh timestamp. */
  function signedAndFresh(req: Request): boolean {
    const timestamp = query(req, 'timestamp');
    const nonce = query(req, 'nonce');
    if (!timestamp || !nonce || !/^\d{1,12}$/.test(timestamp)) return false;
    if (!signatureMatches(wechatSignature(deps.token, timestamp, nonce), query(req, 'signature'))) return false;
    const skew = Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp));
    return skew <= deps.maxSkewS;
  }

  routes.get('/', (req, res) => {
    const echostr = query(req, 'echostr');
    if (!echostr || !signedAndFresh(req)) return refuse(res, 401, 'invalid signature');
    // The Official Account's echostr is plaintext even in safe mode: returned unchanged.
    res.type('text/plain').send(echostr);
  });

  const readBody = express.text({ type: () => true, limit: WECHAT_BODY_LIMIT });

  routes.post(
    '/',
    (req, res, next) => (signedAndFresh(req) ? next() : refuse(res, 401, 'invalid signature')),
    (req, res, next) =>
      readBody(req, res, (error?: unknown) => {
        if (!error) return next();
        const type = (error as { type?: string }).type;
        refuse(res, type === 'entity.too.large' ? 413 : 400, 'unreadable body');
      }),
    async (req, res) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const encrypted = query(req, 'encrypt_type') === 'aes';
      let fields: Record<string, string>;
      const timestamp = query(req, 'timestamp') as string;
      const nonce = query(req, 'nonce') as string;
      try {
        fields = { ...parseWechatXml(body) };
        if (encrypted) {
          if (!deps.cipher) return refuse(res, 400, 'safe mode is not configured');
          const encrypt = fields.Encrypt;
          if (!encrypt) return refuse(res, 400, 'no Encrypt');
          const expected = wechatSignature(deps.token, timestamp, nonce, encrypt);
          if (!signatureMatches(expected, query(req, 'msg_signature'))) return refuse(res, 401, 'invalid signature');
          fields = { ...parseWechatXml(deps.cipher.decrypt(encrypt)) };
        }
      } catch (error) {
        if (error instanceof WechatXmlError || error instanceof WechatCryptoError) {
          logger.warn({ code: error.message }, 'refused a WeChat message');
          return refuse(res, 400, 'malformed message');
        }
        throw error;
      }
      let answer: string | undefined;
      try {
        answer = await deps.handle(fields);
      } catch (error) {
        if (error instanceof WechatInboundError) return refuse(res, 400, 'malformed message');
        throw error;
      }
      if (answer === undefined) return res.type('text/plain').send('success');
      const now = Math.floor(deps.clock.now().getTime() / 1000);
      // The answer goes back to its sender: To and From swapped.
      const reply = buildWechatXml({
        ToUserName: fields.FromUserName ?? '',
        FromUserName: fields.ToUserName ?? '',
        CreateTime: now,
        MsgType: 'text',
        Content: answer,
      });
      if (!encrypted || !deps.cipher) return res.type('application/xml').send(reply);
      const encrypt = deps.cipher.encrypt(reply);
      const replyNonce = deps.ids.next();
      res.type('application/xml').send(
        buildWechatXml({
          Encrypt: encrypt,
          MsgSignature: wechatSignature(deps.token, String(now), replyNonce, encrypt),
          TimeStamp: now,
          Nonce: replyNonce,
        }),
      );
    },
  );
  return routes;
}
