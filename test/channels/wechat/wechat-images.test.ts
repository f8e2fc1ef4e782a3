/**
 * Photos through WeChat: `image` messages (MediaId, PicUrl) fetched through the media API of the
 * local WeChat stand-in with the access token the channel manages, checked and kept by the same
 * document store, answering the form's documents; a whole request filed with photos only. A file
 * that is not a photo is refused with the reason and nothing is noted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../../src/http/start-server.ts';
import { createFixedClock, createSequentialIds } from '../../../src/platform/clock-and-ids.ts';
import { loadConfig } from '../../../src/platform/config.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { createServer, type Server } from '../../../src/server.ts';
import { photo, photoWithGps } from '../../helpers/photos.ts';
import { HAPPY_PATH_ZH, TEST_START } from '../../helpers/test-assistant.ts';
import { postToWechat, startWechatStandIn, type WechatStandIn } from '../../helpers/wechat-stand-in.ts';

const ACCOUNT = { token: 'imagesToken42' };
const DESK_TOKEN = 'wechat-images-desk-token-0123';
const NOW_S = Math.floor(TEST_START.getTime() / 1000);

let standIn: WechatStandIn;
let dir: string;
let server: Server;
let url: string;
let closeHttp: () => Promise<void>;

beforeAll(async () => {
  standIn = await startWechatStandIn();
  dir = mkdtempSync(path.join(tmpdir(), 'wechat-images-'));
  const config = loadConfig(
    {
      DESK_API_TOKEN: DESK_TOKEN,
      DATA_DIR: dir,
      STORAGE_URL: `sqlite://${path.join(dir, 'test.sqlite')}`,
      WECHAT_TOKEN: ACCOUNT.token,
      WECHAT_APP_ID: 'wx0123456789abcdef',
      WECHAT_APP_SECRET: 'app-secret-for-tests',
      WECHAT_API_BASE: standIn.url,
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
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One merchant: texts and images, each with its own MsgId; returns the passive answer. */
function merchant(openId: string) {
  let msgId = 6054768590064713728n;
  const post = async (fields: Record<string, string | number>) => {
    msgId += 1n;
    const answer = await postToWechat(
      url,
      ACCOUNT,
      { FromUserName: openId, CreateTime: NOW_S, MsgId: msgId.toString(), ...fields },
      { timestamp: NOW_S },
    );
    expect(answer.status).toBe(200);
    return answer.reply?.Content ?? answer.text;
  };
  return {
    say: (text: string) => post({ MsgType: 'text', Content: text }),
    sendImage: (mediaId: string) =>
      post({ MsgType: 'image', PicUrl: `http://mmbiz.example/${mediaId}`, MediaId: mediaId }),
  };
}

describe('WeChat image messages', () => {
  it('a whole request filed with photos only: each photo answers the document asked', async () => {
    const { say, sendImage } = merchant('oPhotosOnlyMerchant000000001');
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(text);
    const colours = ['#aa1111', '#11aa11', '#1111aa'];
    const answers: string[] = [];
    for (const [i, colour] of colours.entries()) {
      standIn.addMedia(`media-${i}`, await photo(colour));
      answers.push(await sendImage(`media-${i}`));
    }
    expect(answers[0]).toContain('营业执照 已上传（照片）');
    expect(answers[1]).toContain('法人身份证正面 已上传（照片）');
    expect(answers[2]).toContain('法人身份证反面 已上传（照片）');
    standIn.addMedia('media-device', await photoWithGps());
    const summary = await sendImage('media-device');
    expect(summary).toContain('设备照片：已上传（照片）');
    const filed = await say('确认提交');
    const ticketId = /UB-\d{8}-\d{4}/.exec(filed)?.[0];
    expect(ticketId).toBeDefined();
    const ticket = await server.assistant.desk.getTicket(ticketId!);
    const documents = Object.values(ticket!.fields.documents);
    expect(documents).toHaveLength(4);
    for (const reference of documents) expect(reference).toMatch(/^document:[0-9a-f]{64}\.jpg$/);
    // Fetched with the access token the channel manages.
    const fetches = standIn.calls.filter((c) => c.path === '/cgi-bin/media/get' && c.errcode === 0);
    expect(fetches).toHaveLength(4);
    for (const call of fetches) expect(call.query.get('access_token')).toBe(standIn.tokens.at(-1));
    // The reviewer's copy of the device photo has no GPS left.
    const deviceId = ticket!.fields.documents.devicePhoto!.slice('document:'.length);
    const response = await fetch(`${url}/api/desk/documents/${deviceId}`, {
      headers: { authorization: `Bearer ${DESK_TOKEN}` },
    });
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).exif).toBeUndefined();
  });

  it('a file that is not a photo is refused with the reason, and the document is asked again', async () => {
    const { say, sendImage } = merchant('oNotAPhotoMerchant0000000002');
    for (const text of HAPPY_PATH_ZH.slice(0, 10)) await say(text);
    standIn.addMedia('media-exe', Buffer.concat([Buffer.from('7f454c46', 'hex'), Buffer.alloc(300, 7)]));
    const refused = await sendImage('media-exe');
    expect(refused).toContain('只能接收照片');
    expect(refused).not.toContain('已上传');
    standIn.addMedia('media-ok', await photo('#345678'));
    expect(await sendImage('media-ok')).toContain('营业执照 已上传（照片）');
  });
});
