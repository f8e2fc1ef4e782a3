/**
 * What the channel keeps per conversation: the ConversationReference a proactive message needs
 * (where the platform's connector is, who the bot and the merchant are), written on every inbound
 * activity when it changed; and which activities were answered and which later messages shown,
 * so a redelivered activity or a repeated outbox delivery reaches the merchant once.
 */
import type { ConversationReference } from 'botbuilder';
import { addressKey, type ConversationAddress } from '../../conversation/address.ts';
import { VersionConflictError, type VersionedStore } from '../../storage/versioned-store.ts';

/** As long as the router remembers a message id for redeliveries (dedupe.ts). */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
/** A later message's id is remembered while the outbox may still retry it (about a day) and then some. */
const SENT_MS = 7 * 24 * 60 * 60 * 1000;

const referenceKey = (address: ConversationAddress) => `botframework/references/${addressKey(address)}`;
const claimKey = (kind: 'answered' | 'sent', address: ConversationAddress, id: string) =>
  `botframework/${kind}/${addressKey(address)}/${encodeURIComponent(id)}`;

export class BotframeworkReferences {
  constructor(private readonly store: VersionedStore) {}

  /** Keeps the reference unless the stored one is the same (most turns: a read, no write). */
  async remember(address: ConversationAddress, reference: Partial<ConversationReference>): Promise<void> {
    // The activity id is this turn's: a proactive message is not a reply to an old message.
    const { activityId: _turnOnly, ...kept } = reference;
    const stored = await this.store.get<Partial<ConversationReference>>(referenceKey(address));
    if (stored && JSON.stringify(stored.value) === JSON.stringify(kept)) return;
    await this.store.put(referenceKey(address), kept);
  }

  async reference(address: ConversationAddress): Promise<Partial<ConversationReference> | undefined> {
    return (await this.store.get<Partial<ConversationReference>>(referenceKey(address)))?.value;
  }

  /**
   * Claims answering activity `id` (or showing later message `id`): true for the first claim
   * only, across processes. `release` gives it back when sending failed, so a retry can send.
   */
  async claim(kind: 'answered' | 'sent', address: ConversationAddress, id: string): Promise<boolean> {
    try {
      await this.store.put(claimKey(kind, address, id), true, {
        expected: null,
        ttlMs: kind === 'answered' ? REMEMBER_MS : SENT_MS,
      });
      return true;
    } catch (error) {
      if (error instanceof VersionConflictError) return false;
      throw error;
    }
  }

  async claimed(kind: 'answered' | 'sent', address: ConversationAddress, id: string): Promise<boolean> {
    return (await this.store.get(claimKey(kind, address, id))) !== undefined;
  }

  release(kind: 'answered' | 'sent', address: ConversationAddress, id: string): Promise<void> {
    return this.store.delete(claimKey(kind, address, id));
  }
}
