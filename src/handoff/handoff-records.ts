/**
 * What the store keeps about a conversation's handoff, keyed by its address (DESIGN.md "contract:
 * a conversation's address"), so it holds across restarts and is shared by every instance:
 *
 * - `handoff/owner/<address>`: who answers the merchant — `bot`, `queued` (waiting for an agent)
 *   or `agent:<name>` — and, while listed, why and since when. Absent: the bot, never listed.
 * - `handoff/queue/<address>`: present exactly while the conversation is listed for agents (the
 *   queue), written in the same commit as the owner record, so listing the queue reads only it.
 * - `handoff/transcript/<address>`: every message of the conversation, the newest
 *   `KEPT_TRANSCRIPT_ENTRIES`, with time, author and channel.
 */
import { addressKey, type ConversationAddress } from '../conversation/address.ts';
import type { Locale } from '../validation/ticket.ts';

export type Owner = 'bot' | 'queued' | `agent:${string}`;

/** Why a conversation is listed for agents. */
export type QueueReason = 'asked' | 'stuck' | 'lost_device';

export interface QueueEntry {
  conversationId: string;
  channel: string;
  locale: Locale;
  /** ISO time the conversation was listed. */
  waitingSince: string;
  reason: QueueReason;
  /** `queued` (the bot is silent) or `bot` (listed, the bot carries on until an agent claims it). */
  owner: Owner;
}

export interface HandoffRecord {
  address: ConversationAddress;
  owner: Owner;
  locale: Locale;
  /** Set while listed in the queue. */
  queue?: { reason: QueueReason; since: string };
  /** Reasons this conversation was listed for already: a lost device is listed once, not every turn. */
  listedFor?: QueueReason[];
  /** When a queued merchant was last told their position. */
  positionToldAt?: string;
  /** Counts changes of owner made by agents (claim, hand back, close): names their notices uniquely. */
  generation?: number;
  changedAt: string;
}

export type TranscriptAuthor = 'merchant' | 'bot' | 'system' | `agent:${string}`;

export interface TranscriptEntry {
  /** Increasing per conversation. */
  id: number;
  at: string;
  author: TranscriptAuthor;
  channel: string;
  text: string;
}

export interface TranscriptRecord {
  address: ConversationAddress;
  entries: TranscriptEntry[];
  lastId: number;
}

/**
 * How many messages a conversation keeps: a whole unbind request is about 40 (merchant and bot),
 * so 300 hold several requests and a long talk with an agent; older ones are dropped first.
 */
export const KEPT_TRANSCRIPT_ENTRIES = 300;
/** A message longer than the bot accepts is kept cut to this length. */
export const TRANSCRIPT_TEXT_MAX = 4000;

export const ownerKey = (address: ConversationAddress) => `handoff/owner/${addressKey(address)}`;
export const queueKey = (address: ConversationAddress) => `handoff/queue/${addressKey(address)}`;
export const QUEUE_PREFIX = 'handoff/queue/';
export const TRANSCRIPT_PREFIX = 'handoff/transcript/';
export const transcriptKey = (address: ConversationAddress) => `${TRANSCRIPT_PREFIX}${addressKey(address)}`;

export function isAgent(owner: Owner | undefined): owner is `agent:${string}` {
  return owner?.startsWith('agent:') === true;
}

/** The bot stays silent: a person has it, or it waits for one. */
export function silencesBot(owner: Owner | undefined): boolean {
  return owner === 'queued' || isAgent(owner);
}

/** The transcript with these messages added at the end, the oldest dropped past the limit. */
export function appendEntries(
  current: TranscriptRecord | undefined,
  address: ConversationAddress,
  messages: readonly Omit<TranscriptEntry, 'id'>[],
): { record: TranscriptRecord; added: TranscriptEntry[] } {
  let lastId = current?.lastId ?? 0;
  const added = messages.map((message) => ({
    id: ++lastId,
    ...message,
    text: [...message.text].slice(0, TRANSCRIPT_TEXT_MAX).join(''),
  }));
  const entries = [...(current?.entries ?? []), ...added].slice(-KEPT_TRANSCRIPT_ENTRIES);
  return { record: { address: current?.address ?? address, entries, lastId }, added };
}

/** The queue entry of a listed record. */
export function queueEntryOf(record: HandoffRecord): QueueEntry | undefined {
  if (!record.queue) return undefined;
  return {
    conversationId: record.address.conversationId,
    channel: record.address.channel,
    locale: record.locale,
    waitingSince: record.queue.since,
    reason: record.queue.reason,
    owner: record.owner,
  };
}

/** The writes that store a record and keep the queue index in step with it. */
export function recordWrites(
  record: HandoffRecord,
  expected: string | null,
): [
  { key: string; value: HandoffRecord; expected: string | null },
  ...({ key: string; value: QueueEntry } | { key: string; delete: true })[],
] {
  const entry = queueEntryOf(record);
  return [
    { key: ownerKey(record.address), value: record, expected },
    entry ? { key: queueKey(record.address), value: entry } : { key: queueKey(record.address), delete: true },
  ];
}
