/**
 * `npm start` serves the agent API: the real server as a child process, a merchant queued in web
 * chat, an agent claiming and writing, the SIGKILLed server restarted on the same data with the
 * conversation still the agent's, and the agent's message kept in the transcript.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';

const ALICE = 'alice-token-0123456789';
// Open at any hour the test runs.
const ENV = { AGENT_TOKENS: `alice:${ALICE}`, BUSINESS_HOURS: '00:00-23:59', BUSINESS_DAYS: '1-7' };

let server: ServerProcess | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function agentCall(method: string, route: string, body?: unknown, token = ALICE) {
  const response = await fetch(`${server?.url}/api/agent${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      conversations?: unknown[];
      owner?: string;
      transcript?: { author: string; text: string }[];
    },
  };
}

describe('npm start serves the agent API', () => {
  it('queue, claim, message; a restart keeps the owner and the transcript', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-agents-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ...ENV });
    expect((await agentCall('GET', '/queue', undefined, '')).status).toBe(401);
    expect((await server.send('merchant', '人工')).map((r) => r.text).join()).toContain('排在第 1 位');
    const { conversationId } = server.conversation('merchant');
    const queue = await agentCall('GET', '/queue');
    expect(queue.body.conversations).toEqual([expect.objectContaining({ conversationId, channel: 'webchat' })]);
    expect(await agentCall('POST', `/conversations/${conversationId}/claim`)).toEqual({
      status: 200,
      body: { owner: 'agent:alice' },
    });
    expect((await agentCall('POST', `/conversations/${conversationId}/messages`, { text: '您好' })).status).toBe(201);

    await server.kill('SIGKILL');
    server = await startServerProcess({ DATA_DIR: dataDir, ...ENV });
    expect(await server.send('merchant', '还在吗')).toEqual([]);
    const view = await agentCall('GET', `/conversations/${conversationId}?channel=webchat`);
    expect(view.body.owner).toBe('agent:alice');
    const texts = (view.body.transcript ?? []).map((e) => `${e.author}: ${e.text}`);
    expect(texts).toEqual(expect.arrayContaining(['merchant: 人工', 'agent:alice: 您好', 'merchant: 还在吗']));
    // No message text in the logs.
    expect(server.output()).not.toContain('还在吗');
  });
});
