/**
 * What agents do with conversations (the agent API in src/http/agent-routes.ts, and later the
 * staff page and Slack on top of it): list the queue, claim a conversation (exclusive: a
 * compare-and-set on its owner record, so of agents claiming at once exactly one wins), write to
 * the merchant (stored in the transcript first, in the same commit as its proactive-outbox item,
 * which relays it on the merchant's own channel once), fill a form field for them, hand back to
 * the bot, close. Every change is published to the agent events after it is stored.
 */
import { addressKey, type ConversationAddress } from '../conversation/address.ts';
import type { ConversationRouter } from '../conversation/messages.ts';
import type { ProactiveDelivery } from '../conversation/proactive-delivery.ts';
import type { SlotValues } from '../engine/form-definition.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import { updateWithRetry } from '../storage/update-with-retry.ts';
import type { StoredRecord, StoreWrite, VersionedStore } from '../storage/versioned-store.ts';
import type { Locale } from '../validation/ticket.ts';
import type { AgentEvents } from './agent-events.ts';
import {
  appendEntries,
  type HandoffRecord,
  isAgent,
  type Owner,
  ownerKey,
  QUEUE_PREFIX,
  type QueueEntry,
  recordWrites,
  TRANSCRIPT_PREFIX,
  type TranscriptEntry,
  type TranscriptRecord,
  transcriptKey,
} from './handoff-records.ts';
import { type AgentMessageEvent, type FillFieldEvent, HANDOFF_EVENTS, type NoticeEvent } from './turn-handoff.ts';

export type HandoffErrorCode =
  | 'conversation_not_found'
  | 'conversation_ambiguous'
  | 'already_claimed'
  | 'not_owner'
  | 'no_form'
  | 'unknown_field'
  | 'invalid_field_value';

export class HandoffError extends Error {
  constructor(
    readonly code: HandoffErrorCode,
    /** Who owns the conversation, for `already_claimed` and `not_owner`. */
    readonly owner?: Owner,
    /** The slot rule's message key, for `invalid_field_value`. */
    readonly errorKey?: string,
  ) {
    super(code);
    this.name = 'HandoffError';
  }
}

/** The bot's stored form, read without running the bot. */
export interface FormAccess {
  /** The merchant's language and the unbind form's answers so far (undefined: no form running). */
  read(address: ConversationAddress): Promise<{ locale?: Locale; answers?: SlotValues }>;
  /** Checks a value by the slot's rule; undefined when the form has no such field. */
  check(
    name: string,
    text: string,
    locale: Locale,
  ): { ok: true; value: unknown } | { ok: false; errorKey: string } | undefined;
}

export interface ConversationView {
  address: ConversationAddress;
  owner: Owner;
  /** While listed in the queue. */
  queue?: QueueEntry;
  transcript: TranscriptEntry[];
  /** The unbind form's answers so far; null when no form is running. */
  answers: SlotValues | null;
}

export interface AgentWorkspace {
  queue(): Promise<QueueEntry[]>;
  /** The address of a conversation id (on `channel`, when given). */
  find(conversationId: string, channel?: string): Promise<ConversationAddress>;
  view(address: ConversationAddress): Promise<ConversationView>;
  claim(address: ConversationAddress, agent: string): Promise<Owner>;
  send(address: ConversationAddress, agent: string, text: string): Promise<TranscriptEntry>;
  fillField(address: ConversationAddress, agent: string, name: string, value: string): Promise<SlotValues>;
  handBack(address: ConversationAddress, agent: string): Promise<Owner>;
  close(address: ConversationAddress, agent: string): Promise<Owner>;
}

