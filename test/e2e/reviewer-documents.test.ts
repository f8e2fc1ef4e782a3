/**
 * Reviewers see the documents merchants uploaded: in real Chromium the ticket shows each photo's
 * thumbnail (fetched with the reviewer's token) and opens it full size; without sign-in the
 * document route is 401. The external desks get signed short-lived addresses instead of
 * `document:` references: valid → 200, expired (the test clock) → 403, altered → 403.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DOCUMENT_URL_TTL_SECONDS } from '../../src/documents/signed-urls.ts';
import { sampleRequest } from '../helpers/fake-router.ts';
import { photo } from '../helpers/photos.ts';
import { DESK_TOKEN, startTestServer, type TestServer } from '../http/http-test-server.ts';
import { launchChromium } from './browser.ts';

let browser: Browser;
let server: TestServer;
let page: Page;
let ticketId = '';
let licenceId = '';
let deviceId = '';
const problems: string[] = [];
// The local stand-in for a webhook desk: it keeps each body it receives.
const webhookBodies: Array<{ event: string; ticket: { fields: { documents: Record<string, string> } } }> = [];
let webhookDesk: Server;

beforeAll(async () => {
  webhookDesk = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      webhookBodies.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"remoteId":"R-1"}');
    });
  });
  await new Promise<void>((resolve) => webhookDesk.listen(0, '127.0.0.1', resolve));
  const deskPort = (webhookDesk.address() as AddressInfo).port;
  server = await startTestServer({
    env: {
      DESK_WEBHOOK_URL: `http://127.0.0.1:${deskPort}/tickets`,
      DESK_WEBHOOK_SECRET: 'webhook-secret-for-tests-0123456789',
      PUBLIC_BASE_URL: 'https://unbind.example.com',
    },
  });
  const documents = server.assistant.documents;
  licenceId = (await documents.put(await photo('#3366aa', { width: 800, height: 600 }))).documentId;
  deviceId = (await documents.put(await photo('#aa6633', { width: 640, height: 480 }))).documentId;
  const links = sampleRequest().fields.documents;
  const filed = await server.desk.fileTicket(
    sampleRequest({
      conversationId: 'conv-photos',
      userId: 'conv-photos',
      fields: {
        documents: { ...links, businessLicense: `document:${licenceId}`, devicePhoto: `document:${deviceId}` },
      },
    }),
    'conv-photos',
  );
  ticketId = filed.id;
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => webhookDesk?.close(resolve));
});

describe('the reviewer sees uploaded documents', () => {
  it('shows each photo as a thumbnail, a link stays a link, and a click opens the full size', async () => {
    await page.goto(`${server.url}/desk/`);
    await page.locator('.desk:not([aria-busy])').waitFor();
    await page.locator('#token').fill(DESK_TOKEN);
    await page.locator('#token').press('Enter');
    await page.locator('#ticket-rows tr .ticket-link', { hasText: ticketId }).click();
    const licence = page.locator('#ticket .field[data-field="businessLicense"]');
    const thumbnail = licence.locator('img.doc-thumb-image');
    await thumbnail.waitFor({ state: 'visible' });
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // The thumbnail is the 320-pixel one, not the 800-pixel original.
    expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeLessThanOrEqual(320);
    expect(await thumbnail.getAttribute('alt')).toBe('营业执照');
    expect(await thumbnail.getAttribute('src')).toMatch(/^blob:/);
    // A link the merchant sent stays a link.
    const front = page.locator('#ticket .field[data-field="legalRepIdFront"] a.doc-link');
    expect(await front.getAttribute('href')).toBe(sampleRequest().fields.documents.legalRepIdFront);
    // Documents the answers do not ask for are not listed.
    expect(await page.locator('#ticket .field[data-field="guardianId"]').count()).toBe(0);
    expect(await page.locator('#ticket .field[data-field="lossReport"]').count()).toBe(0);

    // By keyboard: focus the thumbnail's button and press Enter.
    await licence.locator('button.doc-thumb').focus();
    await page.keyboard.press('Enter');
    const full = page.locator('dialog.doc-dialog img.doc-full');
    await full.waitFor({ state: 'visible' });
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);
    await page.keyboard.press('Escape');
    await page.locator('dialog.doc-dialog').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });

  it('refuses the document route without sign-in (401)', async () => {
    const response = await fetch(`${server.url}/api/desk/documents/${licenceId}?size=thumbnail`);
    expect(response.status).toBe(401);
    const signedIn = await fetch(`${server.url}/api/desk/documents/${licenceId}?size=thumbnail`, {
      headers: { authorization: `Bearer ${DESK_TOKEN}` },
    });
    expect(signedIn.status).toBe(200);
  });
});

describe('signed document addresses for the external desks', () => {
  const local = (signed: string) => {
    const url = new URL(signed);
    return `${server.url}${url.pathname}${url.search}`;
  };

  it('sends the webhook desk signed addresses, never document: references', async () => {
    await expect.poll(() => webhookBodies.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const filed = webhookBodies.find((body) => body.event === 'filed');
    const { documents } = filed?.ticket.fields ?? { documents: {} };
    expect(JSON.stringify(filed)).not.toContain('document:');
    expect(documents.businessLicense).toMatch(
      new RegExp(`^https://unbind\\.example\\.com/documents/${licenceId}\\?expires=\\d+&sig=[0-9a-f]{64}$`),
    );
    expect(documents.legalRepIdFront).toBe(sampleRequest().fields.documents.legalRepIdFront);
    // The built-in desk keeps the reference.
    expect((await server.desk.getTicket(ticketId))?.fields.documents.businessLicense).toBe(`document:${licenceId}`);
  });

  it('serves a valid address (200), refuses an altered one (403) and an expired one (403)', async () => {
    const signed = server.assistant.documentUrls.urlFor(deviceId);
    const valid = await fetch(local(signed));
    expect(valid.status).toBe(200);
    expect(valid.headers.get('content-type')).toBe('image/jpeg');
    expect(valid.headers.get('cache-control')).toBe('no-store');

    const url = new URL(signed);
    const sig = url.searchParams.get('sig') ?? '';
    const otherSig = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    const expires = Number(url.searchParams.get('expires'));
    const tampered = [
      signed.replace(`sig=${sig}`, `sig=${otherSig}`),
      signed.replace(`expires=${expires}`, `expires=${expires + 86_400}`),
      signed.replace(deviceId, licenceId),
      signed.replace(/&sig=.*$/, ''),
    ];
    for (const address of tampered) {
      const response = await fetch(local(address), { headers: { 'accept-language': 'en-US' } });
      expect(response.status, address).toBe(403);
      expect((await response.json()).error.code).toBe('link_invalid');
    }

    server.clock.advance(DEFAULT_DOCUMENT_URL_TTL_SECONDS * 1000 - 1000);
    expect((await fetch(local(signed))).status).toBe(200);
    server.clock.advance(1000);
    const expired = await fetch(local(signed), { headers: { 'accept-language': 'zh-CN' } });
    expect(expired.status).toBe(403);
    const body = await expired.json();
    expect(body.error.code).toBe('link_expired');
    expect(body.error.message).toContain('过期');
  });
});
