/**
 * The "yes" that withdraws a ticket, with the process dying at each write of its turn and the
 * channel retrying the same message id: the ticket ends withdrawn exactly once, and the merchant
 * is told so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/app.ts';
import { SERVER_CHANNELS } from '../../src/channels/index.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { crashingStore, SimulatedCrash } from '../helpers/crashing-store.ts';
import { HAPPY_PATH_ZH, TEST_START, tempSqliteUrl } from '../helpers/test-assistant.ts';

const MESSAGES = [...HAPPY_PATH_ZH, '确认提交', '撤回', '是'];
const YES = MESSAGES.length - 1;
const TICKET = 'UB-20261125-0001';
const temps: Array<{ cleanup(): void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

async function open(url: string, store?: VersionedStore): Promise<Assistant> {
  return createAssistant({
    config: { storageUrl: url },
    logger: createLogger('silent'),
    clock: createFixedClock(TEST_START),
    ids: createSequentialIds(`run-${Math.random()}`),
    channels: SERVER_CHANNELS,
    startWorkers: false,
    ...(store ? { store } : {}),
  });
}

const send = async (assistant: Assistant, index: number) =>
  (
    await assistant.router.handle({
      channel: 'webchat',
      conversationId: 'crash-1',
      userId: 'merchant',
      text: MESSAGES[index] as string,
      messageId: `m-${index}`,
    })
  )
    .map((reply) => reply.text)
    .join('\n');

/** A conversation at the withdrawal question, on a fresh SQLite file. */
async function atTheQuestion(): Promise<string> {
  const temp = tempSqliteUrl();
  temps.push(temp);
  const assistant = await open(temp.url);
  for (let i = 0; i < YES; i++) await send(assistant, i);
  await assistant.close();
  return temp.url;
}

describe('withdrawing, with a crash at any write of the turn', () => {
  it('the retried "yes" withdraws once and says so', async () => {
    const counting = crashingStore(await openStore(await atTheQuestion()));
    const clean = await open('unused', counting.store);
    await send(clean, YES);
    const writes = counting.writes();
    await clean.close();
    // The desk's compare-and-set (ticket + outbox items) and the turn's commit, at least.
    expect(writes).toBeGreaterThanOrEqual(2);

    for (let crashAt = 1; crashAt <= writes; crashAt++) {
      const url = await atTheQuestion();
      const crashing = crashingStore(await openStore(url), crashAt);
      const dying = await open(url, crashing.store);
      await expect(send(dying, YES)).rejects.toBeInstanceOf(SimulatedCrash);
      await dying.close();

      const after = await open(url);
      const reply = await send(after, YES);
      const ticket = await after.desk.getTicket(TICKET);
      await after.close();
      const label = `crash at write ${crashAt} of ${writes}`;
      expect(reply, label).toContain(`已撤回工单 ${TICKET}`);
      expect(ticket?.status, label).toBe('cancelled');
      expect(
        ticket?.history.filter((entry) => entry.status === 'cancelled'),
        label,
      ).toHaveLength(1);
    }
  });
});
