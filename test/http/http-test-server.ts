/**
 * The real server from the one composition root (createServer: real turn pipeline, storage,
 * desk, channels, HTTP app) with a scripted bot behind the pipeline, on 127.0.0.1, port 0; it
 * captures log lines so tests can check what is (and is not) logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConversationAddress } from '../../src/conversation/address.ts';
import type { InboundMessage, OutboundReply } from '../../src/conversation/messages.ts';
import type { BuiltinDesk } from '../../src/desk/builtin-desk.ts';
import { startHttpServer } from '../../src/http/start-server.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createServer } from '../../src/server.ts';
import { DESK_TEST_START, defaultScript, type Script, type TestClock } from '../helpers/fake-router.ts';

export const DESK_TOKEN = 'desk-token-for-tests-0123456789';

export async function startTestServer(
  options: {
    script?: Script;
    seed?: (desk: BuiltinDesk, clock: TestClock) => Promise<void>;
    sseHeartbeatMs?: number;
    /** More settings, as environment variables (limits, TRUST_PROXY). */
    env?: Record<string, string>;
  } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'http-test-'));
  const logLines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
  const config = loadConfig(
    {
      DESK_API_TOKEN: DESK_TOKEN,
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'test.sqlite')}`,
      ...options.env,
    },
    () => 'unused',
  );
  const clock = createFixedClock(DESK_TEST_START);
  const received: InboundMessage[] = [];
  let script = options.script ?? defaultScript;
  const server = await createServer({
    config,
    logger,
    clock,
    errorIds: createSequentialIds('ref'),
    runTurn: async ({ message }) => {
      received.push(message);
      return script(message);
    },
    ...(options.sseHeartbeatMs ? { sseHeartbeatMs: options.sseHeartbeatMs } : {}),
  });
  const { assistant } = server;
  try {
    await options.seed?.(assistant.desk, clock);
  } catch (error) {
    await server.close();
    throw error;
  }
  const running = await startHttpServer(server.app, 0, '127.0.0.1', { shutdownGraceMs: 500 });
  let published = 0;
  return {
    assistant,
    desk: assistant.desk,
    clock,
    url: running.url,
    /** The messages the scripted bot was given (a redelivery answered by dedupe is not among them). */
    received,
    /** Stores and pushes a later message to a web chat conversation, as the proactive outbox does. */
    publish: (conversationId: string, reply: OutboundReply) =>
      assistant.events.publish({ channel: 'webchat', conversationId }, reply, `test-${++published}`),
    listenerCount: (conversationId: string) => assistant.events.listenerCount({ channel: 'webchat', conversationId }),
    async waitForListener(conversationId: string, timeoutMs = 5_000) {
      const address: ConversationAddress = { channel: 'webchat', conversationId };
      const deadline = Date.now() + timeoutMs;
      while (assistant.events.listenerCount(address) === 0) {
        if (Date.now() > deadline) throw new Error(`nobody listened to ${conversationId}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => {
      await running.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logText: () => logLines.join(''),
    setScript: (next: Script) => {
      script = next;
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

/** POSTs to a web chat route; a string body is sent as is (for broken JSON). */
async function postJson(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ApiBody };
}

/** POSTs to the web chat's messages route as is: no token unless `headers` has one. */
export function postMessage(server: TestServer, body: unknown, headers: Record<string, string> = {}) {
  return postJson(`${server.url}/api/webchat/messages`, body, headers);
}

/** POSTs to the web chat's conversations route as is. */
export function postConversation(server: TestServer, body: unknown = {}, headers: Record<string, string> = {}) {
  return postJson(`${server.url}/api/webchat/conversations`, body, headers);
}

/** A conversation started the way the page starts one, and the way to talk in it. */
export interface TestConversation {
  conversationId: string;
  token: string;
  authorization: { authorization: string };
  /** Sends a message in this conversation with its token; `body` adds to or overrides the fields. */
  say(body: Record<string, unknown>, headers?: Record<string, string>): ReturnType<typeof postMessage>;
}

export async function openConversation(
  server: TestServer,
  locale?: string,
  headers: Record<string, string> = {},
): Promise<TestConversation> {
  const { status, body } = await postConversation(server, locale ? { locale } : {}, headers);
  if (status !== 201) throw new Error(`could not start a conversation: ${status} ${JSON.stringify(body)}`);
  const { conversationId, token } = body as unknown as { conversationId: string; token: string };
  const authorization = { authorization: `Bearer ${token}` };
  return {
    conversationId,
    token,
    authorization,
    say: (fields, headers = {}) => postMessage(server, { conversationId, ...fields }, { ...authorization, ...headers }),
  };
}
