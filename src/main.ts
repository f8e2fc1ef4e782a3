/**
 * `npm start`: reads the configuration, opens storage, serves the web chat, the desk API and the
 * channel endpoints, and prints where they are. Stops cleanly on SIGINT/SIGTERM.
 */
import { startHttpServer } from './http/start-server.ts';
import { localeFromEnvironment, t } from './i18n/translate.ts';
import { randomIds } from './platform/clock-and-ids.ts';
import { ConfigError, loadConfig, localDeskToken, readDotEnv } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';
import { createServer } from './server.ts';
import { loadStaffCredentials, type StaffCredentials } from './staff/staff-credentials.ts';
import { StaffFileError } from './staff/staff-file.ts';

async function main(): Promise<void> {
  readDotEnv();
  const localToken = localDeskToken(process.env.DATA_DIR || './data', () => randomIds.secret());
  let config: ReturnType<typeof loadConfig>;
  let staff: StaffCredentials;
  try {
    config = loadConfig(process.env, localToken.read);
    staff = loadStaffCredentials(config, config.DESK_API_TOKEN);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof StaffFileError) {
      process.stderr.write(`${new ConfigError(error.problems).message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const built = await createServer({ config, logger, staff });
  const server = await startHttpServer(built.app, config.PORT, config.HOST);
  const lng = localeFromEnvironment(process.env);
  const url = server.url;
  // A generated token is shown on the start that made it only: later starts' output (terminal
  // scrollback, service logs) must not keep repeating a credential.
  const showToken = config.deskTokenGenerated && localToken.generatedNow();
  const channels = [...built.assistant.channels.values()]
    .map((channel) => `${channel.name} ${url}${channel.entryPath ?? channel.http?.path ?? ''}`)
    .join(', ');
  const lines = [
    t(lng, 'server:banner.running', { storage: config.storageUrl.replace(/\/\/[^@/]*@/, '//***@') }),
    `  ${t(lng, 'server:banner.webchat', { url })}`,
    `  ${t(lng, 'server:banner.channels', { channels })}`,
    `  ${t(lng, 'server:banner.reviewer', { url })}`,
    `  ${t(lng, 'server:banner.staff', { people: staff.size, file: config.staffFile.path })}`,
    `  ${t(lng, 'server:banner.deskApi', { url, token: showToken ? config.DESK_API_TOKEN : '<DESK_API_TOKEN>' })}`,
  ];
  if (config.deskTokenGenerated) {
    const key = showToken ? 'server:banner.tokenGenerated' : 'server:banner.tokenKept';
    lines.push(`  ${t(lng, key, { file: localToken.file })}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  logger.info({ url: server.url }, 'server started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await server.close();
    await built.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
