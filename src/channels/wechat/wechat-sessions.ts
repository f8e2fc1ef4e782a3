/**
 * What the WeChat channel remembers per merchant (OpenID), in the shared store so every
 * instance sees it: when they last wrote (WeChat's customer-service window), the choices last
 * offered (WeChat has no buttons: "1" picks the first), the language last answered in (for the
 * channel's own sentences), and news that could not be sent and waits for their next message.
 */
import { updateWithRetry } from '../../storage/update-with-retry.ts';
import type { StoreWrite, VersionedStore } from '../../storage/versioned-store.ts';
import type { Locale } from '../../validation/ticket.ts';

export interface PendingNotice {
  messageId: string;
  text: string;
}

export interface WechatSession {
  /** ISO time of the merchant's last message or event: the 48-hour window starts there. */
  lastInboundAt?: string;
  /** The suggested actions of the latest reply, in the order they were numbered. */
  choices?: string[];
  locale?: Locale;
  /** Proactive messages kept for the next message (outside the window, no template). */
  pending?: PendingNotice[];
}

/** Kept a while past the window: a merchant silent for a month starts afresh. */
const SESSION_TTL_MS = 30 * 24 * 60 * 60_000;
/** A backlog that large is a fault somewhere; the oldest news goes first. */
const MAX_PENDING = 20;

export class WechatSessions {
  constructor(private readonly store: VersionedStore) {}

  private keyOf(openId: string): string {
    return `wechat/sessions/${encodeURIComponent(openId)}`;
  }

  async get(openId: string): Promise<WechatSession> {
    return (await this.store.get<WechatSession>(this.keyOf(openId)))?.value ?? {};
  }

  /** Read-modify-write; `alongside` commits other writes with it (an outbox item). */
  async update(
    openId: string,
    change: (session: WechatSession) => WechatSession | undefined,
    alongside?: (next: WechatSession) => Promise<StoreWrite[]>,
  ): Promise<WechatSession> {
    const result = await updateWithRetry<WechatSession>(
      this.store,
      this.keyOf(openId),
      (current) => change({ ...(current ?? {}) }),
      { ttlMs: SESSION_TTL_MS, ...(alongside ? { alongside } : {}) },
    );
    return result?.value ?? {};
  }

  /** Keeps a notice for the next message; the same messageId is kept once. */
  addPending(openId: string, notice: PendingNotice): Promise<WechatSession> {
    return this.update(openId, (session) => {
      const pending = session.pending ?? [];
      if (pending.some((p) => p.messageId === notice.messageId)) return undefined;
      return { ...session, pending: [...pending, notice].slice(-MAX_PENDING) };
    });
  }
}
