/**
 * Slack as the agents' workspace (README "Slack"), on top of AgentWorkspace and AgentEvents:
 *
 * - each queueing of a conversation posts one card to SLACK_AGENT_CHANNEL (agent-card.ts). Every
 *   instance hears the `queued` event; the post goes through the poster's once-only claim under a
 *   key per conversation and queueing, and the card's ts is stored with a compare-and-set, so a
 *   second instance or a restart (which sweeps the queue for cards not yet posted) posts nothing;
 * - Claim, Hand back and Close buttons call the workspace as the Slack user who clicked, mapped to
 *   a staff name by SLACK_AGENT_USERS (unmapped: refused, ephemerally); the card then shows who
 *   has it, updated once per change of owner;
 * - a reply in the card's thread is the agent's message to the merchant (AgentWorkspace.send: the
 *   merchant's own channel); the conversation's messages are posted into the thread, each once,
 *   author marked, except the agent's own Slack replies (already there).
 */
import { createHash } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { addressKey, type ConversationAddress } from '../../conversation/address.ts';
import { DEDUPE_TTL_MS } from '../../conversation/pipeline/dedupe.ts';
import type { AgentEvent, AgentEvents } from '../../handoff/agent-events.ts';
import { type AgentWorkspace, HandoffError } from '../../handoff/agent-workspace.ts';
import {
  isAgent,
  type Owner,
  type QueueEntry,
  type TranscriptRecord,
  transcriptKey,
} from '../../handoff/handoff-records.ts';
import { t } from '../../i18n/translate.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { SlackAgentSettings } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { updateWithRetry } from '../../storage/update-with-retry.ts';
import { VersionConflictError, type VersionedStore } from '../../storage/versioned-store.ts';
import { AGENT_MESSAGE_MAX, agentMessageSchema } from '../../validation/agent-api.ts';
import { AGENT_ACTIONS, agentCard, threadLine } from './agent-card.ts';
import { type SlackPoster, SlackPostInProgressError } from './slack-poster.ts';
import { escapeSlackText, plainTextOf } from './slack-text.ts';

/** Cards and their ts index are kept this long: a conversation's card outlives any handoff. */
const CARD_TTL_MS = 30 * 24 * 60 * 60_000;
/** Cards missed (a crash, Slack down) are posted, and threads caught up, this often. */
export const AGENT_SYNC_EVERY_MS = 60_000;
/** How many earlier messages a new card's thread starts with, at most. */
const THREAD_BACKLOG = 20;
/** An agent's Slack reply is remembered this long so it is not posted back into its own thread. */
const SAID_TTL_MS = 10 * 60_000;

/** The card of a conversation's latest queueing. */
interface CardRecord {
  address: ConversationAddress;
  entry: QueueEntry;
  ts: string;
  /** Transcript entries from this id on are relayed into the thread… */
  fromEntryId: number;
  /** …up to this one, once the conversation is back with the bot. */
  untilEntryId?: number;
  /** What the card shows now (`<owner>|open` or `<owner>|done`): one update per change. */
  shown: string;
}

const cardKey = (address: ConversationAddress) => `slack/agent-card/${addressKey(address)}`;
const cardByTsKey = (ts: string) => `slack/agent-card-ts/${encodeURIComponent(ts)}`;
const saidKey = (address: ConversationAddress, agent: string, text: string) =>
  `slack/agent-said/${addressKey(address)}/${createHash('sha256').update(`${agent}\n${text}`).digest('hex')}`;

const slackId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);

const threadReplySchema = z.object({
  type: z.literal('message'),
  channel: slackId,
  user: slackId,
  text: z.string(),
  ts: slackId,
  thread_ts: slackId,
  subtype: z.literal('file_share').optional(),
});

const actionBodySchema = z.object({
  user: z.object({ id: slackId }),
  container: z.object({ message_ts: slackId, channel_id: slackId.optional() }),
  channel: z.object({ id: slackId }).optional(),
});

const actionSchema = z.object({
  action_id: z.enum([AGENT_ACTIONS.claim, AGENT_ACTIONS.handBack, AGENT_ACTIONS.close]),
});

