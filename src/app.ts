/**
 * The composition root: storage, desk, bot and router wired together. Channels and the HTTP
 * server take the Assistant; tests build one with a fixed clock and sequential ids.
 */
import { createUnbindForm } from '../dialogs/unbind-form.ts';
import { AssistantBot } from './bot/assistant-bot.ts';
import { createTurnStorage } from './bot/keyv-bot-storage.ts';
import { createBotTurnRunner } from './channels/bot-turn-runner.ts';
import { ConversationEventHub } from './conversation/conversation-events.ts';
import { createConversationRouter } from './conversation/conversation-router.ts';
import type { ConversationRouter } from './conversation/messages.ts';
import { BuiltinDesk } from './desk/builtin-desk.ts';
import type { SupportDesk } from './desk/support-desk.ts';
import { type Clock, type IdGenerator, randomIds, systemClock } from './platform/clock-and-ids.ts';
import type { AppConfig } from './platform/config.ts';
import type { Logger } from './platform/logger.ts';
import { openStore, type VersionedStore } from './storage/versioned-store.ts';

export interface Assistant {
  router: ConversationRouter;
  events: ConversationEventHub;
  desk: SupportDesk;
  store: VersionedStore;
  close(): Promise<void>;
}

export interface AssistantDeps {
  config: Pick<AppConfig, 'storageUrl'>;
  logger: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  /** Isolates tests sharing one Redis or PostgreSQL. */
  storageNamespace?: string;
}

export async function createAssistant(deps: AssistantDeps): Promise<Assistant> {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const store = await openStore(deps.config.storageUrl, { namespace: deps.storageNamespace });
  const desk = new BuiltinDesk(store, clock);
  const bot = new AssistantBot({
    turnStorage: () => createTurnStorage(store),
    desk,
    form: createUnbindForm({ desk }),
    ids,
    logger: deps.logger,
  });
  const router = createConversationRouter({
    store,
    runTurn: createBotTurnRunner(bot, clock),
    newId: () => ids.next(),
    logger: deps.logger,
  });
  return { router, events: new ConversationEventHub(), desk, store, close: () => store.close() };
}