export function createAgentWorkspace(deps: {
  store: VersionedStore;
  clock: Clock;
  proactive: ProactiveDelivery;
  router: ConversationRouter;
  events: AgentEvents;
  form: FormAccess;
}): AgentWorkspace {
  const { store, clock, proactive, events } = deps;
  const nowIso = () => clock.now().toISOString();

  async function freshRecord(address: ConversationAddress): Promise<HandoffRecord> {
    const { locale } = await deps.form.read(address);
    return { address, owner: 'bot', locale: locale ?? 'zh-CN', changedAt: nowIso() };
  }

  /** Changes the owner from `agent` (who must own it) to the bot, telling the merchant by `event`. */
  async function release(
    address: ConversationAddress,
    agent: string,
    event: (record: HandoffRecord) => { name: string; value: unknown },
  ): Promise<Owner> {
    const me: Owner = `agent:${agent}`;
    const base = await freshRecord(address);
    const stored = await updateWithRetry<HandoffRecord>(
      store,
      ownerKey(address),
      (current) => {
        if (current?.owner !== me) throw new HandoffError('not_owner', current?.owner ?? 'bot');
        const { queue: _queue, ...rest } = current ?? base;
        return { ...rest, owner: 'bot', generation: (current.generation ?? 0) + 1, changedAt: nowIso() };
      },
      { alongside: (next) => ownerChangeWrites(next, event(next)) },
    );
    proactive.wake();
    events.publish({ type: 'dequeued', address });
    events.publish({ type: 'owner', address, owner: stored?.value.owner ?? 'bot' });
    return 'bot';
  }

  /** The queue index in step with the record, and the proactive turn that tells the merchant. */
  async function ownerChangeWrites(
    next: HandoffRecord,
    event: { name: string; value: unknown },
  ): Promise<StoreWrite[]> {
    const queueWrite = recordWrites(next, null)[1] as StoreWrite;
    const key = `handoff/${addressKey(next.address)}/${next.generation ?? 0}`;
    return [queueWrite, await proactive.itemWrite(key, { address: next.address, event })];
  }

  return {
    async queue() {
      const found = await store.getMany<QueueEntry>(await store.keys(QUEUE_PREFIX));
      return [...found.values()]
        .map((record) => record.value)
        .sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
    },

    async find(conversationId, channel) {
      if (channel !== undefined) {
        const address = { channel, conversationId };
        const transcript = await store.get<TranscriptRecord>(transcriptKey(address));
        if (!transcript) throw new HandoffError('conversation_not_found');
        return transcript.value.address;
      }
      // Every conversation has a transcript from its first turn; the same id on two channels is two merchants.
      const suffix = `/${encodeURIComponent(conversationId)}`;
      const keys = (await store.keys(TRANSCRIPT_PREFIX)).filter((key) => key.endsWith(suffix));
      const matching = [...(await store.getMany<TranscriptRecord>(keys)).values()].filter(
        (record) => record.value.address.conversationId === conversationId,
      );
      if (matching.length === 0) throw new HandoffError('conversation_not_found');
      if (matching.length > 1) throw new HandoffError('conversation_ambiguous');
      return (matching[0] as StoredRecord<TranscriptRecord>).value.address;
    },

    async view(address) {
      const found = await store.getMany<unknown>([ownerKey(address), transcriptKey(address)]);
      const record = found.get(ownerKey(address))?.value as HandoffRecord | undefined;
      const transcript = found.get(transcriptKey(address))?.value as TranscriptRecord | undefined;
      const { answers } = await deps.form.read(address);
      const queue = record?.queue
        ? (await store.get<QueueEntry>(`${QUEUE_PREFIX}${addressKey(address)}`))?.value
        : undefined;
      return {
        address: transcript?.address ?? address,
        owner: record?.owner ?? 'bot',
        ...(queue ? { queue } : {}),
        transcript: transcript?.entries ?? [],
        answers: answers ?? null,
      };
    },

    async claim(address, agent) {
      const me: Owner = `agent:${agent}`;
      const base = await freshRecord(address);
      let claimed = false;
      await updateWithRetry<HandoffRecord>(
        store,
        ownerKey(address),
        (current) => {
          claimed = false;
          const record = current ?? base;
          if (record.owner === me) return undefined;
          if (isAgent(record.owner)) throw new HandoffError('already_claimed', record.owner);
          claimed = true;
          const { queue: _queue, ...rest } = record;
          return { ...rest, owner: me, generation: (record.generation ?? 0) + 1, changedAt: nowIso() };
        },
        {
          alongside: (next) =>
            ownerChangeWrites(next, {
              name: HANDOFF_EVENTS.notice,
              value: { key: 'agentJoined', vars: { agent } } satisfies NoticeEvent,
            }),
        },
      );
      if (claimed) {
        proactive.wake();
        events.publish({ type: 'dequeued', address });
        events.publish({ type: 'owner', address, owner: me });
      }
      return me;
    },

    async send(address, agent, text) {
      const me: Owner = `agent:${agent}`;
      let owner: StoredRecord<HandoffRecord> | undefined;
      let added: TranscriptEntry | undefined;
      await updateWithRetry<TranscriptRecord>(
        store,
        transcriptKey(address),
        async (current) => {
          owner = await store.get<HandoffRecord>(ownerKey(address));
          if (owner?.value.owner !== me) throw new HandoffError('not_owner', owner?.value.owner ?? 'bot');
          const appended = appendEntries(current, address, [
            { at: nowIso(), author: me, channel: address.channel, text },
          ]);
          added = appended.added[0];
          return appended.record;
        },
        {
          // Stored only while still theirs, with the item that relays it: never lost, never sent twice.
          alongside: async (next) => [
            { key: ownerKey(address), value: owner?.value, expected: owner?.version ?? null },
            await proactive.itemWrite(`agent-message/${addressKey(address)}/${next.lastId}`, {
              address: next.address,
              event: { name: HANDOFF_EVENTS.agentMessage, value: { text, author: me } satisfies AgentMessageEvent },
            }),
          ],
        },
      );
      proactive.wake();
      const entry = added as TranscriptEntry;
      events.publish({ type: 'message', address, entry });
      return entry;
    },

    async fillField(address, agent, name, value) {
      const owner = (await store.get<HandoffRecord>(ownerKey(address)))?.value.owner ?? 'bot';
      if (owner !== `agent:${agent}`) throw new HandoffError('not_owner', owner);
      const { locale, answers } = await deps.form.read(address);
      if (!answers) throw new HandoffError('no_form');
      const checked = deps.form.check(name, value, locale ?? 'zh-CN');
      if (!checked) throw new HandoffError('unknown_field');
      if (!checked.ok) throw new HandoffError('invalid_field_value', undefined, checked.errorKey);
      // A turn like any other: serialised with the merchant's messages, committed once.
      await deps.router.handle({
        ...address,
        userId: address.userId ?? address.conversationId,
        text: '',
        event: { name: HANDOFF_EVENTS.fillField, value: { name, value: checked.value } satisfies FillFieldEvent },
      });
      return (await deps.form.read(address)).answers ?? {};
    },

    handBack: (address, agent) => release(address, agent, () => ({ name: HANDOFF_EVENTS.handback, value: {} })),

    close: (address, agent) =>
      release(address, agent, () => ({
        name: HANDOFF_EVENTS.notice,
        value: { key: 'closed', vars: { agent } } satisfies NoticeEvent,
      })),
  };
}
