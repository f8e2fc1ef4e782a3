/**
 * A durable outbox in the VersionedStore: what must reach an external desk is stored first and
 * delivered by a worker until it succeeds, across desk outages and app restarts.
 *
 * - `enqueue` is idempotent per key (one item however often it is called, while remembered).
 * - A worker claims an item by compare-and-set on its version and holds a lease, so two instances
 *   never deliver one item at the same time; a crashed worker's lease runs out and another resumes.
 * - Failures are retried with exponential backoff and full jitter, honouring Retry-After;
 *   after the last attempt, or a failure that retrying cannot fix, the item is parked, never dropped.
 */
import { type Clock, randomIds, systemRandom } from '../../platform/clock-and-ids.ts';
import { type Logger, scrubPersonalData } from '../../platform/logger.ts';
import type { StoreWrite, VersionedStore } from '../../storage/versioned-store.ts';
import { asDeliveryError, type DeliveryResult } from '../connectors/external-desk.ts';
import { type EnqueueOptions, type ItemRecord, OutboxItems } from './outbox-items.ts';
import {
  DEFAULT_OUTBOX_POLICY,
  type OutboxItem,
  type OutboxPolicy,
  type RunSummary,
  retryDelayMs,
} from './outbox-types.ts';

export type { EnqueueOptions };

export interface OutboxDeps<P> {
  store: VersionedStore;
  clock: Clock;
  /** Sends one item; throws (preferably a DeliveryError) when it did not arrive. */
  deliver: (payload: P, key: string) => Promise<DeliveryResult | undefined>;
  logger: Logger;
  policy?: Partial<OutboxPolicy>;
  /** [0, 1) for jitter; injectable so tests are deterministic. */
  random?: () => number;
  /** This worker's lease owner id (random by default). */
  workerId?: string;
  /** Store prefix of this outbox's items (the desk forwarding's by default): outboxes never see each other's. */
  prefix?: string;
  /** Only items this process can deliver (e.g. of the channels it serves); the others wait for a process that can. */
  accepts?: (payload: P) => boolean;
}

/** The outbox as the app, the forwarding and the operator routes use it. */
export interface Outbox<P> {
  /** Stores the item unless one with this key exists (or was delivered recently); `created` says which. */
  enqueue(key: string, payload: P, options?: EnqueueOptions): Promise<{ item: OutboxItem<P>; created: boolean }>;
  /** The write that creates the item, to commit with the change that causes it; `wake` after committing. */
  itemWrite(key: string, payload: P, options?: EnqueueOptions): Promise<StoreWrite>;
  /** Looks for due items now instead of at the next poll. */
  wake(): void;
  /** Starts the background worker (polling, plus an immediate pass after each local enqueue). */
  start(): void;
  /** Stops the worker and waits for the delivery in progress, if any. */
  stop(): Promise<void>;
  /** One pass now: attempts every item due at the clock's now. */
  runDue(): Promise<RunSummary>;
  /** Passes until nothing is due now (items waiting for a later retry stay): for tests and tools. */
  drain(): Promise<RunSummary>;
  get(key: string): Promise<OutboxItem<P> | undefined>;
  listPending(): Promise<OutboxItem<P>[]>;
  listParked(): Promise<OutboxItem<P>[]>;
  /** Puts a parked item back in the queue, due now, with a fresh attempt count. */
  retryParked(key: string): Promise<OutboxItem<P>>;
}

const emptySummary = (): RunSummary => ({ delivered: 0, retried: 0, parked: 0, skipped: 0 });