export interface SlackAgentWorkspace {
  /** A message event in the agents' channel (true: it was, and is handled); false for any other channel. */
  onMessage(envelope: unknown, event: unknown, botUserId?: string): Promise<boolean>;
  /** A click on a card's button (already acknowledged). */
  onAction(body: unknown, action: unknown): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createSlackAgentWorkspace(deps: {
  settings: SlackAgentSettings;
  client: webApi.WebClient;
  poster: SlackPoster;
  store: VersionedStore;
  clock: Clock;
  logger: Logger;
  agents: AgentWorkspace;
  events: AgentEvents;
}): SlackAgentWorkspace {
  const { settings, client, poster, store, logger, agents } = deps;
  const { locale } = settings;
  const chains = new Map<string, Promise<void>>();
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** Work on one conversation runs in order in this process (cards before their thread lines). */
  function serially(address: ConversationAddress, task: () => Promise<void>): Promise<void> {
    const key = addressKey(address);
    const run = (chains.get(key) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      // Another instance is posting the same message: it finishes the job.
      if (error instanceof SlackPostInProgressError) return;
      logger.warn({ err: error, code: 'slack.agent_sync_failed' }, 'Slack agent card or thread not updated');
    });
    chains.set(key, run);
    void run.then(() => {
      if (chains.get(key) === run) chains.delete(key);
    });
    return run;
  }

  const stateOf = (owner: Owner, open: boolean) => `${owner}|${open ? 'open' : 'done'}`;

  /** Posts the card of this queueing unless it is there already. */
  async function ensureCard(entry: QueueEntry): Promise<void> {
    const target = { channel: entry.channel, conversationId: entry.conversationId };
    const current = (await store.get<CardRecord>(cardKey(target)))?.value;
    if (current?.entry.waitingSince === entry.waitingSince) return;
    const view = await agents.view(target);
    const open = view.queue !== undefined;
    const ts = await poster.postOnce(
      `slack/sent/agent-card/${addressKey(target)}/${encodeURIComponent(entry.waitingSince)}`,
      { channel: settings.channel, ...agentCard({ entry, answers: view.answers, owner: view.owner }, locale, open) },
    );
    const since = view.transcript.findIndex((line) => line.at >= entry.waitingSince);
    const backlog = since === -1 ? [] : view.transcript.slice(since).slice(-THREAD_BACKLOG);
    const fromEntryId = backlog[0]?.id ?? (view.transcript.at(-1)?.id ?? 0) + 1;
    await updateWithRetry<CardRecord>(
      store,
      cardKey(target),
      (stored) =>
        stored?.entry.waitingSince === entry.waitingSince
          ? undefined
          : { address: view.address, entry, ts, fromEntryId, shown: stateOf(view.owner, open) },
      {
        ttlMs: CARD_TTL_MS,
        alongside: async () => [{ key: cardByTsKey(ts), value: view.address, ttlMs: CARD_TTL_MS }],
      },
    );
  }

  /** Updates the card to who has the conversation now, once across instances. */
  async function refreshCard(address: ConversationAddress): Promise<void> {
    const stored = await store.get<CardRecord>(cardKey(address));
    if (!stored) return;
    const card = stored.value;
    const view = await agents.view(address);
    const open = view.queue !== undefined;
    const shown = stateOf(view.owner, open);
    if (card.shown === shown) return;
    const released = !open && !isAgent(view.owner);
    const next: CardRecord = {
      ...card,
      shown,
      ...(released ? { untilEntryId: view.transcript.at(-1)?.id ?? 0 } : {}),
    };
    if (!released) delete next.untilEntryId;
    let version: string;
    try {
      version = await store.put(cardKey(address), next, { expected: stored.version, ttlMs: CARD_TTL_MS });
    } catch (error) {
      // Another instance changed it first: its update shows the same owner.
      if (error instanceof VersionConflictError) return;
      throw error;
    }
    try {
      await client.chat.update({
        channel: settings.channel,
        ts: card.ts,
        ...agentCard({ entry: card.entry, answers: view.answers, owner: view.owner }, locale, open),
      } as Parameters<typeof client.chat.update>[0]);
    } catch (error) {
      // Not shown after all: the next sync tries again (unless something newer was stored meanwhile).
      await store.put(cardKey(address), card, { expected: version, ttlMs: CARD_TTL_MS }).catch(() => undefined);
      throw error;
    }
  }

