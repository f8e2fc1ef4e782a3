/**
 * The whole product with an external desk: a merchant files through the bot, the ticket reaches
 * a local webhook desk exactly once despite its errors, and the desk's signed decision comes back
 * and is told to the merchant once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/app.ts';
import { signatureHeader } from '../../src/desk/connectors/signatures.ts';
import { type RunningServer, startHttpServer } from '../../src/http/start-server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createServer } from '../../src/server.ts';
import { type LocalDeskServer, startLocalDesk } from '../helpers/local-desk-server.ts';
import { HAPPY_PATH_ZH, tempSqliteUrl } from '../helpers/test-assistant.ts';

const SECRET = 'webhook-secret-0123456789';
let desk: LocalDeskServer;
let assistant: Assistant;
let server: RunningServer;
let cleanup: () => void;

afterEach(async () => {
  await server?.close();
  await assistant?.close();
  await desk?.close();
  cleanup?.();
});

describe('an external webhook desk', () => {
  it('gets the ticket once through its errors, and its decision reaches the merchant once', async () => {
    desk = await startLocalDesk();
    const temp = tempSqliteUrl();
    cleanup = temp.cleanup;
    const config = loadConfig(
      {
        STORAGE_URL: temp.url,
        DESK_API_TOKEN: 'desk-token-0123456789abc',
        DESK_WEBHOOK_URL: `${desk.url}/unbind-events`,
        DESK_WEBHOOK_SECRET: SECRET,
        DESK_TIMEOUT_MS: '500',
        OUTBOX_BASE_DELAY_MS: '10',
        OUTBOX_MAX_DELAY_MS: '200',
      },
      () => '',
    );
    const logger = createLogger('silent');
    const built = await createServer({ config, logger });
    assistant = built.assistant;
    const { router, events, outbox } = assistant;
    server = await startHttpServer(built.app, 0, '127.0.0.1');
    const told: string[] = [];
    events.subscribe({ channel: 'webchat', conversationId: 'conv-x' }, (reply) => told.push(reply.text));

    desk.failNext({ kind: 'status', status: 500 }, 1);
    desk.failNext({ kind: 'status', status: 429, retryAfter: '0' }, 1);
    desk.failNext({ kind: 'destroy', afterActing: true }, 1);
    let reply = '';
    for (const text of [...HAPPY_PATH_ZH, '确认提交']) {
      const replies = await router.handle({ channel: 'webchat', conversationId: 'conv-x', userId: 'm', text });
      reply = replies.map((r) => r.text).join('\n');
    }
    const ticketId = /UB-\d{8}-\d{4}/.exec(reply)?.[0];
    expect(ticketId).toBeDefined();

    const filedKeys = () =>
      new Set(
        desk.requests
          .filter((r) => (r.json as { event?: string } | undefined)?.event === 'filed')
          .map((r) => r.headers['idempotency-key']),
      );
    await expect.poll(() => outbox?.listPending().then((p) => p.length), { timeout: 10_000 }).toBe(0);
    expect(desk.requests.length).toBeGreaterThanOrEqual(4);
    expect(filedKeys().size).toBe(1);

    const body = JSON.stringify({ ticketId, decision: 'approve', by: 'alice', eventId: 'evt-1' });
    const send = () =>
      fetch(`${server.url}/api/desk/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-unbind-signature': signatureHeader([SECRET], Math.floor(Date.now() / 1000), body),
        },
        body,
      });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    await expect.poll(() => told.length, { timeout: 10_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a second notice would have come by now
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`${ticketId} 已审核通过`);
    const audit = await assistant.desk.listAudit({ ticketId });
    expect(audit.at(-1)).toMatchObject({ to: 'approved', by: 'webhook:alice' });
  });
});
