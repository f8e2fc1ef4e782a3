/**
 * A status lookup by serial number: the device's most recent request whose phone ends with the
 * digits given, counted per SN as given whether or not it exists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { createFixedClock } from '../../src/platform/clock-and-ids.ts';
import { createStatusLookup, FREE_TRIES } from '../../src/status/status-lookup.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { sampleRequest } from '../helpers/fake-router.ts';

const SN = 'N5W1234567';
let dir: string;
let store: VersionedStore;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lookup-by-sn-'));
  store = await openStore(`sqlite://${path.join(dir, 'store.sqlite')}`);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deskWithThreeRequests() {
  const clock = createFixedClock(new Date('2026-11-25T02:00:00Z'));
  const desk = new BuiltinDesk(store, clock);
  const first = await desk.fileTicket(sampleRequest({ conversationId: 'a', fields: { phone: '13812345678' } }), 'k1');
  clock.advance(60_000);
  const second = await desk.fileTicket(sampleRequest({ conversationId: 'b', fields: { phone: '13912345678' } }), 'k2');
  clock.advance(60_000);
  const third = await desk.fileTicket(sampleRequest({ conversationId: 'c', fields: { phone: '13712340000' } }), 'k3');
  return { clock, desk, first, second, third };
}

describe('status lookup by serial number', () => {
  it("finds the device's most recent request whose phone ends with the digits", async () => {
    const { clock, desk, second, third } = await deskWithThreeRequests();
    const lookup = createStatusLookup({ desk, store, clock });
    const asker = { channel: 'webchat', conversationId: 'elsewhere' };
    const found = await lookup.lookup(asker, SN, '5678');
    expect(found.ok && found.ticket.id).toBe(second.id);
    const other = await lookup.lookup(asker, SN, '0000');
    expect(other.ok && other.ticket.id).toBe(third.id);
    expect(await lookup.lookup(asker, SN, '9999')).toEqual({ ok: false, reason: 'no_match' });
  });

  it('counts tries per SN whether it exists or not, and answers both alike', async () => {
    const { clock, desk } = await deskWithThreeRequests();
    const lookup = createStatusLookup({ desk, store, clock });
    for (const sn of [SN, 'K7Q358201146']) {
      const results = [];
      for (let i = 0; i <= FREE_TRIES; i += 1) {
        results.push(await lookup.lookup({ channel: 'webchat', conversationId: `${sn}-${i}` }, sn, '1111'));
      }
      expect(results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual([
        ...Array.from({ length: FREE_TRIES }, () => 'no_match'),
        'throttled',
      ]);
    }
  });
});
