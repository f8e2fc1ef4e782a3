/**
 * Bot Framework through the real `npm start` process: activities POSTed to /api/messages the way
 * the Emulator does (no credentials), with `serviceUrl` pointing at a local stand-in connector
 * that records what the bot sends. With credentials configured, CloudAdapter checks the JWT.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/versioned-store.ts';
import { type LocalConnector, startLocalConnector } from '../helpers/local-connector.ts';
import { runMainExpectingFailure, type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';

const DESK_TOKEN = 'botframework-desk-token-0123456789';
const bearer = { authorization: `Bearer ${DESK_TOKEN}` };

let dataDir: string;
let server: ServerProcess | undefined;
let connector: LocalConnector | undefined;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  await connector?.close();
  connector = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = { BOTFRAMEWORK_ENABLED: 'true' }) {
  dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-botframework-'));
  connector = await startLocalConnector();
  server = await startServerProcess({ DATA_DIR: dataDir, DESK_API_TOKEN: DESK_TOKEN, ...env });
  return { server, connector };
}

let sequence = 0;

/** An activity as the Emulator sends it, into `conversationId`. */
function activity(conversationId: string, fields: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    type: 'message',
    id: `activity-${sequence}`,
    channelId: 'emulator',
    serviceUrl: connector?.url,
    timestamp: new Date().toISOString(),
    locale: 'zh-CN',
    from: { id: 'merchant-1', name: 'Merchant' },
    recipient: { id: 'bot-1', name: 'Bot' },
    conversation: { id: conversationId },
    ...fields,
  };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server?.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** Sends a message and returns the texts the bot sent back for it (in reply to its id). */
async function say(conversationId: string, text: string, fields: Record<string, unknown> = {}): Promise<string> {
  const sent = activity(conversationId, { text, ...fields });
  expect((await post(sent)).status).toBe(200);
  return (connector?.received ?? [])
    .filter((r) => r.conversationId === conversationId && r.replyToId === sent.id)
    .map((r) => r.activity.text ?? '')
    .join('\n');
}

async function storedKeys(prefix: string): Promise<string[]> {
  const store = await openStore(`sqlite://${path.join(dataDir, 'assistant.sqlite')}`);
  try {
    return await store.keys(prefix);
  } finally {
    await store.close();
  }
}

