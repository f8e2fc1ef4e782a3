/**
 * The handoff as one turn sees it: who owns the conversation, and the bot's two ways to call for
 * a person — `queue` (the bot goes quiet, the merchant waits for an agent) and `list` (agents see
 * the conversation in their queue while the bot carries on, e.g. a lost device). Changes are
 * staged and committed with the turn by the handoff gate (conversation/pipeline/handoff-gate.ts).
 */
import type { ConversationAddress } from '../conversation/address.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import type { Locale } from '../validation/ticket.ts';
import { type HandoffRecord, type Owner, QUEUE_PREFIX, type QueueEntry, type QueueReason } from './handoff-records.ts';

/** Proactive turns the agent side causes (items of the proactive outbox). */
export const HANDOFF_EVENTS = {
  /** `{text, author}`: an agent's message, already in the transcript; the gate relays it. */
  agentMessage: 'handoff.agentMessage',
  /** `{key, vars?}`: a system sentence (locales/<lng>/handoff.json) the gate tells the merchant. */
  notice: 'handoff.notice',
  /** The agent handed the conversation back: the bot asks the pending question. */
  handback: 'handoff.handback',
  /** `{name, value}`: an agent filled a form field (already checked); the bot stores it, silently. */
  fillField: 'handoff.fillField',
} as const;

export interface AgentMessageEvent {
  text: string;
  author: `agent:${string}`;
}
export interface NoticeEvent {
  key: string;
  vars?: Record<string, string | number>;
}
export interface FillFieldEvent {
  name: string;
  value: unknown;
}

export interface TurnHandoff {
  readonly owner: Owner;
  /** Queues the conversation for an agent (the bot falls silent from the next message); the merchant's position. */
  queue(reason: QueueReason, locale: Locale): Promise<number>;
  /** Lists the conversation for agents while the bot carries on, once per reason. */
  list(reason: QueueReason, locale: Locale): void;
}

/** The merchant's place among the conversations waiting for an agent (1: next). */
export async function queuePosition(
  store: VersionedStore,
  address: ConversationAddress,
  since: string,
): Promise<number> {
  const keys = await store.keys(QUEUE_PREFIX);
  const entries = await store.getMany<QueueEntry>(keys);
  let ahead = 0;
  for (const { value } of entries.values()) {
    const same = value.channel === address.channel && value.conversationId === address.conversationId;
    if (!same && value.owner === 'queued' && value.waitingSince <= since) ahead++;
  }
  return ahead + 1;
}

/** One attempt's view and staged changes; `record` is what to store when `changed`. */
export class TurnHandoffState implements TurnHandoff {
  record: HandoffRecord;
  changed = false;

  constructor(
    stored: HandoffRecord | undefined,
    address: ConversationAddress,
    private readonly now: string,
    private readonly store: VersionedStore,
  ) {
    this.record = stored ?? { address, owner: 'bot', locale: 'zh-CN', changedAt: now };
  }

  get owner(): Owner {
    return this.record.owner;
  }

  async queue(reason: QueueReason, locale: Locale): Promise<number> {
    this.record = {
      ...this.record,
      owner: 'queued',
      locale,
      queue: { reason, since: this.now },
      listedFor: [...new Set([...(this.record.listedFor ?? []), reason])],
      positionToldAt: this.now,
      changedAt: this.now,
    };
    this.changed = true;
    return queuePosition(this.store, this.record.address, this.now);
  }

  list(reason: QueueReason, locale: Locale): void {
    if (this.record.owner !== 'bot' || this.record.queue || this.record.listedFor?.includes(reason)) return;
    this.record = {
      ...this.record,
      locale,
      queue: { reason, since: this.now },
      listedFor: [...(this.record.listedFor ?? []), reason],
      changedAt: this.now,
    };
    this.changed = true;
  }

  /** A queued merchant was told their position now. */
  toldPosition(): void {
    this.record = { ...this.record, positionToldAt: this.now };
    this.changed = true;
  }
}