  /** Posts the conversation's messages not yet in the card's thread, in order, each once. */
  async function relay(address: ConversationAddress): Promise<void> {
    const card = (await store.get<CardRecord>(cardKey(address)))?.value;
    if (!card) return;
    const transcript = (await store.get<TranscriptRecord>(transcriptKey(address)))?.value;
    const pending = (transcript?.entries ?? []).filter(
      (entry) => entry.id >= card.fromEntryId && (card.untilEntryId === undefined || entry.id <= card.untilEntryId),
    );
    if (pending.length === 0) return;
    const sentKey = (id: number) => `slack/sent/agent-thread/${addressKey(address)}/${card.ts}/${id}`;
    const posted = await store.getMany<{ state: string }>(pending.map((entry) => sentKey(entry.id)));
    for (const entry of pending) {
      if (posted.get(sentKey(entry.id))?.value.state === 'posted') continue;
      if (entry.author.startsWith('agent:') && (await store.get(saidKey(address, entry.author, entry.text)))) continue;
      try {
        await poster.postOnce(sentKey(entry.id), {
          channel: settings.channel,
          thread_ts: card.ts,
          text: escapeSlackText(threadLine(entry, locale)),
          mrkdwn: false,
          unfurl_links: false,
        });
      } catch (error) {
        // A line claimed by a process that died mid-post is posted by the sweep once its claim
        // expires; the lines after it are not held back behind it.
        if (!(error instanceof SlackPostInProgressError)) throw error;
      }
    }
  }

  function onEvent(event: AgentEvent): void {
    if (event.type === 'queued') {
      const { conversation } = event;
      const address = { channel: conversation.channel, conversationId: conversation.conversationId };
      void serially(address, async () => {
        await ensureCard(conversation);
        await refreshCard(address);
        await relay(address);
      });
    } else if (event.type === 'owner' || event.type === 'dequeued') {
      void serially(event.address, () => refreshCard(event.address));
    } else if (event.type === 'message') {
      void serially(event.address, () => relay(event.address));
    }
  }

  /** Cards the queue should have and threads behind their transcript: after a restart, a crash, Slack down. */
  async function sync(): Promise<void> {
    try {
      for (const entry of await agents.queue()) onEvent({ type: 'queued', conversation: entry });
      const cards = await store.getMany<CardRecord>(await store.keys('slack/agent-card/'));
      for (const { value } of cards.values()) {
        if (value.untilEntryId !== undefined) continue;
        void serially(value.address, async () => {
          await refreshCard(value.address);
          await relay(value.address);
        });
      }
    } catch (error) {
      logger.warn({ err: error, code: 'slack.agent_sync_failed' }, 'Slack agent workspace not synced');
    }
  }

  async function tell(channel: string, user: string, key: string, vars?: Record<string, unknown>, threadTs?: string) {
    await client.chat
      .postEphemeral({
        channel,
        user,
        text: escapeSlackText(t(locale, key, vars)),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      } as Parameters<typeof client.chat.postEphemeral>[0])
      .catch((error: unknown) => logger.warn({ err: error, code: 'slack.ephemeral_failed' }, 'ephemeral not shown'));
  }

  const ownerText = (owner: Owner | undefined) =>
    isAgent(owner)
      ? owner.slice('agent:'.length)
      : t(locale, owner === 'queued' ? 'slack:ephemeral.ownerQueued' : 'slack:ephemeral.ownerBot');

  /** Tells the Slack user why the workspace refused; other errors go up (Slack gets a 500). */
  async function refusal(error: unknown, channel: string, user: string, threadTs?: string): Promise<void> {
    if (!(error instanceof HandoffError)) throw error;
    if (error.code === 'already_claimed')
      return tell(channel, user, 'slack:ephemeral.alreadyClaimed', { agent: ownerText(error.owner) }, threadTs);
    if (error.code === 'not_owner')
      return tell(channel, user, 'slack:ephemeral.notOwner', { owner: ownerText(error.owner) }, threadTs);
    if (error.code === 'conversation_not_found') return tell(channel, user, 'slack:ephemeral.notFound', {}, threadTs);
    throw error;
  }

