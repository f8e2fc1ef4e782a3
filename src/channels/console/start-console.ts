/**
 * `npm run chat`: the console chat on the real assistant. Logs go to DATA_DIR/console.log so
 * they do not interleave with the conversation; the conversation id is the OS user's, so the
 * next run continues where the merchant left off.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createAssistant } from '../../app.ts';
import { DEFAULT_LOCALE, isLocale, t } from '../../i18n/translate.ts';
import { randomIds } from '../../platform/clock-and-ids.ts';
import { loadConfig, readDotEnv } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { consoleChannel } from './console-channel.ts';
import { runConsoleChat } from './console-chat.ts';

/** `console-<username>`, reduced to the characters every channel's ids allow. */
export function consoleConversationId(username: string): string {
  return `console-${username.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || 'user'}`;
}

function osUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers may run as a uid with no passwd entry.
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}

/** Runs the console chat; resolves to the process exit code. */
export async function startConsoleChat(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { locale: { type: 'string' } }, strict: false });
  const locale = isLocale(values.locale) ? values.locale : undefined;
  let assistant: Awaited<ReturnType<typeof createAssistant>> | undefined;
  try {
    readDotEnv();
    const config = loadConfig(process.env, () => randomIds.secret());
    const logFile = path.join(config.DATA_DIR, 'console.log');
    const logger = createLogger(config.LOG_LEVEL, pino.destination({ dest: logFile, mkdir: true, sync: true }));
    assistant = await createAssistant({ config, logger, channels: [consoleChannel] });
    const conversationId = consoleConversationId(osUsername());
    await runConsoleChat({
      router: assistant.router,
      events: assistant.events,
      input: process.stdin,
      output: process.stdout,
      userId: conversationId,
      conversationId,
      ...(locale ? { locale } : {}),
      onError: (err) => logger.error({ err, code: 'console.turn_failed' }, 'console turn failed'),
    });
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${t(locale ?? DEFAULT_LOCALE, 'console:startFailed', { reason })}\n`);
    return 1;
  } finally {
    await assistant?.close();
  }
}
