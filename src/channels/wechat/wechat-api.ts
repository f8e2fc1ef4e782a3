/**
 * The few WeChat APIs the channel calls (PROTOCOLS.md 1.7, 6.2): the access token, customer-service
 * messages and template messages. The token is cached in the shared store, so all instances use
 * one (each fetch invalidates the previous one after a few minutes), renewed five minutes before
 * it expires and at once when WeChat says it is invalid or expired (40001, 42001, 40014).
 */

import { DeliveryError } from '../../desk/connectors/external-desk.ts';
import { DocumentRefused } from '../../documents/document-checks.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';

/** WeChat's own codes that say the token must be fetched again. */
const TOKEN_REJECTED = new Set([40001, 40014, 42001]);
/** Outside the 48-hour window, or the merchant unfollowed: retrying cannot help. */
export const OUT_OF_WINDOW = 45015;
/** Codes no retry fixes (bad OpenID, template, unfollowed, content refused): parked for an operator. */
const PERMANENT = new Set([40003, 40037, 43004, 45015, 45047, 47001, 40008]);
const RENEW_BEFORE_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;

interface CachedToken {
  token: string;
  expiresAt: string;
}

export class WechatApiError extends DeliveryError {
  constructor(
    readonly errcode: number,
    retryable: boolean,
  ) {
    super('desk_rejected', `WeChat API errcode ${errcode}`, { retryable });
    this.name = 'WechatApiError';
  }
}

export interface WechatApiDeps {
  base: string;
  appId: string;
  appSecret: string;
  store: VersionedStore;
  clock: Clock;
}

export class WechatApi {
  private readonly base: string;

  constructor(private readonly deps: WechatApiDeps) {
    this.base = deps.base.replace(/\/+$/, '');
  }

  private get tokenKey(): string {
    return `wechat/access-token/${encodeURIComponent(this.deps.appId)}`;
  }

  private async request(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new DeliveryError('desk_unreachable', 'WeChat API unreachable', { retryable: true, cause: error });
    }
    if (!response.ok) {
      throw new DeliveryError('desk_unavailable', `WeChat API HTTP ${response.status}`, {
        retryable: true,
        status: response.status,
      });
    }
    try {
      return (await response.json()) as Record<string, unknown>;
    } catch (error) {
      throw new DeliveryError('desk_bad_response', 'WeChat API answered no JSON', { retryable: true, cause: error });
    }
  }

  /** A valid token: the shared one, or a new one. `rejected` is a token WeChat just refused. */
  async accessToken(rejected?: string): Promise<string> {
    const now = this.deps.clock.now().getTime();
    const cached = (await this.deps.store.get<CachedToken>(this.tokenKey))?.value;
    const fresh = cached && Date.parse(cached.expiresAt) - RENEW_BEFORE_MS > now;
    if (cached && fresh && cached.token !== rejected) return cached.token;
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.deps.appId,
      secret: this.deps.appSecret,
    });
    const answer = await this.request(`/cgi-bin/token?${query}`);
    if (typeof answer.access_token !== 'string') {
      const errcode = Number(answer.errcode ?? -1);
      // -1 is "system busy"; anything else (bad secret, IP not whitelisted) needs a person.
      throw new WechatApiError(errcode, errcode === -1);
    }
    const expiresIn = Number(answer.expires_in ?? 7200);
    const record: CachedToken = {
      token: answer.access_token,
      expiresAt: new Date(now + expiresIn * 1000).toISOString(),
    };
    await this.deps.store.put(this.tokenKey, record, { ttlMs: expiresIn * 1000 });
    return record.token;
  }

  /** POSTs JSON with the token; fetches a new token once when WeChat refuses it. */
  private async post(path: string, body: unknown): Promise<void> {
    let token = await this.accessToken();
    for (let attempt = 1; ; attempt++) {
      const answer = await this.request(`${path}?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // WeChat shows \uXXXX escapes literally in some clients: send UTF-8 as is.
        body: JSON.stringify(body),
      });
      const errcode = Number(answer.errcode ?? 0);
      if (errcode === 0) return;
      if (TOKEN_REJECTED.has(errcode) && attempt === 1) {
        token = await this.accessToken(token);
        continue;
      }
      throw new WechatApiError(errcode, !PERMANENT.has(errcode));
    }
  }

  /**
   * A temporary media file a merchant sent (an image's MediaId), at most `maxBytes`: the bytes, or
   * DocumentRefused('too_large'). WeChat answers JSON instead of the file when it refuses.
   */
  async media(mediaId: string, maxBytes: number): Promise<Buffer> {
    let token = await this.accessToken();
    for (let attempt = 1; ; attempt++) {
      const query = new URLSearchParams({ access_token: token, media_id: mediaId });
      let response: Response;
      try {
        response = await fetch(`${this.base}/cgi-bin/media/get?${query}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        throw new DeliveryError('desk_unreachable', 'WeChat API unreachable', { retryable: true, cause: error });
      }
      if (!response.ok) {
        throw new DeliveryError('desk_unavailable', `WeChat API HTTP ${response.status}`, {
          retryable: true,
          status: response.status,
        });
      }
      const type = response.headers.get('content-type') ?? '';
      if (/json|text\/plain/i.test(type)) {
        const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
        const errcode = Number(answer.errcode ?? -1);
        if (TOKEN_REJECTED.has(errcode) && attempt === 1) {
          token = await this.accessToken(token);
          continue;
        }
        throw new WechatApiError(errcode, errcode === -1);
      }
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
        await response.body?.cancel();
        throw new DocumentRefused('too_large');
      }
      return readAtMost(response, maxBytes);
    }
  }

  /** A customer-service text message (inside the 48-hour window only). */
  sendText(openId: string, content: string): Promise<void> {
    return this.post('/cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content } });
  }

  /** A template message (service notices, also outside the window). */
  sendTemplate(openId: string, templateId: string, data: Record<string, { value: string }>): Promise<void> {
    return this.post('/cgi-bin/message/template/send', { touser: openId, template_id: templateId, data });
  }
}

/** The body, refused as too large as soon as it passes `maxBytes` (a missing Content-Length proves nothing). */
async function readAtMost(response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new DocumentRefused('too_large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
