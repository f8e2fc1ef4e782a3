/**
 * Messages that reach a conversation later (desk decisions, agents). Each is stored first, with
 * an increasing id, then pushed to whoever listens in this process (web chat's event stream, the
 * console); a page that was closed or reconnecting asks for what came after the last id it saw.
 * Publishing is idempotent per message id: an outbox delivery repeated after a crash shows once.
 */
import { EventEmitter } from 'node:events';
import { updateWithRetry } from '../storage/update-with-retry.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import { addressKey, type ConversationAddress } from './address.ts';
import type { ConversationEvents, OutboundReply } from './messages.ts';

/** How many later messages a conversation keeps for replay. */
const KEPT_NOTICES = 50;

export type Notice = OutboundReply & { id: string; messageId: string };

export class ConversationEventHub implements ConversationEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  constructor(private readonly store: VersionedStore) {}

  /**
   * Stores the message unless one with this message id is stored already, then delivers it to
   * current listeners. Returns the stored notice (the earlier one for a repeat).
   */
  async publish(address: ConversationAddress, reply: OutboundReply, messageId: string): Promise<Notice> {
    let notice: Notice | undefined;
    const stored = await updateWithRetry<Notice[]>(this.store, `notices/${addressKey(address)}`, (kept = []) => {
      notice = kept.find((earlier) => earlier.messageId === messageId);
      if (notice) return undefined;
      notice = { ...reply, id: String(Number(kept.at(-1)?.id ?? 0) + 1), messageId };
      return [...kept, notice].slice(-KEPT_NOTICES);
    });
    if (stored?.changed && notice) this.emitter.emit(addressKey(address), notice);
    return notice as Notice;
  }

  /** Stored messages with an id after `after` (all of them without it). */
  async since(address: ConversationAddress, after?: string): Promise<Notice[]> {
    const stored = (await this.store.get<Notice[]>(`notices/${addressKey(address)}`))?.value ?? [];
    const from = after === undefined ? 0 : Number(after);
    return stored.filter((notice) => Number(notice.id) > from);
  }

  /** Listeners of this conversation in this process (open event streams, a console). */
  listenerCount(address: ConversationAddress): number {
    return this.emitter.listenerCount(addressKey(address));
  }

  subscribe(
    address: ConversationAddress,
    listener: (reply: Notice) => void,
    options: { after?: string } = {},
  ): () => void {
    const delivered = new Set<string>();
    const deliver = (notice: Notice) => {
      if (delivered.has(notice.id)) return;
      delivered.add(notice.id);
      listener(notice);
    };
    const channelKey = addressKey(address);
    this.emitter.on(channelKey, deliver);
    if (options.after !== undefined) {
      void this.since(address, options.after).then(
        (missed) => missed.forEach(deliver),
        () => {},
      );
    }
    return () => this.emitter.off(channelKey, deliver);
  }
}
