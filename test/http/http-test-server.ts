/**
 * Starts createHttpApp on 127.0.0.1, port 0, over the fake assistant (scripted bot, real desk),
 * and captures log lines so tests can check what is (and is not) logged.
 */
import { createHttpApp } from '../../src/http/create-http-app.ts';
import { startHttpServer } from '../../src/http/start-server.ts';
import { createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createFakeAssistant, type Script } from '../helpers/fake-router.ts';

export const DESK_TOKEN = 'desk-token-for-tests-0123456789';

export async function startTestServer(
  options: Parameters<typeof createFakeAssistant>[0] & { sseHeartbeatMs?: number } = {},
) {
  const fake = await createFakeAssistant(options);
  const logLines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
  const config = loadConfig({ DESK_API_TOKEN: DESK_TOKEN, DATA_DIR: '/tmp/unused' }, () => 'unused');
  const app = createHttpApp({
    config,
    logger,
    router: fake.router,
    events: fake.events,
    desk: fake.desk,
    ids: createSequentialIds('ref'),
    ...(options.sseHeartbeatMs ? { sseHeartbeatMs: options.sseHeartbeatMs } : {}),
  });
  const running = await startHttpServer(app, 0, '127.0.0.1', { shutdownGraceMs: 500 });
  return {
    ...fake,
    url: running.url,
    close: async () => {
      await running.close();
      await fake.close();
    },
    logs: () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logText: () => logLines.join(''),
    setScript: (script: Script) => {
      fake.router.script = script;
    },
  };
}
export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** A response body as tests read it: whichever of these the route returns. */
export interface ApiBody {
  error: { code: string; message: string; fields?: string[]; reference?: string };
  replies: unknown[];
  tickets: { id: string; status: string }[];
  entries: { ticketId: string; to: string; by: string; note?: string; fields?: string[] }[];
  [key: string]: unknown;
}

/** POSTs to the web chat API; a string body is sent as is (for broken JSON). */
export async function postMessage(server: TestServer, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ApiBody };
}
