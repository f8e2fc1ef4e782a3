/**
 * What the HTTP layer and the console sit on, for their tests: a scripted ConversationRouter and
 * ConversationEvents the test can fire (they stand in for the bot, which has its own tests), and
 * the REAL built-in desk over a real SQLite file, with a fixed clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  ConversationEvents,
  ConversationRouter,
  InboundMessage,
  OutboundReply,
} from '../../src/conversation/messages.ts';
import { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { type Clock, createFixedClock } from '../../src/platform/clock-and-ids.ts';
import { openStore } from '../../src/storage/versioned-store.ts';
import type { TicketFields, TicketRequest } from '../../src/validation/ticket.ts';

export type Script = (message: InboundMessage) => OutboundReply[] | Promise<OutboundReply[]>;

/** The default script: a start button with choices, an error on demand, an echo otherwise. */
export const defaultScript: Script = ({ text }) => {
  if (text === 'boom') throw new Error('scripted failure for 13812345678');
  if (text === '我要解绑' || text === 'Unbind my terminal') {
    return [
      { text: '好的，我们开始办理解绑。\n请先阅读隐私说明。' },
      { text: '您同意吗？', suggestedActions: ['同意', '不同意'] },
    ];
  }
  return [{ text: `收到：${text}` }];
};

export interface FakeRouter extends ConversationRouter {
  /** Every message handled, in order. */
  received: InboundMessage[];
  /** Replace the script for the next messages. */
  script: Script;
}

export function createFakeRouter(script: Script = defaultScript): FakeRouter {
  const fake: FakeRouter = {
    received: [],
    script,
    async handle(message) {
      fake.received.push(message);
      return fake.script(message);
    },
  };
  return fake;
}

export interface FakeEvents extends ConversationEvents {
  emit(conversationId: string, reply: OutboundReply): void;
  listenerCount(conversationId: string): number;
  /** Resolves once someone listens to the conversation (e.g. the page's event stream). */
  waitForListener(conversationId: string, timeoutMs?: number): Promise<void>;
}

export function createFakeEvents(): FakeEvents {
  const listeners = new Map<string, Set<(reply: OutboundReply) => void>>();
  const listenerCount = (id: string) => listeners.get(id)?.size ?? 0;
  return {
    subscribe(conversationId, listener) {
      const set = listeners.get(conversationId) ?? new Set();
      set.add(listener);
      listeners.set(conversationId, set);
      return () => set.delete(listener);
    },
    emit(conversationId, reply) {
      for (const listener of listeners.get(conversationId) ?? []) listener(reply);
    },
    listenerCount,
    async waitForListener(conversationId, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (listenerCount(conversationId) === 0) {
        if (Date.now() > deadline) throw new Error(`nobody listened to ${conversationId}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** When the test desk's clock starts: 16:00 in Shanghai, so ids read UB-20261125-…. */
export const DESK_TEST_START = new Date('2026-11-25T08:00:00.000Z');

export type TestClock = Clock & { advance(ms: number): void };

export interface TestDesk {
  desk: BuiltinDesk;
  clock: TestClock;
  /** Closes the store and deletes its directory. */
  close(): Promise<void>;
}

/** The built-in desk over a fresh SQLite file in a temporary directory. */
export async function openTestDesk(start: Date = DESK_TEST_START): Promise<TestDesk> {
  const dir = mkdtempSync(path.join(tmpdir(), 'desk-test-'));
  const store = await openStore(`sqlite://${path.join(dir, 'desk.sqlite')}`);
  const clock = createFixedClock(start);
  return {
    desk: new BuiltinDesk(store, clock),
    clock,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A complete, valid request as the form would hand it to the desk. */
export function sampleRequest(
  overrides: Partial<Omit<TicketRequest, 'fields'>> & { fields?: Partial<TicketFields> } = {},
): TicketRequest {
  const { fields, ...rest } = overrides;
  return {
    conversationId: 'conv-1',
    channel: 'webchat',
    userId: 'conv-1',
    locale: 'zh-CN',
    ...rest,
    fields: {
      sn: 'N5W1234567',
      merchantNo: '123456789012345',
      deviceCondition: 'working',
      reason: 'relocation_or_closure',
      contactName: '张三',
      phone: '13812345678',
      involvesMinor: false,
      documents: {
        businessLicense: 'https://files.example.com/licence.jpg',
        legalRepIdFront: 'https://files.example.com/id-front.jpg',
        legalRepIdBack: 'https://files.example.com/id-back.jpg',
        devicePhoto: 'https://files.example.com/device.jpg',
      },
      ...fields,
    },
  };
}

export interface FakeAssistant extends TestDesk {
  router: FakeRouter;
  events: FakeEvents;
}

/**
 * A scripted bot in front of the real desk. `seed` files and decides tickets through the desk
 * itself (fileTicket, decide, requestCallback), so tests see exactly what the desk stores.
 */
export async function createFakeAssistant(
  options: { script?: Script; seed?: (desk: BuiltinDesk, clock: TestClock) => Promise<void> } = {},
): Promise<FakeAssistant> {
  const testDesk = await openTestDesk();
  try {
    await options.seed?.(testDesk.desk, testDesk.clock);
  } catch (error) {
    await testDesk.close();
    throw error;
  }
  return { ...testDesk, router: createFakeRouter(options.script), events: createFakeEvents() };
}
