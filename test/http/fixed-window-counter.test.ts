/**
 * The fixed-window counter behind the web chat's rate limits, on every backend: counts shared
 * between two connections ("instances"), a new window starting from one, and window records
 * that expire (a record `increment` created alone would never expire).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedWindowCounter } from '../../src/http/fixed-window-counter.ts';
import { createFixedClock, systemClock } from '../../src/platform/clock-and-ids.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { testBackends } from '../helpers/backends.ts';

const backends = await testBackends('counter.sqlite');

describe.each(backends)('FixedWindowCounter on $name', ({ url }) => {
  const namespace = `test-${randomUUID()}`;
  let a: VersionedStore;
  let b: VersionedStore;

  beforeAll(async () => {
    a = await openStore(url, { namespace });
    b = await openStore(url, { namespace });
  });
  afterAll(async () => {
    for (const key of await a.keys('')) await a.delete(key);
    await Promise.all([a.close(), b.close()]);
  });

  it('counts hits of one subject across instances, exactly, and says when the window ends', async () => {
    const clock = createFixedClock(new Date('2026-11-25T08:00:15.000Z'));
    const one = new FixedWindowCounter(a, clock, 'rate/shared');
    const two = new FixedWindowCounter(b, clock, 'rate/shared');
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).hit('203.0.113.7')));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(counts[0]?.retryAfterMs).toBe(45_000);
    expect((await one.hit('another-subject')).count).toBe(1);
  });

  it('starts again at one in the next window', async () => {
    const clock = createFixedClock(new Date('2026-11-25T08:00:59.000Z'));
    const counter = new FixedWindowCounter(a, clock, 'rate/windows');
    await counter.hit('c-1');
    expect((await counter.hit('c-1')).count).toBe(2);
    clock.advance(1_000);
    expect((await counter.hit('c-1')).count).toBe(1);
  });

  it('gives every window record a lifetime, so counters do not pile up', async () => {
    const counter = new FixedWindowCounter(a, systemClock, 'rate/expiring', 200);
    await counter.hit('c-1');
    await counter.hit('c-1');
    expect(await a.keys('rate/expiring/')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await a.keys('rate/expiring/')).toEqual([]);
  });
});