  /** Whether this delivery of a Slack event is the first (a retry of a handled one is not). */
  async function firstDelivery(eventId: string): Promise<boolean> {
    try {
      await store.put(`slack/agent-events/${encodeURIComponent(eventId)}`, true, {
        expected: null,
        ttlMs: DEDUPE_TTL_MS,
      });
      return true;
    } catch (error) {
      if (error instanceof VersionConflictError) return false;
      throw error;
    }
  }

  return {
    async onMessage(envelope, event, botUserId) {
      const raw = event as Record<string, unknown> | null;
      if (raw === null || typeof raw !== 'object' || raw.channel !== settings.channel) return false;
      // Our own posts (cards, relayed lines) come back as events: never relayed to the merchant.
      if ('bot_id' in raw || 'bot_profile' in raw || raw.user === botUserId) return true;
      const reply = threadReplySchema.safeParse(raw);
      // Top-level talk in the agents' channel, edits and deletions are not for the merchant.
      if (!reply.success || reply.data.thread_ts === reply.data.ts) return true;
      const { user, thread_ts: threadTs } = reply.data;
      const address = (await store.get<ConversationAddress>(cardByTsKey(threadTs)))?.value;
      if (!address) return true;
      const agent = settings.users.get(user);
      if (!agent) {
        await tell(settings.channel, user, 'slack:ephemeral.notMapped', {}, threadTs);
        return true;
      }
      const checked = agentMessageSchema.safeParse({ text: plainTextOf(reply.data.text) });
      if (!checked.success) {
        await tell(settings.channel, user, 'slack:ephemeral.badText', { max: AGENT_MESSAGE_MAX }, threadTs);
        return true;
      }
      const eventId = (envelope as { event_id?: unknown } | null)?.event_id;
      const deliveryKey = typeof eventId === 'string' ? eventId : `${settings.channel}/${reply.data.ts}`;
      if (!(await firstDelivery(deliveryKey))) return true;
      const { text } = checked.data;
      // Marked before it is sent: the relay, on any instance, knows this line is in the thread already.
      await store.put(saidKey(address, `agent:${agent}`, text), true, { ttlMs: SAID_TTL_MS });
      try {
        await agents.send(address, agent, text);
      } catch (error) {
        await store.delete(`slack/agent-events/${encodeURIComponent(deliveryKey)}`);
        await refusal(error, settings.channel, user, threadTs);
      }
      return true;
    },

    async onAction(body, action) {
      const parsed = actionBodySchema.safeParse(body);
      const button = actionSchema.safeParse(action);
      if (!parsed.success || !button.success) return;
      const { user, container } = parsed.data;
      const channel = container.channel_id ?? parsed.data.channel?.id ?? settings.channel;
      const address = (await store.get<ConversationAddress>(cardByTsKey(container.message_ts)))?.value;
      if (!address) return tell(channel, user.id, 'slack:ephemeral.notFound');
      // Who acts is the signed request's user, mapped to a staff name; never anything typed.
      const agent = settings.users.get(user.id);
      if (!agent) return tell(channel, user.id, 'slack:ephemeral.notMapped');
      try {
        if (button.data.action_id === AGENT_ACTIONS.claim) await agents.claim(address, agent);
        else if (button.data.action_id === AGENT_ACTIONS.handBack) await agents.handBack(address, agent);
        else await agents.close(address, agent);
      } catch (error) {
        await refusal(error, channel, user.id);
      }
      await serially(address, () => refreshCard(address));
    },

    start() {
      unsubscribe = deps.events.subscribe(onEvent);
      void sync();
      timer = setInterval(() => void sync(), AGENT_SYNC_EVERY_MS);
      timer.unref();
    },

    async stop() {
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await Promise.all([...chains.values()]);
    },
  };
}
