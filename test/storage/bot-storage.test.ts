/**
 * VersionedBotStorage and createTurnStorage, for real on SQLite, Redis and PostgreSQL:
 * MemoryStorage's eTag sequence (PROTOCOLS 3.4), and conflicting saves from two "instances".
 */
import { randomUUID } from 'node:crypto';
import { type Activity, ConversationState, TestAdapter, TurnContext } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTurnStorage, VersionedBotStorage } from '../../src/bot/keyv-bot-storage.ts';
import { TurnTransaction } from '../../src/conversation/turn-transaction.ts';
import { openStore, VersionConflictError, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { testBackends } from '../helpers/backends.ts';

const backends = await testBackends('bot.sqlite');

describe.each(backends)('bot storage on $name', ({ url }) => {
  const namespace = `test-${randomUUID()}`;
  let a: VersionedStore; // instance A's store
  let b: VersionedStore; // instance B's store: another connection to the same backend

  beforeAll(async () => {
    a = await openStore(url, { namespace });
    b = await openStore(url, { namespace });
  });

  afterAll(async () => {
    for (const key of await a.keys('')) await a.delete(key);
    await Promise.all([a.close(), b.close()]);
  });

  it('follows the MemoryStorage eTag sequence', async () => {
    const storage = new VersionedBotStorage(a);
    await storage.write({ item: { count: 1 } });
    const first = await storage.read(['item', 'absent']);
    expect(Object.keys(first)).toEqual(['item']);
    expect(first.item).toEqual({ count: 1, eTag: expect.any(String) });
    const eTag = first.item.eTag as string;

    await storage.write({ item: { count: 2, eTag } });
    const stale = storage.write({ item: { count: 3, eTag } });
    await expect(stale).rejects.toThrow('eTag conflict');
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    expect((await storage.read(['item'])).item.count).toBe(2);

    await storage.write({ item: { count: 4, eTag: '*' } });
    const latest = (await storage.read(['item'])).item;
    expect(latest.count).toBe(4);
    expect(latest.eTag).not.toBe(eTag);
    expect((await a.get('item'))?.value).toEqual({ count: 4 }); // the eTag is not stored inside the value

    await storage.delete(['item']);
    expect(await storage.read(['item'])).toEqual({});
    await expect(storage.delete(['item'])).resolves.toBeUndefined();
    // As in MemoryStorage, an eTag is not checked when nothing is stored.
    await storage.write({ item: { count: 5, eTag } });
    expect((await storage.read(['item'])).item.count).toBe(5);
  });

  it('a turn stages its writes, conditional on what it read, and its commit detects another instance', async () => {
    await a.put('existing', { step: 1 });
    const [txA, txB] = [new TurnTransaction(), new TurnTransaction()];
    const turnA = createTurnStorage(a, txA);
    const turnB = createTurnStorage(b, txB);
    await turnA.read(['existing', 'fresh']);
    await turnB.read(['existing', 'fresh']);

    await turnB.write({ existing: { step: 2, eTag: '*' }, fresh: { by: 'B', eTag: '*' } });
    await turnB.write({ existing: { step: 3, eTag: '*' } }); // B saving twice in its turn is fine
    expect((await a.get('existing'))?.value).toEqual({ step: 1 }); // staged, not written
    await b.commit(txB.writes());

    await turnA.write({ existing: { step: 2, eTag: '*' }, fresh: { by: 'A', eTag: '*' } });
    await expect(a.commit(txA.writes())).rejects.toBeInstanceOf(VersionConflictError);
    expect((await a.get('existing'))?.value).toEqual({ step: 3 });
    expect((await a.get('fresh'))?.value).toEqual({ by: 'B' });

    // The next turn reads the new state and saves normally; keys it never read are written unconditionally.
    const txNext = new TurnTransaction();
    const nextTurn = createTurnStorage(a, txNext);
    await nextTurn.read(['existing']);
    await nextTurn.write({ existing: { step: 4, eTag: '*' }, unread: { x: 1, eTag: '*' } });
    await a.commit(txNext.writes());
    expect((await b.get('existing'))?.value).toEqual({ step: 4 });
  });

  it('ConversationState on turn storage rejects the second of two concurrent saves', async () => {
    const activity: Partial<Activity> = {
      type: 'message',
      channelId: 'test',
      conversation: { id: `conv-${randomUUID()}`, isGroup: false, conversationType: '', name: '' },
      from: { id: 'merchant', name: 'merchant' },
      recipient: { id: 'bot', name: 'bot' },
      text: 'hi',
    };
    const turn = (store: VersionedStore) => {
      const transaction = new TurnTransaction();
      const state = new ConversationState(createTurnStorage(store, transaction));
      const context = new TurnContext(new TestAdapter(), activity);
      const save = async () => {
        await state.saveChanges(context);
        await store.commit(transaction.writes());
      };
      return { state, context, save, count: state.createProperty<number>('count') };
    };
    const instanceA = turn(a);
    const instanceB = turn(b);
    const seenByA = await instanceA.count.get(instanceA.context, 0);
    const seenByB = await instanceB.count.get(instanceB.context, 0);
    await instanceB.count.set(instanceB.context, seenByB + 1);
    await instanceB.save();
    await instanceA.count.set(instanceA.context, seenByA + 1);
    await expect(instanceA.save()).rejects.toBeInstanceOf(VersionConflictError);

    const check = turn(a);
    expect(await check.count.get(check.context, 0)).toBe(1);
  });
});
