/**
 * Messages that reach a conversation later (desk decisions, agents). Each is stored first, with
 * an increasing id, then pushed to whoever listens (web chat's event stream, the console) on every
 * instance: the publisher rings the fanout with the notice's id, and each instance with listeners
 * of that conversation reads the stored notices after the last it delivered and hands them on in
 * id order, once each. The store is the source of truth: a ring lost with a dropped connection is
 * made up for by reading again when the connection is back, and a page that was closed or
 * reconnecting asks for what came after the last id it saw.
 * Publishing is idempotent per message id: an outbox delivery repeated after a crash shows once.
 */
import { type Fanout, localFanout } from '../storage/fanout.ts';
import { updateWithRetry } from '../storage/update-with-retry.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import { addressKey, type ConversationAddress } from './address.ts';
import type { ConversationEvents, OutboundReply } from './messages.ts';

/** How many later messages a conversation keeps for replay. */
const KEPT_NOTICES = 50;

/** After a failed read of the stored notices, how soon to read again. */
const RETRY_READ_MS = 1_000;

export type Notice = OutboundReply & { id: string; messageId: string };

type NoticeListener = (notice: Notice) => void;

/** A conversation somebody in this process listens to. */
interface Watched {
  address: ConversationAddress;
  listeners: Set<NoticeListener>;
  /** The highest notice id handed to every listener; undefined until first read. */
  cursor?: number;
  /** Reads and deliveries of this conversation, one after another. */
  queue: Promise<void>;
  stopRinging: () => void;
}

const noticesKey = (address: ConversationAddress) => `notices/${addressKey(address)}`;

export class ConversationEventHub implements ConversationEvents {
  private readonly watched = new Map<string, Watched>();
  private readonly stopReconnect: () => void;

  constructor(
    private readonly store: VersionedStore,
    private readonly fanout: Fanout = localFanout(),
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.stopReconnect = fanout.onReconnect(() => {
      for (const watched of this.watched.values()) void this.catchUp(watched);
    });
  }

  /**
   * Stores the message unless one with this message id is stored already, then delivers it to
   * current listeners here and rings the other instances. Returns the stored notice (the earlier
   * one for a repeat, which rings again: the earlier ring may have been lost).
   */
  async publish(address: ConversationAddress, reply: OutboundReply, messageId: string): Promise<Notice> {
    let notice: Notice | undefined;
    await updateWithRetry<Notice[]>(this.store, noticesKey(address), (kept = []) => {
      notice = kept.find((earlier) => earlier.messageId === messageId);
      if (notice) return undefined;
      notice = { ...reply, id: String(Number(kept.at(-1)?.id ?? 0) + 1), messageId };
      return [...kept, notice].slice(-KEPT_NOTICES);
    });
    // Listeners here have it before publish returns, as callers (and tests) expect.
    const watched = this.watched.get(addressKey(address));
    if (watched) await this.catchUp(watched);
    await this.fanout.publish(addressKey(address), (notice as Notice).id);
    return notice as Notice;
  }

  /** Stored messages with an id after `after` (all of them without it). */
  async since(address: ConversationAddress, after?: string): Promise<Notice[]> {
    const stored = (await this.store.get<Notice[]>(noticesKey(address)))?.value ?? [];
    const from = after === undefined ? 0 : Number(after);
    return stored.filter((notice) => Number(notice.id) > from);
  }

  /** Listeners of this conversation in this process (open event streams, a console). */
  listenerCount(address: ConversationAddress): number {
    return this.watched.get(addressKey(address))?.listeners.size ?? 0;
  }

  /**
   * Delivers the messages stored from now on; with `after`, first those stored after that id.
   * Each reaches the listener once, in id order.
   */
  subscribe(address: ConversationAddress, listener: NoticeListener, options: { after?: string } = {}): () => void {
    const key = addressKey(address);
    let watched = this.watched.get(key);
    if (!watched) watched = this.watch(key, address);
    const delivered = new Set<string>();
    const deliver: NoticeListener = (notice) => {
      if (delivered.has(notice.id)) return;
      delivered.add(notice.id);
      listener(notice);
    };
    watched.listeners.add(deliver);
    if (options.after !== undefined) void this.replay(watched, deliver, Number(options.after));
    const current = watched;
    return () => {
      current.listeners.delete(deliver);
      if (current.listeners.size > 0 || this.watched.get(key) !== current) return;
      this.watched.delete(key);
      current.stopRinging();
    };
  }

  /** Stops listening to the fanout (the store and the fanout belong to the caller). */
  close(): void {
    this.stopReconnect();
    for (const watched of this.watched.values()) watched.stopRinging();
    this.watched.clear();
  }

  private watch(key: string, address: ConversationAddress): Watched {
    const watched: Watched = { address, listeners: new Set(), queue: Promise.resolve(), stopRinging: () => undefined };
    this.watched.set(key, watched);
    // Live from here: what is stored now is history (a listener asks for it with `after`). The read
    // is sent now, before any publish that starts after this call, so it cannot count that one as history.
    const storedNow = this.lastId(address);
    storedNow.catch(() => undefined);
    void this.enqueue(watched, async () => {
      watched.cursor ??= await storedNow;
    });
    // A ring may be missed before the subscription is active: read once more when it is.
    watched.stopRinging = this.fanout.subscribe(
      key,
      (id) => {
        if (watched.cursor === undefined || Number(id) > watched.cursor) void this.catchUp(watched);
      },
      () => void this.catchUp(watched),
    );
    return watched;
  }

  /** Hands every listener the stored notices after the cursor, in id order. */
  private catchUp(watched: Watched): Promise<void> {
    return this.enqueue(watched, async () => {
      if (watched.cursor === undefined) {
        watched.cursor = await this.lastId(watched.address);
        return;
      }
      for (const notice of await this.since(watched.address, String(watched.cursor))) {
        watched.cursor = Number(notice.id);
        for (const listener of [...watched.listeners]) this.call(listener, notice);
      }
    });
  }

  /** Gives one new listener the notices after `after` that the others already had. */
  private replay(watched: Watched, listener: NoticeListener, after: number): Promise<void> {
    return this.enqueue(watched, async () => {
      const cursor = watched.cursor ?? (await this.lastId(watched.address));
      watched.cursor ??= cursor;
      for (const notice of await this.since(watched.address, String(Math.min(after, cursor)))) {
        const id = Number(notice.id);
        if (id <= cursor) {
          if (id > after) this.call(listener, notice);
        } else {
          watched.cursor = id;
          for (const each of [...watched.listeners]) this.call(each, notice);
        }
      }
    });
  }

  private enqueue(watched: Watched, task: () => Promise<void>): Promise<void> {
    const run = watched.queue.then(task).catch((error: unknown) => {
      this.onError(error);
      // The notices stay stored: read again soon, while anyone still listens here.
      const retry = setTimeout(() => {
        if (watched.listeners.size > 0) void this.catchUp(watched);
      }, RETRY_READ_MS);
      retry.unref();
    });
    watched.queue = run;
    return run;
  }

  private call(listener: NoticeListener, notice: Notice): void {
    try {
      listener(notice);
    } catch (error) {
      this.onError(error);
    }
  }

  private async lastId(address: ConversationAddress): Promise<number> {
    const stored = (await this.store.get<Notice[]>(noticesKey(address)))?.value ?? [];
    return Number(stored.at(-1)?.id ?? 0);
  }
}
