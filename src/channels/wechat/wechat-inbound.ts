/**
 * What a verified WeChat message means: text (and voice recognised as text, shared links) goes
 * to the router as the merchant's message; `subscribe` is greeted; pictures, voice, video and
 * the rest are answered politely. The answer comes back within the wait (a passive reply);
 * otherwise WeChat is told `success` and the replies follow through the customer-service API.
 */
import { z } from 'zod';
import type { ConversationAddress } from '../../conversation/address.ts';
import type { ConversationRouter, OutboundReply } from '../../conversation/messages.ts';
import { DocumentRefused } from '../../documents/document-checks.ts';
import { documentProblemMessage } from '../../documents/document-errors.ts';
import type { DocumentStore } from '../../documents/document-store.ts';
import { DEFAULT_LOCALE, t } from '../../i18n/translate.ts';
import { writtenLocale } from '../../nlu/index.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { Logger } from '../../platform/logger.ts';
import { type StoreWrite, VersionConflictError, type VersionedStore } from '../../storage/versioned-store.ts';
import type { Locale } from '../../validation/ticket.ts';
import type { WechatDelivery } from './wechat-delivery.ts';
import { choicesOf, pickChoice, replyText, splitForWechat } from './wechat-format.ts';
import type { PendingNotice, WechatSession, WechatSessions } from './wechat-sessions.ts';
import type { WechatFields } from './wechat-xml.ts';

export const WECHAT_CHANNEL = 'wechat';

/** The fields every inbound message has; OpenIDs are 28 characters of base64url in practice. */
const inboundSchema = z.object({
  FromUserName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  ToUserName: z.string().min(1).max(64),
  CreateTime: z.string().regex(/^\d{1,12}$/),
  MsgType: z.string().regex(/^[a-z_]{1,32}$/),
  MsgId: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
});

export class WechatInboundError extends Error {
  readonly code = 'wechat_bad_message';
}

const EVENT_DEDUPE_TTL_MS = 24 * 60 * 60_000;

export interface WechatInboundDeps {
  router: ConversationRouter;
  sessions: WechatSessions;
  store: VersionedStore;
  clock: Clock;
  logger: Logger;
  /** Absent without WECHAT_APP_ID/SECRET: then what is not answered in time waits for the next message. */
  delivery?: WechatDelivery;
  /** Fetches an image's bytes through the media API (absent without WECHAT_APP_ID/SECRET). */
  media?: (mediaId: string, maxBytes: number) => Promise<Buffer>;
  documents: DocumentStore;
  waitMs: number;
}

const addressOf = (openId: string): ConversationAddress & { userId: string } => ({
  channel: WECHAT_CHANNEL,
  conversationId: openId,
  userId: openId,
});

/** Handles one verified message; the text to answer passively, or undefined for `success`. */
export type WechatInboundHandler = (fields: WechatFields) => Promise<string | undefined>;

