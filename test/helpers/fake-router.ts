/**
 * Test doubles for what the HTTP layer and the console sit on: a scripted ConversationRouter,
 * ConversationEvents the test can fire, and an in-memory SupportDesk. They stand in for the bot
 * and the desk, which have their own tests; nothing here is product logic.
 */
import type {
  ConversationEvents,
  ConversationRouter,
  InboundMessage,
  OutboundReply,
} from '../../src/conversation/messages.ts';
import type { CallbackRequest, SupportDesk } from '../../src/desk/support-desk.ts';
import type { Ticket } from '../../src/validation/ticket.ts';

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

export function sampleTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 'UB-20261125-0001',
    conversationId: 'conv-1',
    channel: 'webchat',
    userId: 'conv-1',
    locale: 'zh-CN',
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
    },
    status: 'submitted',
    history: [{ at: '2026-11-25T08:00:00.000Z', status: 'submitted', by: 'merchant' }],
    createdAt: '2026-11-25T08:00:00.000Z',
    updatedAt: '2026-11-25T08:00:00.000Z',
    ...overrides,
  };
}

/** A desk holding what the test gives it; filing appends with sequential ids. */
export function createInMemoryDesk(tickets: Ticket[] = [], callbacks: CallbackRequest[] = []): SupportDesk {
  const filed = new Map<string, Ticket>();
  const requested = new Map<string, CallbackRequest>();
  return {
    async fileTicket(request, key) {
      const existing = filed.get(key);
      if (existing) return existing;
      const at = new Date(0).toISOString();
      const ticket: Ticket = {
        ...request,
        id: `UB-19700101-${String(tickets.length + 1).padStart(4, '0')}`,
        status: 'submitted',
        history: [{ at, status: 'submitted', by: 'merchant' }],
        createdAt: at,
        updatedAt: at,
      };
      tickets.push(ticket);
      filed.set(key, ticket);
      return ticket;
    },
    async getTicket(id) {
      return tickets.find((ticket) => ticket.id === id);
    },
    async listTickets({ conversationId, status }) {
      return tickets.filter(
        (ticket) =>
          (!conversationId || ticket.conversationId === conversationId) && (!status || ticket.status === status),
      );
    },
    decide: notUsedHere,
    resubmit: notUsedHere,
    listAudit: notUsedHere,
    onTicketEvent: () => () => {},
    async requestCallback(request, key) {
      const existing = requested.get(key);
      if (existing) return existing;
      const callback = { ...request, id: `CB-19700101-${callbacks.length + 1}`, createdAt: new Date(0).toISOString() };
      callbacks.push(callback);
      requested.set(key, callback);
      return callback;
    },
    async listCallbacks() {
      return [...callbacks];
    },
  };
}

export interface FakeAssistant {
  router: FakeRouter;
  events: FakeEvents;
  desk: SupportDesk;
}

export function createFakeAssistant(
  options: { script?: Script; tickets?: Ticket[]; callbacks?: CallbackRequest[] } = {},
) {
  return {
    router: createFakeRouter(options.script),
    events: createFakeEvents(),
    desk: createInMemoryDesk(options.tickets, options.callbacks),
  } satisfies FakeAssistant;
}

function notUsedHere(): never {
  throw new Error('not used by the HTTP tests of the fake assistant');
}
