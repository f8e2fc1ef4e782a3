/**
 * `npm start` twice on one Redis (a Redis of the test's own): the merchant chats with instance B
 * and keeps its event stream open there; a reviewer decides through instance A's desk API; the
 * decision reaches the merchant's stream on B live (Redis pub/sub rings B, which reads the stored
 * notice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openEvents } from '../helpers/event-stream.ts';
import { type OwnRedis, startOwnRedis } from '../helpers/own-redis.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';

const DESK_TOKEN = 'two-instances-desk-token-0123';

let redis: OwnRedis;
let a: ServerProcess;
let b: ServerProcess;
const dataDirs: string[] = [];

beforeAll(async () => {
  redis = await startOwnRedis();
  const start = async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'two-instances-'));
    dataDirs.push(dataDir);
    return startServerProcess({
      STORAGE_URL: redis.url,
      DATA_DIR: dataDir,
      DESK_API_TOKEN: DESK_TOKEN,
      LOG_LEVEL: 'silent',
    });
  };
  [a, b] = await Promise.all([start(), start()]);
}, 40_000);

afterAll(async () => {
  await a?.kill('SIGKILL');
  await b?.kill('SIGKILL');
  await redis?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

it('a decision made through instance A’s desk API reaches the web chat stream open on instance B', async () => {
  let last = '';
  for (const text of [...HAPPY_PATH_ZH, '确认提交'])
    last = (await b.send('merchant', text)).map((r) => r.text).join('\n');
  const ticket = /UB-\d{8}-\d{4}/.exec(last)?.[0];
  expect(ticket).toBeDefined();

  // No ?after=: only what is published from now on, so what arrives came live.
  const { conversationId, token } = b.conversation('merchant');
  const stream = await openEvents(`${b.url}/api/webchat/conversations/${conversationId}/events?token=${token}`);
  const started = performance.now();
  const decided = await fetch(`${a.url}/api/desk/tickets/${ticket}/decision`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DESK_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ decision: 'approve' }),
  });
  expect(decided.status).toBe(200);
  const received = await stream.until(/已审核通过/, 5_000);
  console.log(`decision on A, on B's stream after ${(performance.now() - started).toFixed(0)} ms`);
  expect(received).toContain(`您的解绑申请 ${ticket} 已审核通过`);
}, 60_000);
