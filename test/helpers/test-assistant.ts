/**
 * A real assistant (real SQLite file storage, built-in desk, bot) for transcript tests, with a
 * fixed clock and predictable ids so every run reads the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Assistant, createAssistant } from '../../src/app.ts';
import { SERVER_CHANNELS } from '../../src/channels/index.ts';
import type { MessageAttachment, OutboundReply } from '../../src/conversation/messages.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import type { AppConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { Locale } from '../../src/validation/ticket.ts';

export const TEST_START = new Date('2026-11-25T02:00:00Z');

export interface TestChat {
  assistant: Assistant;
  /** Moves the assistant's clock on (e.g. to the next day). */
  advanceClock(ms: number): void;
  /** Runs what the proactive outbox has due (decisions told to the merchant), as its worker would. */
  deliverLater(): Promise<void>;
  /** Subscribes to what this conversation is told later. */
  onLater(listener: (text: string) => void): () => void;
  /** Sends one message as the merchant and returns the bot's replies. */
  say(
    text: string,
    options?: { messageId?: string; locale?: Locale; attachments?: MessageAttachment[] },
  ): Promise<OutboundReply[]>;
  /** The replies' text joined, for readable assertions. */
  sayText(
    text: string,
    options?: { messageId?: string; locale?: Locale; attachments?: MessageAttachment[] },
  ): Promise<string>;
  close(): Promise<void>;
}

export function tempSqliteUrl(): { url: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'unbind-test-'));
  return {
    url: `sqlite://${path.join(dir, 'test.sqlite')}`,
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function openTestChat(
  options: {
    storageUrl?: string;
    storageNamespace?: string;
    conversationId?: string;
    /** Settings besides the storage, e.g. limits. */
    config?: Partial<AppConfig>;
  } = {},
): Promise<TestChat> {
  const temp = options.storageUrl ? undefined : tempSqliteUrl();
  const clock = createFixedClock(TEST_START);
  // Documents (uploaded photos) go to a folder of this chat's own, never the repository's ./data.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-documents-'));
  const assistant = await createAssistant({
    config: { DATA_DIR: dataDir, ...options.config, storageUrl: options.storageUrl ?? temp!.url },
    logger: createLogger('silent'),
    clock,
    ids: createSequentialIds('run'),
    storageNamespace: options.storageNamespace,
    channels: SERVER_CHANNELS,
    startWorkers: false,
  });
  const conversationId = options.conversationId ?? 'conv-1';
  const say: TestChat['say'] = (text, opts = {}) =>
    assistant.router.handle({ channel: 'webchat', conversationId, userId: 'merchant-1', text, ...opts });
  return {
    assistant,
    advanceClock: (ms) => clock.advance(ms),
    deliverLater: async () => {
      await assistant.proactive.outbox.drain();
    },
    onLater: (listener) =>
      assistant.events.subscribe({ channel: 'webchat', conversationId }, (reply) => listener(reply.text)),
    say,
    sayText: async (text, opts) => (await say(text, opts)).map((r) => r.text).join('\n---\n'),
    close: async () => {
      await assistant.close();
      temp?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Answers for a complete request, in the order the form asks, Chinese merchant. */
export const HAPPY_PATH_ZH: readonly string[] = [
  '我要解绑',
  '同意',
  'n5w1234567',
  '102100012345678',
  '1',
  '搬迁或关店',
  '张三',
  '138 1234 5678',
  'zhangsan@example.com',
  '否',
  'https://pan.example.com/s/licence',
  'https://pan.example.com/s/id-front',
  'https://pan.example.com/s/id-back',
  'https://pan.example.com/s/device',
];
