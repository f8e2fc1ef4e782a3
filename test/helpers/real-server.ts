/**
 * The real server from the one composition root (createServer: bot, turn pipeline, SQLite
 * storage, desk, channels, HTTP app) listening on 127.0.0.1, port 0, with a fixed clock and
 * predictable ids; for tests that drive it over HTTP in-process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHttpServer } from '../../src/http/start-server.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createServer } from '../../src/server.ts';
import { TEST_START } from './test-assistant.ts';

export const REAL_SERVER_DESK_TOKEN = 'real-server-desk-token-0123456789';

export async function startRealServer(env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'real-server-'));
  const config = loadConfig(
    {
      DESK_API_TOKEN: REAL_SERVER_DESK_TOKEN,
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'test.sqlite')}`,
      ...env,
    },
    () => '',
  );
  const server = await createServer({
    config,
    logger: createLogger('silent'),
    clock: createFixedClock(TEST_START),
    ids: createSequentialIds('run'),
  });
  const running = await startHttpServer(server.app, 0, '127.0.0.1', { shutdownGraceMs: 500 });
  return {
    ...server,
    url: running.url,
    close: async () => {
      await running.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type RealServer = Awaited<ReturnType<typeof startRealServer>>;
