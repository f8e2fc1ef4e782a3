/**
 * The outbox's items in the VersionedStore, one record per key under `outbox/item/<key>`.
 * Every change after creation is a compare-and-set on the version read, which is what makes
 * claims exclusive across processes. Delivered items stay (without payload) for a retention
 * period, so enqueuing their key again is recognised as a repeat.
 */
import type { Clock } from '../../platform/clock-and-ids.ts';
import { updateWithRetry } from '../../storage/update-with-retry.ts';
import { type StoredRecord, VersionConflictError, type VersionedStore } from '../../storage/versioned-store.ts';
import { OutboxError, type OutboxItem } from './outbox-types.ts';

/** The desk forwarding's outbox keeps this prefix; other outboxes name their own. */
export const DEFAULT_OUTBOX_PREFIX = 'outbox/';

export interface EnqueueOptions {
  /** Items of a group are delivered one at a time, lowest `order` first (then enqueue order). */
  group?: string;
  order?: number;
}

export type ItemRecord<P> = StoredRecord<OutboxItem<P>>;

export class OutboxItems<P> {
  private readonly itemPrefix: string;
  private readonly sequenceKey: string;

  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
    prefix = DEFAULT_OUTBOX_PREFIX,
  ) {
    this.itemPrefix = `${prefix}item/`;
    this.sequenceKey = `${prefix}sequence`;
  }

  async get(key: string): Promise<ItemRecord<P> | undefined> {
    return this.store.get<OutboxItem<P>>(this.itemPrefix + key);
  }

  /** Pending and parked items, in enqueue order. */
  async live(): Promise<ItemRecord<P>[]> {
    const records = await this.store.getMany<OutboxItem<P>>(await this.store.keys(this.itemPrefix));
    return [...records.values()].filter((r) => r.value.state !== 'delivered').sort((a, b) => a.value.seq - b.value.seq);
  }

  /**
   * Due, not leased by a live worker, and at the head of its group: a ticket's update never
   * overtakes its filing, even while the filing waits for a retry or is parked.
   */
  due(live: ItemRecord<P>[], now: number): ItemRecord<P>[] {
    const heads = new Map<string, OutboxItem<P>>();
    for (const { value } of live) {
      const head = value.group ? heads.get(value.group) : undefined;
      if (value.group && (!head || rank(value) < rank(head))) heads.set(value.group, value);
    }
    return live.filter(({ value: item }) => {
      if (item.state !== 'pending' || Date.parse(item.nextAttemptAt) > now) return false;
      if (item.lease && Date.parse(item.lease.until) > now) return false;
      return !item.group || heads.get(item.group)?.key === item.key;
    });
  }

  /** Stores a new item unless the key is already known; `created` says which. */
  async create(key: string, payload: P, options: EnqueueOptions): Promise<{ item: OutboxItem<P>; created: boolean }> {
    // Enqueued concurrently (another instance, the same event twice): theirs is the one item.
    const stored = await updateWithRetry<OutboxItem<P>>(this.store, this.itemPrefix + key, async (existing) =>
      existing ? undefined : (await this.newItemWrite(key, payload, options)).value,
    );
    return { item: stored!.value, created: stored!.changed };
  }

  /**
   * The write that creates an item (only if the key is new), for a caller that commits it
   * together with the change that causes it.
   */
  async newItemWrite(
    key: string,
    payload: P,
    options: EnqueueOptions,
  ): Promise<{ key: string; value: OutboxItem<P>; expected: null }> {
    const at = this.clock.now().toISOString();
    const item: OutboxItem<P> = {
      key,
      ...(options.group ? { group: options.group } : {}),
      ...(options.order === undefined ? {} : { order: options.order }),
      seq: await this.store.increment(this.sequenceKey),
      state: 'pending',
      payload,
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    };
    return { key: this.itemPrefix + key, value: item, expected: null };
  }

  /** Writes `next` only if the item is still at `version`; undefined when another worker changed it. */
  async swap(version: string, next: OutboxItem<P>, ttlMs?: number): Promise<string | undefined> {
    try {
      return await this.store.put(this.itemPrefix + next.key, next, { expected: version, ...(ttlMs ? { ttlMs } : {}) });
    } catch (error) {
      if (error instanceof VersionConflictError) return undefined;
      throw error;
    }
  }

  /** A parked item back in the queue, due now, with a fresh attempt count (its last error kept for context). */
  async unpark(key: string): Promise<OutboxItem<P>> {
    const unparked = await updateWithRetry<OutboxItem<P>>(this.store, this.itemPrefix + key, (item) => {
      if (!item) throw new OutboxError('outbox_item_not_found', `no outbox item ${key}`);
      if (item.state !== 'parked') throw new OutboxError('outbox_item_not_parked', `${key} is not parked`);
      const { parkedAt: _parkedAt, ...rest } = item;
      const at = this.clock.now().toISOString();
      return { ...rest, state: 'pending', attempts: 0, nextAttemptAt: at, updatedAt: at };
    });
    return unparked!.value;
  }
}

/** Place within a group: the given order, then enqueue order. */
function rank(item: OutboxItem<unknown>): number {
  return (item.order ?? 0) * 2 ** 32 + item.seq;
}
