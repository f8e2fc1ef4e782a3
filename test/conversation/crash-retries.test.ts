/**
 * A turn is one atomic commit: when the process dies at any write of a turn (kill -9 between two
 * writes, simulated by a store that fails from its Nth write on) and the channel retries the same
 * message id, the retry finds either the whole turn or none of it. Never an answer applied twice,
 * as the answer to the next question; never a second ticket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/app.ts';
import { SERVER_CHANNELS } from '../../src/channels/index.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import type { Ticket } from '../../src/validation/ticket.ts';
import { crashingStore, SimulatedCrash } from '../helpers/crashing-store.ts';
import { HAPPY_PATH_ZH, TEST_START, tempSqliteUrl } from '../helpers/test-assistant.ts';

const MESSAGES = [...HAPPY_PATH_ZH, '确认提交'];
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

const send = (assistant: Assistant, index: number) =>
  assistant.router.handle({
    channel: 'webchat',
    conversationId: 'crash-1',
    userId: 'merchant',
    text: MESSAGES[index] as string,
    messageId: `m-${index}`,
  });

async function tickets(url: string): Promise<Ticket[]> {
  const assistant = await open(url);
  const all = await assistant.desk.listTickets({});
  await assistant.close();
  return all;
}

/** Writes the turn at `index` makes, counted on a clean run. */
async function writesOfTurn(index: number): Promise<number> {
  const temp = tempSqliteUrl();
  temps.push(temp);
  const counting = crashingStore(await openStore(temp.url));
  const assistant = await open(temp.url, counting.store);
  for (let i = 0; i < index; i++) await send(assistant, i);
  counting.resetCount();
  await send(assistant, index);
  const writes = counting.writes();
  await assistant.close();
  return writes;
}

/** The whole request with the process dying at write `crashAt` of turn `index`, then retried. */
async function runWithCrash(index: number, crashAt: number): Promise<Ticket[]> {
  const temp = tempSqliteUrl();
  temps.push(temp);
  const before = await open(temp.url);
  for (let i = 0; i < index; i++) await send(before, i);
  await before.close();

  const crashing = crashingStore(await openStore(temp.url), crashAt);
  const dying = await open(temp.url, crashing.store);
  await expect(send(dying, index)).rejects.toBeInstanceOf(SimulatedCrash);
  await dying.close();

  const after = await open(temp.url);
  for (let i = index; i < MESSAGES.length; i++) await send(after, i); // the channel's retry, then the rest
  await after.close();
  return tickets(temp.url);
}

async function cleanRun(): Promise<Ticket[]> {
  const temp = tempSqliteUrl();
  temps.push(temp);
  const assistant = await open(temp.url);
  for (let i = 0; i < MESSAGES.length; i++) await send(assistant, i);
  await assistant.close();
  return tickets(temp.url);
}

describe('a retried message after a crash at any write of its turn', () => {
  for (const [label, index] of [
    ['a document link', HAPPY_PATH_ZH.indexOf('https://pan.example.com/s/id-front')],
    ['the confirmation that files the ticket', MESSAGES.length - 1],
  ] as const) {
    it(`${label}: the request ends with the same single ticket as without the crash`, async () => {
      const [expected] = await cleanRun();
      const writes = await writesOfTurn(index);
      expect(writes).toBeGreaterThan(0);
      for (let crashAt = 1; crashAt <= writes; crashAt++) {
        const filed = await runWithCrash(index, crashAt);
        expect(filed, `crash at write ${crashAt} of ${writes}`).toHaveLength(1);
        expect(filed[0]?.fields, `crash at write ${crashAt} of ${writes}`).toEqual(expected?.fields);
      }
    });
  }
});
