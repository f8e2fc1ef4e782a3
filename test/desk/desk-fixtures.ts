/**
 * What the desk integration tests share: a real SQLite store in a temp directory, the real
 * built-in desk on a fixed clock, a ticket request, and a logger whose lines tests can read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { createFixedClock } from '../../src/platform/clock-and-ids.ts';
import { createLogger, type Logger } from '../../src/platform/logger.ts';
import { openStore, type VersionedStore } from '../../src/storage/versioned-store.ts';
import type { TicketRequest } from '../../src/validation/ticket.ts';
import { sampleRequest } from '../helpers/fake-router.ts';

export const START = new Date('2026-11-25T02:00:00Z');
export const PHONE = '13812345678';

export function ticketRequest(conversationId = 'conv-1'): TicketRequest {
  return sampleRequest({
    conversationId,
    userId: `merchant-${conversationId}`,
    fields: { merchantNo: '102100012345678', phone: PHONE, email: 'zhangsan@example.com' },
  });
}

export interface CapturedLogger {
  logger: Logger;
  lines(): Array<Record<string, unknown>>;
  text(): string;
}

export function captureLogs(): CapturedLogger {
  const raw: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void raw.push(line) });
  return {
    logger,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => raw.join(''),
  };
}

export interface DeskWorld {
  storageUrl: string;
  store: VersionedStore;
  desk: BuiltinDesk;
  clock: ReturnType<typeof createFixedClock>;
  logs: CapturedLogger;
  /** Closes the store and opens a new one (and a new desk) on the same file, as a restarted app would. */
  reopen(): Promise<void>;
  /** A second, independent connection to the same file: another app instance. */
  openSecondStore(): Promise<VersionedStore>;
  close(): Promise<void>;
}

export async function openDeskWorld(): Promise<DeskWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unbind-desk-'));
  const storageUrl = `sqlite://${path.join(dir, 'desk.sqlite')}`;
  const clock = createFixedClock(START);
  const logs = captureLogs();
  const extra: VersionedStore[] = [];
  const world: DeskWorld = {
    storageUrl,
    store: await openStore(storageUrl),
    desk: undefined as unknown as BuiltinDesk,
    clock,
    logs,
    async reopen() {
      await world.store.close();
      world.store = await openStore(storageUrl);
      world.desk = new BuiltinDesk(world.store, clock);
    },
    async openSecondStore() {
      const store = await openStore(storageUrl);
      extra.push(store);
      return store;
    },
    async close() {
      for (const store of extra) await store.close();
      await world.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  world.desk = new BuiltinDesk(world.store, clock);
  return world;
}
