/**
 * Messages to merchants that do not go back in WeChat's HTTP answer (a turn slower than the
 * wait, the rest of a long answer, desk decisions) go through a durable outbox of the channel's
 * own (prefix `wechat/outbox/`): stored first, then sent through the customer-service API with
 * retries, one merchant's messages in order. Outside WeChat's window (errcode 45015) a message is
 * kept for the merchant's next message instead of being lost.
 */
import type { DeliveryResult } from '../../desk/connectors/external-desk.ts';
import { createOutbox, type Outbox } from '../../desk/outbox/outbox.ts';
import { t } from '../../i18n/translate.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { Logger } from '../../platform/logger.ts';
import type { StoreWrite, VersionedStore } from '../../storage/versioned-store.ts';
import type { Locale } from '../../validation/ticket.ts';
import { OUT_OF_WINDOW, type WechatApi, WechatApiError } from './wechat-api.ts';
import type { WechatSessions } from './wechat-sessions.ts';

export type WechatOutgoing =
  | { kind: 'text'; openId: string; text: string }
  /** A service notice outside the window: says there is news; the news itself waits as a pending notice. */
  | { kind: 'template'; openId: string; text: string; locale: Locale };

/** Template fields are short (about 20 characters each in WeChat's library). */
const TEMPLATE_FIELD_CHARS = 20;

export interface WechatDelivery {
  outbox: Outbox<WechatOutgoing>;
  /** The write that queues one message, to commit with the change that causes it. */
  itemWrite(key: string, item: WechatOutgoing): Promise<StoreWrite>;
  /** Says that `n` items for the merchant were committed (through `itemWrite`). */
  queued(openId: string, n: number): void;
  enqueue(key: string, item: WechatOutgoing): Promise<void>;
  /** Whether this process still has messages queued for the merchant (a reply must not overtake them). */
  busy(openId: string): boolean;
  wake(): void;
}

export function createWechatDelivery(deps: {
  store: VersionedStore;
  clock: Clock;
  logger: Logger;
  api: WechatApi;
  sessions: WechatSessions;
  templateId?: string;
}): WechatDelivery {
  const queued = new Map<string, number>();
  const count = (openId: string, by: number) => {
    // May dip below zero for a moment: the worker can deliver an item before it is counted.
    const next = (queued.get(openId) ?? 0) + by;
    if (next !== 0) queued.set(openId, next);
    else queued.delete(openId);
  };

  async function deliver(item: WechatOutgoing, key: string): Promise<DeliveryResult> {
    if (item.kind === 'template') {
      if (!deps.templateId) return {};
      const firstLine = [...(item.text.split('\n')[0] ?? '')].slice(0, TEMPLATE_FIELD_CHARS).join('');
      await deps.api.sendTemplate(item.openId, deps.templateId, {
        first: { value: t(item.locale, 'wechat:template.first') },
        keyword1: { value: firstLine },
        remark: { value: t(item.locale, 'wechat:template.remark') },
      });
      return {};
    }
    try {
      await deps.api.sendText(item.openId, item.text);
    } catch (error) {
      if (!(error instanceof WechatApiError) || error.errcode !== OUT_OF_WINDOW) throw error;
      // The window closed before it went out: shown at the merchant's next message instead.
      await deps.sessions.addPending(item.openId, { messageId: key, text: item.text });
    }
    return {};
  }

  const outbox = createOutbox<WechatOutgoing>({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'wechat-outbox' }),
    prefix: 'wechat/outbox/',
    // A merchant is waiting: retry soon, for about an hour, then park (logged as outbox.parked;
    // the item stays in the store under wechat/outbox/).
    policy: {
      baseDelayMs: 1_000,
      maxDelayMs: 2 * 60_000,
      maxAttempts: 40,
      leaseMs: 45_000,
      pollIntervalMs: 1_000,
      deliveredRetentionMs: 2 * 24 * 60 * 60_000,
    },
    deliver: async (item, key) => {
      try {
        const result = await deliver(item, key);
        count(item.openId, -1);
        return result;
      } catch (error) {
        // Parked items stop holding the merchant's later replies back.
        if (error instanceof WechatApiError && !error.retryable) count(item.openId, -1);
        throw error;
      }
    },
  });
  const options = (item: WechatOutgoing) => ({ group: `wechat:${item.openId}` });
  return {
    outbox,
    itemWrite: (key, item) => outbox.itemWrite(key, item, options(item)),
    queued: (openId, n) => count(openId, n),
    async enqueue(key, item) {
      const { created } = await outbox.enqueue(key, item, options(item));
      if (created) count(item.openId, 1);
    },
    busy: (openId) => (queued.get(openId) ?? 0) > 0,
    wake: () => outbox.wake(),
  };
}
