/**
 * botbuilder `Storage` over the VersionedStore, with MemoryStorage's eTag semantics (PROTOCOLS 3.4):
 * the eTag is the record's version; a write is unconditional when the eTag is '*' or missing (or, as in
 * MemoryStorage, when nothing is stored); otherwise it must match, else it rejects with a
 * VersionConflictError whose message contains "eTag conflict".
 */
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { TurnTransaction } from '../conversation/turn-transaction.ts';
import { VersionConflictError, type VersionedStore } from '../storage/versioned-store.ts';

/** '*' / missing / empty eTag: write whatever is stored. */
const isWildcard = (eTag: unknown) => eTag === undefined || eTag === null || eTag === '' || eTag === '*';

export class VersionedBotStorage implements Storage {
  constructor(protected readonly store: VersionedStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.store.getMany<StoreItem>(keys);
    const items: StoreItems = {};
    for (const [key, { value, version }] of found) items[key] = { ...value, eTag: version };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.writeItem(key, item as StoreItem)));
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.store.delete(key)));
  }

  /** MemoryStorage's write of one item; returns the new eTag. */
  protected async writeItem(key: string, item: StoreItem): Promise<string> {
    if (isWildcard(item.eTag)) return this.put(key, item, undefined);
    try {
      return await this.put(key, item, item.eTag as string);
    } catch (error) {
      // MemoryStorage accepts any eTag when nothing is stored. "Only if absent" keeps that check atomic:
      // if someone creates the key meanwhile, this still conflicts.
      if (!(error instanceof VersionConflictError) || (await this.store.get(key))) throw error;
      return this.put(key, item, null);
    }
  }

  /** Stores the item without its eTag (the version is kept beside it) and returns the new version. */
  protected put(key: string, item: StoreItem, expected: string | null | undefined): Promise<string> {
    const { eTag: _eTag, ...value } = item;
    return this.store.put(key, value, { expected });
  }
}

/**
 * One turn's view: reads go to the store, and each read's version (null: absent) is remembered;
 * writes and deletes are staged in the turn's transaction, conditional on that version, so the
 * whole turn commits at once and, when another instance changed the conversation meanwhile, the
 * commit rejects with a VersionConflictError instead of silently overwriting its update.
 * (BotState saves with eTag '*', last write wins; here that becomes "only if still what I read".)
 */
class TurnStorage extends VersionedBotStorage {
  private readonly seen = new Map<string, string | null>();

  constructor(
    store: VersionedStore,
    private readonly transaction: TurnTransaction,
  ) {
    super(store);
  }

  override async read(keys: string[]): Promise<StoreItems> {
    const items = await super.read(keys);
    for (const key of keys) this.seen.set(key, (items[key] as StoreItem | undefined)?.eTag ?? null);
    return items;
  }

  override async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.transaction.stage({ key, delete: true, ...this.expectation(key, '*') });
  }

  protected override async writeItem(key: string, item: StoreItem): Promise<string> {
    const { eTag, ...value } = item;
    this.transaction.stage({ key, value, ...this.expectation(key, eTag) });
    // The version is only known once the turn commits; nothing in a turn reads it back.
    return '';
  }

  /** What the staged write expects: the version read, else the item's own eTag, else nothing. */
  private expectation(key: string, eTag: unknown): { expected?: string | null } {
    const remembered = this.seen.get(key);
    if (isWildcard(eTag)) return remembered === undefined ? {} : { expected: remembered };
    return { expected: eTag as string };
  }
}

/** A Storage for ONE turn (create it per turn, e.g. for that turn's ConversationState). */
export function createTurnStorage(base: VersionedStore, transaction: TurnTransaction): Storage {
  return new TurnStorage(base, transaction);
}
