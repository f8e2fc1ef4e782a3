/**
 * Uploads over HTTP against the real server: 201 with the document's id, 413 / 415 / 422 with the
 * reason in the conversation's language, 401 without the token; a message may carry only its own
 * conversation's uploads; the thumbnail is served to that conversation only; reviewers fetch the
 * document with their bearer token (401 without).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisyPng, photo, photoWithGps } from '../helpers/photos.ts';
import { REAL_SERVER_DESK_TOKEN, type RealServer, startRealServer } from '../helpers/real-server.ts';

let server: RealServer;
beforeAll(async () => {
  server = await startRealServer();
});
afterAll(async () => server?.close());

interface Conversation {
  conversationId: string;
  token: string;
}

async function startConversation(locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<Conversation> {
  const response = await fetch(`${server.url}/api/webchat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ locale }),
  });
  return (await response.json()) as Conversation;
}

function upload(conversation: Conversation, bytes: Buffer, name = 'photo.jpg', token = conversation.token) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(`${server.url}/api/webchat/conversations/${conversation.conversationId}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

function send(conversation: Conversation, body: Record<string, unknown>) {
  return fetch(`${server.url}/api/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
    body: JSON.stringify({ conversationId: conversation.conversationId, ...body }),
  });
}

const HEIC = readFileSync(path.join(import.meta.dirname, '../fixtures/blue-64x48.heic'));

describe('POST /api/webchat/conversations/:id/uploads', () => {
  it('takes JPEG, PNG, WebP, HEIC and PDF: 201 {documentId, contentType, size}', async () => {
    const conversation = await startConversation();
    const files: [Buffer, string][] = [
      [await photo('#102030'), 'image/jpeg'],
      [
        await sharp(await photo('#203040'))
          .png()
          .toBuffer(),
        'image/png',
      ],
      [
        await sharp(await photo('#304050'))
          .webp()
          .toBuffer(),
        'image/webp',
      ],
      [HEIC, 'image/jpeg'],
      [Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf'],
    ];
    for (const [bytes, contentType] of files) {
      const response = await upload(conversation, bytes);
      expect(response.status).toBe(201);
      const body = (await response.json()) as { documentId: string; contentType: string; size: number };
      expect(body).toMatchObject({ contentType });
      expect(body.documentId).toMatch(/^[0-9a-f]{64}\.(jpg|png|webp|pdf)$/);
      expect(body.size).toBeGreaterThan(0);
    }
  });

  it('refuses an executable renamed .jpg (415), a 12 MB image (413) and a broken JPEG (422), in the page language', async () => {
    const zh = await startConversation('zh-CN');
    const executable = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000', 'hex'), Buffer.alloc(256)]);
    const refused = await upload(zh, executable, 'holiday.jpg');
    expect(refused.status).toBe(415);
    expect(await refused.json()).toMatchObject({
      error: { code: 'unsupported_type', message: expect.stringContaining('只能接收照片') },
    });

    const en = await startConversation('en-US');
    const big = await upload(en, await noisyPng(12 * 1024 * 1024), 'big.png');
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'too_large', message: expect.stringContaining('10 MB') } });

    const broken = (await photo('#999999', { width: 400, height: 300 })).subarray(0, 700);
    const unreadable = await upload(en, broken);
    expect(unreadable.status).toBe(422);
    expect(await unreadable.json()).toMatchObject({ error: { code: 'unreadable' } });
  });

  it('is 401 without the conversation token, and 415 for a body that is not multipart', async () => {
    const conversation = await startConversation();
    expect((await upload(conversation, await photo('#010101'), 'a.jpg', 'wrong-token-wrong-token')).status).toBe(401);
    const json = await fetch(`${server.url}/api/webchat/conversations/${conversation.conversationId}/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conversation.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });
});

describe('a message carrying uploads', () => {
  it("answers the document asked; another conversation's upload is refused and changes nothing", async () => {
    const mine = await startConversation();
    const theirs = await startConversation();
    const stored = (await (await upload(theirs, await photo('#aabbcc'))).json()) as { documentId: string };
    const refused = await send(mine, { text: '', attachments: [{ documentId: stored.documentId }] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'not_uploaded_here' } });

    const own = (await (await upload(mine, await photo('#ccbbaa'))).json()) as { documentId: string };
    const started = await send(mine, { text: '我要解绑', attachments: [{ documentId: own.documentId }] });
    const { replies } = (await started.json()) as { replies: { text: string }[] };
    expect(replies.map((r) => r.text).join('\n')).toContain('营业执照 已上传（照片）');
  });

  it('serves the thumbnail to the conversation that uploaded it, and to no other', async () => {
    const mine = await startConversation();
    const other = await startConversation();
    const { documentId } = (await (await upload(mine, await photo('#443322', { width: 900, height: 600 }))).json()) as {
      documentId: string;
    };
    const thumbnailOf = (conversation: Conversation, token: string) =>
      fetch(
        `${server.url}/api/webchat/conversations/${conversation.conversationId}/documents/${documentId}/thumbnail?token=${token}`,
      );
    const shown = await thumbnailOf(mine, mine.token);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('content-type')).toBe('image/jpeg');
    expect(shown.headers.get('cache-control')).toContain('no-store');
    const meta = await sharp(Buffer.from(await shown.arrayBuffer())).metadata();
    expect(meta.width).toBe(320);
    expect((await thumbnailOf(other, other.token)).status).toBe(404);
    expect((await thumbnailOf(mine, other.token)).status).toBe(401);
  });
});

describe('GET /api/desk/documents/:documentId', () => {
  it('is 401 without sign-in; with the desk token, the document without its GPS, or its thumbnail', async () => {
    const conversation = await startConversation();
    const { documentId } = (await (await upload(conversation, await photoWithGps())).json()) as { documentId: string };
    const url = `${server.url}/api/desk/documents/${documentId}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer not-the-desk-token-000' } })).status).toBe(401);
    const auth = { authorization: `Bearer ${REAL_SERVER_DESK_TOKEN}` };
    const full = await fetch(url, { headers: auth });
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await full.arrayBuffer())).metadata()).exif).toBeUndefined();
    const thumbnail = await fetch(`${url}?size=thumbnail`, { headers: auth });
    expect(thumbnail.status).toBe(200);
    expect((await fetch(`${server.url}/api/desk/documents/${'1'.repeat(64)}.jpg`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${url}?size=huge`, { headers: auth })).status).toBe(400);
  });
});
