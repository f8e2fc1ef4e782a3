/**
 * What the benchmarks run: the real assistant on a temporary SQLite file, and the same bot over
 * botbuilder's MemoryStorage as a floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { type Assistant, createAssistantBot } from '../src/app.ts';
import { createBotTurnRunner } from '../src/bot/bot-turn-runner.ts';
import type { TurnRunner } from '../src/conversation/conversation-router.ts';
import { BuiltinDesk } from '../src/desk/builtin-desk.ts';
import { randomIds, systemClock } from '../src/platform/clock-and-ids.ts';
import { conversationLimitsOf, loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createServer, type Server } from '../src/server.ts';

export const silentLogger = createLogger('silent');

/** One complete request, as a merchant types it. */
export const CONVERSATION: readonly string[] = [
  '我要解绑',
  '同意',
  'N5W1234567',
  '102100012345678',
  '1',
  '店关了',
  '张三',
  '138 1234 5678',
  '跳过',
  '否',
  'https://pan.example.com/s/licence',
  'https://pan.example.com/s/id-front',
  'https://pan.example.com/s/id-back',
  'https://pan.example.com/s/device',
  '确认提交',
];

/** The real server (createServer) on a temporary SQLite file; `runTurn` swaps the bot for a floor. */
export async function openSqliteServer(
  options: { runTurn?: TurnRunner } = {},
): Promise<{ server: Server; assistant: Assistant; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unbind-bench-'));
  const config = loadConfig(
    {
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'bench.sqlite')}`,
      DESK_API_TOKEN: 'bench-token-0123456789abcdef',
      // The load generator is many merchants on one address, at machine speed: the per-minute
      // limits would measure themselves, not the product.
      WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE: '100000000',
      WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE: '100000000',
      WEBCHAT_CONVERSATIONS_PER_ADDRESS_PER_MINUTE: '100000000',
    },
    () => '',
  );
  const server = await createServer({ config, logger: silentLogger, ...options });
  return {
    server,
    assistant: server.assistant,
    cleanup: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same form and bot with state in botbuilder's MemoryStorage: the cost without our storage. */
export async function openMemoryStorageRunner(
  assistant: Assistant,
): Promise<{ runTurn: TurnRunner; storage: MemoryStorage }> {
  const storage = new MemoryStorage();
  const desk = new BuiltinDesk(assistant.store, systemClock);
  const bot = createAssistantBot({
    understanding: assistant.understanding,
    turnStorage: () => storage,
    desk,
    ids: randomIds,
    logger: silentLogger,
    store: assistant.store,
    clock: systemClock,
    limits: conversationLimitsOf({}),
  });
  return { runTurn: createBotTurnRunner(bot, systemClock), storage };
}
