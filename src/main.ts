/**
 * `npm start`: reads the configuration, opens storage, serves the web chat, the desk API and the
 * channel endpoints, and prints where they are. Stops cleanly on SIGINT/SIGTERM.
 */
import { startHttpServer } from './http/start-server.ts';
import { randomIds } from './platform/clock-and-ids.ts';
import { ConfigError, loadConfig, localDeskToken, readDotEnv } from './platform/config.ts';
import { createLogger } from './platform/logger.ts';
import { createServer } from './server.ts';

async function main(): Promise<void> {
  readDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(
      process.env,
      localDeskToken(process.env.DATA_DIR || './data', () => randomIds.secret()),
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const built = await createServer({ config, logger });
  const server = await startHttpServer(built.app, config.PORT, config.HOST);
  const storage = config.storageUrl.replace(/\/\/[^@/]*@/, '//***@');
  process.stdout.write(
    [
      `POS unbind assistant is running (storage: ${storage})`,
      `  Web chat:  ${server.url}/`,
      `  Channels:  ${[...built.assistant.channels.values()]
        .map((channel) => `${channel.name} ${server.url}${channel.entryPath ?? channel.http?.path ?? ''}`)
        .join(', ')}`,
      `  Reviewer:  ${server.url}/desk/  (sign in with the desk token)`,
      `  Desk API:  ${server.url}/api/desk/tickets  (Authorization: Bearer ${config.deskTokenGenerated ? config.DESK_API_TOKEN : '<DESK_API_TOKEN>'})`,
      config.deskTokenGenerated
        ? '  (DESK_API_TOKEN is not set: this token was generated and is kept in DATA_DIR/desk-api-token.)'
        : '',
      '',
    ]
      .filter((line, i, all) => line !== '' || i === all.length - 1)
      .join('\n'),
  );
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
