/**
 * The daily quota counts each filing once, however often its turn runs again, and starts over on
 * the desk's next day; the limits come from the configuration, with defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDailyQuota } from '../../src/limits/daily-quota.ts';
import { createFixedClock } from '../../src/platform/clock-and-ids.ts';
import { ConfigError, conversationLimitsOf, loadConfig } from '../../src/platform/config.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { TEST_START, tempSqliteUrl } from '../helpers/test-assistant.ts';

const chat = { channel: 'webchat', conversationId: 'conv-1' };

describe('daily quota', () => {
  const temp = tempSqliteUrl();
  let store: VersionedStore;
  beforeAll(async () => {
    store = await openStore(temp.url);
  });
  afterAll(async () => {
    await store.close();
    temp.cleanup();
  });

  it('admits a filing again under its key without counting it twice', async () => {
    const clock = createFixedClock(TEST_START);
    const quota = createDailyQuota({ store, clock, name: 'tickets', perDay: 2 });
    expect(await quota.admit(chat, 'run-1')).toBe(true);
    expect(await quota.admit(chat, 'run-1')).toBe(true);
    expect(await quota.admit(chat, 'run-2')).toBe(true);
    expect(await quota.admit(chat, 'run-3')).toBe(false);
    // A re-run of an admitted filing (a redelivered message) still goes ahead.
    expect(await quota.admit(chat, 'run-2')).toBe(true);
    // Another conversation, or the same id on another channel, has its own count.
    expect(await quota.admit({ channel: 'console', conversationId: 'conv-1' }, 'run-3')).toBe(true);
    // 16:00 UTC is midnight in China: the desk's next day.
    clock.advance(14 * 60 * 60 * 1000);
    expect(await quota.admit(chat, 'run-3')).toBe(true);
  });

  it('takes the limits from the configuration, with defaults of 3', () => {
    expect(conversationLimitsOf({})).toEqual({ ticketsPerDay: 3, callbacksPerDay: 3 });
    const config = loadConfig(
      { TICKETS_PER_CONVERSATION_PER_DAY: '5', CALLBACKS_PER_CONVERSATION_PER_DAY: '1' },
      () => 'generated-desk-token-0123456789',
    );
    expect(conversationLimitsOf(config)).toEqual({ ticketsPerDay: 5, callbacksPerDay: 1 });
    expect(() => loadConfig({ TICKETS_PER_CONVERSATION_PER_DAY: '0' }, () => 'x'.repeat(16))).toThrow(ConfigError);
  });
});
