/**
 * The assistant's core, wired together: storage, desk, forwarding to an external desk, bot,
 * turn pipeline, the channels this process serves and the proactive outbox that reaches them.
 * `createServer` (server.ts) adds the HTTP side; the console builds one with its own channel.
 */
import { STATUS_LOOKUP_FORM } from '../dialogs/status-lookup-form.ts';
import { fromTicketFields, toTicketFields, UNBIND_FORM } from '../dialogs/unbind-form.ts';
import { AssistantBot, type AssistantBotDeps } from './bot/assistant-bot.ts';
import { createBotTurnRunner, transactionOf } from './bot/bot-turn-runner.ts';
import { createTurnStorage } from './bot/keyv-bot-storage.ts';
import type { Channel, ChannelContext, ChannelFactory } from './channels/channel.ts';
import { ConversationEventHub } from './conversation/conversation-events.ts';
import { createConversationRouter, type TurnRunner } from './conversation/conversation-router.ts';
import { decisionNotices } from './conversation/decision-notices.ts';
import type { ConversationRouter } from './conversation/messages.ts';
import { createProactiveDelivery, type ProactiveDelivery } from './conversation/proactive-delivery.ts';
import { BuiltinDesk } from './desk/builtin-desk.ts';
import type { Outbox } from './desk/outbox/outbox.ts';
import { type DeskForwardingSettings, startDeskForwarding } from './desk/outbox/start-desk-forwarding.ts';
import type { TicketEvent } from './desk/support-desk.ts';
import { type DocumentStore, openDocumentStore } from './documents/document-store.ts';
import {
  createDocumentUrlSigner,
  DEFAULT_DOCUMENT_URL_TTL_SECONDS,
  type DocumentUrlSigner,
  documentUrlBase,
  documentUrlSecret,
} from './documents/signed-urls.ts';
import type { SlotValues } from './engine/form-definition.ts';
import { type AgentEvents, createFanoutAgentEvents } from './handoff/agent-events.ts';
import { type AgentWorkspace, createAgentWorkspace, type FormAccess } from './handoff/agent-workspace.ts';
import { createBusinessHours } from './handoff/business-hours.ts';
import type { QueueReason } from './handoff/handoff-records.ts';
import { isLocale } from './i18n/translate.ts';
import { type ConversationLimits, createDailyQuota } from './limits/daily-quota.ts';
import {
  type ChoiceUnderstanding,
  createChoiceUnderstanding,
  createLanguageUnderstanding,
  type LanguageUnderstanding,
} from './nlu/index.ts';
import { type Clock, type IdGenerator, randomIds, systemClock } from './platform/clock-and-ids.ts';
import { type AppConfig, conversationLimitsOf } from './platform/config.ts';
import type { Logger } from './platform/logger.ts';
import { createStaffCredentials, type StaffCredentials } from './staff/staff-credentials.ts';
import { createStatusLookup } from './status/status-lookup.ts';
import { createStatusLookupAnswer } from './status/status-lookup-answer.ts';
import { type Fanout, localFanout, openFanout } from './storage/fanout.ts';
import { openStore, type VersionedStore } from './storage/versioned-store.ts';
import { createTicketFiling } from './unbind/ticket-filing.ts';

export interface Assistant {
  router: ConversationRouter;
  clock: Clock;
  /** Delivers tickets to the external desk, when one is configured. */
  outbox?: Outbox<TicketEvent>;
  /** Delivers what merchants receive unprompted to the channels of this process. */
  proactive: ProactiveDelivery;
  understanding: LanguageUnderstanding;
  /** Stored later messages, for channels whose clients stream or pull them. */
  events: ConversationEventHub;
  desk: BuiltinDesk;
  store: VersionedStore;
  /** Photos and PDFs merchants sent, for their chat and for reviewers. */
  documents: DocumentStore;
  /** Signed short-lived document addresses, for the external desks (served at /documents/:id). */
  documentUrls: DocumentUrlSigner;
  /** The channels this process serves, by name. */
  channels: ReadonlyMap<string, Channel>;
  /** Agents by their tokens (AGENT_TOKENS). */
  /** Who may sign in as an agent or reviewer. */
  staff: StaffCredentials;
  /** What agents do with conversations: queue, claim, write, hand back (the agent API). */
  agents: AgentWorkspace;
  /** Queue changes and conversation messages, live, for agents' pages and workspaces. */
  agentEvents: AgentEvents;
  close(): Promise<void>;
}

