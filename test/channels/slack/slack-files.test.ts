/**
 * Photos shared in a Slack DM (`file_share`) against the real assistant and the local Slack
 * stand-in: each file is fetched from its private link with the bot token, checked and kept by
 * the document store, and answers the document asked (with its label, where it says one); a link
 * on another host is never fetched; a file that is not a photo is refused in the merchant's language.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../src/http/start-server.ts';
import { createFixedClock, createSequentialIds } from '../../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { createServer, type Server } from '../../../src/server.ts';
import { photo } from '../../helpers/photos.ts';
import {
  directMessageEvent,
  postToSlackRoute,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
} from '../../helpers/slack-requests.ts';
import { type SlackStandIn, startSlackStandIn } from '../../helpers/slack-stand-in.ts';
import { HAPPY_PATH_ZH, TEST_START } from '../../helpers/test-assistant.ts';

let slack: SlackStandIn;
let dir: string;
let server: Server;
let url: string;
let closeHttp: () => Promise<void>;

beforeAll(async () => {
  slack = await startSlackStandIn();
  dir = mkdtempSync(path.join(tmpdir(), 'slack-files-'));
  const config = loadConfig(
    {
      DESK_API_TOKEN: 'slack-files-desk-token-0123',
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'test.sqlite')}`,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_API_URL: slack.url,
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
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One merchant's DM: each message is a signed event; returns the texts posted back for it. */
function merchant(channel: string, user: string) {
  const send = async (text: string, extra: Record<string, unknown> = {}) => {
    const before = slack.posts().length;
    const body = directMessageEvent({ channel, user, text, ...extra });
    const answer = await postToSlackRoute(`${url}/slack/events`, { body }, TEST_START.getTime());
    expect(answer.status).toBe(200);
    // The turn is done at the 200; its replies are posted right after: wait until they stop coming.
    let seen = -1;
    for (let i = 0; i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const now = slack.posts().length;
      if (now > before && now === seen) break;
      seen = now;
    }
    return slack
      .posts()
      .slice(before)
      .filter((p) => p.fields.channel === channel)
      .map((p) => p.fields.text ?? '')
      .join('\n');
  };
  const share = (text: string, fileUrls: string[]) =>
    send(text, {
      subtype: 'file_share',
      files: fileUrls.map((fileUrl, i) => ({
        id: `F${i}${channel}`,
        url_private_download: fileUrl,
        mimetype: 'image/jpeg',
      })),
    });
  return { say: (text: string) => send(text), share };
}

async function ticketOf(filed: string) {
  const ticketId = /UB-\d{8}-\d{4}/.exec(filed)?.[0];
  expect(ticketId).toBeDefined();
  return (await server.assistant.desk.getTicket(ticketId as string))?.fields.documents;
}

describe('Slack file_share', () => {
  it('photos answer the documents asked, a labelled one goes to its document; fetched with the bot token', async () => {
    const { say, share } = merchant('DFILES1', 'UFILES1');
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(text);
    const licence = slack.addFile('licence.jpg', await photo('#aa1111'));
    expect(await share('', [licence])).toContain('营业执照 已上传（照片）');
    const back = slack.addFile('back.jpg', await photo('#11aa11'));
    expect(await share('身份证反面', [back])).toContain('法人身份证反面 已上传（照片）');
    const front = slack.addFile('front.jpg', await photo('#1111aa'));
    const device = slack.addFile('device.jpg', await photo('#884422'));
    const summary = await share('', [front, device]);
    expect(summary).toContain('设备照片：已上传（照片）');
    const documents = await ticketOf(await say('确认提交'));
    expect(Object.values(documents ?? {})).toHaveLength(4);
    for (const reference of Object.values(documents ?? {})) expect(reference).toMatch(/^document:[0-9a-f]{64}\.jpg$/);
    expect(documents?.legalRepIdBack).not.toBe(documents?.legalRepIdFront);
    expect(slack.fileFetches).toHaveLength(4);
    for (const fetch of slack.fileFetches) expect(fetch.authorization).toBe(`Bearer ${TEST_BOT_TOKEN}`);
  });

  it('a file link on another host is not fetched (the token stays home) and is refused', async () => {
    const foreign: { authorization: string | undefined }[] = [];
    const elsewhere = createHttpServer((req, res) => {
      foreign.push({ authorization: req.headers.authorization });
      res.end('x');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const { say, share } = merchant('DFILES2', 'UFILES2');
      for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(text);
      const { port } = elsewhere.address() as AddressInfo;
      const fetchesBefore = slack.fileFetches.length;
      const refused = await share('', [`http://127.0.0.1:${port}/files-pri/T0001-F9/download/licence.jpg`]);
      expect(refused).toContain('没有打开它');
      expect(refused).not.toContain('已上传');
      expect(foreign).toEqual([]);
      expect(slack.fileFetches.length).toBe(fetchesBefore);
      // A Slack-looking link over plain http is not Slack's either.
      expect(await share('', ['http://files.slack.com/files-pri/T0001-F9/download/a.jpg'])).toContain('没有打开它');
      expect(foreign).toEqual([]);
    } finally {
      elsewhere.closeAllConnections();
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('an executable renamed .jpg is refused with the reason in the merchant language, and nothing is noted', async () => {
    const { say, share } = merchant('DFILES3', 'UFILES3');
    for (const text of ['I want to unbind', 'agree']) await say(text);
    const executable = slack.addFile(
      'photo.jpg',
      Buffer.concat([Buffer.from('4d5a9000', 'hex'), Buffer.alloc(400, 1)]),
    );
    const refused = await share('', [executable]);
    expect(refused).toContain('I can only accept photos');
    expect(refused).not.toMatch(/uploaded/);
    const zh = merchant('DFILES4', 'UFILES4');
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await zh.say(text);
    const refusedZh = await zh.share('', [executable]);
    expect(refusedZh).toContain('只能接收照片');
    // The document is still the one asked: the next photo answers it.
    expect(await zh.share('', [slack.addFile('ok.jpg', await photo('#345678'))])).toContain('营业执照 已上传（照片）');
  });
});
