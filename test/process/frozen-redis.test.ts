/**
 * Issue 8: a frozen Redis must not hang the merchant. `npm start` on a Redis of the test's own,
 * frozen with SIGSTOP mid-conversation: the next message gets a polite 503 in the merchant's
 * language within 5 s, /readyz says 503 so a load balancer stops sending traffic, /healthz (liveness)
 * still says 200; after SIGCONT the conversation goes on with nothing lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { t } from '../../src/i18n/translate.ts';
import { type OwnRedis, startOwnRedis } from '../helpers/own-redis.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';

let redis: OwnRedis;
let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  redis = await startOwnRedis();
  dataDir = mkdtempSync(path.join(tmpdir(), 'frozen-redis-'));
  server = await startServerProcess({
    STORAGE_URL: redis.url,
    DATA_DIR: dataDir,
    DESK_API_TOKEN: 'frozen-redis-desk-token-0123',
    LOG_LEVEL: 'silent',
  });
}, 30_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function timed(url: string, init?: RequestInit) {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { status: response.status, headers: response.headers, body, ms: performance.now() - started };
}

it('answers "try again in a moment" within 5 s while Redis is frozen, then goes on with nothing lost', async () => {
  const [first, second, third, fourth, ...rest] = HAPPY_PATH_ZH;
  for (const text of [first, second, third]) await server.send('merchant', text as string);
  expect((await timed(`${server.url}/readyz`)).status).toBe(200);

  const { conversationId, token } = server.conversation('merchant');
  const message = (language: string) =>
    timed(`${server.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': language },
      body: JSON.stringify({ conversationId, text: fourth, messageId: `frozen-${language}` }),
    });

  redis.freeze();
  try {
    const [zh, en, ready, health] = await Promise.all([
      message('zh-CN'),
      message('en-US'),
      timed(`${server.url}/readyz`),
      timed(`${server.url}/healthz`),
    ]);
    for (const [answer, locale] of [
      [zh, 'zh-CN'],
      [en, 'en-US'],
    ] as const) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(5_000);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'storage_unavailable', message: t(locale, 'http:error.storage_unavailable') },
      });
    }
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(5_000);
    expect(JSON.parse(ready.body)).toMatchObject({ ok: false, storage: 'timeout' });
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1_000);
  } finally {
    redis.thaw();
  }

  // Ready again once Redis answers (the client reconnects by itself if it had to).
  const deadline = Date.now() + 10_000;
  let ready = await timed(`${server.url}/readyz`);
  while (ready.status !== 200 && Date.now() < deadline) ready = await timed(`${server.url}/readyz`);
  expect(JSON.parse(ready.body)).toMatchObject({ ok: true, storage: 'ok' });

  // The refused message changed nothing: the same answer goes on from where the merchant was, and the
  // summary still holds what was answered before the freeze.
  let last = '';
  for (const text of [fourth, ...rest])
    last = (await server.send('merchant', text as string)).map((r) => r.text).join('\n');
  expect(last).toContain('N5W1234567');
  expect(last).toContain('102100012345678');
  const filed = (await server.send('merchant', '确认提交')).map((r) => r.text).join('\n');
  expect(filed).toMatch(/UB-\d{8}-\d{4}/);
}, 60_000);
