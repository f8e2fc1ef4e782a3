/**
 * /readyz reports storage (and, for information, an external desk's outbox); storage alone makes
 * it 503. A storage timeout anywhere in a request is a polite 503 with Retry-After, not a 500.
 * The real frozen Redis is test/process/frozen-redis.test.ts; here the store's ping is made to fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/translate.ts';
import { StorageTimeoutError } from '../../src/storage/versioned-store.ts';
import { sampleRequest } from '../helpers/fake-router.ts';
import { openConversation, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const readyz = async (url: string) => {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, cache: response.headers.get('cache-control'), body: await response.json() };
};

describe('GET /readyz', () => {
  it('is 200 with storage ok when the store answers, and names the built-in desk', async () => {
    server = await startTestServer();
    expect(await readyz(server.url)).toEqual({
      status: 200,
      cache: 'no-store',
      body: { ok: true, storage: 'ok', desk: { connector: 'builtin' } },
    });
  });

  it('is 503 when the store times out or fails; /healthz stays 200', async () => {
    server = await startTestServer();
    const { store } = server.assistant;
    for (const [failure, state] of [
      [new StorageTimeoutError('ping', 2_000), 'timeout'],
      [new Error('connection refused'), 'error'],
    ] as const) {
      store.ping = () => Promise.reject(failure);
      expect(await readyz(server.url)).toMatchObject({ status: 503, body: { ok: false, storage: state } });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }
  });

  it("reports an external desk's outbox counts, which never make it unready", async () => {
    server = await startTestServer({
      env: {
        // Nothing listens there: the desk is "down", and its tickets wait in the outbox.
        DESK_WEBHOOK_URL: 'http://127.0.0.1:9/hooks',
        DESK_WEBHOOK_SECRET: 'readiness-webhook-secret-0123',
      },
      // The test clock stands still, so after the first failed attempt the ticket's event stays pending.
      seed: async (desk) => void (await desk.fileTicket(sampleRequest(), 'readiness-1')),
    });
    expect(await readyz(server.url)).toMatchObject({
      status: 200,
      body: { ok: true, storage: 'ok', desk: { connector: 'external', pending: 1, parked: 0 } },
    });
  });
});

describe('a storage timeout during a request', () => {
  it("is 503 storage_unavailable with Retry-After, in the reader's language", async () => {
    server = await startTestServer({
      script: () => {
        throw new StorageTimeoutError('commit', 2_000);
      },
    });
    const conversation = await openConversation(server);
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const answer = await conversation.say({ text: '你好', locale });
      expect(answer.status).toBe(503);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(answer.body).toEqual({
        error: { code: 'storage_unavailable', message: t(locale, 'http:error.storage_unavailable') },
      });
    }
  });
});
