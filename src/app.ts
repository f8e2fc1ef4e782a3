/**
 * The composition root: storage, desk, bot and router wired together. Channels and the HTTP
 * server take the Assistant; tests build one with a fixed clock and sequential ids.
 */
import { createStatusLookupForm } from '../dialogs/status-lookup-form.ts';
import { createUnbindForm, fromTicketFields } from '../dialogs/unbind-form.ts';
import { AssistantBot, type AssistantBotDeps } from './bot/assistant-bot.ts';
import { createTurnStorage } from './bot/keyv-bot-storage.ts';
import { createBotTurnRunner } from './channels/bot-turn-runner.ts';
import { ConversationEventHub } from './conversation/conversation-events.ts';
import { createConversationRouter } from './conversation/conversation-router.ts';
import { notifyMerchantsOfDecisions } from './conversation/decision-notifier.ts';
import type { ConversationRouter } from './conversation/messages.ts';
import { BuiltinDesk } from './desk/builtin-desk.ts';
import type { Outbox } from './desk/outbox/outbox.ts';
import { type DeskForwardingSettings, startDeskForwarding } from './desk/outbox/start-desk-forwarding.ts';
import type { SupportDesk, TicketEvent } from './desk/support-desk.ts';
import { createLanguageUnderstanding, type LanguageUnderstanding } from './nlu/index.ts';
import { type Clock, type IdGenerator, randomIds, systemClock } from './platform/clock-and-ids.ts';
import type { AppConfig } from './platform/config.ts';
import type { Logger } from './platform/logger.ts';
import { createStatusLookup } from './status/status-lookup.ts';
import { openStore, type VersionedStore } from './storage/versioned-store.ts';

export interface Assistant {
  router: ConversationRouter;
  clock: Clock;
  /** Delivers tickets to the external desk, when one is configured. */
  outbox?: Outbox<TicketEvent>;
  understanding: LanguageUnderstanding;
  events: ConversationEventHub;
  desk: SupportDesk;
  store: VersionedStore;
  close(): Promise<void>;
}

export interface AssistantDeps {
  config: Pick<AppConfig, 'storageUrl'> & Partial<DeskForwardingSettings>;
  logger: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  /** Isolates tests sharing one Redis or PostgreSQL. */
  storageNamespace?: string;
  understanding?: LanguageUnderstanding;
}

let trainedUnderstanding: LanguageUnderstanding | undefined;

/** Trained once per process, from dialogs/nlu: every assistant in it shares the classifiers. */
export function sharedUnderstanding(): LanguageUnderstanding {
  trainedUnderstanding ??= createLanguageUnderstanding();
  return trainedUnderstanding;
}

/** The unbind assistant's bot over any per-turn storage (the bench also runs it over MemoryStorage). */
export function createAssistantBot(
  deps: Omit<AssistantBotDeps, 'form' | 'formValuesOf' | 'statusLookupForm'> & { store: VersionedStore; clock: Clock },
): AssistantBot {
  const { store, clock, ...botDeps } = deps;
  return new AssistantBot({
    ...botDeps,
    form: createUnbindForm({ desk: deps.desk }),
    statusLookupForm: createStatusLookupForm({ lookup: createStatusLookup({ desk: deps.desk, store, clock }) }),
    formValuesOf: (ticket) => fromTicketFields(ticket.fields),
  });
}

export async function createAssistant(deps: AssistantDeps): Promise<Assistant> {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const store = await openStore(deps.config.storageUrl, { namespace: deps.storageNamespace });
  const desk = new BuiltinDesk(store, clock, (error) =>
    deps.logger.error({ err: error, code: 'ticket_event_listener_failed' }, 'ticket event listener failed'),
  );
  const forwarding = await startDeskForwarding({ settings: deps.config, desk, store, clock, logger: deps.logger });
  const understanding = deps.understanding ?? sharedUnderstanding();
  const bot = createAssistantBot({
    understanding,
    turnStorage: () => createTurnStorage(store),
    desk,
    ids,
    logger: deps.logger,
    store,
    clock,
  });
  const router = createConversationRouter({
    store,
    runTurn: createBotTurnRunner(bot, clock),
    newId: () => ids.next(),
    logger: deps.logger,
  });
  const events = new ConversationEventHub(store);
  const stopNotifying = notifyMerchantsOfDecisions({ desk, router, events, logger: deps.logger });
  return {
    router,
    clock,
    ...(forwarding ? { outbox: forwarding.outbox } : {}),
    understanding,
    events,
    desk,
    store,
    close: async () => {
      stopNotifying();
      await forwarding?.stop();
      await store.close();
    },
  };
}
