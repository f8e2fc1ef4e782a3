/**
 * Photos attached to Bot Framework activities, as the Emulator sends them (no credentials), against
 * the real assistant and a local connector: a file on the channel's service is fetched from it, a
 * small one inline (`data:`) is decoded, both checked and kept by the document store and answering
 * the document asked; an executable renamed .jpg is refused in the merchant's language; a link
 * elsewhere is not fetched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/http/start-server.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createServer, type Server } from '../../src/server.ts';
import { type LocalConnector, startLocalConnector } from '../helpers/local-connector.ts';
import { photo } from '../helpers/photos.ts';
import { HAPPY_PATH_ZH, TEST_START } from '../helpers/test-assistant.ts';

let connector: LocalConnector;
let elsewhere: LocalConnector;
let dir: string;
let server: Server;
let url: string;
let closeHttp: () => Promise<void>;

beforeAll(async () => {
  connector = await startLocalConnector();
  elsewhere = await startLocalConnector();
  dir = mkdtempSync(path.join(tmpdir(), 'botframework-files-'));
  const config = loadConfig(
    {
      DESK_API_TOKEN: 'botframework-files-desk-token-0123',
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'test.sqlite')}`,
      BOTFRAMEWORK_ENABLED: 'true',
    },
    () => '',
  );
  server = await createServer({
    config,
    logger: createLogger('silent'),
    clock: createFixedClock(TEST_START),
    ids: createSequentialIds('run'),
  });
  const http = await startHttpServer(server.app, 0, '127.0.0.1', { shutdownGraceMs: 200 });
  url = http.url;
  closeHttp = http.close;
});
afterAll(async () => {
  await closeHttp?.();
  await server?.close();
  await connector?.close();
  await elsewhere?.close();
  rmSync(dir, { recursive: true, force: true });
});

let sequence = 0;

/** Sends an Emulator activity and returns the texts the bot sent back in reply to it. */
async function send(conversationId: string, fields: Record<string, unknown>): Promise<string> {
  sequence += 1;
  const id = `activity-${sequence}`;
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id,
      channelId: 'emulator',
      serviceUrl: connector.url,
      locale: 'zh-CN',
      from: { id: 'merchant-1' },
      recipient: { id: 'bot-1' },
      conversation: { id: conversationId },
      ...fields,
    }),
  });
  expect(response.status).toBe(200);
  return connector.received
    .filter((r) => r.conversationId === conversationId && r.replyToId === id)
    .map((r) => r.activity.text ?? '')
    .join('\n');
}
const say = (conversationId: string, text: string) => send(conversationId, { text });
const attach = (conversationId: string, contentUrl: string, text = '') =>
  send(conversationId, { text, attachments: [{ contentType: 'image/jpeg', contentUrl, name: 'photo.jpg' }] });

describe('Bot Framework attachments', () => {
  it('photos from the channel and inline answer the documents asked; the ticket holds them', async () => {
    const conversation = 'bf-photos-1';
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(conversation, text);
    expect(await attach(conversation, connector.addAttachment(await photo('#aa1111')))).toContain(
      '营业执照 已上传（照片）',
    );
    const inline = `data:image/jpeg;base64,${(await photo('#11aa11')).toString('base64')}`;
    expect(await attach(conversation, inline, '身份证反面')).toContain('法人身份证反面 已上传（照片）');
    expect(await attach(conversation, connector.addAttachment(await photo('#1111aa')))).toContain(
      '法人身份证正面 已上传（照片）',
    );
    const summary = await attach(conversation, connector.addAttachment(await photo('#884422')));
    expect(summary).toContain('设备照片：已上传（照片）');
    const filed = await say(conversation, '确认提交');
    const ticketId = /UB-\d{8}-\d{4}/.exec(filed)?.[0];
    expect(ticketId).toBeDefined();
    const documents = (await server.assistant.desk.getTicket(ticketId as string))?.fields.documents;
    expect(Object.values(documents ?? {})).toHaveLength(4);
    for (const reference of Object.values(documents ?? {})) expect(reference).toMatch(/^document:[0-9a-f]{64}\.jpg$/);
    // Three fetched from the connector (without credentials, no token to send); one was inline.
    expect(connector.attachmentFetches).toHaveLength(3);
  });

  it('an executable renamed .jpg is refused with the reason in the merchant language', async () => {
    const executable = Buffer.concat([Buffer.from('4d5a9000', 'hex'), Buffer.alloc(400, 1)]);
    const zh = 'bf-photos-2';
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(zh, text);
    const refused = await attach(zh, connector.addAttachment(executable));
    expect(refused).toContain('只能接收照片');
    expect(refused).not.toContain('已上传');
    expect(await attach(zh, connector.addAttachment(await photo('#345678')))).toContain('营业执照 已上传（照片）');
    const en = await send('bf-photos-3', {
      locale: 'en-US',
      attachments: [{ contentType: 'image/jpeg', contentUrl: connector.addAttachment(executable) }],
    });
    expect(en).toContain('I can only accept photos');
  });

  it('a file on another host is not fetched: its https link is offered, anything else asks for a link', async () => {
    const conversation = 'bf-photos-4';
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(conversation, text);
    const foreign = elsewhere.addAttachment(await photo('#aa1111'));
    const answer = await attach(conversation, foreign);
    expect(elsewhere.attachmentFetches).toEqual([]);
    expect(answer).toContain('https');
    expect(answer).not.toContain('已上传（照片）');
  });
});
