/**
 * Messages that reach a conversation later (desk decisions, agents). Each is stored first, with
 * an increasing id, then pushed to whoever listens (web chat's event stream, the console); a page
 * that was closed or reconnecting asks for what came after the last id it saw.
 */
import { EventEmitter } from 'node:events';
import { VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';
import type { ConversationEvents, OutboundReply } from './messages.ts';

/** How many later messages a conversation keeps for replay. */
const KEPT_NOTICES = 50;

export type Notice = OutboundReply & { id: string };

export class ConversationEventHub implements ConversationEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  constructor(private readonly store: VersionedStore) {}

  /** Stores the message, then delivers it to current listeners. */
  async publish(conversationId: string, reply: OutboundReply): Promise<Notice> {
    const sequence = await this.store.increment(`notice-sequence/${conversationId}`);
    const notice: Notice = { ...reply, id: String(sequence) };
    const key = `notices/${conversationId}`;
    for (;;) {
      const record = await this.store.get<Notice[]>(key);
      const kept = [...(record?.value ?? []), notice].slice(-KEPT_NOTICES);
      try {
        await this.store.put(key, kept, { expected: record?.version ?? null });
        break;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    this.emitter.emit(conversationId, notice);
    return notice;
  }

  /** Stored messages with an id after `after` (all of them without it). */
  async since(conversationId: string, after?: string): Promise<Notice[]> {
    const stored = (await this.store.get<Notice[]>(`notices/${conversationId}`))?.value ?? [];
    const from = after === undefined ? 0 : Number(after);
    return stored.filter((notice) => Number(notice.id) > from);
  }

  subscribe(conversationId: string, listener: (reply: Notice) => void, options: { after?: string } = {}): () => void {
    const delivered = new Set<string>();
    const deliver = (notice: Notice) => {
      if (delivered.has(notice.id)) return;
      delivered.add(notice.id);
      listener(notice);
    };
    this.emitter.on(conversationId, deliver);
    if (options.after !== undefined) {
      void this.since(conversationId, options.after).then(
        (missed) => missed.forEach(deliver),
        () => {},
      );
    }
    return () => this.emitter.off(conversationId, deliver);
  }
}
