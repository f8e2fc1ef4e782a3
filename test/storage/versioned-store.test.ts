/**
 * One suite, run for real against SQLite (temp file), Redis and PostgreSQL. Every run uses its own
 * namespace and removes what it wrote, so parallel runs on the shared servers never collide.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, VersionConflictError, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { testBackends } from '../helpers/backends.ts';

const backends = await testBackends('nested/dir/store.sqlite');

describe.each(backends)('VersionedStore on $name', ({ url }) => {
  const namespace = `test-${randomUUID()}`;
  // Two separately opened stores: two connections (two processes, as far as the backend can tell).
  let a: VersionedStore;
  let b: VersionedStore;

  beforeAll(async () => {
    a = await openStore(url, { namespace });
    b = await openStore(url, { namespace });
  });

  afterAll(async () => {
    for (const key of await a.keys('')) await a.delete(key);
    expect(await a.keys('')).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('ping answers', async () => {
    await expect(a.ping()).resolves.toBeUndefined();
  });

  it('puts and gets a value with a version', async () => {
    expect(await a.get('missing')).toBeUndefined();
    const version = await a.put('greeting', { text: '你好', n: 1 });
    expect(version).toEqual(expect.any(String));
    expect(await b.get('greeting')).toEqual({ value: { text: '你好', n: 1 }, version });
  });

  it('put honours expected: null, a version, and *', async () => {
    const v1 = await a.put('cas', { n: 1 }, { expected: null });
    await expect(b.put('cas', { n: 0 }, { expected: null })).rejects.toBeInstanceOf(VersionConflictError);
    const v2 = await b.put('cas', { n: 2 }, { expected: v1 });
    expect(v2).not.toBe(v1);
    await expect(a.put('cas', { n: 0 }, { expected: v1 })).rejects.toMatchObject({
      code: 'storage_version_conflict',
      key: 'cas',
    });
    const v3 = await a.put('cas', { n: 3 }, { expected: '*' });
    const v4 = await b.put('cas', { n: 4 });
    expect(new Set([v1, v2, v3, v4]).size).toBe(4);
    expect(await a.get('cas')).toEqual({ value: { n: 4 }, version: v4 });
    // A version never matches an absent key.
    await expect(a.put('cas-absent', 1, { expected: v4 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(await a.get('cas-absent')).toBeUndefined();
  });

  it('getMany returns only the keys that exist', async () => {
    const v1 = await a.put('many/1', 'one');
    const v3 = await a.put('many/3', 'three');
    const found = await b.getMany<string>(['many/1', 'many/2', 'many/3']);
    expect([...found]).toEqual([
      ['many/1', { value: 'one', version: v1 }],
      ['many/3', { value: 'three', version: v3 }],
    ]);
    expect((await b.getMany([])).size).toBe(0);
  });

  it('expired records are absent', async () => {
    await a.put('ttl/short', 'soon gone', { ttlMs: 300 });
    await a.put('ttl/long', 'stays', { ttlMs: 60_000 });
    expect((await b.get('ttl/short'))?.value).toBe('soon gone');
    expect(await b.keys('ttl/')).toEqual(['ttl/long', 'ttl/short']);
    await sleep(600);
    expect(await b.get('ttl/short')).toBeUndefined();
    expect([...(await b.getMany(['ttl/short', 'ttl/long'])).keys()]).toEqual(['ttl/long']);
    expect(await b.keys('ttl/')).toEqual(['ttl/long']);
    // Expired counts as absent for "only if absent" too.
    await a.put('ttl/again', 1, { ttlMs: 200 });
    await sleep(400);
    await a.put('ttl/again', 2, { expected: null });
    expect((await b.get('ttl/again'))?.value).toBe(2);
  });

  it('keys(prefix) lists live keys, sorted, taking the prefix literally', async () => {
    for (const key of ['k/b', 'k/a', 'k/%', 'k/_x', 'K/upper', 'kx', 'k*', 'k?']) await a.put(key, key);
    expect(await b.keys('k/')).toEqual(['k/%', 'k/_x', 'k/a', 'k/b']);
    expect(await b.keys('k/_')).toEqual(['k/_x']); // not a LIKE wildcard
    expect(await b.keys('k*')).toEqual(['k*']); // not a glob
    expect(await b.keys('K/')).toEqual(['K/upper']); // case-sensitive
    const other = await openStore(url, { namespace: `${namespace}-other` });
    try {
      expect(await other.keys('')).toEqual([]);
      expect(await other.get('k/a')).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('delete removes a key and ignores a missing one', async () => {
    await a.put('gone', 1);
    await b.delete('gone');
    expect(await a.get('gone')).toBeUndefined();
    await expect(a.delete('never-existed')).resolves.toBeUndefined();
  });

  it('stores deep copies', async () => {
    const value = { nested: { list: [1] } };
    const put = a.put('copy', value);
    value.nested.list.push(2); // mutated before the write has even finished
    await put;
    const got = await a.get<typeof value>('copy');
    expect(got?.value).toEqual({ nested: { list: [1] } });
    got?.value.nested.list.push(3);
    expect((await a.get<typeof value>('copy'))?.value).toEqual({ nested: { list: [1] } });
  });

  it('increment from 50 concurrent callers on two stores yields exactly 1..50', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).increment('counter')));
    expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect((await a.get('counter'))?.value).toBe(50);
    await a.put('not-a-number', 'x');
    await expect(a.increment('not-a-number')).rejects.toThrow(TypeError);
  });

  it('increment keeps a remaining ttl', async () => {
    await a.put('window', 5, { ttlMs: 300 });
    expect(await b.increment('window')).toBe(6);
    await sleep(600);
    expect(await a.get('window')).toBeUndefined();
    expect(await b.increment('window')).toBe(1);
  });

  it('20 concurrent compare-and-set loops on two stores lose no update', async () => {
    await a.put('shared', { n: 0, by: [] as number[] });
    let conflicts = 0;
    const worker = async (id: number) => {
      const store = id % 2 ? a : b;
      for (;;) {
        const current = await store.get<{ n: number; by: number[] }>('shared');
        const next = { n: current!.value.n + 1, by: [...current!.value.by, id] };
        try {
          return await store.put('shared', next, { expected: current!.version });
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, id) => worker(id)));
    const final = await a.get<{ n: number; by: number[] }>('shared');
    expect(final?.value.n).toBe(20);
    expect(final?.value.by.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(conflicts).toBeGreaterThan(0); // the loops really raced
  });

  it('refuses keys that are not well-formed UTF-16 or contain NUL, and takes surrogate pairs', async () => {
    for (const bad of ['\ud800', 'lone\udc00', 'nul\u0000key', '\u0000']) {
      await expect(a.get(bad)).rejects.toThrow(TypeError);
      await expect(a.getMany(['fine', bad])).rejects.toThrow(TypeError);
      await expect(a.put(bad, 1)).rejects.toThrow(TypeError);
      await expect(a.put(bad, 1, { expected: null })).rejects.toThrow(TypeError);
      await expect(a.delete(bad)).rejects.toThrow(TypeError);
      await expect(a.increment(bad)).rejects.toThrow(TypeError);
      await expect(a.keys(bad)).rejects.toThrow(TypeError);
      // One bad key stops the whole commit.
      await expect(
        a.commit([
          { key: 'bad-key/fine', value: 1 },
          { key: bad, value: 1 },
        ]),
      ).rejects.toThrow(TypeError);
    }
    expect(await a.keys('bad-key/')).toEqual([]);
    await expect(openStore(url, { namespace: 'ns\ud800' })).rejects.toThrow(TypeError);
    // '\ud800' and '\udbff' would both reach Redis as U+FFFD; a real pair is a single character and fine.
    const version = await a.put('emoji/😀', '😀');
    expect(await b.get('emoji/😀')).toEqual({ value: '😀', version });
    expect(await b.keys('emoji/')).toEqual(['emoji/😀']);
  });

  describe('commit', () => {
    it('writes a turn-shaped set of records together and returns their versions in order', async () => {
      const state = await a.put('turn/state', { step: 1 });
      const versions = await b.commit([
        { key: 'turn/state', value: { step: 2 }, expected: state },
        { key: 'turn/dedupe/m1', value: true, expected: null, ttlMs: 60_000 },
        { key: 'turn/outbox/1', value: { text: 'hi' } },
      ]);
      expect(versions).toHaveLength(3);
      expect(new Set([state, ...versions]).size).toBe(4);
      expect([...(await a.getMany(['turn/state', 'turn/dedupe/m1', 'turn/outbox/1']))]).toEqual([
        ['turn/state', { value: { step: 2 }, version: versions[0] }],
        ['turn/dedupe/m1', { value: true, version: versions[1] }],
        ['turn/outbox/1', { value: { text: 'hi' }, version: versions[2] }],
      ]);
    });

    it('writes nothing when one expectation fails, and names the first key that failed', async () => {
      const v1 = await a.put('all/1', 'one');
      const v2 = await a.put('all/2', 'two');
      await a.put('all/2', 'two, changed');
      await a.put('all/3', 'three');
      const attempt = b.commit([
        { key: 'all/1', value: 'ONE', expected: v1 }, // holds
        { key: 'all/new', value: 'new' }, // unconditional
        { key: 'all/2', value: 'TWO', expected: v2 }, // stale: fails first
        { key: 'all/3', value: 'THREE', expected: null }, // exists: fails too, but later
        { key: 'all/gone', delete: true, expected: 'no-such-version' },
      ]);
      await expect(attempt).rejects.toBeInstanceOf(VersionConflictError);
      await expect(attempt).rejects.toMatchObject({ code: 'storage_version_conflict', key: 'all/2' });
      const found = await a.getMany<string>(['all/1', 'all/new', 'all/2', 'all/3']);
      expect([...found].map(([key, record]) => [key, record.value])).toEqual([
        ['all/1', 'one'],
        ['all/2', 'two, changed'],
        ['all/3', 'three'],
      ]);
      expect(found.get('all/1')?.version).toBe(v1);
    });

    it('deletes, conditionally or not, beside puts', async () => {
      const v1 = await a.put('del/1', 1);
      await a.put('del/2', 2);
      await a.put('del/3', 3);
      const versions = await b.commit([
        { key: 'del/1', delete: true, expected: v1 },
        { key: 'del/2', delete: true },
        { key: 'del/never', delete: true, expected: null }, // absent, as expected: a no-op
        { key: 'del/put', value: 'kept' },
      ]);
      expect(versions.slice(0, 3)).toEqual(['', '', '']);
      expect(await a.keys('del/')).toEqual(['del/3', 'del/put']);
      // A stale version on a delete stops the whole commit.
      await expect(b.commit([{ key: 'del/3', delete: true, expected: v1 }])).rejects.toMatchObject({ key: 'del/3' });
      await expect(b.commit([{ key: 'del/1', delete: true, expected: v1 }])).rejects.toMatchObject({ key: 'del/1' });
      expect((await a.get('del/3'))?.value).toBe(3);
    });

    it('gives records a ttl, and counts an expired record as absent', async () => {
      await b.commit([
        { key: 'cttl/short', value: 'soon gone', ttlMs: 300 },
        { key: 'cttl/long', value: 'stays', expected: null, ttlMs: 60_000 },
        { key: 'cttl/forever', value: 'always' },
      ]);
      expect(await a.keys('cttl/')).toEqual(['cttl/forever', 'cttl/long', 'cttl/short']);
      await sleep(600);
      expect(await a.keys('cttl/')).toEqual(['cttl/forever', 'cttl/long']);

      const expiring = await a.put('cttl/dedupe', 'first', { ttlMs: 200 });
      await expect(b.commit([{ key: 'cttl/dedupe', value: 'second', expected: null }])).rejects.toMatchObject({
        key: 'cttl/dedupe',
      });
      await sleep(400);
      // Expired: absent for expected: null, and its old version no longer matches.
      await expect(b.commit([{ key: 'cttl/dedupe', value: 'x', expected: expiring }])).rejects.toMatchObject({
        key: 'cttl/dedupe',
      });
      await b.commit([{ key: 'cttl/dedupe', value: 'second', expected: null }]);
      expect((await a.get('cttl/dedupe'))?.value).toBe('second');
    });

    it('an empty commit is a no-op; a key written twice is refused', async () => {
      await expect(a.commit([])).resolves.toEqual([]);
      await expect(
        a.commit([
          { key: 'twice', value: 1 },
          { key: 'twice', delete: true },
        ]),
      ).rejects.toThrow(TypeError);
      expect(await a.get('twice')).toBeUndefined();
    });

    it('stores deep copies taken when commit is called', async () => {
      const value = { list: [1] };
      const pending = a.commit([{ key: 'ccopy', value }]);
      value.list.push(2);
      await pending;
      expect((await b.get('ccopy'))?.value).toEqual({ list: [1] });
    });

    it('of 20 commits racing from two stores with the same expected version, exactly one wins', async () => {
      const start = await a.put('race/state', { turn: 0 });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).commit([
            { key: `race/dedupe/${i}`, value: i, expected: null, ttlMs: 60_000 },
            { key: 'race/state', value: { turn: 1, by: i }, expected: start },
            { key: `race/outbox/${i}`, value: i },
          ]),
        ),
      );
      const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ key: 'race/state' });
      }
      expect((await a.get('race/state'))?.value).toEqual({ turn: 1, by: won[0] });
      // The losers wrote none of their records.
      expect(await b.keys('race/')).toEqual([`race/dedupe/${won[0]}`, `race/outbox/${won[0]}`, 'race/state'].sort());
    });

    it('of 20 commits racing to create the same absent keys, exactly one wins', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).commit([
            { key: 'create/1', value: i, expected: null },
            { key: 'create/2', value: i, expected: null },
          ]),
        ),
      );
      const won = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ key: 'create/1' });
      }
      expect((await a.get('create/1'))?.value).toBe(won[0]);
      expect((await a.get('create/2'))?.value).toBe(won[0]);
    });

    it('commits over the same keys in opposite orders all complete', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const writes = [
            { key: 'order/x', value: i },
            { key: 'order/y', value: i },
            { key: `order/${i}`, value: i, expected: null },
          ];
          return (i % 2 ? a : b).commit(i % 4 < 2 ? writes : writes.reverse());
        }),
      );
      expect(results).toHaveLength(20);
      // Whichever commit came last set both.
      expect((await a.get('order/x'))?.value).toBe((await a.get('order/y'))?.value);
    });
  });
});
