/**
 * The outbox's data: items as stored, the retry policy, and the backoff rule.
 */
import type { DeliveryResult } from '../connectors/external-desk.ts';

export interface OutboxPolicy {
  /** First retry waits up to this long (full jitter: a random delay in [0, ceiling)). */
  baseDelayMs: number;
  /** Ceiling of the exponential backoff. */
  maxDelayMs: number;
  /** After this many failed attempts an item is parked for an operator. */
  maxAttempts: number;
  /** How long a claimed item is reserved for its worker; must exceed the delivery timeout. */
  leaseMs: number;
  /** How often the worker looks for due items (items enqueued in this process are sent at once). */
  pollIntervalMs: number;
  /** How long a delivered item is remembered, so enqueuing its key again delivers nothing. */
  deliveredRetentionMs: number;
  /** Upper bound on a desk's Retry-After, so a bogus header cannot stall an item for days. */
  maxRetryAfterMs: number;
}

export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
  // 2 s doubling to a 10-minute ceiling: 12 attempts span roughly an hour on average.
  maxAttempts: 12,
  leaseMs: 2 * 60_000,
  pollIntervalMs: 1_000,
  deliveredRetentionMs: 7 * 24 * 60 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

export type OutboxState = 'pending' | 'parked' | 'delivered';

export interface OutboxFailure {
  code: string;
  /** Scrubbed of personal data: operators see it. */
  message: string;
  retryable: boolean;
  status?: number;
  at: string;
}

/** One item as stored under `outbox/item/<key>`. Times are ISO 8601. */
export interface OutboxItem<P> {
  key: string;
  /** Items of one group (a ticket) are delivered in enqueue order, never overtaking each other. */
  group?: string;
  /** Enqueue order, store-wide. */
  seq: number;
  /** Position within the group (a ticket's history length), when enqueue order may differ from it. */
  order?: number;
  state: OutboxState;
  /** Dropped once delivered: the remembered key is all dedupe needs. */
  payload?: P;
  /** Attempts started, including one cut short by a crash. */
  attempts: number;
  nextAttemptAt: string;
  /** Held by the worker delivering it; another worker may take over only after `until`. */
  lease?: { owner: string; until: string };
  lastError?: OutboxFailure;
  result?: DeliveryResult;
  createdAt: string;
  updatedAt: string;
  parkedAt?: string;
  deliveredAt?: string;
}

/** What one pass over due items did. */
export interface RunSummary {
  delivered: number;
  retried: number;
  parked: number;
  /** Due items another worker claimed first. */
  skipped: number;
}

export class OutboxError extends Error {
  constructor(
    readonly code: 'outbox_item_not_found' | 'outbox_item_not_parked',
    message: string,
  ) {
    super(message);
    this.name = 'OutboxError';
  }
}

/**
 * Delay before the next attempt after `attempt` failures: "full jitter" (AWS architecture blog),
 * random in [0, min(max, base·2^(attempt−1))), so instances recovering together spread out;
 * never sooner than the desk's Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  policy: OutboxPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return Math.max(jittered, asked);
}
