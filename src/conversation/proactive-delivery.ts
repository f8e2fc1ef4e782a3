/**
 * Messages a merchant receives unprompted (desk decisions today; agent replies and reminders
 * later) go through a durable outbox: the item is written in the same commit as the change that
 * causes it, a worker runs it (a proactive turn of the bot, whose replies are deduped by the turn
 * pipeline) and hands the replies to the address's channel, retrying until it succeeds and
 * catching up after a restart. Each reply's message id derives from the item's key, so a repeated
 * delivery is shown once. A process delivers only to the channels it serves: the console's items
 * wait for the console.
 */
import { type Channel, channelFor } from '../channels/channel.ts';
import { createOutbox, type Outbox } from '../desk/outbox/outbox.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import type { Logger } from '../platform/logger.ts';
import type { StoreWrite, VersionedStore } from '../storage/versioned-store.ts';
import { addressKey, type ConversationAddress } from './address.ts';
import type { ConversationRouter } from './messages.ts';

/** A proactive turn: the bot runs on this event in the conversation at `address`. */
export interface ProactiveTurn {
  address: ConversationAddress;
  event: { name: string; value: unknown };
}

const PREFIX = 'proactive/';

export interface ProactiveDelivery {
  /** The outbox item for a proactive turn, to commit with the change that causes it; `key` must be unique to that change. */
  itemWrite(key: string, turn: ProactiveTurn): Promise<StoreWrite>;
  /** Delivers due items now (after a commit that wrote some). */
  wake(): void;
  outbox: Outbox<ProactiveTurn>;
}

export function createProactiveDelivery(deps: {
  store: VersionedStore;
  clock: Clock;
  logger: Logger;
  router: ConversationRouter;
  /** The channels this process serves, by name. */
  channels: ReadonlyMap<string, Channel>;
}): ProactiveDelivery {
  const outbox = createOutbox<ProactiveTurn>({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'proactive' }),
    prefix: PREFIX,
    accepts: (turn) => channelFor(deps.channels, turn.address.channel) !== undefined,
    // Merchants wait for these: retry soon, for about a day before an operator is needed. A delivery is
    // a local bot turn (storage calls time out within seconds), so a short lease lets another worker
    // resume soon after a process died mid-delivery.
    policy: { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, maxAttempts: 300, pollIntervalMs: 1_000, leaseMs: 15_000 },
    deliver: async ({ address, event }, key) => {
      const channel = channelFor(deps.channels, address.channel);
      if (!channel) throw new Error(`channel ${address.channel} is not served by this process`);
      const replies = await deps.router.handle({
        ...address,
        userId: address.userId ?? address.conversationId,
        text: '',
        messageId: `${PREFIX}${key}`,
        event,
      });
      await channel.send(
        address,
        replies.map((reply, i) => ({ ...reply, messageId: `${key}#${i}` })),
      );
      return {};
    },
  });
  return {
    outbox,
    itemWrite: (key, turn) => outbox.itemWrite(key, turn, { group: addressKey(turn.address) }),
    wake: () => outbox.wake(),
  };
}
