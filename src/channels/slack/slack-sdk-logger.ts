/**
 * Bolt's and the Web API client's logger, onto ours: their lines are free text that may quote a
 * request, so they are scrubbed of personal data like every other line. Their debug lines are
 * dropped: they hold whole request bodies (a summary with the merchant's name), which no scrubbing
 * pattern can clean.
 */
import { LogLevel } from '@slack/bolt';
import { type Logger, scrubPersonalData } from '../../platform/logger.ts';

type SdkLogger = ConstructorParameters<typeof import('@slack/bolt').App>[0] extends infer O
  ? O extends { logger?: infer L }
    ? NonNullable<L>
    : never
  : never;

const text = (parts: unknown[]) =>
  scrubPersonalData(parts.map((part) => (part instanceof Error ? part.message : String(part))).join(' '));

export function slackSdkLogger(logger: Logger): SdkLogger {
  const log = logger.child({ component: 'slack-sdk' });
  return {
    debug: () => {},
    info: (...parts: unknown[]) => log.info(text(parts)),
    warn: (...parts: unknown[]) => log.warn(text(parts)),
    error: (...parts: unknown[]) => log.error(text(parts)),
    // Our logger's level is configured once (LOG_LEVEL); the SDK may not change it.
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
