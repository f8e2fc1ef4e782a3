import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateWithRetry } from '../../src/storage/update-with-retry.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { tempSqliteUrl } from '../helpers/test-assistant.ts';

describe('updateWithRetry', () => {
  let temp: ReturnType<typeof tempSqliteUrl>;
  let a: VersionedStore;
  let b: VersionedStore;

  beforeEach(async () => {
    temp = tempSqliteUrl();
    // Two connections to one file: two processes, as far as SQLite can tell.
    a = await openStore(temp.url);
    b = await openStore(temp.url);
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    temp.cleanup();
  });

  const addOne = (count: number | undefined) => (count ?? 0) + 1;

  it('creates, then changes, and says it wrote', async () => {
    const first = await updateWithRetry(a, 'counter', addOne);
    const second = await updateWithRetry(a, 'counter', addOne);
    expect(first).toMatchObject({ value: 1, changed: true });
    expect(second).toMatchObject({ value: 2, changed: true });
    expect(await a.get('counter')).toEqual({ value: 2, version: second?.version });
  });

  it('loses no update when writers race on two connections', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => updateWithRetry(i % 2 ? a : b, 'counter', addOne)));
    expect((await a.get('counter'))?.value).toBe(20);
  });

  it('leaves the record as it is when the change returns undefined', async () => {
    const version = await a.put('claim', 'first');
    const kept = await updateWithRetry<string>(a, 'claim', (claimed) => (claimed ? undefined : 'second'));
    expect(kept).toEqual({ value: 'first', version, changed: false });
    expect(await updateWithRetry(a, 'absent', () => undefined)).toBeUndefined();
  });

  it('decides again on what the other writer stored', async () => {
    let calls = 0;
    const result = await updateWithRetry<string>(a, 'claim', async (claimed) => {
      calls += 1;
      // Another connection claims it between this read and this write.
      if (calls === 1) await b.put('claim', 'theirs');
      return claimed ? undefined : 'mine';
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ value: 'theirs', changed: false });
  });

  it('passes on a refusal and writes nothing', async () => {
    await expect(
      updateWithRetry(a, 'ticket', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await a.get('ticket')).toBeUndefined();
  });

  it('gives the record its lifetime', async () => {
    await updateWithRetry(a, 'brief', addOne, { ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await a.get('brief')).toBeUndefined();
  });
});
