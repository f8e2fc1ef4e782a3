/**
 * Stand-ins for the bot, which has its own tests: a script of answers (behind the real turn
 * pipeline in HTTP tests, or as the router of the console loop's own tests) and events a test
 * fires by hand; and the REAL built-in desk over a real SQLite file, with a fixed clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addressKey, type ConversationAddress } from '../../src/conversation/address.ts';
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
  emit(address: ConversationAddress, reply: OutboundReply): void;
  listenerCount(address: ConversationAddress): number;
}

/** Events a test fires by hand, for the console loop's own tests. */
export function createFakeEvents(): FakeEvents {
  const listeners = new Map<string, Set<(reply: OutboundReply) => void>>();
  const listenerCount = (address: ConversationAddress) => listeners.get(addressKey(address))?.size ?? 0;
  return {
    subscribe(address, listener) {
      const set = listeners.get(addressKey(address)) ?? new Set();
      set.add(listener);
      listeners.set(addressKey(address), set);
      return () => set.delete(listener);
    },
    emit(address, reply) {
      for (const listener of listeners.get(addressKey(address)) ?? []) listener(reply);
    },
    listenerCount,
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