export function createOutbox<P>(deps: OutboxDeps<P>): Outbox<P> {
  const policy = { ...DEFAULT_OUTBOX_POLICY, ...deps.policy };
  const random = deps.random ?? systemRandom;
  const owner = deps.workerId ?? randomIds.next();
  const logger = deps.logger.child({ component: 'outbox' });
  const { clock } = deps;
  const items = new OutboxItems<P>(deps.store, clock, deps.prefix);
  const accepts = deps.accepts ?? (() => true);
  const nowIso = () => clock.now().toISOString();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<unknown> | undefined;
  let again = false;
  let stopping = false;

  async function attempt(record: ItemRecord<P>, summary: RunSummary): Promise<void> {
    const until = new Date(clock.now().getTime() + policy.leaseMs).toISOString();
    const claimed = {
      ...record.value,
      attempts: record.value.attempts + 1,
      lease: { owner, until },
      updatedAt: nowIso(),
    };
    const version = await items.swap(record.version, claimed);
    if (!version) {
      summary.skipped++;
      return;
    }
    const { key, attempts } = claimed;
    const { lease: _lease, ...unleased } = claimed;
    let next: OutboxItem<P>;
    try {
      const result = (await deps.deliver(claimed.payload as P, key)) ?? {};
      const { payload: _payload, ...rest } = unleased;
      next = { ...rest, state: 'delivered', result, updatedAt: nowIso(), deliveredAt: nowIso() };
      summary.delivered++;
      logger.info({ code: 'outbox.delivered', key, attempts, remoteId: result.remoteId }, 'delivered');
    } catch (thrown) {
      const error = asDeliveryError(thrown);
      const at = nowIso();
      const lastError = {
        code: error.code,
        message: scrubPersonalData(error.message),
        retryable: error.retryable,
        ...(error.status === undefined ? {} : { status: error.status }),
        at,
      };
      if (!error.retryable || attempts >= policy.maxAttempts) {
        next = { ...unleased, state: 'parked', lastError, updatedAt: at, parkedAt: at };
        summary.parked++;
        logger.error(
          { code: 'outbox.parked', key, attempts, err: error },
          'delivery parked: an operator must retry it',
        );
      } else {
        const delayMs = retryDelayMs(attempts, policy, random, error.retryAfterMs);
        const nextAttemptAt = new Date(clock.now().getTime() + delayMs).toISOString();
        next = { ...unleased, lastError, updatedAt: at, nextAttemptAt };
        summary.retried++;
        logger.warn({ code: 'outbox.retry', key, attempts, delayMs, err: error }, 'delivery failed, will retry');
      }
    }
    const ttlMs = next.state === 'delivered' ? policy.deliveredRetentionMs : undefined;
    if (!(await items.swap(version, next, ttlMs))) {
      // Our lease ran out mid-delivery and another worker took the item: its outcome stands.
      logger.warn({ code: 'outbox.lease_lost', key }, 'the lease ran out before the outcome was stored');
    }
  }

  async function runDue(): Promise<RunSummary> {
    const summary = emptySummary();
    const live = (await items.live()).filter(
      (record) => record.value.payload === undefined || accepts(record.value.payload),
    );
    for (const record of items.due(live, clock.now().getTime())) {
      // Stopping finishes the delivery in progress, not the whole pass.
      if (stopping) break;
      await attempt(record, summary);
    }
    return summary;
  }

  /** One background pass, then the next one scheduled; a pass asked for meanwhile runs right after. */
  function tick(): void {
    timer = undefined;
    again = false;
    pass = runDue()
      .catch((error: unknown) => logger.error({ code: 'outbox.pass_failed', err: error }, 'outbox pass failed'))
      .finally(() => {
        pass = undefined;
        if (running) schedule(again ? 0 : policy.pollIntervalMs);
      });
  }

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    // The worker alone must not keep a process alive (tests, one-off tools).
    timer.unref();
  }

  /** Items enqueued here go out at once instead of waiting for the next poll. */
  function wake(): void {
    if (!running) return;
    if (pass) again = true;
    else schedule(0);
  }

  const list = async (state: 'pending' | 'parked') =>
    (await items.live()).map((r) => r.value).filter((item) => item.state === state);

  return {
    async enqueue(key, payload, options = {}) {
      const outcome = await items.create(key, payload, options);
      if (outcome.created) wake();
      return outcome;
    },
    itemWrite: (key, payload, options = {}) => items.newItemWrite(key, payload, options),
    wake,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      schedule(0);
    },
    async stop() {
      running = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await pass;
      stopping = false;
    },
    runDue,
    async drain() {
      const total = emptySummary();
      // Bounded: every attempt delivers, parks, or counts towards maxAttempts.
      for (let i = 0; i < 10_000; i++) {
        const summary = await runDue();
        for (const k of Object.keys(total) as Array<keyof RunSummary>) total[k] += summary[k];
        if (summary.delivered + summary.retried + summary.parked + summary.skipped === 0) break;
      }
      return total;
    },
    get: async (key) => (await items.get(key))?.value,
    listPending: () => list('pending'),
    listParked: () => list('parked'),
    async retryParked(key) {
      const item = await items.unpark(key);
      logger.info({ code: 'outbox.unparked', key }, 'parked item queued again');
      wake();
      return item;
    },
  };
}
