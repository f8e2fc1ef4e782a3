/**
 * What one client may ask of the web chat (the WEBCHAT_* limits in config.ts): messages per
 * conversation and per client address, new conversations per address (each a minute's fixed
 * window, counted in the shared store), and open event streams (per process).
 */
import { FixedWindowCounter } from '../../http/fixed-window-counter.ts';
import { StreamRegistry } from '../../http/stream-registry.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { WebchatLimits } from '../../platform/config.ts';
import type { VersionedStore } from '../../storage/versioned-store.ts';

export class WebchatLimiter {
  readonly streams: StreamRegistry;
  private readonly messagesPerConversation: FixedWindowCounter;
  private readonly messagesPerAddress: FixedWindowCounter;
  private readonly conversationsPerAddress: FixedWindowCounter;

  constructor(
    store: VersionedStore,
    clock: Clock,
    private readonly limits: WebchatLimits,
  ) {
    this.streams = new StreamRegistry({
      perKey: limits.WEBCHAT_STREAMS_PER_CONVERSATION,
      total: limits.WEBCHAT_STREAMS_MAX,
    });
    this.messagesPerConversation = new FixedWindowCounter(store, clock, 'webchat/rate/messages-conversation');
    this.messagesPerAddress = new FixedWindowCounter(store, clock, 'webchat/rate/messages-address');
    this.conversationsPerAddress = new FixedWindowCounter(store, clock, 'webchat/rate/conversations-address');
  }

  /** Counts a message; how long to wait (ms) when it is over a limit, else undefined. */
  async message(conversationId: string, address: string): Promise<number | undefined> {
    const byAddress = await this.messagesPerAddress.hit(address);
    if (byAddress.count > this.limits.WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE) return byAddress.retryAfterMs;
    const byConversation = await this.messagesPerConversation.hit(conversationId);
    if (byConversation.count > this.limits.WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE) {
      return byConversation.retryAfterMs;
    }
    return undefined;
  }

  /** Counts a new conversation; how long to wait (ms) when it is over the limit, else undefined. */
  async newConversation(address: string): Promise<number | undefined> {
    const { count, retryAfterMs } = await this.conversationsPerAddress.hit(address);
    return count > this.limits.WEBCHAT_CONVERSATIONS_PER_ADDRESS_PER_MINUTE ? retryAfterMs : undefined;
  }
}