export interface AssistantDeps {
  config: Partial<AppConfig> & Pick<AppConfig, 'storageUrl'> & Partial<DeskForwardingSettings>;
  /** Who may sign in (createServer reads AGENT_TOKENS and the staff file); AGENT_TOKENS' people when absent. */
  staff?: StaffCredentials;
  logger: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  /** Isolates tests sharing one Redis or PostgreSQL. */
  storageNamespace?: string;
  /** An open store to use instead of opening `config.storageUrl` (tests wrap one to inject faults). */
  store?: VersionedStore;
  /** The fanout to use instead of opening one for `config.storageUrl` (in-process with `store`); closed with the assistant. */
  fanout?: Fanout;
  understanding?: LanguageUnderstanding;
  /** The channels this process serves (none: the router alone, for tools). */
  channels?: readonly ChannelFactory[];
  /** A document store to use instead of the configured one (DATA_DIR/documents or S3). */
  documents?: DocumentStore;
  /** Replaces the bot behind the turn pipeline: HTTP-layer tests script its answers. */
  runTurn?: TurnRunner;
  /** Background workers (outboxes) run unless false: transcript tests drain them by hand. */
  startWorkers?: boolean;
  sseHeartbeatMs?: number;
}

let trainedUnderstanding: LanguageUnderstanding | undefined;

/** Trained once per process, from dialogs/nlu: every assistant in it shares the classifiers. */
export function sharedUnderstanding(): LanguageUnderstanding {
  trainedUnderstanding ??= createLanguageUnderstanding();
  return trainedUnderstanding;
}

let trainedChoices: ChoiceUnderstanding | undefined;

/** Choice understanding, trained once per process like the intents. */
function sharedChoiceUnderstanding(): ChoiceUnderstanding {
  trainedChoices ??= createChoiceUnderstanding();
  return trainedChoices;
}

/** The unbind assistant's bot over any per-turn storage (the bench also runs it over MemoryStorage). */
export function createAssistantBot(
  deps: Omit<
    AssistantBotDeps,
    'form' | 'formValuesOf' | 'statusLookupForm' | 'callbacksPerDay' | 'choices' | 'listsForAgents'
  > & {
    store: VersionedStore;
    clock: Clock;
    limits: ConversationLimits;
  },
): AssistantBot {
  const { store, clock, limits, ...botDeps } = deps;
  const ticketsPerDay = createDailyQuota({ store, clock, name: 'tickets', perDay: limits.ticketsPerDay });
  return new AssistantBot({
    ...botDeps,
    choices: sharedChoiceUnderstanding(),
    callbacksPerDay: createDailyQuota({ store, clock, name: 'callbacks', perDay: limits.callbacksPerDay }),
    form: {
      definition: UNBIND_FORM,
      onComplete: createTicketFiling({ desk: deps.desk, toTicketFields, ticketsPerDay }),
    },
    statusLookupForm: {
      definition: STATUS_LOOKUP_FORM,
      onComplete: createStatusLookupAnswer(createStatusLookup({ desk: deps.desk, store, clock })),
    },
    formValuesOf: (ticket) => fromTicketFields(ticket.fields),
    listsForAgents: lostDeviceForAgents,
  });
}

/** A lost or stolen device is a case for a person: agents see it in their queue while the bot carries on. */
function lostDeviceForAgents(values: SlotValues): QueueReason | undefined {
  return values.deviceCondition === 'lost' ? 'lost_device' : undefined;
}

/** The key of the bot's stored conversation state (botbuilder's ConversationState, no namespace). */
function botStateKey(address: { channel: string; conversationId: string }): string {
  return `${address.channel}/conversations/${address.conversationId}/`;
}

/** The unbind form's answers and the merchant's language, read from the bot's stored state. */
function botFormAccess(store: VersionedStore, bot: AssistantBot): FormAccess {
  interface StoredBotState {
    profile?: { locale?: string };
    dialogs?: { dialogStack?: { id: string; state?: { values?: SlotValues } }[] };
  }
  return {
    async read(address) {
      const state = (await store.get<StoredBotState>(botStateKey(address)))?.value;
      const form = state?.dialogs?.dialogStack?.find((instance) => instance.id === bot.formId);
      const locale = state?.profile?.locale;
      return {
        ...(isLocale(locale) ? { locale } : {}),
        ...(form ? { answers: form.state?.values ?? {} } : {}),
      };
    },
    check(name, text, locale) {
      const checked = bot.checkFormAnswer(name, text, locale);
      if (!checked) return undefined;
      return checked.ok ? checked : { ok: false, errorKey: checked.errorKey };
    },
  };
}