describe('Bot Framework at /api/messages (the Emulator: no credentials)', () => {
  it('greets, files a whole unbind request, and a reviewer decision reaches the conversation', {
    timeout: 60_000,
  }, async () => {
    const { server, connector } = await start();
    expect(server.output()).toContain(`botframework ${server.url}/api/messages`);

    const joined = activity('bf-conv-1', {
      type: 'conversationUpdate',
      membersAdded: [{ id: 'bot-1' }, { id: 'merchant-1' }],
    });
    expect((await post(joined)).status).toBe(200);
    const greeting = connector.received.find((r) => r.replyToId === joined.id);
    expect(greeting?.activity.text).toContain('店掌柜 POS 解绑助手');
    expect(greeting?.activity.suggestedActions?.actions).toContainEqual(
      expect.objectContaining({ type: 'imBack', title: '我要解绑', value: '我要解绑' }),
    );

    // The business licence comes as a file shared from OneDrive: its https link answers that question.
    const licence = 'https://contoso.sharepoint.com/personal/m/licence.jpg';
    let last = '';
    for (const text of [...HAPPY_PATH_ZH, '确认提交']) {
      last =
        text === 'https://pan.example.com/s/licence'
          ? await say('bf-conv-1', '', {
              attachments: [{ contentType: 'image/jpeg', contentUrl: licence, name: 'licence.jpg' }],
            })
          : await say('bf-conv-1', text);
    }
    const ticketId = /UB-\d{8}-\d{4}/.exec(last)?.[0];
    expect(ticketId, last).toBeDefined();
    // Choices the bot offers on the way are Bot Framework suggested actions.
    expect(connector.received.some((r) => r.activity.suggestedActions?.actions[0]?.type === 'imBack')).toBe(true);

    // The ticket belongs to the Emulator's conversation, not to any web chat one.
    const listed = await fetch(
      `${server.url}/api/desk/tickets?conversationId=bf-conv-1&channel=botframework-emulator`,
      { headers: bearer },
    );
    const tickets = (
      (await listed.json()) as { tickets: Array<{ id: string; fields: { documents: Record<string, string> } }> }
    ).tickets;
    expect(tickets.map((t) => t.id)).toEqual([ticketId]);
    expect(tickets[0]?.fields.documents.businessLicense).toBe(licence);

    const decided = await fetch(`${server.url}/api/desk/tickets/${ticketId}/decision`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(decided.status).toBe(200);
    // Proactive: continueConversationAsync to the stored reference, told once.
    expect(await connector.waitFor('bf-conv-1', new RegExp(`${ticketId} 已审核通过`))).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(connector.texts('bf-conv-1').filter((text) => text.includes(`${ticketId} 已审核通过`))).toHaveLength(1);
  });

  it('answers a redelivered activity once, keeps web chat apart, and asks for a link instead of a file', {
    timeout: 30_000,
  }, async () => {
    const { server, connector } = await start();
    const first = activity('bf-conv-2', { text: '我要解绑' });
    expect((await post(first)).status).toBe(200);
    const answered = connector.received.length;
    expect(answered).toBeGreaterThan(0);
    expect((await post(first)).status).toBe(200);
    expect(connector.received).toHaveLength(answered);

    // The web chat conversation with the same id is another conversation: the form starts afresh.
    await server.send('web', '我要解绑');
    const webchatId = server.conversation('web').conversationId;
    const fresh = await say(webchatId, '我要解绑');
    expect(fresh).toContain('店掌柜 POS 解绑助手');
    expect(fresh).not.toContain('正在填写中');

    const file = await say('bf-conv-2', '', {
      attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1:1/licence.png', name: 'licence.png' }],
    });
    expect(file).toContain('分享链接');
  });

  it('refuses malformed, oversized and incomplete activities, and replies only to this machine', async () => {
    const { connector } = await start();
    const malformed = await post('{"type": "message",');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text)).toMatchObject({ error: { code: 'invalid_json' } });
    expect((await post(activity('bf-big', { text: 'x'.repeat(300 * 1024) }))).status).toBe(413);
    expect((await post({ ...activity('bf-bad'), conversation: undefined })).status).toBe(400);
    expect((await post(activity('bf-bad', { text: 'a\u0000b' }))).status).toBe(400);
    // Unauthenticated, a reply to anywhere else would let anyone make this server post to any URL.
    const elsewhere = await post(activity('bf-elsewhere', { text: '你好', serviceUrl: 'https://example.com/' }));
    expect(elsewhere.status).toBe(401);
    expect(connector.received).toHaveLength(0);
    expect(await storedKeys('botframework/')).toEqual([]);
  });
});

describe('Bot Framework with credentials', () => {
  const credentials = {
    MICROSOFT_APP_ID: '00000000-1111-2222-3333-444444444444',
    MICROSOFT_APP_PASSWORD: 'not-a-real-password-0123456789',
  };

  it('refuses an unsigned request with 401 and stores and sends nothing', async () => {
    const { connector } = await start(credentials);
    const unsigned = await post(activity('bf-signed', { text: '我要解绑' }));
    expect(unsigned.status).toBe(401);
    expect(JSON.parse(unsigned.text)).toMatchObject({ error: { code: 'unauthorized' } });
    const garbage = await post(activity('bf-signed', { text: '我要解绑' }), { authorization: 'Bearer not.a.jwt' });
    expect(garbage.status).toBe(401);
    expect(connector.received).toHaveLength(0);
    expect(await storedKeys('botframework/')).toEqual([]);
    expect(await storedKeys('dedupe/')).toEqual([]);
  });

  it('will not start with half a configuration', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-botframework-'));
    const failed = await runMainExpectingFailure({ DATA_DIR: dataDir, MICROSOFT_APP_ID: credentials.MICROSOFT_APP_ID });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('MICROSOFT_APP_PASSWORD');
  });
});