export function createWechatInbound(deps: WechatInboundDeps): WechatInboundHandler {
  const { sessions, delivery } = deps;
  const later = (at: string, earlier?: string) => (earlier && earlier > at ? earlier : at);
  const lateKey = (openId: string, messageId: string) =>
    `wechat/late/${encodeURIComponent(openId)}/${encodeURIComponent(messageId)}`;

  /** A sentence of the channel's own, in the merchant's language; the window opens again. */
  async function politely(openId: string, at: string, key: string): Promise<string> {
    const session = await sessions.update(openId, (s) =>
      s.lastInboundAt && s.lastInboundAt >= at ? undefined : { ...s, lastInboundAt: at },
    );
    return t(session.locale ?? DEFAULT_LOCALE, key);
  }

  async function onSubscribe(openId: string, at: string, createTime: string): Promise<string> {
    const locale = (await sessions.get(openId)).locale ?? DEFAULT_LOCALE;
    const actions = t(locale, 'wechat:startActions', { returnObjects: true }) as unknown as string[];
    const greeting = replyText({ text: t(locale, 'wechat:welcome'), suggestedActions: actions }, locale);
    try {
      // Events have no MsgId: WeChat's retries of one carry the same sender and CreateTime.
      await deps.store.put(`wechat/events/${encodeURIComponent(openId)}/${createTime}/subscribe`, true, {
        expected: null,
        ttlMs: EVENT_DEDUPE_TTL_MS,
      });
    } catch (error) {
      if (error instanceof VersionConflictError) return greeting;
      throw error;
    }
    await sessions.update(openId, (s) => ({ ...s, lastInboundAt: later(at, s.lastInboundAt), choices: actions }));
    return greeting;
  }

  /**
   * Stores what the turn leaves behind (window, choices, language) and hands its replies on:
   * the first message passively when `passive`, the rest through the outbox, or kept for the
   * next message without the API. News kept for this merchant goes first, and only once.
   */
  async function finish(
    openId: string,
    messageId: string,
    at: string,
    replies: OutboundReply[],
    passive: boolean,
  ): Promise<string | undefined> {
    let answer: string | undefined;
    let items: { key: string; text: string }[] = [];
    let written = 0;
    await sessions.update(
      openId,
      (session) => {
        const locale = writtenLocale(replies.map((r) => r.text).join('\n')) ?? session.locale ?? DEFAULT_LOCALE;
        const notices = session.pending ?? [];
        const planned = plan(openId, messageId, notices, replies, locale, passive);
        answer = planned.answer;
        items = delivery ? planned.items : [];
        const kept: PendingNotice[] = delivery ? [] : planned.items.map((i) => ({ messageId: i.key, text: i.text }));
        const choices = choicesOf(replies);
        const next: WechatSession = { ...session, lastInboundAt: later(at, session.lastInboundAt), locale };
        if (choices) next.choices = choices;
        else delete next.choices;
        if (kept.length > 0) next.pending = kept;
        else delete next.pending;
        return next;
      },
      async () => {
        if (!delivery) return [];
        const writes: StoreWrite[] = [];
        written = 0;
        for (const item of items) {
          // Queued already by an earlier delivery of this message: once is enough.
          if (await delivery.outbox.get(item.key)) continue;
          writes.push(await delivery.itemWrite(item.key, { kind: 'text', openId, text: item.text }));
          written++;
        }
        return writes;
      },
    );
    if (delivery && written > 0) {
      delivery.queued(openId, written);
      delivery.wake();
    }
    return answer;
  }

  async function onText(openId: string, at: string, messageId: string, text: string): Promise<string | undefined> {
    const session = await sessions.get(openId);
    const turn = deps.router.handle({
      ...addressOf(openId),
      messageId,
      text: pickChoice(text, session.choices) ?? text,
    });
    return answer(openId, at, messageId, turn);
  }

  /**
   * A photo: fetched through the media API, checked and kept by the document store, then given to
   * the form as the message's attachment. A refused file is answered with the reason; nothing is kept.
   */
  async function onImage(openId: string, at: string, messageId: string, mediaId: string): Promise<string | undefined> {
    const { media } = deps;
    if (!media || !/^[A-Za-z0-9_-]{1,128}$/.test(mediaId)) return politely(openId, at, 'wechat:image');
    const locale = (await sessions.get(openId)).locale ?? DEFAULT_LOCALE;
    const { documents } = deps;
    const turn = media(mediaId, documents.maxBytes)
      .then((bytes) => documents.put(bytes))
      .then(
        (stored) =>
          deps.router.handle({
            ...addressOf(openId),
            messageId,
            text: '',
            attachments: [{ documentId: stored.documentId, contentType: stored.contentType }],
          }),
        (error: unknown): OutboundReply[] => {
          const problem = error instanceof DocumentRefused ? error.reason : 'unavailable';
          if (problem === 'unavailable') {
            deps.logger.warn({ err: error, code: 'wechat_media_failed' }, 'image could not be fetched');
          }
          return [{ text: documentProblemMessage(locale, problem, documents.maxBytes) }];
        },
      );
    return answer(openId, at, messageId, turn);
  }

  /** Answers passively when the turn is done in time, otherwise later through the outbox. */
  async function answer(
    openId: string,
    at: string,
    messageId: string,
    turn: Promise<OutboundReply[]>,
  ): Promise<string | undefined> {
    // A merchant's replies never overtake ones still queued for them, nor an earlier delivery
    // of this message that was already answered late (WeChat retried after losing our `success`).
    const late = delivery?.busy(openId) || (await deps.store.get(lateKey(openId, messageId))) !== undefined;
    const inTime = late ? undefined : await Promise.race([turn, sleep(deps.waitMs).then(() => undefined)]);
    if (inTime) return finish(openId, messageId, at, inTime, true);
    await deps.store.put(lateKey(openId, messageId), true, { ttlMs: EVENT_DEDUPE_TTL_MS });
    // WeChat gets `success` now; the turn finishes in the background.
    void turn
      .then((replies) => finish(openId, messageId, at, replies, false))
      .catch((error: unknown) =>
        deps.logger.error({ err: error, code: 'wechat_late_turn_failed' }, 'late turn failed'),
      );
    return undefined;
  }

  return async (fields) => {
    const parsed = inboundSchema.safeParse(fields);
    if (!parsed.success) throw new WechatInboundError('not a WeChat message');
    const { FromUserName: openId, CreateTime, MsgType, MsgId } = parsed.data;
    const at = new Date(Number(CreateTime) * 1000).toISOString();
    const messageId = MsgId ?? `${CreateTime}`;
    switch (MsgType) {
      case 'text':
        return onText(openId, at, messageId, fields.Content ?? '');
      case 'link':
        // A shared article or cloud-drive link: its address is what the merchant means.
        return onText(openId, at, messageId, fields.Url ?? fields.Title ?? '');
      case 'voice':
        // With speech recognition on (a platform setting), WeChat sends the words too.
        if (fields.Recognition?.trim()) return onText(openId, at, messageId, fields.Recognition);
        return politely(openId, at, 'wechat:voice');
      case 'image':
        return onImage(openId, at, messageId, fields.MediaId ?? '');
      case 'video':
      case 'shortvideo':
        return politely(openId, at, 'wechat:video');
      case 'location':
        return politely(openId, at, 'wechat:location');
      case 'event': {
        const event = (fields.Event ?? '').toLowerCase();
        if (event === 'subscribe') return onSubscribe(openId, at, CreateTime);
        if (event === 'unsubscribe') {
          // Nothing reaches someone who left; a new follow starts afresh.
          await sessions.update(openId, () => ({}));
        }
        return undefined;
      }
      default:
        return politely(openId, at, 'wechat:unsupported');
    }
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Splits what is to be said into the passive answer (one message, as much as fits) and the rest,
 * each with a key that a redelivery of the same message computes again (so it is queued once).
 */
function plan(
  openId: string,
  messageId: string,
  notices: readonly PendingNotice[],
  replies: readonly OutboundReply[],
  locale: Locale,
  passive: boolean,
): { answer?: string; items: { key: string; text: string }[] } {
  const noticeItems = notices.flatMap((n) =>
    splitForWechat(n.text).map((text, i) => ({ key: `notice/${n.messageId}/${i}`, text })),
  );
  const replyTexts = replies.map((reply) => replyText(reply, locale)).filter((text) => text.trim() !== '');
  const base = `reply/${openId}/${messageId}`;
  if (!passive) {
    const items = replyTexts.flatMap((text, r) =>
      splitForWechat(text).map((piece, i) => ({ key: `${base}/${r}.${i}`, text: piece })),
    );
    return { items: [...noticeItems, ...items] };
  }
  const combined = splitForWechat([...noticeItems.map((n) => n.text), ...replyTexts].join('\n\n'));
  const [answer, ...rest] = combined;
  return {
    ...(answer === undefined ? {} : { answer }),
    items: rest.map((text, i) => ({ key: `${base}/c${i}`, text })),
  };
}