export async function createAssistant(deps: AssistantDeps): Promise<Assistant> {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const { logger } = deps;
  const staff = deps.staff ?? createStaffCredentials({ agents: deps.config.AGENT_TOKENS ?? [] });
  const timeout = deps.config.STORAGE_TIMEOUT_MS;
  const store =
    deps.store ??
    (await openStore(deps.config.storageUrl, {
      namespace: deps.storageNamespace,
      ...(timeout ? { timeoutMs: timeout } : {}),
    }));
  // Live messages across instances sharing this storage (in-process for SQLite, and with a store
  // handed in by a test, whose URL may name nothing).
  const fanout =
    deps.fanout ??
    (deps.store
      ? localFanout()
      : await openFanout(deps.config.storageUrl, {
          namespace: deps.storageNamespace,
          ...(timeout ? { timeoutMs: timeout } : {}),
          onError: (error) => logger.warn({ err: error, code: 'fanout_connection_failed' }, 'fanout connection failed'),
        }).catch(async (error: unknown) => {
          await store.close();
          throw error;
        }));
  const desk = new BuiltinDesk(store, clock, (error) =>
    logger.error({ err: error, code: 'ticket_event_listener_failed' }, 'ticket event listener failed'),
  );
  const documentUrls = createDocumentUrlSigner({
    secret: documentUrlSecret(deps.config),
    ttlSeconds: deps.config.DOCUMENT_URL_TTL_SECONDS ?? DEFAULT_DOCUMENT_URL_TTL_SECONDS,
    baseUrl: documentUrlBase(deps.config),
    clock,
  });
  const forwarding = await startDeskForwarding({
    settings: deps.config,
    desk,
    store,
    clock,
    logger,
    presentTicket: documentUrls.forExternalDesk,
    startWorker: deps.startWorkers !== false,
  });
  const understanding = deps.understanding ?? sharedUnderstanding();
  const bot = createAssistantBot({
    understanding,
    turnStorage: (context) => createTurnStorage(store, transactionOf(context)),
    desk,
    ids,
    logger,
    store,
    clock,
    limits: conversationLimitsOf(deps.config),
    agents: {
      agentsConfigured: staff.countWith('agent') > 0,
      businessHours: createBusinessHours(deps.config),
      clock,
    },
  });
  const agentEvents = createFanoutAgentEvents({
    fanout,
    store,
    onError: (error) => logger.warn({ err: error, code: 'agent_event_delivery_failed' }, 'agent event delivery failed'),
  });
  const router = createConversationRouter({
    store,
    runTurn: deps.runTurn ?? createBotTurnRunner(bot, clock),
    newId: () => ids.next(),
    logger,
    clock,
    agentEvents,
  });
  const events = new ConversationEventHub(store, fanout, (error) =>
    logger.warn({ err: error, code: 'notice_delivery_failed' }, 'later message delivery failed'),
  );
  const documents = deps.documents ?? openDocumentStore(deps.config);
  const context: ChannelContext = {
    config: deps.config,
    documents,
    router,
    notices: events,
    store,
    clock,
    ids,
    logger,
    ...(deps.sseHeartbeatMs ? { sseHeartbeatMs: deps.sseHeartbeatMs } : {}),
  };
  const channels = new Map<string, Channel>();
  for (const factory of deps.channels ?? []) {
    const channel = factory(context);
    if (channel) channels.set(channel.name, channel);
  }
  const proactive = createProactiveDelivery({ store, clock, logger, router, channels });
  const stopRecording = desk.recordChangesWith(decisionNotices(proactive), proactive.wake);
  const agents = createAgentWorkspace({
    store,
    clock,
    proactive,
    router,
    events: agentEvents,
    form: botFormAccess(store, bot),
  });
  for (const channel of channels.values()) channel.attachAgents?.({ agents, events: agentEvents });
  if (deps.startWorkers !== false) proactive.outbox.start();
  return {
    router,
    clock,
    ...(forwarding ? { outbox: forwarding.outbox } : {}),
    proactive,
    understanding,
    events,
    desk,
    store,
    documents,
    documentUrls,
    channels,
    staff,
    agents,
    agentEvents,
    close: async () => {
      stopRecording();
      await proactive.outbox.stop();
      await forwarding?.stop();
      for (const channel of channels.values()) await channel.close?.();
      events.close();
      await fanout.close();
      await store.close();
      documents.close();
    },
  };
}
